"""Emergencies: a gas smell, flooding, fire, sparking wires. Residents are shown the emergency
numbers before they report, and such reports are marked urgent."""

import re

# Word beginnings in Polish (and English) that signal danger to people or the building.
_PHRASES = re.compile(
    r"\b(gaz|gazu|ulatnia|zala[nłlw]|zalewa|powódź|powodz|pęk[łn]\w* rur|pożar|pali się|dym|"
    r"iskrz|zwarci|porażen|wybuch|gas|flood|fire|smoke|sparks?)",
    re.IGNORECASE,
)


def sounds_like_emergency(text: str) -> bool:
    return bool(_PHRASES.search(text or ""))
