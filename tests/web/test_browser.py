"""In a real browser (Debian's Chromium through Playwright): the hostile document and every
main page load without any script of theirs running, and HTMX works under the CSP.

Skips when playwright or /usr/bin/chromium is missing. Screenshots go to
$FACTFINDER_SCREENSHOTS (if set) or the test's temporary folder."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

from factfinder.web.app import create_app

# (importing .browser skips this module without playwright or chromium)
from .browser import CHROMIUM, TRAP, serve, shots_dir, sync_playwright
from .conftest import session_for


@pytest.fixture
def server(linked_client, hostile) -> Iterator[str]:
    with serve(create_app(hostile.db, hostile.store)) as url:
        yield url  # (the browser logs in with a session cookie)


def test_no_payload_runs_in_chromium_and_htmx_works(server, linked_client, hostile, tmp_path):
    hostile_case = hostile
    shots = shots_dir(tmp_path)
    docs = linked_client.get("/api/documents").json()
    hostile = next(d["id"] for d in docs if d["filename"] == "hostile.txt")
    html_doc = next(d["id"] for d in docs if d["filename"] == "hostile.html")
    person = linked_client.get("/api/entities", params={"q": "Sarabi"}).json()[0]["id"]
    pages = {"home": "/", "search": "/search?q=prison", "document": f"/documents/{hostile}",
             "html-document": f"/documents/{html_doc}", "dossier": f"/entities/{person}",
             "events": "/events", "ledger": "/ledger?all=true", "lists": "/lists"}
    dialogs: list[str] = []
    blocked: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True)
        try:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            context.add_cookies([{"name": "ff_session", "value": session_for(hostile_case.db),
                                  "url": server}])
            page = context.new_page()
            page.add_init_script(TRAP)
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: blocked.append(m.text)
                    if "Content Security Policy" in m.text else None)
            for name, path in pages.items():
                page.goto(server + path, wait_until="load")
                page.wait_for_timeout(150)
                assert page.evaluate("window.__xss") == [], (name, path)
                assert page.evaluate("typeof htmx") == "object", name  # ours loads
                page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
            # HTMX under the CSP: choosing a type swaps the results and updates the address
            page.goto(server + "/events", wait_until="load")
            before = page.inner_text("#results")
            types = page.eval_on_selector_all("#ftype option", "os => os.map(o => o.value)")
            page.select_option("#ftype", types[-1])
            page.wait_for_url(re.compile(r"type="))  # (wait_for_function would need eval)
            page.wait_for_timeout(300)
            assert page.inner_text("#results") != before
            assert page.evaluate("window.__xss") == []
        finally:
            browser.close()
    assert dialogs == []
    assert [b for b in blocked if "script" in b.lower()] == [], blocked
