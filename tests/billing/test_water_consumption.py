"""The settlement's arithmetic on its own (billing/water/consumption.py), computed by hand."""

from datetime import date
from decimal import Decimal as D

from billing.water.consumption import (
    MeterInput,
    Source,
    Tariff,
    meter_use,
    monthly_advance,
    price,
    vat_of,
)

H1 = (date(2026, 1, 1), date(2026, 6, 30))  # 31+28+31+30+31+30 = 181 days
OLD = Tariff(date(2025, 1, 1), D("6.50"), D("8.20"))  # 14,70 zł/m³
NEW = Tariff(date(2026, 4, 2), D("7.10"), D("8.90"))  # 16,00 zł/m³ from day 92 (1 Jan + 91)


def meter(points, kind="cold", installed=date(2020, 1, 1), removed=None, legal=date(2030, 1, 1)):
    return MeterInput(1, "W-1", kind, installed, removed, legal, points)


def test_hot_and_cold_with_a_tariff_change_on_day_92():
    cold = meter_use(meter([(date(2025, 12, 31), D("100")), (date(2026, 6, 30), D("136.2"))]), *H1)
    hot = meter_use(
        meter([(date(2025, 12, 31), D("50")), (date(2026, 6, 30), D("68.1"))], kind="hot"), *H1
    )
    assert (cold.used, cold.start_source, cold.end_source) == (D("36.2"), "reading", "reading")
    assert hot.used == D("18.1")
    used = cold.used + hot.used  # hot water is water and sewage too: 54,300 m³
    pricing = price(used, *H1, [OLD, NEW])
    a, b = pricing.parts
    # 1 Jan – 1 Apr: 91 days, 54,3 × 91 / 181 = 27,300 m³ × 14,70 = 401,31 zł
    assert (a.first_day, a.last_day, a.days, a.m3, a.net) == (
        date(2026, 1, 1), date(2026, 4, 1), 91, D("27.300"), D("401.31"),
    )
    # 2 Apr – 30 Jun: 90 days, the rest: 27,000 m³ × 16,00 = 432,00 zł
    assert (b.first_day, b.last_day, b.days, b.m3, b.net) == (
        date(2026, 4, 2), date(2026, 6, 30), 90, D("27.000"), D("432.00"),
    )
    assert pricing.net == D("833.31")


def test_the_period_end_between_two_readings_is_interpolated_by_days():
    # 120 m³ on 31 May, 151,0 m³ on 31 Jul (61 days): 30 June is 30 days in,
    # 120 + 31 × 30 / 61 = 135,245901… → 135,246
    used = meter_use(
        meter([(date(2025, 12, 31), D("100")), (date(2026, 5, 31), D("120")),
               (date(2026, 7, 31), D("151"))]),
        *H1,
    )
    assert (used.end_value, used.end_source) == (D("135.246"), Source.INTERPOLATED)
    assert used.used == D("35.246")


def test_a_missing_end_reading_is_estimated_from_the_year_before():
    # 78,5 m³ on 31 May 2025, 115,0 on 31 May 2026: 36,5 m³ in 365 days = 0,1 m³ a day;
    # 30 June = 115,0 + 0,1 × 30 = 118,000 (estimated); use 118 − 100 = 18,000 m³
    points = [(date(2025, 5, 31), D("78.5")), (date(2025, 12, 31), D("100")),
              (date(2026, 5, 31), D("115"))]
    used = meter_use(meter(points), *H1)
    assert (used.end_value, used.end_source, used.estimated) == (D("118.000"), "estimated", True)
    assert used.used == D("18.000")
    # The next half-year starts from where this one ended, so the real reading of 31 Dec
    # (130,5) trues it up: 130,5 − 118,0 = 12,500, and 18,0 + 12,5 = 30,5 = 130,5 − 100.
    later = meter_use(
        meter([*points, (date(2026, 12, 31), D("130.5"))]),
        date(2026, 7, 1), date(2026, 12, 31),
        carried=(D("118.000"), Source.PREVIOUS),
    )
    assert (later.start_value, later.start_source, later.used) == (
        D("118.000"), Source.PREVIOUS, D("12.500"),
    )


def test_a_replaced_meter_counts_old_final_minus_start_plus_new_end_minus_initial():
    old = meter(
        [(date(2025, 12, 31), D("120")), (date(2026, 3, 15), D("130"))],
        removed=date(2026, 3, 15),
    )
    new = meter([(date(2026, 3, 15), D("0")), (date(2026, 6, 30), D("11"))],
                installed=date(2026, 3, 15))
    a, b = meter_use(old, *H1), meter_use(new, *H1)
    assert (a.end_day, a.end_source, a.used) == (date(2026, 3, 15), "reading", D("10"))
    assert (b.start_day, b.start_source, b.used) == (date(2026, 3, 15), "installed", D("11"))
    assert meter_use(old, date(2026, 7, 1), date(2026, 12, 31)) is None  # gone by then


def test_an_unlegalised_meter_is_marked():
    used = meter_use(
        meter([(date(2025, 12, 31), D("1")), (date(2026, 6, 30), D("2"))], legal=date(2026, 5, 1)),
        *H1,
    )
    assert used.unlegalised


def test_vat_and_the_new_advance():
    # Commercial premises: 833,31 net, 8% VAT = 66,6648 → 66,66; gross 899,97
    assert vat_of(D("833.31"), "8") == D("66.66")
    assert vat_of(D("833.31"), "zw") == D("0")
    # 54,3 m³ in 181 days = 0,3 m³ a day; a month of 365/12 days = 9,125 m³;
    # at 16,00 zł: 146,00 zł; with 8% VAT 157,68 zł
    daily = D("54.3") / 181
    assert monthly_advance(daily, NEW, "zw") == (D("9.125"), D("146.00"))
    assert monthly_advance(daily, NEW, "8") == (D("9.125"), D("157.68"))
