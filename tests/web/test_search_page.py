"""The search page and /api/search with filters and facets: facet links that work without
JavaScript, filters kept across pages, hostile facet values shown as text."""

from __future__ import annotations

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from factfinder.cli.main import app as cli
from factfinder.web.app import create_app

from .conftest import logged_in
from .hostile import assert_inert

SITES = [("Golvar executions", "Iran Monitor", "2019-11-16",
          "Guards executed 12 prisoners in Golvar prison on 16 November 2019, Amnesty "
          "International said. Ali Rezaei was among those arrested in Golvar."),
         ("Arrests in Golvar", "Rights Watch", "2021-03-02",
          "Security forces arrested 40 protesters in Golvar on 2 March 2021, witnesses said."),
         ("Golvar <b>bold</b>", "<script>alert(1)</script>\" onmouseover=\"alert(2)",
          "2020-01-01", "Golvar was quiet, the <img src=x onerror=alert(3)> governor said.")]


def _page(title: str, site: str, date: str, body: str) -> str:
    from html import escape

    return (f"<html><head><title>{escape(title)}</title>"
            f'<meta property="og:site_name" content="{escape(site)}">'
            f'<meta property="article:published_time" content="{date}"></head>'
            f"<body><article><h1>{escape(title)}</h1><p>{escape(body)}</p></article>"
            "</body></html>")


@pytest.fixture
def sc(case, tmp_path) -> TestClient:
    names = []
    for i, parts in enumerate(SITES):
        (tmp_path / f"s{i}.html").write_text(_page(*parts), encoding="utf-8")
        names.append(str(tmp_path / f"s{i}.html"))
    # 25 more short notes, for pagination
    for i in range(25):
        (tmp_path / f"n{i}.txt").write_text(f"Note {i} about Golvar prison.\n",
                                            encoding="utf-8")
        names.append(str(tmp_path / f"n{i}.txt"))
    res = CliRunner().invoke(cli, ["ingest", *names, "--db", case.db.url, "--evidence",
                                   str(case.store.root), "--actor", "t", "--quiet"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return logged_in(create_app(case.db, case.store), case.db)


def _links(html: str, marker: str) -> list[str]:
    """The hrefs of the links whose text contains ``marker``."""
    out = []
    for part in html.split("<a href=\"")[1:]:
        href, _, rest = part.partition("\"")
        if marker in rest.split("</a>")[0]:
            out.append(unescape(href))
    return out


def test_facets_shown_as_links_that_filter(sc):
    r = sc.get("/search", params={"q": "golvar"})
    assert r.status_code == 200
    assert_inert(r.text)
    assert "28 document(s) match" in r.text
    assert "Iran Monitor" in r.text and "Rights Watch" in r.text
    href = _links(r.text, "Iran Monitor")[0]
    assert parse_qs(urlsplit(href).query) == {"q": ["golvar"], "publisher": ["Iran Monitor"]}
    filtered = sc.get(href)
    assert "1 document(s) match" in filtered.text
    assert "Golvar executions" in filtered.text and "Arrests in Golvar" not in filtered.text
    # the active filter can be removed
    remove = [unescape(h) for h in filtered.text.split('href="')[1:]
              if "remove the filter" in h.split(">")[0]]
    assert remove and "publisher" not in remove[0].split('"')[0]


def test_event_type_and_entity_facets(sc):
    r = sc.get("/search", params={"q": "golvar"})
    execution = _links(r.text, "execution")
    assert execution
    assert "1 document(s) match" in sc.get(execution[0]).text
    ali = _links(r.text, "Ali Rezaei")
    if not ali:  # only the top entities are listed: ask for him by the API's facets
        api = sc.get("/api/search", params={"q": "rezaei"}).json()
        ali = [f"/search?q=golvar&entity={api['facets']['entity'][0]['value']}"]
    page = sc.get(ali[0]).text
    assert "1 document(s) match" in page and "Golvar executions" in page


def test_kind_checkboxes_and_dates_work_without_js(sc):
    r = sc.get("/search", params={"q": "golvar"})
    assert 'type="checkbox"' in r.text and 'name="kind"' in r.text
    assert 'name="since"' in r.text and 'name="until"' in r.text
    kinds = sc.get("/api/search", params={"q": "golvar"}).json()["facets"]["kind"]
    first = kinds[0]
    page = sc.get("/search", params={"q": "golvar", "kind": first["value"]}).text
    assert f"{first['count']} document(s) match" in page
    assert "checked" in page
    year = [h for h in _links(r.text, "2021") if "since=2021" in h]
    assert parse_qs(urlsplit(year[0]).query) == {"q": ["golvar"], "since": ["2021"],
                                                 "until": ["2021"]}
    assert "1 document(s) match" in sc.get(year[0]).text
    page = sc.get("/search", params={"q": "golvar", "since": "2020", "until": "2021"}).text
    assert "2 document(s) match" in page
    assert "Arrests in Golvar" in page and "Golvar executions" not in page


def test_pagination_keeps_filters_and_snippets(sc):
    r = sc.get("/search", params={"q": "prison", "since": "", "kind": ["", "document"]})
    assert r.status_code == 200
    assert "<mark>" in r.text
    nxt = _links(r.text, "next")
    assert nxt  # 27 documents, 20 a page
    qs = parse_qs(urlsplit(nxt[0]).query)
    assert qs["page"] == ["2"] and qs["kind"] == ["document"] and qs["q"] == ["prison"]
    second = sc.get(nxt[0]).text
    assert "← previous" in second and "<mark>" in second


def test_hostile_publisher_is_text(sc):
    r = sc.get("/search", params={"q": "golvar"})
    assert_inert(r.text)
    assert "<script>alert(1)" not in r.text and "&lt;script&gt;alert(1)" in r.text
    href = _links(r.text, "alert(1)")[0]
    page = sc.get(href)
    assert page.status_code == 200
    assert_inert(page.text)
    assert "1 document(s) match" in page.text


def test_api_filters_and_facets(sc):
    r = sc.get("/api/search", params={"q": "golvar"}).json()
    assert r["total"] == 28 and r["facets"]["total"] == 28
    assert {"kind", "publisher", "year", "event_type", "entity"} <= set(r["facets"])
    r = sc.get("/api/search", params={"q": "golvar", "publisher": "Rights Watch"}).json()
    assert r["total"] == 1 and r["hits"][0]["title"] == "Arrests in Golvar"
    r = sc.get("/api/search", params={"q": "golvar", "event_type": "execution",
                                      "facets": False}).json()
    assert r["total"] == 1 and "facets" not in r
    r = sc.get("/api/search", params={"q": "golvar", "since": "2020-01",
                                      "until": "2020-12"}).json()
    assert r["total"] == 1
    r = sc.get("/api/search", params={"q": "golvar", "kind": ["x", "y"]}).json()
    assert r["total"] == 0 and r["facets"]["total"] == 0


def test_viewer_sees_facets_too(case, sc):
    viewer = logged_in(create_app(case.db, case.store), case.db, "viewer")
    r = viewer.get("/search", params={"q": "golvar"})
    assert r.status_code == 200 and "Iran Monitor" in r.text
    assert viewer.get("/api/search", params={"q": "golvar"}).json()["facets"]["total"] == 28


def test_protected_documents_only_for_roles_that_may_see_them(case, sc):
    from ..test_search_facets import protect

    protect(case, "Golvar executions")
    app = create_app(case.db, case.store)
    for role, seen in (("viewer", False), ("reviewer", False), ("investigator", True),
                       ("admin", True)):
        client = logged_in(app, case.db, role)
        api = client.get("/api/search", params={"q": "golvar", "limit": 100}).json()
        titles = {h["title"] for h in api["hits"]}
        assert ("Golvar executions" in titles) is seen, role
        assert api["total"] == api["facets"]["total"] == (28 if seen else 27), role
        publishers = {v["value"] for v in api["facets"]["publisher"]}
        assert ("Iran Monitor" in publishers) is seen, role
        page = client.get("/search", params={"q": "executed"}).text
        assert ("Golvar executions" in page) is seen, role
