"""Solar Hijri (Jalali, Iranian) ⇄ Gregorian arithmetic, month names and digits.

Iranian sources date events in the Solar Hijri calendar: "30 Khordad 1360" is 20 June 1981,
"1367" runs from 21 March 1988 to 20 March 1989. Every date factfinder stores is a Gregorian
interval, so these expressions are converted here.

The arithmetic is the 33-year cycle: a Solar Hijri year ``y`` is a leap year (Esfand has 30
days) when ``y mod 33`` is one of 1, 5, 9, 13, 17, 22, 26, 30. That is the rule of the widely used
Borkowski/jalaali arithmetic between its cycle breaks of 1210 and 1635 SH, and it agrees with the
official (astronomical) calendar over the whole range factfinder needs. We only claim the range
``MIN_YEAR``–``MAX_YEAR`` (1831–2251 CE), where the rule is exact; outside it ``ValueError`` is
raised rather than a silently wrong date. The first six months have 31 days, the next five 30,
Esfand 29 (30 in a leap year); 1 Farvardin 1367 was 21 March 1988, the anchor of the table.

Month names come in many romanisations (Mordad/Amordad, Dey/Dei, Esfand/Isfand) and in Persian
script; they live in ``factfinder/vocab/dates.yaml``. Persian (۰–۹) and Arabic-Indic (٠–٩)
digits are folded to ASCII by ``ascii_digits`` — a one-to-one character mapping, so offsets in
the text do not move.

Also here, because they are calendar knowledge rather than text matching, and keep
``dates.py`` to the patterns: Gregorian intervals of calendar units in either calendar (months,
years, seasons, early/mid/late parts, weeks), the arithmetic of expressions relative to a day
("last September", "two years ago"), the regular-expression pieces built from the vocabulary,
and ``windows``, the cheap pass that tells ``dates.py`` where in a text dates can be.
"""

from __future__ import annotations

import calendar as gcal
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

Interval = tuple[dt.date, dt.date]  # first and last day, inclusive
GREG, SH = "gregorian", "solar_hijri"

VOCAB_PATH = Path(__file__).resolve().parent.parent / "vocab" / "dates.yaml"

MIN_YEAR = 1210
MAX_YEAR = 1629
_LEAP_RESIDUES = frozenset({1, 5, 9, 13, 17, 22, 26, 30})
_ANCHOR_YEAR = 1367
_ANCHOR = dt.date(1988, 3, 21)  # 1 Farvardin 1367

# Persian ۰-۹ (U+06F0…) and Arabic-Indic ٠-٩ (U+0660…) digits → ASCII, one character for one.
_DIGITS = {0x06F0 + i: str(i) for i in range(10)} | {0x0660 + i: str(i) for i in range(10)}
DIGIT_CLASS = "0-9\u06f0-\u06f9\u0660-\u0669"
# Arabic letters that Persian writes differently, and the zero-width non-joiner.
_FOLD = {ord("ي"): "ی", ord("ك"): "ک", ord("ى"): "ی", 0x200C: None}


def ascii_digits(text: str) -> str:
    """Persian and Arabic-Indic digits as ASCII digits; nothing else changes, lengths are equal."""
    return text.translate(_DIGITS)


def fold_persian(word: str) -> str:
    """Arabic ي/ك as Persian ی/ک, without zero-width non-joiners (for name lookups only)."""
    return word.translate(_FOLD)


def is_leap(year: int) -> bool:
    """Whether a Solar Hijri year has 366 days (Esfand 30 exists)."""
    _check(year)
    return year % 33 in _LEAP_RESIDUES


def _check(year: int) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ValueError(f"Solar Hijri year {year} outside {MIN_YEAR}–{MAX_YEAR}")


@lru_cache(maxsize=1)
def _new_years() -> dict[int, int]:
    """Proleptic Gregorian ordinal of 1 Farvardin for every supported year."""
    out = {_ANCHOR_YEAR: _ANCHOR.toordinal()}
    for y in range(_ANCHOR_YEAR + 1, MAX_YEAR + 2):
        out[y] = out[y - 1] + (366 if (y - 1) % 33 in _LEAP_RESIDUES else 365)
    for y in range(_ANCHOR_YEAR - 1, MIN_YEAR - 1, -1):
        out[y] = out[y + 1] - (366 if y % 33 in _LEAP_RESIDUES else 365)
    return out


def month_length(year: int, month: int) -> int:
    if not 1 <= month <= 12:
        raise ValueError(f"Solar Hijri month {month} outside 1–12")
    if month <= 6:
        return 31
    if month <= 11:
        return 30
    return 30 if is_leap(year) else 29


def to_gregorian(year: int, month: int, day: int) -> dt.date:
    """The Gregorian date of a Solar Hijri date; ``ValueError`` for an impossible one."""
    _check(year)
    if not 1 <= day <= month_length(year, month):
        raise ValueError(f"no day {day} in Solar Hijri month {month} of {year}")
    before = (month - 1) * 31 if month <= 7 else 186 + (month - 7) * 30
    return dt.date.fromordinal(_new_years()[year] + before + day - 1)


def from_gregorian(date: dt.date) -> tuple[int, int, int]:
    """(year, month, day) in the Solar Hijri calendar."""
    year = date.year - 621
    table = _new_years()
    if year not in table:
        raise ValueError(f"{date} outside the supported Solar Hijri years")
    if date.toordinal() < table[year]:
        year -= 1
    _check(year)
    k = date.toordinal() - table[year]
    if k < 186:
        return year, k // 31 + 1, k % 31 + 1
    k -= 186
    return year, k // 30 + 7, k % 30 + 1


def month_interval(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Solar Hijri month."""
    return to_gregorian(year, month, 1), to_gregorian(year, month, month_length(year, month))


def year_interval(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian day of a Solar Hijri year (1367 → 1988-03-21..1989-03-20)."""
    return to_gregorian(year, 1, 1), to_gregorian(year, 12, month_length(year, 12))


# -- intervals: calendar units as Gregorian (first day, last day) ---------------------------------


def month_iv(calendar: str, year: int, month: int) -> Interval:
    if calendar == SH:
        return month_interval(year, month)
    return dt.date(year, month, 1), dt.date(year, month, gcal.monthrange(year, month)[1])


def year_iv(calendar: str, year: int) -> Interval:
    if calendar == SH:
        return year_interval(year)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def day_iv(calendar: str, year: int, month: int, day: int) -> Interval:
    d = to_gregorian(year, month, day) if calendar == SH else dt.date(year, month, day)
    return d, d


def months_iv(calendar: str, year: int, first: int, last: int) -> Interval:
    return month_iv(calendar, year, first)[0], month_iv(calendar, year, last)[1]


_ORDINALS = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1, "final": -1}


def modifier(words: str | None) -> str | None:
    """"early"/"mid"/"late" ("the beginning of", "mid-", "the end of"), or for weeks and halves
    "week:N"/"half:N" (N from 0; -1 for the last) from "the first week of", "the second half of"."""
    if not words:
        return None
    w = words.lower()
    part = re.search(r"\b(first|second|third|fourth|last|final)\s+(week|half)", w)
    if part:
        return f"{part[2]}:{_ORDINALS[part[1]]}"
    if "mid" in w:
        return "mid"
    return "late" if ("late" in w or "end" in w) else "early"


def modified(iv: Interval, mod: str | None, unit: str, calendar: str, year: int) -> Interval:
    """A part of a month, a year or a decade: early = days 1–10 of a month, months 1–4 of a year,
    years 0–3 of a decade; mid = 11–20, 5–8, 3–6; late = 21–end, 9–12, 6–9. Weeks are days 1–7,
    8–14, … (the last: the last seven days); halves split a month after day 15 and a year after
    month 6. A part that does not apply to the unit gives the whole interval."""
    if mod is None:
        return iv
    if mod.startswith(("week:", "half:")):
        kind, n = mod.split(":")
        k = int(n)
        if kind == "half" and unit in ("month", "year"):
            if unit == "year":
                return months_iv(calendar, year, 1 + 6 * (k != 0), 6 + 6 * (k != 0))
            mid = iv[0] + dt.timedelta(days=14)
            return (iv[0], mid) if k == 0 else (mid + dt.timedelta(days=1), iv[1])
        if kind == "week" and unit in ("month", "year"):
            if k < 0:
                return iv[1] - dt.timedelta(days=6), iv[1]
            a = iv[0] + dt.timedelta(days=7 * k)
            return a, min(a + dt.timedelta(days=6), iv[1])
        return iv
    part = {"early": 0, "mid": 1, "late": 2}[mod]
    if unit == "month":
        a = iv[0] + dt.timedelta(days=10 * part)
        return a, (iv[1] if part == 2 else a + dt.timedelta(days=9))
    if unit == "year":
        return months_iv(calendar, year, 1 + 4 * part, 4 + 4 * part)
    return year_iv(calendar, year + 3 * part)[0], year_iv(calendar, year + 3 * part + 3)[1]


def season_iv(calendar: str, year: int, spec: dict[str, Any]) -> Interval:
    if calendar == SH:
        return months_iv(SH, year, *spec["sh_months"])
    (m0, d0), (m1, d1) = spec["start"], spec["end"]
    return dt.date(year, m0, d0), dt.date(year + (m1 < m0), m1, d1)


def add_months(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return d.replace(
        year=d.year + y, month=m + 1, day=min(d.day, gcal.monthrange(d.year + y, m + 1)[1])
    )


def unit_iv(now: dt.date, unit: str, shift: int) -> tuple[Interval, str]:
    """The calendar week/month/year containing ``now``, shifted by ``shift`` units."""
    if unit in ("week", "weekend"):
        monday = now - dt.timedelta(days=now.weekday()) + dt.timedelta(weeks=shift)
        if unit == "weekend":
            return (monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)), "day"
        return (monday, monday + dt.timedelta(days=6)), "week"
    if unit == "month":
        d = add_months(now.replace(day=1), shift)
        return month_iv(GREG, d.year, d.month), "month"
    if unit == "day":
        d = now + dt.timedelta(days=shift)
        return (d, d), "day"
    if unit == "decade":
        return year_iv(GREG, now.year + 10 * shift), "approximate"
    return year_iv(GREG, now.year + shift), "year"


def back(now: dt.date, unit: str, n: int) -> dt.date:
    if unit in ("day", "week"):
        return now - dt.timedelta(days=n * (7 if unit == "week" else 1))
    months = n * {"month": 1, "year": 12, "decade": 120}[unit]
    return add_months(now, -months)


def ago(now: dt.date, unit: str, n: int) -> Interval:
    """"n units ago": the day, the week (Monday–Sunday), the month or the year it falls in."""
    if unit in ("day", "week"):
        return unit_iv(now, unit, -n)[0]
    d = back(now, unit, n)
    return month_iv(GREG, d.year, d.month) if unit == "month" else year_iv(GREG, d.year)


def weekday_near(now: dt.date, weekday: int, rel: str) -> Interval:
    """"Thursday" (the latest one up to ``now``), "last Thursday" (before ``now``), "next
    Thursday" (after it), "this Thursday" (in the week of ``now``)."""
    if rel == "next":
        d = now + dt.timedelta(days=(weekday - now.weekday() - 1) % 7 + 1)
    elif rel == "this":
        d = now - dt.timedelta(days=now.weekday() - weekday)
    else:
        d = now - dt.timedelta(days=(now.weekday() - weekday) % 7 or (7 if rel else 0))
    return d, d


def named_month(now: dt.date, month: int, rel: str, of_year: bool) -> Interval:
    """"June last year" (``of_year``), "last September" (the latest one before this month),
    "this June", "next June"."""
    if of_year:
        return month_iv(GREG, now.year + {"last": -1, "next": 1}.get(rel, 0), month)
    if rel == "last":
        return month_iv(GREG, now.year - (month >= now.month), month)
    return month_iv(GREG, now.year + (rel == "next" and month <= now.month), month)


def season_near(now: dt.date, spec: dict[str, Any], rel: str) -> Interval:
    """"last summer" (the latest one over before ``now``), "next summer", "this summer" (the
    one ``now`` is in, else the nearest)."""
    ivs = [season_iv(GREG, y, spec) for y in range(now.year - 2, now.year + 2)]
    if rel == "last":
        return [iv for iv in ivs if iv[1] < now][-1]
    if rel == "next":
        return [iv for iv in ivs if iv[0] > now][0]
    return min(ivs, key=lambda iv: 0 if iv[0] <= now <= iv[1] else abs((iv[0] - now).days))


# -- names ----------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def vocab() -> dict[str, Any]:
    """The date vocabulary (``factfinder/vocab/dates.yaml``), read once per process."""
    data: dict[str, Any] = yaml.safe_load(VOCAB_PATH.read_text(encoding="utf-8"))
    return data


def _names(section: str, fold: bool = False) -> dict[str, int]:
    out: dict[str, int] = {}
    for number, words in vocab()[section].items():
        for w in words:
            out[fold_persian(str(w)) if fold else str(w).lower()] = int(number)
    return out


@lru_cache(maxsize=1)
def gregorian_month_names() -> dict[str, int]:
    """Lower-cased English month names and abbreviations → 1–12."""
    return _names("gregorian_months")


@lru_cache(maxsize=1)
def solar_hijri_month_names() -> dict[str, int]:
    """Lower-cased Latin spellings and folded Persian-script names of Solar Hijri months → 1–12."""
    return _names("solar_hijri_months") | _names("solar_hijri_months_persian", fold=True)


def solar_hijri_month(name: str) -> int | None:
    """1–12 for a Solar Hijri month name in any listed spelling or script, else None."""
    return solar_hijri_month_names().get(fold_persian(name).lower())


def gregorian_month(name: str) -> int | None:
    """1–12 for an English month name or abbreviation (with or without a dot), else None."""
    return gregorian_month_names().get(name.rstrip(".").lower())


# -- regular-expression pieces built from the vocabulary ------------------------------------------


def _alt(words: list[str], cases: tuple[Callable[[str], str], ...]) -> str:
    forms = {case(w) for w in words for case in cases}
    return "|".join(re.escape(w) for w in sorted(forms, key=len, reverse=True))


@dataclass(frozen=True)
class Words:
    gm_all: str  # Gregorian month names and abbreviations
    gm_full: str
    shm: str  # Solar Hijri month names, Latin and Persian script
    wd_all: str
    wd_full: str
    weekdays: dict[str, int]
    seasons: dict[str, dict[str, Any]]  # word → season spec
    season_alt: str
    numbers: dict[str, int]
    num: str
    not_year_after: frozenset[str]
    count_nouns: frozenset[str]
    qualifiers: re.Pattern[str]
    iranian: re.Pattern[str]


@lru_cache(maxsize=1)
def words() -> Words:
    """Alternations and word sets for the date patterns, built once from the vocabulary."""
    v = vocab()
    title: tuple[Callable[[str], str], ...] = (str.capitalize, str.upper)
    gm = [str(w) for ws in v["gregorian_months"].values() for w in ws]
    full = [str(ws[0]) for ws in v["gregorian_months"].values()]
    sh_latin = [str(w) for ws in v["solar_hijri_months"].values() for w in ws]
    sh_fa = [fold_persian(str(w)) for ws in v["solar_hijri_months_persian"].values() for w in ws]
    shm = (
        _alt(sh_latin, (*title, str.lower))
        + "|"
        + "|".join(
            w.replace("ی", "[یيى]").replace("ک", "[کك]")
            for w in sorted(sh_fa, key=len, reverse=True)
        )
    )
    weekdays = {str(w).lower(): int(k) for k, ws in v["weekdays"].items() for w in ws}
    wd_full = [str(ws[0]) for ws in v["weekdays"].values()]
    seasons = {
        str(w): {"name": k, **spec} for k, spec in v["seasons"].items() for w in spec["words"]
    }
    numbers = {str(k): int(n) for k, n in v["number_words"].items()}
    tens = "|".join(w for w, n in numbers.items() if n >= 20 and n % 10 == 0)
    units = "|".join(w for w, n in numbers.items() if 1 <= n <= 9 and w not in ("a", "an"))
    alts = "|".join(sorted(map(re.escape, numbers), key=len, reverse=True))
    num = rf"(?:(?:{tens})(?:-[ \t]*|[ \t]+)(?:{units})|{alts}|[{DIGIT_CLASS}]{{1,3}})"
    quals = "|".join(re.escape(str(q)) for q in v["count_qualifiers"])
    cues = "|".join(re.escape(str(c)) for c in v["iranian_cues"])
    return Words(
        gm_all=_alt(gm, title),
        gm_full=_alt(full, title),
        shm=shm,
        wd_all=_alt(list(weekdays), title),
        wd_full=_alt(wd_full, title),
        weekdays=weekdays,
        seasons=seasons,
        season_alt=_alt(list(seasons), (*title, str.lower)),
        numbers=numbers,
        num=num,
        not_year_after=frozenset(str(w).lower() for w in v["not_year_after"]),
        count_nouns=frozenset(str(w).lower() for w in v["count_nouns"]),
        qualifiers=re.compile(rf"(?i)\b(?:{quals})\s*$"),
        iranian=re.compile(rf"\b(?:{cues})\b|[\u0600-\u06ff]|\b(?:{shm})\b"),
    )


def number(word: str) -> int:
    """The value of "3", "three", "fifty-four", "Fifty- four"."""
    w = re.sub(r"[-\s]+", " ", ascii_digits(word).lower()).strip()
    if w.isdigit():
        return int(w)
    v = words().numbers
    return sum(v[p] for p in w.split(" ")) if w not in v else v[w]


# -- where dates can be ------------------------------------------------------------------------

DIGIT, MONTH, WEEKDAY, RELATIVE = 1, 2, 4, 8  # kinds of trigger
_URLISH = re.compile(r"://|www\.|@\S+\.|\.(?:com|org|net|ir|info|uk|de|fr)/")
_WORD_START = re.compile(r"\S*$")
_DIGIT_CHARS = frozenset("0123456789" + "".join(map(chr, range(0x06F0, 0x06FA)))
                         + "".join(map(chr, range(0x0660, 0x066A))))
_WS = re.compile(r"\s|$")
_TOKENS = re.compile(rf"[{DIGIT_CLASS}\u0600-\u06ff][{DIGIT_CLASS}\u0600-\u06ffA-Za-z]*"
                     r"|[A-Z][A-Za-z]*|\b(?:t(?:oday|onight|omorrow|his)|yesterday|ago|last|next"
                     r"|past)\b")


@lru_cache(maxsize=1)
def _trigger_words() -> dict[str, int]:
    v = vocab()
    kinds = {str(w).lower(): MONTH for k in ("gregorian_months", "solar_hijri_months")
             for ws in v[k].values() for w in ws}
    kinds |= {str(w).lower(): WEEKDAY for ws in v["weekdays"].values() for w in ws}
    return kinds | dict.fromkeys(("today", "tonight", "yesterday", "tomorrow", "ago", "this",
                                  "last", "next", "past"), RELATIVE)


def windows(text: str) -> list[tuple[int, int, int]]:
    """Stretches of the text where the patterns are tried, with the kinds of trigger in them:
    40 characters either side of a trigger (a number, a word in Persian script, a month, a
    weekday or a relative word: every expression has one; the longest lead before one is
    "Between late "), widened to whitespace so that no word is cut, overlapping stretches
    merged. One cheap pass over the text finds the triggers; the 21 patterns then read only
    the stretches that hold what they need (a third of a text, much less for most)."""
    names = _trigger_words()
    out: list[tuple[int, int, int]] = []
    for m in _TOKENS.finditer(text):
        w = m.group()
        if w[0] in _DIGIT_CHARS:
            kind = DIGIT
        elif "\u0600" <= w[0] <= "\u06ff":
            kind = MONTH
        elif not (kind := names.get(w.lower(), 0)):
            continue
        a, z = max(0, m.start() - 40), m.end() + 40
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], z), out[-1][2] | kind)
        else:
            out.append((a, z, kind))
    return [(a, _word_end(text, z), k) for a, z, k in out]


def _word_end(text: str, pos: int) -> int:
    m = _WS.search(text, pos) if pos < len(text) else None
    return m.start() if m else len(text)


def in_url(text: str, pos: int) -> bool:
    """Whether the word around ``pos`` is a web or e-mail address ("…/2019/09/04/…")."""
    a = _WORD_START.search(text, max(0, pos - 300), pos)
    return bool(_URLISH.search(text, a.start() if a else pos, _word_end(text, pos)))


CANONICAL_SH_MONTHS = tuple(str(vocab()["solar_hijri_months"][m][0]) for m in range(1, 13))
