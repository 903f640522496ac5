"""A readable name for the device behind a login session: "Chrome 120 na Windows 10"."""

from functools import lru_cache

import ua_parser
from django.utils.translation import gettext as _

# Families the parser names after the device rather than the product people know.
_BROWSER_NAMES = {"Mobile Safari": "Safari", "Chrome Mobile": "Chrome", "Firefox Mobile": "Firefox"}


@lru_cache(maxsize=256)
def _parse(user_agent: str):
    return ua_parser.parse(user_agent[:1000])


def device_name(user_agent: str) -> str:
    parsed = _parse(user_agent or "")
    browser = parsed.user_agent
    system = parsed.os
    if browser is None or browser.family == "Other":
        return _("unknown browser")
    name = _BROWSER_NAMES.get(browser.family, browser.family)
    if browser.major:
        name = f"{name} {browser.major}"
    if system is None or system.family == "Other":
        return name
    os_name = system.family
    if system.major:
        os_name = f"{os_name} {system.major}"
    return _("%(browser)s on %(system)s") % {"browser": name, "system": os_name}
