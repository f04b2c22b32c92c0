"""The web app in-process: pages, JSON API, escaping of hostile text, security headers."""

from __future__ import annotations

import pytest

from factfinder.web.app import create_app

from .conftest import logged_in

XSS = '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'


@pytest.fixture
def client(case, tmp_path):
    (tmp_path / "a.txt").write_text(
        "Hostile title " + XSS + "\n\nThe tribunal heard testimony about the prison "
        "massacre and the hidden graves. " + XSS + " More testimony followed in the afternoon "
        "from relatives of the victims who had travelled far to attend the session.")
    case.ingest(tmp_path / "a.txt")
    return logged_in(create_app(case.db), case.db)


def test_home_lists_documents_with_security_headers(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "Hostile title" in r.text
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"


def test_hostile_text_is_escaped_everywhere(client):
    doc_id = client.get("/api/documents").json()[0]["id"]
    for path in ("/", f"/documents/{doc_id}", "/search?q=testimony"):
        body = client.get(path).text
        assert "<script>alert" not in body and "onerror=\"alert" not in body
        assert "<a href=\"javascript:" not in body
    assert "&lt;script&gt;" in client.get(f"/documents/{doc_id}").text


def test_search_page_and_api(client):
    r = client.get("/search", params={"q": "massacre graves"})
    assert r.status_code == 200 and "<mark>" in r.text
    api = client.get("/api/search", params={"q": "massacre"}).json()
    assert api["total"] == 1 and api["hits"][0]["highlights"]
    assert client.get("/search").status_code == 200


def test_document_page_and_404(client):
    doc = client.get("/api/documents").json()[0]
    r = client.get(f"/documents/{doc['id']}")
    assert r.status_code == 200 and doc["sha256"] in r.text
    assert client.get("/documents/doesnotexist").status_code == 404
    assert client.get("/api/documents/doesnotexist").status_code == 404
