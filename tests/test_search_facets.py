"""Search filters (kind, publisher, published range, entity, event type) and facet counts, on
every engine (the ``case`` fixture)."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from factfinder.cli.main import app as cli
from factfinder.search import FACETS, SearchFilter, facets, search

PAGES = {
    "a.html": ("Golvar executions", "Iran Monitor", "2019-11-16",
               "Guards executed 12 prisoners in Golvar prison on 16 November 2019, Amnesty "
               "International said. Ali Rezaei was among those arrested in Golvar."),
    "b.html": ("Arrests in Golvar", "Rights Watch", "2021-03-02",
               "Security forces arrested 40 protesters in Golvar on 2 March 2021, witnesses "
               "said. Prison conditions remain poor."),
}


def _page(title: str, site: str, date: str, body: str) -> str:
    return (f"<html><head><title>{title}</title>"
            f'<meta property="og:site_name" content="{site}">'
            f'<meta property="article:published_time" content="{date}"></head>'
            f"<body><article><h1>{title}</h1><p>{body}</p></article></body></html>")


@pytest.fixture
def faceted(case, tmp_path):
    for name, parts in PAGES.items():
        (tmp_path / name).write_text(_page(*parts), encoding="utf-8")
    (tmp_path / "c.txt").write_text(
        "Notes on Golvar prison.\nNothing happened in Golvar in 2020 according to the "
        "governor.\n", encoding="utf-8")
    res = CliRunner().invoke(cli, ["ingest", *(str(tmp_path / n) for n in
                                               ("a.html", "b.html", "c.txt")),
                                   "--db", case.db.url, "--evidence", str(case.store.root),
                                   "--actor", "t", "--quiet"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return case


def _titles(results) -> set[str]:
    return {h["title"] for h in results.hits}


def _entity(case, name: str) -> str:
    counts = facets(case.db, "golvar", limit=50)
    return next(e["value"] for e in counts["entity"] if e["name"] == name)


def test_unfiltered_search_unchanged(faceted):
    results = search(faceted.db, "golvar")
    assert results.total == 3 and len(results.hits) == 3
    assert all(h["highlights"] for h in results.hits)
    assert results.facets == {}  # asked for none


def test_publisher_and_kind(faceted):
    r = search(faceted.db, "golvar", flt=SearchFilter(publisher="Rights Watch"))
    assert r.total == 1 and _titles(r) == {"Arrests in Golvar"}
    assert search(faceted.db, "golvar", flt=SearchFilter(publisher="Nobody")).total == 0
    kind = r.hits[0]["kind"]
    assert search(faceted.db, "golvar", flt=SearchFilter(kinds=(kind,))).total == 3
    assert search(faceted.db, "golvar", flt=SearchFilter(kinds=("nosuchkind",))).total == 0
    assert search(faceted.db, "golvar", flt=SearchFilter(kinds=("nosuchkind", kind))).total == 3


def test_date_range_prefixes(faceted):
    def titles(**kw):
        return _titles(search(faceted.db, "golvar", flt=SearchFilter(**kw)))

    assert titles(since="2020") == {"Arrests in Golvar"}
    assert titles(until="2019") == {"Golvar executions"}
    assert titles(until="2019-11-15") == set()
    assert titles(since="2019-11-16", until="2019-11-16") == {"Golvar executions"}
    assert titles(since="2019-11", until="2021-03") == {"Golvar executions",
                                                         "Arrests in Golvar"}


def test_entity_and_event_type(faceted):
    ali = _entity(faceted, "Ali Rezaei")
    r = search(faceted.db, "golvar", flt=SearchFilter(entity=ali))
    assert _titles(r) == {"Golvar executions"}
    assert _titles(search(faceted.db, "golvar", flt=SearchFilter(event_type="execution"))) \
        == {"Golvar executions"}
    assert search(faceted.db, "prison", flt=SearchFilter(event_type="arbitrary_arrest")).total \
        == 2
    # filters combine (AND)
    assert search(faceted.db, "golvar", flt=SearchFilter(entity=ali, since="2020")).total == 0


def test_facet_counts(faceted):
    r = search(faceted.db, "golvar", with_facets=True)
    f = r.facets
    assert set(f) == {"total", *FACETS}
    assert f["total"] == r.total == 3
    assert {v["value"]: v["count"] for v in f["publisher"]} == {"Iran Monitor": 1,
                                                                "Rights Watch": 1}
    assert sum(v["count"] for v in f["kind"]) == 3
    assert [v["value"] for v in f["year"]] == ["2019", "2021"]  # in order
    events = {v["value"]: v["count"] for v in f["event_type"]}
    assert events["arbitrary_arrest"] == 2 and events["execution"] == 1
    names = {v["name"]: v for v in f["entity"]}
    assert names["Golvar"]["count"] == 3 and names["Golvar"]["type"] == "place"
    counts = [v["count"] for v in f["entity"]]
    assert counts == sorted(counts, reverse=True)


def test_facets_follow_filters_and_limit(faceted):
    f = search(faceted.db, "golvar", flt=SearchFilter(since="2020"), with_facets=True).facets
    assert f["total"] == 1
    assert [v["value"] for v in f["publisher"]] == ["Rights Watch"]
    assert "execution" not in {v["value"] for v in f["event_type"]}
    assert len(facets(faceted.db, "golvar", limit=1)["entity"]) == 1


def test_empty_and_unmatched(faceted):
    for q in ("", "   ", "zzzznothing", '"'):
        r = search(faceted.db, q, with_facets=True)
        assert r.total == 0 and r.hits == []
        assert r.facets["total"] == 0 and all(r.facets[n] == [] for n in FACETS)


def test_hostile_filter_values_are_parameters(faceted):
    for bad in ("' OR 1=1 --", "x\\'); DROP TABLE documents; --", "%", "_"):
        flt = SearchFilter(kinds=(bad,), publisher=bad, entity=bad, event_type=bad)
        assert search(faceted.db, "golvar", flt=flt, with_facets=True).total == 0
    assert search(faceted.db, "golvar").total == 3


def test_pagination_with_filter(faceted):
    flt = SearchFilter(kinds=(search(faceted.db, "golvar").hits[0]["kind"],))
    first = search(faceted.db, "golvar", limit=2, offset=0, flt=flt)
    second = search(faceted.db, "golvar", limit=2, offset=2, flt=flt)
    assert first.total == second.total == 3
    assert len(first.hits) == 2 and len(second.hits) == 1
    assert not {h["id"] for h in first.hits} & {h["id"] for h in second.hits}


def protect(case, title: str) -> None:
    """Mark a document protected as the submission form does (``meta`` JSON)."""
    from sqlalchemy import select, update

    from factfinder.db.schema import documents

    with case.db.write() as conn:
        pk, meta = conn.execute(select(documents.c.pk, documents.c.meta).where(
            documents.c.title == title)).one()
        value = {**json.loads(meta or "{}"), "protected": True, "reviewed": False}
        conn.execute(update(documents).where(documents.c.pk == pk).values(
            meta=json.dumps(value, ensure_ascii=False, sort_keys=True)))


def test_exclude_protected(faceted):
    protect(faceted, "Golvar executions")
    assert search(faceted.db, "golvar").total == 3  # by default everything
    r = search(faceted.db, "golvar", exclude_protected=True, with_facets=True)
    assert r.total == 2 and "Golvar executions" not in _titles(r)
    assert r.facets["total"] == 2
    assert "Iran Monitor" not in {v["value"] for v in r.facets["publisher"]}
    assert "Ali Rezaei" not in {v["name"] for v in r.facets["entity"]}
    # with a filter too, whichever way it is asked
    flt = SearchFilter(since="2019")
    assert search(faceted.db, "golvar", flt=flt, exclude_protected=True).total == 1
    assert search(faceted.db, "golvar", flt=SearchFilter(since="2019",
                                                         exclude_protected=True)).total == 1
    assert search(faceted.db, "golvar", flt=flt).total == 2


def test_cli_filters_and_facets(faceted):
    base = ["search", "golvar", "--db", faceted.db.url]
    res = CliRunner().invoke(cli, [*base, "--since", "2020", "--facets", "--json"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    assert out["total"] == 1 and out["facets"]["total"] == 1
    res = CliRunner().invoke(cli, [*base, "--event-type", "execution", "--facets"],
                             catch_exceptions=False)
    assert res.exit_code == 0 and "1 document(s) match" in res.output
    assert "Facets" in res.output and "Iran Monitor 1" in res.output
    res = CliRunner().invoke(cli, [*base, "--publisher", "Rights Watch", "--kind", "nosuch",
                                   "--json"], catch_exceptions=False)
    assert json.loads(res.output)["total"] == 0 and "facets" not in json.loads(res.output)
