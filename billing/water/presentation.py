"""A settlement document as people read it (the page and the PDF): its snapshot's meters and
tariff parts with Decimal values and the source of each value in words."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from billing.water.consumption import Source
from billing.water.models import Settlement

SOURCES = {
    Source.READING: _("reading"),
    Source.INTERPOLATED: _("worked out from the readings before and after this day"),
    Source.ESTIMATED: _("estimate"),
    Source.INSTALLED: _("at installation"),
    Source.PREVIOUS: _("end of the previous settlement"),
}
KINDS = {"cold": _("cold water"), "hot": _("hot water")}


def meter_rows(document):
    return [
        {
            "serial": m["serial"],
            "kind": KINDS.get(m["kind"], m["kind"]),
            "start_day": date.fromisoformat(m["start_day"]),
            "start_value": Decimal(m["start_value"]),
            "start_source": SOURCES.get(m["start_source"], m["start_source"]),
            "end_day": date.fromisoformat(m["end_day"]),
            "end_value": Decimal(m["end_value"]),
            "end_source": SOURCES.get(m["end_source"], m["end_source"]),
            "estimated": Source.ESTIMATED in (m["start_source"], m["end_source"]),
            "used": Decimal(m["used"]),
            "unlegalised": m["unlegalised"],
        }
        for m in document.meters
    ]


def part_rows(document):
    return [
        {
            "first_day": date.fromisoformat(p["first_day"]),
            "last_day": date.fromisoformat(p["last_day"]),
            "days": p["days"],
            "m3": Decimal(p["m3"]),
            "water": Decimal(p["water"]),
            "sewage": Decimal(p["sewage"]),
            "net": Decimal(p["net"]),
        }
        for p in document.parts
    ]


def year_before(document):
    """The account's settlement of the same period a year earlier, if there is one."""
    start = document.period_start
    return (
        Settlement.objects.filter(
            account_id=document.account_id,
            period_start=start.replace(year=start.year - 1),
            correction__isnull=True,
        )
        .only("used", "number", "period_start", "period_end")
        .first()
    )


def settlement_context(document):
    parts = part_rows(document)
    tariff_net = sum((p["net"] for p in parts), Decimal("0.00"))
    return {
        "document": document,
        "account": document.account,
        "meters": meter_rows(document),
        "parts": parts,
        "tariff_net": tariff_net,
        # a commercial lease's net as invoiced, rounded invoice by invoice
        "net_differs": tariff_net != document.net,
        "exempt": not document.vat_rate.isdigit(),
        "previous_year": year_before(document),
        "invoices": list(document.invoices.select_related("corrects").order_by("pk")),
        "MANAGER_NAME": settings.MANAGER_NAME,
        "MANAGER_ADDRESS": settings.MANAGER_ADDRESS,
    }
