"""Use per month and the leak sign, from hand-made readings."""

from datetime import date
from decimal import Decimal

from meters.consumption import average_daily_use, monthly_consumption, possible_leak

D = Decimal


def test_use_is_spread_over_the_days_between_readings():
    # 31 days of January and 28 of February between 1 Jan and 1 Mar: 59 m³ → 1 m³ a day.
    points = [(date(2026, 1, 1), D("100")), (date(2026, 3, 1), D("159"))]
    assert monthly_consumption(points) == [(date(2026, 1, 1), D("31")), (date(2026, 2, 1), D("28"))]


def test_partial_months_are_left_out():
    points = [(date(2026, 1, 15), D("0")), (date(2026, 3, 10), D("54"))]
    # Only February lies wholly between the readings: 28 of the 54 days.
    assert monthly_consumption(points) == [(date(2026, 2, 1), D("28.000"))]


def test_average_daily_use():
    assert average_daily_use([(date(2025, 1, 1), D("10")), (date(2026, 1, 1), D("83"))]) == D("0.2")
    assert average_daily_use([(date(2025, 1, 1), D("10"))]) is None


def months(values):
    return [
        (date(2025, 1 + i % 12, 1) if i < 12 else date(2026, i - 11, 1), D(v))
        for i, v in enumerate(values)
    ]


def test_three_high_months_point_to_a_leak():
    monthly = months(["3"] * 12 + ["6.5", "7", "8"])
    leak = possible_leak(monthly)
    assert leak is not None
    assert leak.usual == D("3.000")
    assert [amount for _m, amount in leak.months] == [D("6.5"), D("7"), D("8")]


def test_one_normal_month_among_the_last_three_is_no_leak():
    assert possible_leak(months(["3"] * 12 + ["6.5", "6", "8"])) is None  # 6 = 2 × 3, not above


def test_too_little_history_is_no_leak():
    assert possible_leak(months(["1"] * 5 + ["9", "9", "9"])) is None
