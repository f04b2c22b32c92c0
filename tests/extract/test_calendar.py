"""Solar Hijri arithmetic, month names and digits (factfinder/extract/calendar.py)."""

from __future__ import annotations

import datetime as dt
import importlib.util
from pathlib import Path

import pytest

from factfinder.extract import calendar as cal

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("sh", "greg"),
    [
        ((1360, 3, 30), dt.date(1981, 6, 20)),  # 30 Khordad 1360, the DOMAIN.md example
        ((1367, 1, 1), dt.date(1988, 3, 21)),
        ((1367, 5, 1), dt.date(1988, 7, 23)),
        ((1367, 5, 12), dt.date(1988, 8, 3)),
        ((1367, 6, 5), dt.date(1988, 8, 27)),  # ۱۳۶۷/۰۶/۰۵
        ((1367, 6, 31), dt.date(1988, 9, 22)),
        ((1367, 12, 29), dt.date(1989, 3, 20)),
        ((1399, 10, 20), dt.date(2021, 1, 9)),
        ((1401, 6, 10), dt.date(2022, 9, 1)),
        ((1402, 6, 9), dt.date(2023, 8, 31)),
        ((1403, 12, 30), dt.date(2025, 3, 20)),  # 1403 is a leap year
        ((1404, 1, 1), dt.date(2025, 3, 21)),
        ((1300, 1, 1), dt.date(1921, 3, 21)),
        ((1500, 1, 1), dt.date(2121, 3, 21)),
    ],
)
def test_known_dates(sh: tuple[int, int, int], greg: dt.date) -> None:
    assert cal.to_gregorian(*sh) == greg
    assert cal.from_gregorian(greg) == sh


def test_leap_years_follow_the_33_year_cycle() -> None:
    leaps = [y for y in range(1354, 1410) if cal.is_leap(y)]
    assert leaps == [1354, 1358, 1362, 1366, 1370, 1375, 1379, 1383, 1387, 1391, 1395, 1399,
                     1403, 1408]
    assert cal.month_length(1403, 12) == 30 and cal.month_length(1402, 12) == 29


def test_round_trip_every_day_1300_to_1500() -> None:
    day = cal.to_gregorian(1300, 1, 1)
    last = cal.to_gregorian(1500, 12, cal.month_length(1500, 12))
    while day <= last:
        assert cal.to_gregorian(*cal.from_gregorian(day)) == day
        day += dt.timedelta(days=1)


def test_intervals() -> None:
    assert cal.year_interval(1367) == (dt.date(1988, 3, 21), dt.date(1989, 3, 20))
    assert cal.month_interval(1367, 5) == (dt.date(1988, 7, 23), dt.date(1988, 8, 22))
    assert cal.months_iv(cal.SH, 1367, 4, 6) == (dt.date(1988, 6, 22), dt.date(1988, 9, 22))


def test_impossible_dates_and_years_out_of_range_raise() -> None:
    with pytest.raises(ValueError):
        cal.to_gregorian(1402, 12, 30)  # not a leap year
    with pytest.raises(ValueError):
        cal.to_gregorian(1367, 7, 31)  # Mehr has 30 days
    with pytest.raises(ValueError):
        cal.to_gregorian(cal.MAX_YEAR + 1, 1, 1)
    with pytest.raises(ValueError):
        cal.from_gregorian(dt.date(1700, 1, 1))


def test_month_names_in_every_spelling_and_script() -> None:
    for name, month in [("Farvardin", 1), ("ORDIBEHESHT", 2), ("khordad", 3), ("Tir", 4),
                        ("Mordad", 5), ("Amordad", 5), ("Shahrivar", 6), ("Mehr", 7),
                        ("Aban", 8), ("Azar", 9), ("Dey", 10), ("Dei", 10), ("Bahman", 11),
                        ("Esfand", 12), ("Isfand", 12), ("مرداد", 5), ("شهریور", 6),
                        ("شهريور", 6), ("اردی\u200cبهشت", 2), ("دی", 10)]:
        assert cal.solar_hijri_month(name) == month, name
    assert cal.solar_hijri_month("June") is None
    assert cal.gregorian_month("Sept.") == 9 and cal.gregorian_month("Mordad") is None
    assert cal.CANONICAL_SH_MONTHS[4] == "Mordad"


def test_persian_and_arabic_indic_digits_keep_offsets() -> None:
    text = "۱۳۶۷/۰۶/۰۵ and ١٣٦٧"
    assert cal.ascii_digits(text) == "1367/06/05 and 1367"
    assert len(cal.ascii_digits(text)) == len(text)
    assert cal.number("Fifty- four") == 54 and cal.number("۳۸") == 38


def _sample_converter():  # type: ignore[no-untyped-def]
    """The sample's own converter (sample/build/jalali.py), loaded from its file, not imported
    as a package: an independent implementation to check ours against."""
    path = ROOT / "sample" / "build" / "jalali.py"
    if not path.is_file():
        pytest.skip("sample/build/jalali.py is not present")
    spec = importlib.util.spec_from_file_location("sample_jalali", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_agrees_with_the_sample_converter_over_the_whole_supported_range() -> None:
    jalali = _sample_converter()
    for year in range(cal.MIN_YEAR, cal.MAX_YEAR + 1):
        for month in range(1, 13):
            for day in (1, cal.month_length(year, month)):
                assert cal.to_gregorian(year, month, day) == jalali.to_gregorian(year, month, day)
    day = dt.date(1921, 3, 21)
    while day < dt.date(2121, 3, 21):
        assert cal.from_gregorian(day) == tuple(jalali.from_gregorian(day))
        day += dt.timedelta(days=3)
