"""esf: HURIDOCS events, acts, involvements, persons and information records that join."""

from __future__ import annotations

import csv

from factfinder.export.esf import TABLES


def _read(out, name):  # type: ignore[no-untyped-def]
    with (out / f"{name}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_esf_records_join(xcase):
    out, summary = xcase.export("esf", "esf", "--include-protected")
    assert sorted(f["name"] for f in summary["files"]) == sorted(f"{t}.csv" for t in TABLES)
    t = {name: _read(out, name) for name in TABLES}
    for name, rows in t.items():
        assert rows and list(rows[0]) == list(TABLES[name]), name
    events = {e["event_record_number"]: e for e in t["events"]}
    persons = {p["person_record_number"]: p for p in t["persons"]}
    acts = {a["act_record_number"]: a for a in t["acts"]}
    for a in t["acts"]:
        assert a["event_record_number"] in events
        assert not a["victim_record_number"] or a["victim_record_number"] in persons
    for i in t["involvements"]:
        assert i["act_record_number"] in acts and i["perpetrator_record_number"] in persons
    for info in t["information"]:
        ev = events[info["record_number"]]
        assert info["document_id"] == ev["document_id"] and info["document_sha256"]
        assert info["passage"] == ev["event_description"]
    kamran = next(p for p in t["persons"] if p["name"] == "Kamran Azarnoush")
    assert kamran["person_type"] == "individual" and kamran["roles"] == "victim"
    act = next(a for a in t["acts"] if a["victim_record_number"] ==
               kamran["person_record_number"] and a["initial_date"] == "1988-08-05")
    assert act["type_of_act"] == "Extrajudicial execution"
    assert events[act["event_record_number"]]["violation_status"] == "alleged"
    beating = next(a for a in t["acts"] if a["violation_type"] == "torture")
    assert beating["type_of_act"] == "Torture"
    perps = [i for i in t["involvements"] if i["act_record_number"] == beating[
        "act_record_number"]]
    assert persons[perps[0]["perpetrator_record_number"]]["person_type"] == "group"


def test_esf_redacts_who_received_the_information(xcase):
    out, _ = xcase.export("esf", "esf-redacted")
    infos = _read(out, "information")
    assert infos and {i["received_by"] for i in infos} == {"[protected]"}
    out, _ = xcase.export("esf", "esf-included", "--include-protected")
    assert {i["received_by"] for i in _read(out, "information")} == {"t"}
