"""Protest-report tallies: a report's total counted once, a repost is not a second report."""

from __future__ import annotations

from pathlib import Path

from factfinder.extract.runner import run_extraction
from factfinder.ledger.tally import period_of, tally
from tests.conftest import SAMPLE, Case

REPORT = SAMPLE / "corpus" / "azadiwatch-protest-report-shahrivar-1402.txt"


def test_a_repost_of_a_report_is_counted_once(case: Case, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    text = REPORT.read_text(encoding="utf-8")
    (folder / "report.txt").write_text(text, encoding="utf-8")
    (folder / "repost.txt").write_text("Reposted from Azadi Watch\n\n" + text, encoding="utf-8")
    case.ingest(folder)
    run_extraction(case.db, actor="tester", jobs=1)
    with case.db.read() as conn:
        months = tally(conn, "month")
        cats = {r["category"]: r for r in tally(conn, "category")}
    assert [m["count"] for m in months] == [41]
    assert cats["families"]["count"] == 12
    assert len(cats["families"]["reports"]) == 1


def test_period_of() -> None:
    year = {"date_start": "2019-01-01", "date_end": "2019-12-31"}
    assert period_of(year, "At Least 177 Protests in Iran During August") == "2019-08"
    assert period_of(year, "Protests in 2019") == "2019"
    assert period_of({"date_start": "2023-08-23", "date_end": "2023-09-22"}, "") == \
        "2023-08-23/2023-09-22"
    assert period_of({"date_start": "2023-09-01", "date_end": "2023-09-30"}, "") == "2023-09"
    assert period_of({}, "") == "undated"
