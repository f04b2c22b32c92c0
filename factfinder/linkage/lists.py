"""Reading victim lists (CSV or XLSX) into the documented schema.

Schema (one row per record; the header names are ours, ``--map`` maps others onto them):

====================  ======================================================================
``record_id``         required, unique within the list
``full_name``         the whole name in any order or script, *or* ``given_name`` + ``family_name``
``father_name``       father's given name
``sex``               M/F (also male/female, m/f, مرد/زن)
``birth_year``        a year (Gregorian or Solar Hijri, e.g. 1340), *or* ``age`` at ``date``
``date``              date of death or arrest (ISO, 1367/05/07, "Mordad 1367", "Aug 1988"…)
``place``, ``prison``, ``affiliation``  free text
====================  ======================================================================

A row without a ``record_id`` or with a duplicate one is reported and skipped; every other
problem in a row (an unreadable year, say) is reported and the field left empty. The whole row
as read is kept in ``data``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FIELDS = ("record_id", "full_name", "given_name", "family_name", "father_name", "sex",
          "birth_year", "age", "date", "place", "prison", "affiliation")
ALIASES = {  # common headers that need no --map
    "id": "record_id", "name": "full_name", "fullname": "full_name", "first_name": "given_name",
    "firstname": "given_name", "forename": "given_name", "surname": "family_name",
    "last_name": "family_name", "lastname": "family_name", "father": "father_name",
    "fathers_name": "father_name", "gender": "sex", "year_of_birth": "birth_year",
    "born": "birth_year", "organisation": "affiliation", "organization": "affiliation",
}
PERSIAN_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_YEAR = re.compile(r"(?<!\d)(1[2-4]\d\d|19\d\d|20\d\d)(?!\d)")
_ISO = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?\s*$")


class ListError(ValueError):
    """A list that cannot be read at all (unreadable file, no record_id or name column)."""


@dataclass
class ListData:
    name: str
    path: Path | None
    records: list[dict[str, Any]]
    mapping: dict[str, str]  # our field → the file's header
    problems: list[str] = field(default_factory=list)  # "row 7: …"
    raw: bytes = b""
    headers: list[str] = field(default_factory=list)


def parse_map(text: str | None) -> dict[str, str]:
    """``"full_name=Name,record_id=No."`` → {"full_name": "Name", "record_id": "No."}."""
    mapping: dict[str, str] = {}
    for item in (text or "").split(","):
        if not item.strip():
            continue
        key, sep, header = item.partition("=")
        key = key.strip()
        if not sep or key not in FIELDS or not header.strip():
            raise ListError(f"bad --map item {item.strip()!r}: use FIELD=HEADER with FIELD one "
                            f"of {', '.join(FIELDS)}")
        mapping[key] = header.strip()
    return mapping


def _norm_header(h: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", h.strip().lower()).strip("_")


def resolve_mapping(headers: list[str], user_map: dict[str, str]) -> dict[str, str]:
    mapping: dict[str, str] = {}
    by_norm = {_norm_header(h): h for h in headers}
    for ours in FIELDS:
        if ours in user_map and user_map[ours] in headers:
            mapping[ours] = user_map[ours]
        elif ours in by_norm:
            mapping[ours] = by_norm[ours]
    for alias, ours in ALIASES.items():
        if ours not in mapping and alias in by_norm:
            mapping[ours] = by_norm[alias]
    return mapping


def _read_table(path: Path, raw: bytes) -> list[list[str]]:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        except Exception as exc:
            raise ListError(f"{path.name}: not a readable XLSX file ({exc})") from exc
        sheet = wb.worksheets[0]
        rows = [["" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer()
                                        else str(v)) for v in row]
                for row in sheet.iter_rows(values_only=True)]
        wb.close()
        return rows
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1256", errors="replace")  # Windows Arabic/Persian code page
    try:
        dialect: Any = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text), dialect))


def read_list(path: str | Path, user_map: dict[str, str] | None = None,
              name: str | None = None) -> ListData:
    """Read one list file; raise ListError when it cannot be used at all."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ListError(f"{path}: cannot read ({exc.strerror or exc})") from exc
    rows = _read_table(path, raw)
    if not rows:
        raise ListError(f"{path.name}: empty file")
    headers = [h.strip() for h in rows[0]]
    user_map = user_map or {}
    mapping = resolve_mapping(headers, user_map)
    if "record_id" not in mapping:
        raise ListError(f"{path.name}: no record_id column (headers: {', '.join(headers)}); "
                        "name it with --map record_id=HEADER")
    if "full_name" not in mapping and "family_name" not in mapping and "given_name" not in mapping:
        raise ListError(f"{path.name}: no name column (need full_name, or given_name + "
                        f"family_name; headers: {', '.join(headers)}); use --map "
                        "full_name=HEADER")
    data = ListData(name or path.stem, path, [], mapping, raw=raw)
    data.headers = headers
    index = {h: i for i, h in enumerate(headers)}
    seen: set[str] = set()
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) > len(headers) and any(c.strip() for c in row[len(headers):]):
            data.problems.append(f"row {n}: {len(row)} cells for {len(headers)} columns; "
                                 "the extra cells are kept in data only")
        raw_row = {h: (row[i].strip() if i < len(row) else "") for h, i in index.items()}
        rec, problems = normalise({k: raw_row.get(h, "") for k, h in mapping.items()})
        rid = rec.get("record_id")
        if not rid:
            data.problems.append(f"row {n}: no record_id; row skipped")
            continue
        if rid in seen:
            data.problems.append(f"row {n}: duplicate record_id {rid!r}; row skipped")
            continue
        seen.add(rid)
        data.problems.extend(f"row {n} ({rid}): {p}" for p in problems)
        rec["data"] = raw_row
        data.records.append(rec)
    return data


def from_frame(name: str, frame: Any) -> ListData:
    """A pandas DataFrame already in our schema (the simulator's lists) as a ListData."""
    data = ListData(name, None, [], {c: c for c in frame.columns if c in FIELDS})
    for row in frame.to_dict("records"):
        clean = {k: ("" if v is None or v != v else str(v)) for k, v in row.items()}
        rec, problems = normalise(clean)
        data.problems.extend(f"{rec.get('record_id')}: {p}" for p in problems)
        rec["data"] = clean
        data.records.append(rec)
    return data


def jalali_to_gregorian(jy: int, jm: int, jd: int) -> tuple[int, int, int]:
    """A Solar Hijri date as a Gregorian (year, month, day) (the arithmetic 33-year rule)."""
    jy += 1595
    days = -355668 + 365 * jy + (jy // 33) * 8 + ((jy % 33) + 3) // 4 + jd + (
        (jm - 1) * 31 if jm < 7 else (jm - 7) * 30 + 186)
    gy = 400 * (days // 146097)
    days %= 146097
    if days > 36524:
        days -= 1
        gy += 100 * (days // 36524)
        days %= 36524
        if days >= 365:
            days += 1
    gy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        gy += (days - 1) // 365
        days = (days - 1) % 365
    gd = days + 1
    leap = (gy % 4 == 0 and gy % 100 != 0) or gy % 400 == 0
    months = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
    gm = 0
    while gm < 12 and gd > months[gm]:
        gd -= months[gm]
        gm += 1
    return gy, gm + 1, gd


def jalali_to_gregorian_year(year: int, month: int | None = None) -> int:
    """The Gregorian year a Solar Hijri year/month falls in (month 10–12 run into year + 622)."""
    return year + 622 if month is not None and month >= 10 else year + 621


def parse_date(text: str) -> tuple[int | None, str | None, str | None]:
    """(Gregorian year, ISO date or month when exact, problem) of a free-text date."""
    text = text.translate(PERSIAN_DIGITS).strip()
    if not text:
        return None, None, None
    m = _ISO.match(text)
    if m:
        y, mo = int(m.group(1)), int(m.group(2))
        day = int(m.group(3)) if m.group(3) else None
        if 1200 <= y < 1500 and 1 <= mo <= 12:  # Solar Hijri
            if day and 1 <= day <= 31:
                gy, gm, gd = jalali_to_gregorian(y, mo, day)
                return gy, f"{gy:04d}-{gm:02d}-{gd:02d}", None
            return jalali_to_gregorian_year(y, mo), f"AP{y:04d}-{mo:02d}", None
        if 1 <= mo <= 12:
            return y, f"{y:04d}-{mo:02d}" + (f"-{day:02d}" if day else ""), None
    named = _named_month_date(text)
    if named is not None:
        return named
    m2 = _YEAR.search(text)
    if m2:
        y = int(m2.group(1))
        return (jalali_to_gregorian_year(y) if y < 1500 else y), None, None
    return None, None, f"unreadable date {text!r}"


_DAY_MONTH_YEAR = re.compile(r"^(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?([^\W\d_]+)\.?,?\s+(\d{4})$")
_MONTH_DAY_YEAR = re.compile(r"^([^\W\d_]+)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$")


def _named_month_date(text: str) -> tuple[int | None, str | None, str | None] | None:
    """"27 Mordad 1367", "۲۷ مرداد ۱۳۶۷", "Shahrivar 1367", "18 August 1988", "Aug 18, 1988";
    month names from the calendar vocabulary that extraction uses. None when it is not one."""
    from factfinder.extract.calendar import gregorian_month, solar_hijri_month, to_gregorian

    m = _DAY_MONTH_YEAR.match(text)
    if m:
        day, month_word, year = m.group(1), m.group(2), int(m.group(3))
    else:
        m = _MONTH_DAY_YEAR.match(text)
        if not m:
            return None
        month_word, day, year = m.group(1), m.group(2), int(m.group(3))
    if 1200 <= year < 1500:
        month = solar_hijri_month(month_word)
        if month is None:
            return None
        if day is None:
            return jalali_to_gregorian_year(year, month), f"AP{year:04d}-{month:02d}", None
        try:
            g = to_gregorian(year, month, int(day))
        except ValueError as exc:
            return jalali_to_gregorian_year(year, month), None, f"impossible date {text!r}: {exc}"
        return g.year, g.isoformat(), None
    month = gregorian_month(month_word)
    if month is None:
        return None
    if day is None:
        return year, f"{year:04d}-{month:02d}", None
    try:
        return year, dt.date(year, month, int(day)).isoformat(), None
    except ValueError:
        return year, f"{year:04d}-{month:02d}", f"impossible date {text!r}"


def _int(text: str) -> int | None:
    text = text.translate(PERSIAN_DIGITS).strip()
    try:
        return int(float(text))
    except ValueError:
        return None


def normalise(rec: dict[str, str]) -> tuple[dict[str, Any], list[str]]:
    """Clean one row's fields; returns the record and its problems."""
    out: dict[str, Any] = {k: (v.strip() or None) if isinstance(v, str) else v
                           for k, v in rec.items()}
    problems: list[str] = []
    sex = (out.get("sex") or "").strip().lower()
    out["sex"] = ({"m": "M", "male": "M", "man": "M", "مرد": "M", "f": "F", "female": "F",
                   "woman": "F", "زن": "F"}.get(sex) if sex else None)
    if sex and out["sex"] is None:
        problems.append(f"unknown sex {sex!r}")
    event_year, iso, problem = parse_date(out.get("date") or "")
    out["event_year"], out["date_key"] = event_year, iso
    if problem:
        problems.append(problem)
    year = None
    if out.get("birth_year"):
        year = _int(out["birth_year"])
        if year is None:
            problems.append(f"unreadable birth_year {out['birth_year']!r}")
        elif 1200 <= year < 1450:
            year = jalali_to_gregorian_year(year)
        elif not 1850 <= year <= 2030:
            problems.append(f"implausible birth_year {year}")
            year = None
    age = out.pop("age", None)
    if year is None and age:
        a = _int(age)
        if a is None or not 0 < a < 110:
            problems.append(f"unreadable age {age!r}")
        else:
            year = (event_year or 1988) - a  # the lists are about 1988 when no date is given
    out["birth_year"] = year
    return out, problems
