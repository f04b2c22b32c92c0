"""Every HTML page in-process: what it shows, 404s, and the hostile document's payloads coming
back as text on every page."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from .hostile import assert_inert


def _ids(client):
    docs = client.get("/api/documents").json()
    hostile = next(d for d in docs if d["filename"] == "hostile.txt")
    return hostile["id"], [d["id"] for d in docs]


def all_paths(client) -> list[str]:
    doc_id, doc_ids = _ids(client)
    paths = ["/", "/search?q=prison", "/search?q=script", "/entities", "/entities?type=person",
             "/events", "/events?type=execution", "/ledger", "/ledger?all=true", "/lists"]
    paths += [f"/documents/{d}" for d in doc_ids]
    paths += [f"/entities/{e['id']}" for e in client.get("/api/entities").json()]
    paths += [f"/ledger/{g['id']}" for g in
              client.get("/api/ledger", params={"all": True}).json()["groups"]]
    return paths


def test_every_page_is_inert_and_has_the_policy(client):
    paths = all_paths(client)
    assert len(paths) > 15
    for path in paths:
        r = client.get(path)
        assert r.status_code == 200, path
        assert_inert(r.text)
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-eval" not in csp
        assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
        assert "default-src 'none'" in csp and "object-src 'none'" in csp
        assert r.headers["x-content-type-options"] == "nosniff"


def test_document_page_highlights_and_provenance(client):
    doc_id, _ = _ids(client)
    view = client.get(f"/api/documents/{doc_id}/view").json()
    body = client.get(f"/documents/{doc_id}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert view["document"]["original"]["sha256"] in body
    assert "Custody of the original" in body and "collect" in body
    # each extracted item is marked in the text and listed with an anchor
    for kind in ("mention", "event"):
        assert view["items"][kind], kind
        item = view["items"][kind][0]
        assert f'href="#item-{item["id"]}"' in body and f'id="item-{item["id"]}"' in body
        assert f"k-{kind}" in body
    assert f'/documents/{doc_id}/original' in body


def test_original_is_a_download_never_inline(client):
    html_doc = next(d for d in client.get("/api/documents").json()
                    if d["filename"] == "hostile.html")
    r = client.get(f"/documents/{html_doc['id']}/original")
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/octet-stream"
    assert r.headers["content-disposition"].startswith("attachment")
    assert b"<script>alert(8)" in r.content  # byte for byte
    assert client.get("/documents/nope/original").status_code == 404


def test_html_page_text_is_escaped(client):
    html_doc = next(d for d in client.get("/api/documents").json()
                    if d["filename"] == "hostile.html")
    body = client.get(f"/documents/{html_doc['id']}").text
    assert_inert(body)
    assert "Guards executed 12 prisoners" in body


def test_dossier_page(client):
    ents = client.get("/api/entities", params={"q": "Sarabi"}).json()
    assert ents
    body = client.get(f"/entities/{ents[0]['id']}").text
    assert "Names and spellings" in body and "<svg" in body and "Mentioned with" in body
    assert "Kazem Sarabi" in body
    assert client.get("/entities/zzzz").status_code == 404


def test_events_page_filters_and_htmx_fragment(client):
    full = client.get("/events").text
    assert "By type" in full and "execution" in full and 'id="results"' in full
    assert 'hx-get="/events"' in full and "/static/htmx.min.js" in full
    frag = client.get("/events", params={"type": "execution"}, headers={"HX-Request": "true"})
    assert frag.status_code == 200
    assert "<html" not in frag.text and "By type" in frag.text
    none = client.get("/events", params={"type": "no-such-type"}).text
    assert "no events match" in none
    dated = client.get("/events", params={"since": "1988-01-01", "until": "1988-12-31"})
    assert dated.status_code == 200


def test_ledger_pages(client):
    groups = client.get("/api/ledger", params={"all": True}).json()["groups"]
    assert groups
    body = client.get("/ledger", params={"all": True}).text
    assert groups[0]["subject"]["label"].split(" ")[0] in body
    g = client.get(f"/ledger/{groups[0]['id']}").text
    assert "Values" in g and "Claims" in g and "independent" in g
    assert client.get("/ledger/zzzz").status_code == 404


def test_lists_page_before_linking(client):
    assert "no lists imported" in client.get("/lists").text


def test_lists_page(linked_client):
    assert_inert(linked_client.get("/lists").text)
    body = linked_client.get("/lists").text
    assert "list_a" in body and "Overlap" in body and "loglinear" in body and "dga" in body
    assert "<svg" in body


@pytest.mark.parametrize("path", ["/documents/zzzz", "/entities/zzzz", "/ledger/zzzz"])
def test_missing_is_404(client, path):
    assert client.get(path).status_code == 404


def test_base_carries_csrf_meta_and_htmx_headers(client):
    body = client.get("/").text
    assert '<meta name="csrf-token"' in body and "X-CSRF-Token" in body
    assert client.get("/static/htmx.min.js").status_code == 200


def test_header_shows_the_user_and_a_logout_form_with_the_csrf_token(hostile):
    from types import SimpleNamespace

    from fastapi.testclient import TestClient

    from factfinder.web.app import create_app

    app = create_app(hostile.db, hostile.store, auth=False)

    @app.middleware("http")
    async def fake_login(request, call_next):  # what install_auth sets, without it
        request.state.user = SimpleNamespace(username="ana<b>", role="investigator")
        request.state.csrf_token = "tok123"
        return await call_next(request)

    body = TestClient(app).get("/").text
    assert "ana&lt;b&gt; · investigator" in body
    assert 'name="csrf_token" value="tok123"' in body
    assert '<meta name="csrf-token" content="tok123">' in body
    assert '"X-CSRF-Token": "tok123"' in body


class _Forms(HTMLParser):
    """Form controls and the labels that name them."""

    def __init__(self) -> None:
        super().__init__()
        self.controls: list[tuple[str, str | None, bool]] = []  # tag, id, inside a label
        self.label_for: set[str] = set()
        self.in_label = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(str(a["for"]))
        if tag in ("input", "select", "textarea") and a.get("type") not in (
                "hidden", "submit", "button"):
            self.controls.append((tag, a.get("id"), self.in_label > 0))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


def test_every_form_control_has_a_label(linked_client):
    for path in ("/", "/search?q=prison", "/entities", "/events", "/ledger", "/lists"):
        forms = _Forms()
        forms.feed(linked_client.get(path).text)
        assert forms.controls, path
        for tag, ident, wrapped in forms.controls:
            assert wrapped or (ident and ident in forms.label_for), (path, tag, ident)


def test_annotate_nests_spans_and_escapes():
    from factfinder.web.render import annotate

    text = 'A <b>x</b> said "30 men" died'
    items = [{"id": "e1", "kind": "event", "start": 0, "end": len(text)},
             {"id": "c1", "kind": "claim", "start": 17, "end": 23, "original": "30 men"},
             {"id": "m1", "kind": "mention", "start": 2, "end": 10, "label": "PERSON",
              "normalized": '<i onclick="x">'}]
    html = str(annotate(text, items))
    assert "<b>" not in html and "&lt;b&gt;x&lt;/b&gt;" in html
    assert 'onclick="x"' not in html and "onclick=&#34;x&#34;" in html
    assert 'class="hl k-event k-claim" href="#item-c1"' in html
    assert 'class="hl k-event k-mention" href="#item-m1"' in html
    assert 'class="hl k-event" href="#item-e1"' in html
    assert annotate("plain <text>", []) == "plain &lt;text&gt;"


def test_search_links_matching_entities(client):
    body = client.get("/search", params={"q": "Sarabi"}).text
    ent = client.get("/api/entities", params={"q": "Sarabi"}).json()[0]
    assert f'href="/entities/{ent["id"]}"' in body
    assert client.get("/search", params={"q": '"the prison" OR x*'}).status_code == 200


def test_estimate_warnings_are_shown_prominently(linked_client, monkeypatch):
    from factfinder.web import data

    monkeypatch.setattr(data, "_estimates", lambda *a: [
        {"method": "loglinear", "estimate": None, "lower": None, "upper": None, "level": 0.95,
         "observed": 242, "model": None, "interval": None, "stratum": None,
         "warnings": ["no estimate: <b>the model did not converge</b>"]}])
    body = linked_client.get("/lists").text
    assert 'class="warn" role="alert"' in body and "1 of 1 estimate(s)" in body
    assert "&lt;b&gt;the model did not converge&lt;/b&gt;" in body
    assert linked_client.get("/api/lists").json()["estimates"][0]["warnings"]


def test_the_real_app_needs_a_login_and_redacts_for_viewers(hostile):
    from fastapi.testclient import TestClient

    from factfinder.web.app import create_app

    from .conftest import logged_in

    app = create_app(hostile.db, hostile.store)
    anonymous = TestClient(app, follow_redirects=False)
    r = anonymous.get("/events")
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")
    assert anonymous.get("/api/documents").status_code == 401
    viewer = logged_in(app, hostile.db, "viewer")
    doc = viewer.get("/api/documents").json()[0]
    assert viewer.get(f"/documents/{doc['id']}").status_code == 200
    assert viewer.get(f"/documents/{doc['id']}/original").status_code == 403
    # the collector (who handled the evidence) is protected; an investigator sees it
    assert '"collector":"[protected]"' in viewer.get(f"/api/documents/{doc['id']}").text
    admin = logged_in(app, hostile.db, "admin")
    assert admin.get(f"/documents/{doc['id']}/original").status_code == 200
    assert '"collector":"[protected]"' not in admin.get(f"/api/documents/{doc['id']}").text
