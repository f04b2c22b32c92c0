"""Persons marked protected (witnesses, sources): masked in every page, API answer and search
snippet for reviewers, viewers and public visitors; shown, and marked, for investigators."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from factfinder import custody
from factfinder.cli.main import app as cli
from factfinder.entities import actions
from factfinder.redaction import MASK
from factfinder.web.app import create_app

from .conftest import logged_in

NAME = "Kazem Sarabi"


@pytest.fixture
def protected(hostile):
    person = _person(hostile)
    actions.protect(hostile.db, person, "t", reason="witness")
    return hostile, person


def _person(case) -> str:
    with case.db.read() as conn:
        from factfinder.entities.query import list_entities

        return next(e["id"] for e in list_entities(conn, type_="person")
                    if "Sarabi" in e["name"])


def _doc(client) -> str:
    return next(d["id"] for d in client.get("/api/documents").json()
                if d["filename"] == "hostile.txt")


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_masked_for_roles_that_may_not_see(protected, role):
    case, person = protected
    c = logged_in(create_app(case.db, case.store), case.db, role)
    doc = _doc(c)
    view = c.get(f"/api/documents/{doc}/view").json()
    text = view["document"]["text"]
    assert "Sarabi" not in text and MASK * len(NAME) in text
    admin = logged_in(create_app(case.db, case.store), case.db, "admin")
    full = admin.get(f"/api/documents/{doc}/view").json()["document"]["text"]
    assert len(text) == len(full)  # offsets into the text stay valid
    page = c.get(f"/documents/{doc}").text
    assert "Sarabi" not in page and MASK * 5 in page
    assert f"/entities/{person}" not in page  # no link to the hidden dossier
    linked = {m["entity_id"] for m in view["items"]["mention"]}
    assert person not in linked and len(linked - {None}) >= 1
    # the entity itself: not listed, no dossier, no facet
    assert person not in {e["id"] for e in c.get("/api/entities").json()}
    assert c.get(f"/api/entities/{person}").status_code == 404
    assert c.get(f"/entities/{person}").status_code == 404
    assert "Sarabi" not in c.get("/entities").text
    # searching by the name says nothing about where the person appears
    found = c.get("/api/search", params={"q": "Sarabi"}).json()
    assert found["total"] == 0 and found["hits"] == []
    assert f"/documents/{doc}" not in c.get("/search", params={"q": "Sarabi"}).text
    other = c.get("/api/search", params={"q": "arrested"}).json()
    assert other["total"] >= 1
    assert all("Sarabi" not in h["snippet"] for h in other["hits"])
    assert all(f["value"] != person for f in other["facets"].get("entity", []))
    for path in ("/events", "/ledger?all=true", "/api/events", "/api/ledger?all=true"):
        assert "Sarabi" not in c.get(path).text, path


def test_visible_and_marked_for_investigators(protected):
    case, person = protected
    c = logged_in(create_app(case.db, case.store), case.db, "investigator")
    doc = _doc(c)
    assert NAME in c.get(f"/api/documents/{doc}/view").json()["document"]["text"]
    d = c.get(f"/api/entities/{person}").json()
    assert d["protected"] is True
    assert "protected person" in c.get(f"/entities/{person}").text
    assert c.get("/api/search", params={"q": "Sarabi"}).json()["total"] >= 1


def test_public_visitors_see_it_masked(protected):
    case, person = protected
    from fastapi.testclient import TestClient

    anon = TestClient(create_app(case.db, case.store, public_read=True))
    docs = anon.get("/api/documents").json()
    doc = next(d["id"] for d in docs if d["filename"] == "hostile.txt")
    assert "Sarabi" not in anon.get(f"/documents/{doc}").text
    assert anon.get(f"/entities/{person}").status_code == 404


def test_protection_is_a_logged_decision_that_survives_and_can_be_lifted(protected):
    case, person = protected
    with case.db.read() as conn:
        log = custody.entries(conn, action="entity-protect")
    assert len(log) == 1 and log[0].details["value"]["reason"] == "witness"
    res = CliRunner().invoke(cli, ["resolve", "--db", case.db.url, "--actor", "t"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    viewer = logged_in(create_app(case.db, case.store), case.db, "viewer")
    assert viewer.get(f"/api/entities/{person}").status_code == 404  # still protected
    res = CliRunner().invoke(cli, ["entities", "protect", person[:10], "--lift", "--db",
                                   case.db.url, "--actor", "t"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    assert "protection lifted" in res.output
    viewer = logged_in(create_app(case.db, case.store), case.db, "viewer")
    assert viewer.get(f"/api/entities/{person}").status_code == 200
    assert NAME in viewer.get(f"/documents/{_doc(viewer)}").text


def test_cli_protect(hostile):
    person = _person(hostile)
    res = CliRunner().invoke(cli, ["entities", "protect", person[:10], "--reason", "source",
                                   "--db", hostile.db.url, "--actor", "t", "--json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli, ["entities", "decisions", "--db", hostile.db.url],
                             catch_exceptions=False)
    assert "protect" in res.output and "source" in res.output
    res = CliRunner().invoke(cli, ["entities", "protect", "ffffffffff", "--db",
                                   hostile.db.url], catch_exceptions=False)
    assert res.exit_code != 0
