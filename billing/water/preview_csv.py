"""A run's preview as CSV (Excel's dialect, core/spreadsheets.py), from the lines the preview job
stored; the job keeps the file, so the download of 20,000 accounts is a read of one file."""

import io

from django.utils.translation import gettext as _

from core.spreadsheets import SpreadsheetWriter, decimal_cell

from .models import PreviewLine, SettlementRun


def preview_csv(run: SettlementRun) -> tuple[bytes, int]:
    """(the file, with the BOM Excel needs; how many accounts it lists)."""
    lines = PreviewLine.objects.filter(run=run).select_related("account__premises__building")
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow([
        _("Account"), _("Premises"), _("Use (m³)"), _("Estimate"),
        _("Unlegalised meter"), _("Net (zł)"), _("VAT (zł)"), _("Cost (zł)"),
        _("Advances (zł)"), _("Overpaid (zł)"), _("To pay (zł)"), _("New monthly advance (zł)"),
    ])
    count = 0
    for row in lines.order_by("pk").iterator(chunk_size=2000):
        count += 1
        writer.writerow([
            row.account.number, str(row.account.premises), decimal_cell(row.used),
            _("yes") if row.estimated else _("no"), _("yes") if row.unlegalised else _("no"),
            decimal_cell(row.net), decimal_cell(row.vat), decimal_cell(row.gross),
            decimal_cell(row.advances), decimal_cell(row.overpaid), decimal_cell(row.to_pay),
            decimal_cell(row.new_advance) if row.new_advance else "",
        ])
    return ("\ufeff" + out.getvalue()).encode("utf-8"), count


def preview_csv_name(run: SettlementRun) -> str:
    return f"rozliczenie-wody-{run.building_id}-{run.period_start:%Y-%m}.csv"
