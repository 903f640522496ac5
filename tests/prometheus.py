"""Reading Prometheus' text format in tests."""

import re

_LINE = re.compile(r"([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)")


def sample(text, name, **labels):
    """The value of `name{labels}` (exactly these labels) in the exposition, or None."""
    for line in text.splitlines():
        match = _LINE.fullmatch(line)
        if not match or match.group(1) != name:
            continue
        found = dict(re.findall(r'(\w+)="((?:[^"\\]|\\.)*)"', match.group(2) or ""))
        if found == {k: str(v) for k, v in labels.items()}:
            return float(match.group(3))
    return None
