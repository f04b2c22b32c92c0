"""Reading lists: CSV, XLSX, --map, clear errors, bad rows that do not stop the run."""

from __future__ import annotations

from pathlib import Path

import pytest

from factfinder.linkage.lists import ListError, normalise, parse_map, read_list
from factfinder.linkage.simulate import simulate

from ..conftest import SAMPLE


def test_sample_lists_read_with_their_own_headers():
    a = read_list(SAMPLE / "lists" / "list_a.csv")
    b = read_list(SAMPLE / "lists" / "list_b.csv")
    c = read_list(SAMPLE / "lists" / "list_c.csv")
    assert (len(a.records), len(b.records), len(c.records)) == (156, 122, 88)
    assert b.mapping["given_name"] == "given_name" and "age" in c.mapping
    assert b.records[0]["event_year"] == 1988 and b.records[0]["date_key"] == "1988-07-29"
    assert all(r["birth_year"] is None or 1900 < r["birth_year"] < 1980 for r in c.records)


def test_xlsx_and_map(tmp_path: Path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["No", "Name", "Father", "Born"])
    ws.append([1, "Hossein Karimi", "Ali", 1960])
    ws.append([2, "محمد رضا پورمحمدی", None, "1340"])
    wb.save(tmp_path / "x.xlsx")
    data = read_list(tmp_path / "x.xlsx", parse_map("record_id=No,full_name=Name,"
                                                     "father_name=Father,birth_year=Born"))
    assert [r["record_id"] for r in data.records] == ["1", "2"]
    assert data.records[0]["full_name"] == "Hossein Karimi"
    assert data.records[1]["birth_year"] == 1961  # Solar Hijri 1340
    assert data.mapping["full_name"] == "Name"


def test_missing_columns_and_bad_map_are_clear(tmp_path: Path):
    f = tmp_path / "l.csv"
    f.write_text("id_no,name\n1,Ali\n")
    with pytest.raises(ListError, match="no record_id column.*--map record_id"):
        read_list(f)
    g = tmp_path / "m.csv"
    g.write_text("record_id,city\n1,Tehran\n")
    with pytest.raises(ListError, match="no name column"):
        read_list(g)
    with pytest.raises(ListError, match="bad --map item"):
        parse_map("nickname=Alias")
    with pytest.raises(ListError, match="cannot read"):
        read_list(tmp_path / "absent.csv")


def test_bad_rows_are_reported_and_the_rest_read(tmp_path: Path):
    f = tmp_path / "l.csv"
    f.write_text("record_id,full_name,birth_year,sex\n1,Ali Karimi,19x0,M\n,No Id,1950,M\n"
                 "1,Duplicate,1950,M\n2,Reza Jafari,1955,alien\n3,Hasan Nouri,1958,F\n")
    data = read_list(f)
    assert [r["record_id"] for r in data.records] == ["1", "2", "3"]
    text = "\n".join(data.problems)
    assert "unreadable birth_year '19x0'" in text and "no record_id" in text
    assert "duplicate record_id '1'" in text and "unknown sex 'alien'" in text


def test_solar_hijri_dates():
    from factfinder.linkage.lists import jalali_to_gregorian, parse_date

    assert jalali_to_gregorian(1367, 5, 1) == (1988, 7, 23)  # 1 Mordad 1367
    assert jalali_to_gregorian(1367, 6, 31) == (1988, 9, 22)  # 22 Sep 1988
    assert parse_date("۱۳۶۷/۰۵/۰۷")[1] == "1988-07-29"
    assert parse_date("Aug 1988")[0] == 1988 and parse_date("???")[2] == "unreadable date '???'"
    # month names, in Latin letters or Persian script, from the calendar vocabulary
    assert parse_date("27 Mordad 1367")[1] == "1988-08-18"
    assert parse_date("۲۷ مرداد ۱۳۶۷")[1] == "1988-08-18"
    assert parse_date("Shahrivar 1367")[1] == "AP1367-06"
    assert parse_date("18 August 1988")[1] == parse_date("Aug 18, 1988")[1] == "1988-08-18"
    assert "impossible date" in (parse_date("31 Esfand 1367")[2] or "")


def test_age_becomes_birth_year():
    rec, problems = normalise({"record_id": "1", "age": "27", "date": "summer 1367"})
    assert rec["birth_year"] == 1988 - 27 and not problems


def test_generator_is_deterministic_and_relatives_are_distinct_people():
    s1, s2 = simulate(300, seed=5), simulate(300, seed=5)
    assert s1.lists["list_1"].equals(s2.lists["list_1"])
    fams: dict[tuple[str, str], set[str]] = {}
    for p in s1.people:
        fams.setdefault((p.family, p.father[0]), set()).add(p.person_id)
    assert any(len(v) > 1 for v in fams.values())  # there are siblings to keep apart
