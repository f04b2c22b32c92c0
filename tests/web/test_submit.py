"""The submission form: stored through the intake as protected, unreviewed documents with their
custody entry; files in the evidence store; rate limit; anonymous posting with public_submit."""

from __future__ import annotations

import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from factfinder import custody
from factfinder.documents import DocumentFilter, list_documents
from factfinder.search import search
from factfinder.web import submit
from factfinder.web.app import create_app
from factfinder.web.auth_ratelimit import limiter

from .conftest import logged_in

PHOTO = b"\x89PNG\r\n\x1a\n" + b"not really a picture " * 10
LETTER = b"My brother Reza Kamali was taken from our home in Sarvand on 3 May 2021."
FORM = {"description": "My brother was arrested by plain-clothes agents in Sarvand.",
        "names": "Reza Kamali", "dates": "3 May 2021", "places": "Sarvand"}


@pytest.fixture(autouse=True)
def fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


def make_app(case, **kw):
    app = create_app(case.db, case.store, **kw)
    if not getattr(app.state, "submissions", False):
        submit.install(app)  # until create_app installs it
    return app


def _send(client, data=FORM, files=None, url="/api/submit"):
    files = files if files is not None else [
        ("files", ("photo.png", PHOTO, "image/png")),
        ("files", ("letter.txt", LETTER, "text/plain"))]
    return client.post(url, data=data, files=files or None, follow_redirects=False)


def test_investigator_submits_and_it_is_stored_protected(case):
    app = make_app(case)
    inv = logged_in(app, case.db, "investigator")
    r = _send(inv)
    assert r.status_code == 201, r.text
    sid = r.json()["submission"]
    subs = inv.get("/api/submissions").json()
    assert [s["submission"] for s in subs] == [sid]
    s = subs[0]
    assert s["by"] == "investigator" and s["files"] == 2
    assert all(d["protected"] for d in s["documents"])
    text = next(d for d in s["documents"] if "Sarvand" in d["text"] and "Reza" in d["text"])
    assert FORM["description"] in text["text"] and "Places: Sarvand" in text["text"]
    # the files are originals in the evidence store, by their sha256
    for data in (PHOTO, LETTER):
        sha = hashlib.sha256(data).hexdigest()
        assert sha in s["originals"]
        assert (sha in s["unread"]) == (data is PHOTO)  # no reader for it: kept unread
        assert case.store.has(sha)
        assert case.store.path_for(sha).read_bytes() == data
    with case.db.read() as conn:
        entries = custody.entries(conn, action="submission-received")
        assert [(e.actor, e.object) for e in entries] == [("investigator", sid)]
        assert all(d["id"] in entries[0].details["documents"] for d in s["documents"])
        # the intake's own entries, collected by "submission"
        ingested = [e for e in custody.entries(conn) if e.object in s["originals"]]
        assert ingested and all(e.actor == "submission" for e in ingested)
        # the library leaves them out where asked
        every = {d["id"] for d in list_documents(conn)}
        shown = {d["id"] for d in list_documents(conn, DocumentFilter(exclude_protected=True))}
    assert {d["id"] for d in s["documents"]} <= every - shown


def test_protected_document_views(case):
    app = make_app(case)
    inv = logged_in(app, case.db, "investigator")
    assert _send(inv).status_code == 201
    doc = inv.get("/api/submissions").json()[0]["documents"][0]["id"]
    viewer = logged_in(app, case.db, "viewer")
    for client in (viewer, logged_in(app, case.db, "reviewer")):
        assert client.get(f"/api/documents/{doc}").status_code == 404
        assert client.get(f"/api/documents/{doc}/view").status_code == 404
        assert client.get(f"/documents/{doc}").status_code == 404
        assert client.get("/api/submissions").status_code == 403
        assert client.get("/submissions").status_code == 403
    page = inv.get("/submissions")
    assert page.status_code == 200 and "plain-clothes agents" in page.text


def test_viewer_does_not_see_submissions_in_search(case):
    app = make_app(case)
    assert _send(logged_in(app, case.db, "investigator")).status_code == 201
    viewer = logged_in(app, case.db, "viewer")
    assert viewer.get("/api/search", params={"q": "plain-clothes"}).json()["hits"] == []
    inv = logged_in(app, case.db, "investigator")
    assert inv.get("/api/search", params={"q": "plain-clothes"}).json()["hits"]
    assert search(case.db, "plain-clothes").hits
    assert search(case.db, "plain-clothes", exclude_protected=True).hits == []


def test_viewer_does_not_see_submissions_in_lists(case):
    app = make_app(case)
    assert _send(logged_in(app, case.db, "investigator")).status_code == 201
    viewer = logged_in(app, case.db, "viewer")
    assert not any("Submission" in (d["title"] or "") for d in viewer.get(
        "/api/documents").json())
    assert "Submission" not in viewer.get("/").text
    inv = logged_in(app, case.db, "investigator")
    doc = inv.get("/api/submissions").json()[0]["documents"][0]["id"]
    assert inv.get(f"/api/documents/{doc}").status_code == 200
    assert inv.get(f"/documents/{doc}").status_code == 200
    assert any(d["id"] == doc for d in inv.get("/api/documents").json())


def test_roles_and_csrf(case):
    app = make_app(case)
    for role in ("viewer", "reviewer"):
        assert _send(logged_in(app, case.db, role)).status_code == 403
    inv = logged_in(app, case.db, "investigator")
    bare = TestClient(app)
    bare.cookies.update(inv.cookies)
    assert _send(bare).status_code == 403  # no CSRF token
    assert TestClient(app).get("/submit", follow_redirects=False).status_code == 303  # log in
    assert _send(TestClient(app)).status_code == 401


def test_form_validation(case):
    inv = logged_in(make_app(case), case.db, "investigator")
    assert _send(inv, data={"names": "x"}).status_code == 400
    too_many = [("files", (f"f{i}.txt", b"x%d" % i, "text/plain")) for i in range(6)]
    assert _send(inv, files=too_many).status_code == 400
    big = [("files", ("big.bin", b"\0" * (submit.MAX_BYTES + 1), "application/octet-stream"))]
    assert _send(inv, files=big).status_code == 413
    page = _send(inv, data={"description": ""}, files=[], url="/submit")
    assert page.status_code == 400 and "description is required" in page.text


def test_rate_limit(case):
    inv = logged_in(make_app(case), case.db, "investigator")
    for i in range(5):
        r = _send(inv, data={**FORM, "description": f"testimony {i}"}, files=[])
        assert r.status_code == 201, r.text
    r = _send(inv, data={**FORM, "description": "one more"}, files=[])
    assert r.status_code == 429
    assert _send(inv, data={**FORM, "description": "one more"}, files=[],
                 url="/submit").status_code == 429


def test_public_submit_anonymous_with_form_token(case):
    app = make_app(case, public_submit=True)
    anon = TestClient(app)
    page = anon.get("/submit")
    assert page.status_code == 200
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    assert 'enctype="multipart/form-data"' in page.text
    no_token = _send(anon, url="/submit")
    assert no_token.status_code == 403
    r = anon.post("/submit", data={**FORM, "csrf_token": token},
                  files=[("files", ("letter.txt", LETTER, "text/plain"))])
    assert r.status_code == 200 and "was received" in r.text
    # anonymous visitors still may not read anything else, nor the submissions
    assert anon.get("/api/submissions").status_code == 401
    assert anon.get("/api/documents").status_code == 401
    inv = logged_in(app, case.db, "investigator")
    subs = inv.get("/api/submissions").json()
    assert len(subs) == 1 and subs[0]["by"] == "anonymous"
    with case.db.read() as conn:
        entry = custody.entries(conn, action="submission-received")[0]
    assert "testclient" not in str(entry.details)  # the client's address is not recorded
