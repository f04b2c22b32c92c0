"""End to end in a real browser (Debian's Chromium through Playwright): the main flows as their
users go through them, checked in the page and in the database —

* an investigator searches by keyboard, opens a document (provenance: the original's sha256),
  follows a highlighted mention and reaches the person's dossier;
* a reviewer accepts a suggested merge (recorded with the reviewer's name; a viewer may not);
* a family member, not logged in, sends a testimony with a file through the public form (stored
  protected and unreviewed, with custody; not found by anonymous visitors or viewers);
* every main page: each form control has an accessible name, Tab moves through the links and
  controls in document order with a visible focus and out of the page again (no trap), and the
  skip link takes the focus to the content.

Skips when playwright or Chromium is missing (see ``browser.py``). Screenshots of each step go
to $FACTFINDER_SCREENSHOTS (if set) or the test's temporary folder."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from factfinder import custody
from factfinder.cli.main import app as cli
from factfinder.documents import get_document, list_documents
from factfinder.entities import actions
from factfinder.entities.query import list_entities
from factfinder.web.app import create_app
from factfinder.web.auth_ratelimit import limiter

# (importing .browser skips this module without playwright or chromium)
from .browser import context, launch, serve, shots_dir, sync_playwright
from .conftest import LISTS
from .hostile import HOSTILE_TEXT

A = ("Kazem Sarabi was arrested in Sarvand in 2019. Guards executed 30 prisoners at "
     "Ghasr-e Sorkh Prison in Sarvand in 1988, the centre said.\n")
B = ("Kazem Saravi was detained in Sarvand in 2019. Kasem Sarabi was arrested in Sarvand in "
     "2020. Karim Sarabi said that 45 prisoners were executed at Ghasr-e Sorkh Prison in "
     "Sarvand in 1988.\n")
TESTIMONY = ("My brother Dariush Molavi was taken from our home in Zanjirabad by plain-clothes "
             "agents. We have not heard from him since.")
LETTER = b"Letter from the prosecutor's office about Dariush Molavi, Zanjirabad, 2022.\n"


@pytest.fixture(autouse=True)
def fresh_limits():
    limiter.reset()
    yield
    limiter.reset()


def _ingest(case: Any, *paths: Path) -> None:
    res = CliRunner().invoke(cli, ["ingest", *map(str, paths), "--db", case.db.url,
                                   "--evidence", str(case.store.root), "--actor", "t",
                                   "--quiet"], catch_exceptions=False)
    assert res.exit_code == 0, res.output


def _with_merge_pair(case: Any, tmp_path: Path) -> None:
    """Two small reports; the resolver joins every spelling of Sarabi, and one spelling taken
    out again leaves a pair for the review queue to suggest (as in test_review)."""
    (tmp_path / "a.txt").write_text(A, encoding="utf-8")
    (tmp_path / "b.txt").write_text(B, encoding="utf-8")
    _ingest(case, tmp_path / "a.txt", tmp_path / "b.txt")
    with case.db.read() as conn:
        person = next(p for p in list_entities(conn, type_="person")
                      if "Kasem Sarabi" in p["forms"])
    actions.split(case.db, person["id"], ["Kasem Sarabi"], "t")


@pytest.fixture
def review_case(case, tmp_path):
    _with_merge_pair(case, tmp_path)
    return case


def _persons(case: Any) -> list[dict[str, Any]]:
    with case.db.read() as conn:
        return list_entities(conn, type_="person")


def _no_dialogs(page: Any) -> None:
    assert page.evaluate("window.__xss") == [], page.url


# --- 1. search → document → dossier ---------------------------------------------------------

def _tab_until(page: Any, selector: str, most: int = 80) -> int:
    """Press Tab until the focused element matches ``selector``: the number of presses."""
    for n in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return n
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def test_search_document_dossier(hostile, tmp_path):
    shots = shots_dir(tmp_path)
    sha = hashlib.sha256(HOSTILE_TEXT.encode("utf-8")).hexdigest()
    with serve(create_app(hostile.db, hostile.store)) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            page = context(browser, base, hostile.db, "investigator").new_page()
            page.goto(base + "/")
            # from the top of the page: the skip link first, then on to the search box
            page.keyboard.press("Tab")
            assert page.evaluate("document.activeElement.textContent") == "Skip to content"
            _tab_until(page, "#q", 15)
            assert page.evaluate("document.activeElement.labels[0].textContent") == "Search"
            page.keyboard.type("Sarabi")
            page.screenshot(path=str(shots / "e2e-1-home-typed.png"))
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(r"/search\?q=Sarabi$"))
            assert page.input_value("#sq") == "Sarabi"
            hits = page.locator(".hits .hit")
            assert hits.count() >= 1
            marks = page.locator(".hits mark").all_inner_texts()
            assert marks and all(m.lower() == "sarabi" for m in marks), marks
            assert re.search(r"\d+ document\(s\) match", page.inner_text("main"))
            page.screenshot(path=str(shots / "e2e-1-search.png"), full_page=True)
            _no_dialogs(page)

            # the first result, reached with Tab and opened with Enter
            _tab_until(page, ".hits .hit a[href^='/documents/']")
            href = page.evaluate("document.activeElement.getAttribute('href')")
            page.keyboard.press("Enter")
            page.wait_for_url(re.compile(re.escape(href) + "$"))
            doc_id = href.rsplit("/", 1)[1]
            provenance = page.locator("section[aria-labelledby=prov]")
            assert provenance.locator("code").first.inner_text() == sha
            assert "hostile.txt" in provenance.inner_text()
            custody_rows = page.locator("section[aria-labelledby=cust] tbody tr")
            assert custody_rows.count() >= 1
            assert "t" in [custody_rows.nth(i).locator("td").nth(2).inner_text()
                           for i in range(custody_rows.count())]
            page.screenshot(path=str(shots / "e2e-1-document.png"), full_page=True)
            _no_dialogs(page)

            # a highlighted mention of the person: it leads to what was extracted there
            mention = page.locator(".text a.hl.k-mention", has_text="Kazem Sarabi").first
            target = mention.get_attribute("href")
            assert target and target.startswith("#item-")
            mention.click()
            page.wait_for_url(re.compile(re.escape(target) + "$"))
            item = page.locator("li:target")
            assert "Kazem Sarabi" in item.inner_text()
            assert "PERSON" in item.locator(".tag").first.inner_text().upper()
            page.screenshot(path=str(shots / "e2e-1-mention.png"))
            # the mention links to the person's dossier
            item.get_by_role("link", name="dossier").click()
            page.wait_for_url(re.compile(r"/entities/[0-9a-f]+$"))
            assert page.locator("h1").inner_text().startswith("Kazem Sarabi")
            assert "person" in page.locator("h1 .tag").inner_text()
            # the dossier lists the document it was reached from
            assert page.locator(f"main a[href='/documents/{doc_id}']").count() >= 1
            page.screenshot(path=str(shots / "e2e-1-dossier.png"), full_page=True)
            _no_dialogs(page)
        finally:
            browser.close()


# --- 2. review a merge ----------------------------------------------------------------------

def test_review_a_merge(review_case, tmp_path):
    case = review_case
    shots = shots_dir(tmp_path)
    assert len(_persons(case)) == 2
    with serve(create_app(case.db, case.store)) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            # a viewer: no way into the queue from the navigation, and no decision taken
            viewer = context(browser, base, case.db, "viewer").new_page()
            viewer.goto(base + "/")
            assert viewer.locator("header nav a[href='/review']").count() == 0
            viewer.goto(base + "/review")
            # the queue is readable, but offers no decision to a viewer (sending one anyway
            # is forbidden: tests/web/test_review.py)
            assert viewer.get_by_role("button", name="Accept").count() == 0
            assert viewer.get_by_text("Your role may read this queue").count() >= 1
            viewer.screenshot(path=str(shots / "e2e-2-viewer-readonly.png"))
            assert len(_persons(case)) == 2
            with case.db.read() as conn:
                assert custody.entries(conn, action="entity-merge") == []

            page = context(browser, base, case.db, "reviewer").new_page()
            page.goto(base + "/")
            page.locator("header nav a[href='/review']").click()
            page.wait_for_url(base + "/review")
            assert "Suggested merges (1)" in page.inner_text("main")
            pair = page.locator("section[aria-label^='merge ']")
            assert pair.count() == 1
            assert {"Kazem Saravi", "Kasem Sarabi"} <= set(
                pair.locator("a[href^='/entities/']").all_inner_texts())
            assert "Kasem Sarabi was arrested" in pair.inner_text()  # the evidence shown
            page.screenshot(path=str(shots / "e2e-2-review.png"), full_page=True)
            pair.get_by_role("button", name="Accept").click()
            page.wait_for_url(re.compile(r"/review\?done=accept$"))
            assert page.get_by_role("status").inner_text() == "Recorded: accept."
            assert "Suggested merges (0)" in page.inner_text("main")
            assert "No suggested merges." in page.inner_text("main")
            assert page.locator("section[aria-label^='merge ']").count() == 0
            page.screenshot(path=str(shots / "e2e-2-accepted.png"), full_page=True)
            _no_dialogs(page)
        finally:
            browser.close()
    persons = _persons(case)
    assert len(persons) == 1
    assert {"Kasem Sarabi", "Kazem Saravi"} <= set(persons[0]["forms"])
    with case.db.read() as conn:
        assert [e.actor for e in custody.entries(conn, action="entity-merge")] == ["reviewer"]


# --- 3. a family member sends a testimony ---------------------------------------------------

def test_family_member_submits_testimony(case, tmp_path):
    shots = shots_dir(tmp_path)
    letter = tmp_path / "letter.txt"
    letter.write_bytes(LETTER)
    _ingest(case, _write(tmp_path / "report.txt", A))  # something else in the case
    app = create_app(case.db, case.store, public_submit=True)
    with serve(app) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            page = context(browser, base).new_page()  # not logged in
            page.goto(base + "/submit")
            page.get_by_label("What happened").fill(TESTIMONY)
            page.get_by_label("Names of the people concerned").fill("Dariush Molavi")
            page.get_by_label("Dates").fill("12 March 2022")
            page.get_by_label("Places").fill("Zanjirabad")
            page.get_by_label("Files").set_input_files(str(letter))
            page.screenshot(path=str(shots / "e2e-3-form.png"), full_page=True)
            page.get_by_role("button", name="Send").click()
            status = page.get_by_role("status")
            status.wait_for()
            done = re.search(r"was received \(reference ([0-9a-f]+)\)", status.inner_text())
            assert done, status.inner_text()
            ref = done.group(1)
            assert page.get_by_role("alert").count() == 0
            page.screenshot(path=str(shots / "e2e-3-received.png"), full_page=True)
            _no_dialogs(page)

            with case.db.read() as conn:
                [entry] = custody.entries(conn, action="submission-received")
                assert (entry.actor, entry.object) == ("anonymous", ref)
                assert entry.details["files"] == 1
                sha = hashlib.sha256(LETTER).hexdigest()
                assert sha in entry.details["originals"] and case.store.has(sha)
                docs = [get_document(conn, d) for d in entry.details["documents"]]
                assert len(docs) == 2  # the form's text and the letter
                for d in docs:
                    assert d is not None
                    assert d["meta"]["protected"] is True and d["meta"]["reviewed"] is False
                    # the intake's own custody entries for each original
                    assert custody.entries(conn, obj=d["original"]["sha256"])
                assert any("Zanjirabad" in d["text"] and TESTIMONY in d["text"]
                           for d in docs if d)
                doc_ids = [d["id"] for d in docs if d]

            # an anonymous visitor cannot search at all; a viewer finds nothing
            page.goto(base + "/search?q=Zanjirabad")
            assert "/login" in page.url and page.get_by_label("Password").count() == 1
            assert "Dariush" not in page.content() and "plain-clothes" not in page.content()
            viewer = context(browser, base, case.db, "viewer").new_page()
            viewer.goto(base + "/search?q=Zanjirabad")
            assert "0 document(s) match" in viewer.inner_text("main")
            assert viewer.locator(".hits .hit").count() == 0
            viewer.screenshot(path=str(shots / "e2e-3-viewer-search.png"), full_page=True)
            for doc_id in doc_ids:
                opened = viewer.goto(base + f"/documents/{doc_id}")
                assert opened is not None and opened.status == 404
            # (an investigator does find it: the search itself works)
            inv = context(browser, base, case.db, "investigator").new_page()
            inv.goto(base + "/search?q=Zanjirabad")
            found = inv.locator(".hits .hit a[href^='/documents/']")
            assert found.count() >= 1
            assert {h.split("/")[-1] for h in (found.nth(i).get_attribute("href") or ""
                                                for i in range(found.count()))} & set(doc_ids)
        finally:
            browser.close()


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --- 4. keyboard navigation and labels ------------------------------------------------------

# Numbers every element (data-kbd) and lists the ones Tab should reach, in document order.
TABBABLE = """() => {
  const all = Array.from(document.querySelectorAll('*'));
  all.forEach((el, i) => el.setAttribute('data-kbd', String(i)));
  const sel = 'a[href], area[href], button, input, select, textarea, summary, iframe, ' +
              '[tabindex], [contenteditable]';
  return all.filter(el => el.matches(sel) && el.tabIndex >= 0 && !el.disabled &&
      !(el.tagName === 'INPUT' && el.type === 'hidden') && !el.closest('[inert]') &&
      el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden')
    .map(el => Number(el.getAttribute('data-kbd')));
}"""

# The focused element: its number (-1: none, the page itself) and whether its focus is seen.
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return {i: -1};
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  const fields = el.tagName === 'INPUT' &&
                 ['date', 'time', 'datetime-local', 'month', 'week'].includes(el.type);
  // (a date input's calendar button draws its own ring: the input itself is not :focus then)
  const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ||
               s.boxShadow !== 'none' || (fields && !el.matches(':focus'));
  const shown = r.width > 0 && r.height > 0 && r.bottom > 0 && r.right > 0 &&
                r.top < innerHeight && r.left < innerWidth;
  return {i: Number(el.getAttribute('data-kbd')), ring, shown, fields,
          what: el.tagName + ' ' + (el.getAttribute('href') || el.id || el.textContent || '')
                .trim().slice(0, 60)};
}"""

# Form controls and buttons without an accessible name of their own.
UNLABELLED = """() => {
  const visible = el => el.getClientRects().length > 0 &&
                        getComputedStyle(el).visibility !== 'hidden';
  const text = el => (el.textContent || '').trim();
  const bad = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.type === 'hidden' || !visible(el)) continue;
    const labels = Array.from(el.labels || []).some(l => text(l));
    const aria = (el.getAttribute('aria-label') || '').trim();
    const by = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .some(id => document.getElementById(id) && text(document.getElementById(id)));
    if (!labels && !aria && !by) bad.push(el.outerHTML.slice(0, 160));
  }
  for (const el of document.querySelectorAll('button, a[href]')) {
    if (visible(el) && !text(el) && !(el.getAttribute('aria-label') || '').trim())
      bad.push(el.outerHTML.slice(0, 160));
  }
  return bad;
}"""

# roles that a keyboard user acts on: each needs a name in Chromium's accessibility tree
NAMED_ROLES = {"textbox", "searchbox", "combobox", "listbox", "checkbox", "radio", "button",
               "link", "spinbutton", "slider", "switch", "menuitem", "tab"}


def _ax_unnamed(page: Any) -> list[str]:
    """Interactive nodes without a computed accessible name (Chromium's own computation)."""
    cdp = page.context.new_cdp_session(page)
    try:
        nodes = cdp.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        cdp.detach()
    out = []
    for n in nodes:
        role = (n.get("role") or {}).get("value")
        if n.get("ignored") or role not in NAMED_ROLES:
            continue
        if not str((n.get("name") or {}).get("value") or "").strip():
            out.append(f"{role} (node {n.get('backendDOMNodeId')})")
    return out


def _keyboard_walk(page: Any, name: str) -> list[int]:
    """Tab through the whole page from where the focus is now: every tabbable element, in
    document order, each with a visible focus, then out of the page and back to the first one.
    Returns the tabbable elements' numbers."""
    tabbable = page.evaluate(TABBABLE)
    assert tabbable, name
    start = page.evaluate(FOCUSED)["i"]
    # where the first Tab goes: from the top of the page, or after the focused element
    first = tabbable.index(start) + 1 if start in tabbable else 0
    expected = tabbable[first:] + tabbable[:first]
    seen: list[dict[str, Any]] = []
    moved: list[int] = []  # the elements focused, one after the other
    while len(moved) <= len(expected):
        assert len(seen) < 4 * len(tabbable) + 10, f"{name}: Tab goes round in {moved}"
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if not seen:
            assert now["i"] != -1, f"{name}: the first Tab left the focus on the page itself"
        if now["i"] == -1:  # out of the page: only after the last element, and only once
            assert seen[-1]["i"] == tabbable[-1], \
                f"{name}: focus left the page after {seen[-1]['what']}, not the last element"
        elif moved and now["i"] == moved[-1] and seen[-1]["i"] != -1:
            # Tab stayed on the element: only the fields inside a date input do that
            assert now["fields"], f"{name}: Tab stuck on {now['what']}"
        else:
            moved.append(now["i"])
        if now["i"] != -1:
            assert now["ring"], f"{name}: no visible focus on {now['what']}"
            assert now["shown"], f"{name}: focused element not in view: {now['what']}"
        seen.append(now)
    assert moved[:len(expected)] == expected, \
        f"{name}: Tab order {moved} is not the document order {expected}"
    assert moved[len(expected)] == expected[0], f"{name}: Tab did not come round again"
    return tabbable


def _skip_link(page: Any, name: str, tabbable: list[int]) -> None:
    """The first element Tab reaches (see ``_keyboard_walk``) is "Skip to content"; Enter on
    it takes the focus to the main content, and the next Tab to its first link or control."""
    skip = page.evaluate("i => { const el = document.querySelector(`[data-kbd='${i}']`); "
                         "return [el.textContent, el.getAttribute('href')]; }", tabbable[0])
    assert skip == ["Skip to content", "#main"], f"{name}: first Tab reaches {skip}"
    page.focus(f"[data-kbd='{tabbable[0]}']")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main", name
    inside = page.evaluate("""() => {
      const main = document.getElementById('main');
      const el = Array.from(main.querySelectorAll('a[href], button, input, select, textarea'))
        .find(e => e.type !== 'hidden' && e.getClientRects().length > 0);
      return el ? Number(el.getAttribute('data-kbd')) : null;
    }""")
    if inside is not None:
        page.keyboard.press("Tab")
        assert page.evaluate(FOCUSED)["i"] == inside, f"{name}: Tab after the skip link"


def test_keyboard_navigation_and_labels(review_case, tmp_path):
    case = review_case
    shots = shots_dir(tmp_path)
    (tmp_path / "hostile.txt").write_text(HOSTILE_TEXT, encoding="utf-8")
    _ingest(case, tmp_path / "hostile.txt")
    res = CliRunner().invoke(cli, ["link", *LISTS, "--out", str(tmp_path / "links.csv"),
                                   "--db", case.db.url, "--evidence", str(case.store.root),
                                   "--actor", "t"], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    with case.db.read() as conn:
        doc = next(d["id"] for d in list_documents(conn) if d["filename"] == "hostile.txt")
        person = list_entities(conn, type_="person")[0]["id"]  # the most mentioned
    pages = {"home": "/", "search": "/search?q=Sarvand", "document": f"/documents/{doc}",
             "dossier": f"/entities/{person}", "entities": "/entities", "events": "/events",
             "ledger": "/ledger?all=true", "lists": "/lists", "review": "/review",
             "submit": "/submit"}
    problems: list[str] = []
    with serve(create_app(case.db, case.store)) as base, sync_playwright() as p:
        browser = launch(p)
        try:
            page = context(browser, base, case.db, "investigator").new_page()
            for name, path in pages.items():
                response = page.goto(base + path)
                assert response is not None and response.status == 200, (name, path)
                page.wait_for_timeout(50)  # (HTMX: nothing to wait for but its script)
                problems += [f"{name}: unlabelled {b}" for b in page.evaluate(UNLABELLED)]
                problems += [f"{name}: no accessible name: {b}" for b in _ax_unnamed(page)]
                _skip_link(page, name, _keyboard_walk(page, name))
                page.screenshot(path=str(shots / f"e2e-4-{name}.png"), full_page=True)
                _no_dialogs(page)
            login = context(browser, base).new_page()  # not logged in
            login.goto(base + "/login")
            assert login.evaluate("document.activeElement.id") == "username"  # autofocus
            problems += [f"login: unlabelled {b}" for b in login.evaluate(UNLABELLED)]
            problems += [f"login: no accessible name: {b}" for b in _ax_unnamed(login)]
            assert login.get_by_label("Username").count() == 1
            assert login.get_by_label("Password").count() == 1
            _keyboard_walk(login, "login")
            login.screenshot(path=str(shots / "e2e-4-login.png"), full_page=True)
        finally:
            browser.close()
    assert problems == []
