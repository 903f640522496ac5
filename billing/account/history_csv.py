"""The payment history as a CSV file that Polish Excel opens as it is: UTF-8 with a BOM,
`;` between fields, a decimal comma and dates as dd.mm.rrrr."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _

from core.money import money
from core.spreadsheets import SpreadsheetWriter, decimal_cell

BOM = "\ufeff"


def csv_number(value: Decimal | None) -> str:
    return decimal_cell(None if value is None else money(value), 2)


def render(account, history) -> tuple[str, str, bytes]:
    buffer = io.StringIO()
    writer = SpreadsheetWriter(buffer)
    writer.writerow(
        [_("Date"), _("Description"), _("Charge (zł)"), _("Payment (zł)"), _("Balance (zł)")]
    )
    if history.year is not None:
        writer.writerow(
            [
                f"{history.first_day:%d.%m.%Y}",
                _("Opening balance"),
                "",
                "",
                csv_number(history.opening),
            ]
        )
    for entry in history.entries:
        writer.writerow(
            [
                f"{entry.day:%d.%m.%Y}",
                entry.description,
                csv_number(entry.charge),
                csv_number(entry.payment),
                csv_number(entry.balance),
            ]
        )
    filename = f"historia-{account.number}-{history.year or 'calosc'}.csv"
    return filename, "text/csv; charset=utf-8", (BOM + buffer.getvalue()).encode("utf-8")
