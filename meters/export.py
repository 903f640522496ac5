"""A window's readings as CSV for the water settlement: per meter the last counted reading
inside the window, the one before it and the use between them."""

import io

from core.spreadsheets import SpreadsheetWriter, decimal_cell

from .models import Meter, Reading


def window_readings(window):
    meters = Meter.objects.filter(installed_on__lte=window.ends_on).exclude(
        removed_on__lt=window.starts_on
    )
    if window.building_id:
        meters = meters.filter(premises__building_id=window.building_id)
    elif window.community_id:
        meters = meters.filter(premises__building__community_id=window.community_id)
    meters = list(
        meters.select_related("premises__building").order_by(
            "premises__building__street", "premises__number", "kind", "serial_number"
        )
    )
    readings = {}
    for reading in (
        Reading.objects.effective()
        .filter(meter__in=meters, read_on__lte=window.ends_on)
        .order_by("meter_id", "read_on", "created_at")
    ):
        readings.setdefault(reading.meter_id, []).append(reading)
    rows = []
    for meter in meters:
        series = readings.get(meter.pk, [])
        inside = [r for r in series if r.read_on >= window.starts_on]
        if not inside:
            rows.append((meter, None, None))
            continue
        last = inside[-1]
        before = [r for r in series if r.read_on < window.starts_on]
        rows.append((meter, last, before[-1] if before else None))
    return rows


def _dec(value):
    return decimal_cell(value, 3)


def render(window):
    out = io.StringIO()
    writer = SpreadsheetWriter(out)
    writer.writerow(
        [
            "budynek",
            "lokal",
            "rodzaj",
            "numer_seryjny",
            "data_odczytu",
            "odczyt_m3",
            "poprzedni_odczyt_data",
            "poprzedni_odczyt_m3",
            "zuzycie_m3",
            "status",
            "zrodlo",
        ]
    )
    for meter, last, before in window_readings(window):
        premises = meter.premises
        used = last.value - before.value if last and before else None
        writer.writerow(
            [
                premises.building.street,
                premises.number,
                meter.kind,
                meter.serial_number,
                last.read_on.isoformat() if last else "",
                _dec(last.value if last else None),
                before.read_on.isoformat() if before else "",
                _dec(before.value if before else None),
                _dec(used),
                last.status if last else "missing",
                last.source if last else "",
            ]
        )
    filename = f"odczyty_{window.starts_on:%Y%m%d}_{window.ends_on:%Y%m%d}.csv"
    # BOM: spreadsheets on Polish Windows open UTF-8 correctly only with it.
    return filename, "text/csv; charset=utf-8", ("\ufeff" + out.getvalue()).encode()
