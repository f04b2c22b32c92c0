"""Small, dependency-free Solar Hijri (Jalali) <-> Gregorian converter.

Arithmetic algorithm (the widely used jalaali-js one), exact for 1178-3177 SH.
Used by make_lists.py for dates in list_b.csv and by check_truth.py to verify
that every date pair written in the sample texts is correct.
"""
from __future__ import annotations

import datetime as _dt

MONTHS = ["Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar",
          "Mehr", "Aban", "Azar", "Dey", "Bahman", "Esfand"]

_BREAKS = [-61, 9, 38, 199, 426, 686, 756, 818, 1111, 1181, 1210, 1635, 2060,
           2097, 2192, 2262, 2324, 2394, 2456, 3178]


def _div(a: int, b: int) -> int:
    return int(a / b)


def _jal_cal(jy: int):
    gy = jy + 621
    leap_j = -14
    jp = _BREAKS[0]
    jump = 0
    for jm in _BREAKS[1:]:
        jump = jm - jp
        if jy < jm:
            break
        leap_j += _div(jump, 33) * 8 + _div(jump % 33, 4)
        jp = jm
    n = jy - jp
    leap_j += _div(n, 33) * 8 + _div(n % 33 + 3, 4)
    if jump % 33 == 4 and jump - n == 4:
        leap_j += 1
    leap_g = _div(gy, 4) - _div((_div(gy, 100) + 1) * 3, 4) - 150
    march = 20 + leap_j - leap_g
    return gy, march


def to_gregorian(jy: int, jm: int, jd: int) -> _dt.date:
    gy, march = _jal_cal(jy)
    start = _dt.date(gy, 3, march)
    offset = (jm - 1) * 31 - _div(jm, 7) * (jm - 7) + jd - 1
    return start + _dt.timedelta(days=offset)


def from_gregorian(d: _dt.date) -> tuple[int, int, int]:
    jy = d.year - 621
    _, march = _jal_cal(jy)
    start = _dt.date(d.year, 3, march)
    k = (d - start).days
    if k < 0:
        jy -= 1
        gy, march = _jal_cal(jy)
        start = _dt.date(gy, 3, march)
        k = (d - start).days
    if k < 186:
        return jy, k // 31 + 1, k % 31 + 1
    k -= 186
    return jy, min(k // 30 + 7, 12), k - (min(k // 30 + 7, 12) - 7) * 30 + 1


if __name__ == "__main__":
    assert to_gregorian(1360, 3, 30) == _dt.date(1981, 6, 20)
    assert to_gregorian(1367, 5, 12) == _dt.date(1988, 8, 3)
    assert to_gregorian(1367, 1, 1) == _dt.date(1988, 3, 21)
    assert to_gregorian(1403, 1, 1) == _dt.date(2024, 3, 20)
    for n in range(0, 20000, 7):
        d = _dt.date(1980, 1, 1) + _dt.timedelta(days=n)
        assert to_gregorian(*from_gregorian(d)) == d, d
    print("ok")
