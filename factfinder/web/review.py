"""The review queue: suggested entity merges and claim groupings, with the evidence for each,
and the reviewer's decision (accept, reject, defer), recorded with the logged-in user.

* Merges: pairs of person entities that the resolver left apart although their names are
  similar (``names.similarity`` of their closest forms ≥ ``MERGE_THRESHOLD``), blocked by the
  ``names.name_keys`` blocking keys of their forms, leaving out pairs with a not-same
  decision. Accept → ``entities.actions.merge``; reject → ``entities.actions.not_same``.
* Groupings: a claim alone in its ledger group while a bigger group counts the same thing in
  the same unit. Accept → the ledger's move decision (``ledger.decisions.move``); reject → a
  ``review-reject`` custody entry, after which it is not suggested again.
* Defer: a ``review-defer`` custody entry naming the user; the suggestion leaves that user's
  queue (no new table: deferrals are read back from the custody log).

A decision is only taken on a suggestion the queue makes at that moment: the review area lets
reviewers merge the pairs the queue suggests, not any two entities.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.engine import Connection
from starlette.concurrency import run_in_threadpool

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import documents
from factfinder.documents import PROTECTED_MARK
from factfinder.web import access_policy
from factfinder.web.auth import can_see_protected, current_user
from factfinder.web.render import redact_json

MERGE_THRESHOLD = 0.80
MAX_FORMS = 8
MAX_SUGGESTIONS = 100  # of each kind, best first: the queue is worked down
MAX_BLOCK = 200  # a blocking key shared by more names than this says nothing: skipped
ACTIONS = ("accept", "reject", "defer")
DEFER, REJECT = "review-defer", "review-reject"

router = APIRouter()


# --- suggestions -----------------------------------------------------------------------------

def _closed(conn: Connection, user: str | None) -> set[str]:
    """Suggestions rejected by anyone, or deferred by ``user``."""
    out = {e.object for e in custody.entries(conn, action=REJECT)}
    if user:
        out |= {e.object for e in custody.entries(conn, action=DEFER) if e.actor == user}
    return out


def merge_suggestions(conn: Connection, skip: set[str] | None = None,
                      hidden: set[str] | None = None) -> list[dict[str, Any]]:
    """Suggested merges, most similar first, leaving out the ids in ``skip``; the documents in
    ``hidden`` (protected) are left out of the evidence."""
    from factfinder.entities import decisions as dec
    from factfinder.entities.query import list_entities
    from factfinder.names import name_keys, similarity

    people = list_entities(conn, type_="person")
    by_id = {p["id"]: p for p in people}
    apart = {frozenset(d["subject"].get("entities", [])) for d in dec.load(conn)
             if d["action"] == "not-same"}
    blocks: dict[str, list[str]] = {}
    for p in people:  # blocked by the keys of every form, not only the name
        for form in _forms(p):
            try:
                keys = name_keys(form).blocking
            except (ValueError, KeyError):
                continue
            for k in set(keys):
                blocks.setdefault(k, []).append(p["id"])
    seen: set[tuple[str, str]] = set()
    out: list[dict[str, Any]] = []
    for ids in blocks.values():
        if len(ids) > MAX_BLOCK:
            continue
        for a, b in combinations(sorted(set(ids)), 2):
            if (a, b) in seen:
                continue
            seen.add((a, b))
            if frozenset((a, b)) in apart:
                continue
            score = max(similarity(x, y) for x in _forms(by_id[a]) for y in _forms(by_id[b]))
            if score < MERGE_THRESHOLD:
                continue
            # the better-attested entity first: it keeps its id
            first, second = sorted((by_id[a], by_id[b]), key=lambda e: (-e["mentions"], e["id"]))
            if f"merge:{first['id']}:{second['id']}" in (skip or ()):
                continue
            out.append({"id": f"merge:{first['id']}:{second['id']}", "kind": "merge",
                        "score": round(score, 3), "pair": (first, second)})
    out.sort(key=lambda s: (-float(s["score"]), str(s["id"])))
    out = out[:MAX_SUGGESTIONS]  # the evidence is gathered for the first ones only
    for s in out:
        s["entities"] = [_entity_evidence(conn, e, hidden or set()) for e in s.pop("pair")]
    return out


def _forms(e: dict[str, Any]) -> list[str]:
    """The name and the most used forms (a few: the pairs are compared form by form)."""
    return list(dict.fromkeys([e["name"], *e["forms"][:MAX_FORMS]]))


def _entity_evidence(conn: Connection, e: dict[str, Any], hidden: set[str],
                     ) -> dict[str, Any]:
    """Forms, documents (with titles) and a few contexts of its mentions, leaving out the
    documents in ``hidden``."""
    from factfinder.documents import get_document
    from factfinder.extract.query import ItemFilter, list_items

    docs = []
    for doc_id in [d for d in e["documents"] if d not in hidden][:5]:
        doc = get_document(conn, doc_id)
        if doc is None:
            continue
        contexts: list[str] = []
        for m in list_items(conn, ItemFilter(kind="mention", document_id=doc_id)):
            if m.get("text") in e["forms"] and len(contexts) < 2:
                s, t = int(m["start"]), int(m["end"])
                contexts.append(doc["text"][max(0, s - 60):t + 60].replace("\n", " "))
        docs.append({"id": doc_id, "title": doc.get("title"), "contexts": contexts})
    return {"id": e["id"], "name": e["name"], "forms": e["forms"], "mentions": e["mentions"],
            "documents": docs}


def grouping_suggestions(conn: Connection, skip: set[str] | None = None,
                         hidden: set[str] | None = None) -> list[dict[str, Any]]:
    """Suggested groupings (a claim alone in its group → the biggest group of the same measure
    and unit), leaving out the ids in ``skip`` and the claims of the documents in ``hidden``
    (protected)."""
    from factfinder.ledger.query import build_ledger

    ledger = build_ledger(conn)
    big: dict[tuple[str, str], Any] = {}
    for g in ledger.groups:
        measure, unit, _ = g.key
        if len(g.entries) > 1 and unit != "?":
            best = big.get((measure, unit))
            if best is None or len(g.entries) > len(best.entries):
                big[(measure, unit)] = g
    out = []
    for g in ledger.groups:
        if len(g.entries) != 1:
            continue
        target = big.get((g.key[0], g.key[1]))
        if target is None or target is g:
            continue
        e = g.entries[0]
        if f"group:{e.id}:{target.id}" in (skip or ()) or e.document_id in (hidden or ()):
            continue
        group = ledger.group_json(target)
        group["claims"] = [c for c in group["claims"]
                           if c.get("document_id") not in (hidden or ())]
        out.append({"id": f"group:{e.id}:{target.id}", "kind": "grouping",
                    "claim": ledger.claim_json(g, e), "from_group": g.id, "group": group})
        if len(out) >= MAX_SUGGESTIONS:
            break
    return out


def queue(conn: Connection, user: str | None, show_protected: bool = False) -> dict[str, Any]:
    """``user``'s queue; protected documents (submissions) are left out of the evidence unless
    ``show_protected``."""
    closed = _closed(conn, user)
    hidden = set() if show_protected else {r[0] for r in conn.execute(
        select(documents.c.id).where(documents.c.meta.like(PROTECTED_MARK)))}
    return {"merges": merge_suggestions(conn, closed, hidden),
            "groupings": grouping_suggestions(conn, closed, hidden)}


# --- decisions -------------------------------------------------------------------------------

class DecisionIn(BaseModel):
    suggestion: str
    action: str


def decide(db: Database, suggestion: str, action: str, actor: str,
           show_protected: bool = False) -> dict[str, Any]:
    """Take ``action`` on a suggestion that the queue makes now for ``actor``; raises
    LookupError when it makes no such suggestion, ValueError for an unknown action."""
    from factfinder.entities import actions
    from factfinder.ledger import decisions
    from factfinder.ledger.query import build_ledger

    if action not in ACTIONS:
        raise ValueError(f"action must be one of {', '.join(ACTIONS)}")
    with db.read() as conn:
        current = queue(conn, actor, show_protected)
    known = {s["id"] for s in current["merges"] + current["groupings"]}
    if suggestion not in known:
        raise LookupError("no such suggestion in your queue (decided, deferred or gone)")
    kind, a, b = suggestion.split(":", 2)
    out: dict[str, Any] = {"suggestion": suggestion, "action": action, "actor": actor}
    if action == "defer" or (action == "reject" and kind == "group"):
        with db.write() as conn:
            entry = custody.append(conn, DEFER if action == "defer" else REJECT, suggestion,
                                   actor, {"kind": kind})
        out["custody"] = entry.seq
    elif kind == "merge" and action == "accept":
        out["entity"], _ = actions.merge(db, a, b, actor)
    elif kind == "merge":
        actions.not_same(db, a, b, actor)
    else:
        with db.read() as conn:
            led = build_ledger(conn)
            source, entry_ = led.group_of(a)
            target = led.find(b)
        out["decision"] = decisions.move(db, entry_, source, target, target.id, actor)
    return out


def _actor(request: Request) -> str:
    user = current_user(request)
    if user is None:  # the policy lets nobody anonymous write here; without auth: refuse
        raise HTTPException(403, "log in to review")
    return user.username


def _run(request: Request, suggestion: str, action: str) -> dict[str, Any]:
    try:
        return decide(request.app.state.db, suggestion, action, _actor(request),
                      can_see_protected(current_user(request)))
    except LookupError as exc:
        raise HTTPException(404, str(exc)) from exc
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from exc


# --- routes ----------------------------------------------------------------------------------

def _queue(request: Request) -> dict[str, Any]:
    user = current_user(request)
    with request.app.state.db.read() as conn:
        return queue(conn, user.username if user else None, can_see_protected(user))


@router.get("/review", response_class=HTMLResponse)
async def review_page(request: Request, done: str | None = None) -> Response:
    view = await run_in_threadpool(_queue, request)
    user = current_user(request)
    may_decide = access_policy.decide(user.role if user else None, "POST", "/review") is \
        access_policy.Decision.ALLOW
    return request.app.state.templates.TemplateResponse(
        request, "review.html", redact_json(request, {**view, "done": done,
                                                      "may_decide": may_decide}))


@router.post("/review", response_class=HTMLResponse)
async def review_form(request: Request) -> Response:
    form = parse_qs((await request.body()).decode("utf-8", "replace"), max_num_fields=20)
    suggestion = (form.get("suggestion") or [""])[0]
    action = (form.get("action") or [""])[0]
    await run_in_threadpool(_run, request, suggestion, action)
    return RedirectResponse(f"/review?done={action}", status_code=303)


@router.get("/api/review", tags=["review"])
async def api_review(request: Request) -> dict[str, Any]:
    """The review queue: suggested entity merges (with both entities' forms, documents and
    contexts) and claim groupings (the claim and the group it would join)."""
    return redact_json(request, await run_in_threadpool(_queue, request))


@router.post("/api/review", tags=["review"])
async def api_review_decide(request: Request, body: DecisionIn) -> dict[str, Any]:
    """Accept, reject or defer one suggestion (by its ``id``); recorded with the user."""
    return await run_in_threadpool(_run, request, body.suggestion, body.action)
