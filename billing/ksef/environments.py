"""The public KSeF 2.0 environments (srodowiska.md, kody-qr.md, open-api.json `servers`)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Environment:
    name: str
    api_url: str  # base of every API path, e.g. api_url + "/auth/challenge"
    qr_url: str  # base of the verification links printed as QR codes on invoices


ENVIRONMENTS: dict[str, Environment] = {
    "test": Environment(
        name="test",
        api_url="https://api-test.ksef.mf.gov.pl/v2",
        qr_url="https://qr-test.ksef.mf.gov.pl",
    ),
    "demo": Environment(
        name="demo",
        api_url="https://api-demo.ksef.mf.gov.pl/v2",
        qr_url="https://qr-demo.ksef.mf.gov.pl",
    ),
    "prod": Environment(
        name="prod",
        api_url="https://api.ksef.mf.gov.pl/v2",
        qr_url="https://qr.ksef.mf.gov.pl",
    ),
}

OFF = "off"


def environment(name: str) -> Environment | None:
    """The environment called `name`; None for "off" (invoices are not sent to KSeF)."""
    key = (name or OFF).strip().lower()
    if key == OFF:
        return None
    try:
        return ENVIRONMENTS[key]
    except KeyError:
        raise ValueError(
            f"Unknown KSeF environment {name!r}; expected one of: off, {', '.join(ENVIRONMENTS)}"
        ) from None
