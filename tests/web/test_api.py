"""The JSON API: every route, its shape, 404s, the OpenAPI schema; hostile text stays data."""

from __future__ import annotations


def test_openapi_lists_every_api_route(client):
    spec = client.get("/openapi.json").json()
    paths = set(spec["paths"])
    for p in ("/api/documents", "/api/documents/{doc_id}", "/api/documents/{doc_id}/view",
              "/api/search", "/api/entities", "/api/entities/{entity_id}", "/api/events",
              "/api/ledger", "/api/ledger/{group_id}", "/api/lists", "/api/documents/counts"):
        assert p in paths, p
    assert client.get("/docs").status_code == 404  # no Swagger UI from a CDN


def test_documents_and_view(client):
    docs = client.get("/api/documents").json()
    assert {d["filename"] for d in docs} >= {"hostile.txt", "hostile.html"}
    assert sum(client.get("/api/documents/counts").json().values()) == len(docs)
    doc = next(d for d in docs if d["filename"] == "hostile.txt")
    full = client.get(f"/api/documents/{doc['id']}").json()
    assert "<script>alert(1)</script>" in full["text"]  # JSON carries the text as it is
    view = client.get(f"/api/documents/{doc['id']}/view").json()
    assert set(view["items"]) == {"mention", "date", "claim", "quote", "event"}
    assert view["custody"] and view["custody"][0]["action"] == "collect"
    for kind, items in view["items"].items():
        for i in items:
            assert i["kind"] == kind and full["text"][i["start"]:i["end"]] == i["text"]
    assert client.get("/api/documents/zzzz").status_code == 404
    assert client.get("/api/documents/zzzz/view").status_code == 404


def test_search(client):
    r = client.get("/api/search", params={"q": "massacre"}).json()
    assert r["total"] >= 1 and r["hits"][0]["highlights"]


def test_entities_and_dossier(client):
    ents = client.get("/api/entities").json()
    assert ents
    people = client.get("/api/entities", params={"type": "person"}).json()
    assert all(e["type"] == "person" for e in people)
    d = client.get(f"/api/entities/{ents[0]['id']}").json()
    for key in ("forms", "document_list", "co_mentioned", "roles", "claims_made",
                "event_roles"):
        assert key in d
    assert client.get("/api/entities/zzzz").status_code == 404


def test_events_filters_and_counts(client):
    every = client.get("/api/events").json()
    assert every["total"] >= 1 and every["events"]
    assert {"type", "place", "month"} == set(every["counts"])
    t = every["events"][0]["type"]
    only = client.get("/api/events", params={"type": t}).json()
    assert only["total"] >= 1 and all(e["type"] == t for e in only["events"])
    paged = client.get("/api/events", params={"per_page": 1, "page": 1}).json()
    assert len(paged["events"]) == 1
    dated = client.get("/api/events", params={"since": "1988-01-01",
                                              "until": "1988-12-31"}).json()
    for e in dated["events"]:
        assert e["date_start"] <= "1988-12-31"
    for p in every["places"]:
        assert -90 <= p["lat"] <= 90 and -180 <= p["lon"] <= 180


def test_ledger_and_group(client):
    groups = client.get("/api/ledger", params={"all": True}).json()["groups"]
    assert groups
    g = client.get(f"/api/ledger/{groups[0]['id']}").json()
    assert g["id"] == groups[0]["id"] and "values" in g and "contradictions" in g
    assert client.get("/api/ledger/zzzz").status_code == 404


def test_lists_before_linking(client):
    empty = client.get("/api/lists").json()
    assert empty["lists"] == [] and empty["estimates"] == [] and empty["latest_run"] is None


def test_lists_and_estimates(linked_client):
    v = linked_client.get("/api/lists").json()
    assert [x["name"] for x in v["lists"]] == ["list_a", "list_b", "list_c"]
    assert sum(o["count"] for o in v["overlaps"]) == v["latest_run"]["clusters"]
    methods = {e["method"] for e in v["estimates"]}
    assert {"loglinear", "dga"} <= methods
    main = next(e for e in v["estimates"] if e["method"] == "loglinear")
    assert main["estimate"] >= main["observed"] and main["lower"] <= main["upper"]


def test_protected_persons_go_through_redact(client, hostile):
    from factfinder.web.app import create_app

    from .conftest import logged_in

    viewer = logged_in(create_app(hostile.db, hostile.store), hostile.db, "viewer")
    doc = next(d for d in client.get("/api/documents").json() if d["filename"] == "hostile.txt")
    view = viewer.get(f"/api/documents/{doc['id']}/view").json()
    assert view["document"]["original"]["collector"] == "[protected]"
    assert {c["actor"] for c in view["custody"]} == {"[protected]"}
    assert "by [protected]" in viewer.get(f"/documents/{doc['id']}").text
    # an investigator sees who handled the evidence
    seen = client.get(f"/api/documents/{doc['id']}/view").json()
    assert seen["document"]["original"]["collector"] == "t"


def test_documents_by_kind(client):
    counts = client.get("/api/documents/counts").json()
    kind = next(iter(counts))
    docs = client.get("/api/documents", params={"kind": kind}).json()
    assert len(docs) == counts[kind] and all(d["kind"] == kind for d in docs)
    body = client.get("/", params={"kind": kind}).text
    assert f"<strong>{counts[kind]} {kind}</strong>" in body


def test_two_lists_give_chapman(hostile, tmp_path):
    from typer.testing import CliRunner

    from factfinder.cli.main import app as cli
    from factfinder.web.app import create_app

    from .conftest import LISTS, logged_in

    res = CliRunner().invoke(cli, ["link", *LISTS[:2], "--out", str(tmp_path / "l.csv"),
                                   "--db", hostile.db.url, "--evidence",
                                   str(hostile.store.root), "--actor", "t"],
                             catch_exceptions=False)
    assert res.exit_code == 0, res.output
    client = logged_in(create_app(hostile.db, hostile.store), hostile.db)
    v = client.get("/api/lists").json()
    assert [e["method"] for e in v["estimates"]] == ["chapman", "loglinear"]
    assert v["estimates"][0]["lower"] < v["estimates"][0]["estimate"] < v["estimates"][0]["upper"]
    page = client.get("/lists")
    assert "chapman" in page.text and page.headers["cache-control"] == "no-store"
    assert "no-store" not in client.get("/static/htmx.min.js").headers.get("cache-control", "")
