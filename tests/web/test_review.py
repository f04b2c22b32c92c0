"""The review queue: suggested merges and groupings, accept / reject / defer by role, CSRF, and
the decisions recorded with the user."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from factfinder import custody
from factfinder.cli.main import app as cli
from factfinder.entities import actions
from factfinder.entities.query import list_entities
from factfinder.web.app import create_app

from .conftest import logged_in

A = ("Kazem Sarabi was arrested in Sarvand in 2019. Guards executed 30 prisoners at "
     "Ghasr-e Sorkh Prison in Sarvand in 1988, the centre said.\n")
B = ("Kazem Saravi was detained in Sarvand in 2019. Kasem Sarabi was arrested in Sarvand in "
     "2020. Karim Sarabi said that 45 prisoners were executed at Ghasr-e Sorkh Prison in "
     "Sarvand in 1988.\n")


@pytest.fixture
def app(case, tmp_path):
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B, encoding="utf-8")
    res = CliRunner().invoke(cli, ["ingest", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"),
                                   "--db", case.db.url, "--evidence", str(case.store.root),
                                   "--actor", "t", "--quiet"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    # the resolver joined every spelling; one taken out again leaves a pair to suggest
    with case.db.read() as conn:
        person = list_entities(conn, type_="person")[0]
    assert "Kasem Sarabi" in person["forms"]
    actions.split(case.db, person["id"], ["Kasem Sarabi"], "t")
    return create_app(case.db, case.store)


def _queue(client):
    r = client.get("/api/review")
    assert r.status_code == 200, r.text
    return r.json()


def _persons(client):
    return [e for e in client.get("/api/entities", params={"type": "person"}).json()]


def _log(case, action):
    with case.db.read() as conn:
        return custody.entries(conn, action=action)


def test_queue_shows_merges_and_groupings_with_evidence(app, case):
    q = _queue(logged_in(app, case.db, "reviewer"))
    assert len(q["merges"]) == 1
    m = q["merges"][0]
    assert m["score"] >= 0.8
    assert {e["name"] for e in m["entities"]} == {"Kazem Saravi", "Kasem Sarabi"}
    assert all(e["documents"] and e["forms"] for e in m["entities"])
    assert any("Kasem Sarabi" in c for e in m["entities"] for d in e["documents"]
               for c in d["contexts"])
    assert q["groupings"], "a single claim beside a bigger group of the same measure"
    g = q["groupings"][0]
    assert len(g["group"]["claims"]) > 1 and g["claim"]["text"]


def test_page_has_forms_with_csrf(app, case):
    client = logged_in(app, case.db, "reviewer")
    page = client.get("/review")
    assert page.status_code == 200
    assert 'name="csrf_token"' in page.text and 'value="accept"' in page.text
    assert "Kasem Sarabi" in page.text and 'href="/review"' in page.text
    assert 'href="/review"' not in logged_in(app, case.db, "viewer").get("/").text


def test_viewer_may_not_decide(app, case):
    viewer = logged_in(app, case.db, "viewer")
    sid = _queue(logged_in(app, case.db, "reviewer"))["merges"][0]["id"]
    r = viewer.post("/review", data={"suggestion": sid, "action": "accept"},
                    follow_redirects=False)
    assert r.status_code == 403
    assert viewer.post("/api/review", json={"suggestion": sid, "action": "accept"}
                       ).status_code == 403
    assert len(_persons(viewer)) == 2


def test_csrf_required(app, case):
    reviewer = logged_in(app, case.db, "reviewer")
    sid = _queue(reviewer)["merges"][0]["id"]
    bare = TestClient(app)
    bare.cookies.update(reviewer.cookies)
    r = bare.post("/review", data={"suggestion": sid, "action": "accept"},
                  follow_redirects=False)
    assert r.status_code == 403
    r = bare.post("/review", data={"suggestion": sid, "action": "accept", "csrf_token": "x" * 64},
                  follow_redirects=False)
    assert r.status_code == 403
    assert len(_persons(reviewer)) == 2


def test_accept_merge(app, case):
    reviewer = logged_in(app, case.db, "reviewer")
    sid = _queue(reviewer)["merges"][0]["id"]
    token = reviewer.headers.pop("X-CSRF-Token")  # as a browser sends the form, without JS
    r = reviewer.post("/review", data={"suggestion": sid, "action": "accept",
                                       "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/review")
    persons = _persons(reviewer)
    assert len(persons) == 1
    assert {"Kasem Sarabi", "Kazem Saravi"} <= set(persons[0]["forms"])
    assert [e.actor for e in _log(case, "entity-merge")] == ["reviewer"]
    assert _queue(reviewer)["merges"] == []


def test_reject_merge(app, case):
    reviewer = logged_in(app, case.db, "reviewer")
    sid = _queue(reviewer)["merges"][0]["id"]
    r = reviewer.post("/api/review", json={"suggestion": sid, "action": "reject"})
    assert r.status_code == 200, r.text
    assert len(_persons(reviewer)) == 2
    assert [e.actor for e in _log(case, "entity-not-same")] == ["reviewer"]
    assert _queue(reviewer)["merges"] == []
    assert _queue(logged_in(app, case.db, "investigator"))["merges"] == []


def test_defer_leaves_only_that_users_queue(app, case):
    reviewer = logged_in(app, case.db, "reviewer")
    sid = _queue(reviewer)["merges"][0]["id"]
    r = reviewer.post("/api/review", json={"suggestion": sid, "action": "defer"})
    assert r.status_code == 200, r.text
    assert _queue(reviewer)["merges"] == []
    assert [m["id"] for m in _queue(logged_in(app, case.db, "investigator"))["merges"]] == [sid]
    entries = _log(case, "review-defer")
    assert [(e.actor, e.object) for e in entries] == [("reviewer", sid)]
    assert len(_persons(reviewer)) == 2
    # deferred: no longer a suggestion the reviewer can act on
    assert reviewer.post("/api/review", json={"suggestion": sid, "action": "accept"}
                         ).status_code == 404


def test_accept_grouping_moves_the_claim(app, case):
    investigator = logged_in(app, case.db, "investigator")
    g = _queue(investigator)["groupings"][0]
    r = investigator.post("/api/review", json={"suggestion": g["id"], "action": "accept"})
    assert r.status_code == 200, r.text
    assert [e.actor for e in _log(case, "ledger-move")] == ["investigator"]
    group = investigator.get(f"/api/ledger/{g['group']['id']}").json()
    assert g["claim"]["claim_id"] in {c["claim_id"] for c in group["claims"]}
    assert g["id"] not in {s["id"] for s in _queue(investigator)["groupings"]}


def test_reject_grouping_and_bad_requests(app, case):
    reviewer = logged_in(app, case.db, "reviewer")
    g = _queue(reviewer)["groupings"][0]
    assert reviewer.post("/api/review", json={"suggestion": g["id"], "action": "maybe"}
                         ).status_code == 400
    assert reviewer.post("/api/review", json={"suggestion": "merge:x:y", "action": "accept"}
                         ).status_code == 404
    assert reviewer.post("/api/review", json={"suggestion": g["id"], "action": "reject"}
                         ).status_code == 200
    assert [e.actor for e in _log(case, "review-reject")] == ["reviewer"]
    assert g["id"] not in {s["id"] for s in _queue(logged_in(app, case.db, "admin"))["groupings"]}


def test_anonymous_cannot_see_the_queue_even_when_public(case):
    app = create_app(case.db, case.store, public_read=True)
    assert TestClient(app).get("/api/review").status_code == 401


def test_protected_documents_left_out_of_the_evidence(app, case):
    import json

    from sqlalchemy import update

    from factfinder.db.schema import documents

    inv = logged_in(app, case.db, "investigator")
    m = _queue(inv)["merges"][0]
    doc = next(d["id"] for e in m["entities"] for d in e["documents"]
               if any("Kasem Sarabi" in c for c in d["contexts"]))
    with case.db.write() as conn:  # as a submission's document is marked
        conn.execute(update(documents).where(documents.c.id == doc).values(
            meta=json.dumps({"protected": True, "reviewed": False})))
    seen = {d["id"] for e in _queue(inv)["merges"][0]["entities"] for d in e["documents"]}
    assert doc in seen
    q = _queue(logged_in(app, case.db, "reviewer"))
    shown = {d["id"] for s in q["merges"] for e in s["entities"] for d in e["documents"]}
    assert doc not in shown
    assert all(s["claim"]["document_id"] != doc and
               all(c["document_id"] != doc for c in s["group"]["claims"])
               for s in q["groupings"])
    assert "Kasem Sarabi was arrested" not in logged_in(app, case.db, "reviewer").get(
        "/review").text
