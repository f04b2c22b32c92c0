"""The dossier of an entity in many documents reads the ones that mention it most, says so, and
reads them all on request; claims about it and its sources' ratings are shown."""

from __future__ import annotations

from typer.testing import CliRunner

from factfinder.cli.main import app as cli
from factfinder.entities.query import dossier, list_entities
from factfinder.web.app import create_app

from .conftest import logged_in

DOCS = [
    "Kazem Sarabi was arrested in Sarvand in 2019. Kazem Sarabi was tortured, the centre said.\n",
    "The Arvestan centre said that Kazem Sarabi was executed in Sarvand in 1988.\n",
    "Leila Moradi said that Kazem Sarabi was held in Ghasr-e Sorkh Prison in 1987.\n",
]


def _case(case, tmp_path):
    paths = []
    for i, text in enumerate(DOCS):
        (tmp_path / f"d{i}.txt").write_text(text, encoding="utf-8")
        paths.append(str(tmp_path / f"d{i}.txt"))
    res = CliRunner().invoke(cli, ["ingest", *paths, "--db", case.db.url, "--evidence",
                                   str(case.store.root), "--actor", "t", "--quiet"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with case.db.read() as conn:
        return next(e for e in list_entities(conn, type_="person")
                    if e["name"] == "Kazem Sarabi")


def test_dossier_reads_the_most_mentioning_documents_first(case, tmp_path):
    person = _case(case, tmp_path)
    assert len(person["documents"]) == 3
    with case.db.read() as conn:
        full = dossier(conn, person["id"])
        part = dossier(conn, person["id"], max_documents=1)
    assert (full["documents_read"], full["documents_total"]) == (3, 3)
    assert (part["documents_read"], part["documents_total"]) == (1, 3)
    # the one read is the one that names him twice; counts stay those of all documents
    assert part["document_list"][0]["mentions"] == 2 and len(part["document_list"]) == 1
    assert part["mentions"] == full["mentions"] == 4
    assert part["form_counts"] == full["form_counts"]
    assert {r["document_id"] for r in part["roles"]} <= {part["document_list"][0]["id"]}


def test_dossier_page_says_what_it_read_and_shows_claims_about(case, tmp_path, monkeypatch):
    from factfinder.web import data

    person = _case(case, tmp_path)
    client = logged_in(create_app(case.db, case.store), case.db, "investigator")
    monkeypatch.setattr(data, "DOSSIER_DOCUMENTS", 2)
    page = client.get(f"/entities/{person['id']}").text
    assert "Read in the 2 documents that mention it most, of 3" in page
    assert f"/entities/{person['id']}?all=true" in page
    full = client.get(f"/api/entities/{person['id']}", params={"all": "true"}).json()
    assert full["documents_read"] == 3
    about = full["claims_about"] + [r for r in full["roles"] if r["role"] == "about"]
    assert about, full["roles"]
    assert all(r["source"] is not None and "rating" in r["source"] for r in full["roles"])
    assert "not rated" in client.get(f"/entities/{person['id']}?all=true").text
