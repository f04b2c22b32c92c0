"""What the case holds about one subject: its events, claims and quotations, each with its exact
source passage, and the documents they come from with their rating and custody history.

The subject is an entity (person, organisation, place: id or unique prefix) or an event (an
extraction id or prefix). An item concerns an entity when the entity is mentioned in the item's
passage or in the same sentence, or when one of its names fills a role of the item (perpetrator,
victim, claimant, speaker, place). An item concerns an event when it is that event or lies
within its passage.

Everything is gathered as plain JSON-like data and redacted here, once, for the reader: with
``include_protected=False`` protected names are masked, protected keys (author, collector,
actor, submitter) replaced, protected documents left out, and originals that name a protected
person withheld (an original is never altered); with ``include_protected=True`` nothing is
hidden and protected persons are marked instead.
"""

from __future__ import annotations

import gzip
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from factfinder import custody
from factfinder.casefile import CasefileError
from factfinder.db.schema import documents, entities, entity_mentions, extractions, originals
from factfinder.documents import is_protected_meta
from factfinder.ledger.entries import BREAK, doc_rows, form_index, norm, resolve_name
from factfinder.ledger.ratings import load as load_ratings
from factfinder.redaction import MASK, Redactor

CONTEXT = 240  # characters of context shown each side of a passage
ROLES = ("perpetrators", "victims", "claimant", "speaker", "place")
KIND_ORDER = {"event": 0, "claim": 1, "quote": 2}
SCAN_LIMIT = 256 * 1024 * 1024  # bytes of a compressed original searched for protected names


@dataclass
class CaseData:
    subject: dict[str, Any]
    items: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    originals: list[dict[str, Any]]  # included and withheld
    head: tuple[int, str]
    include_protected: bool
    created_at: str
    exported_by: str
    protected_forms: list[str] = field(default_factory=list)  # only when visible

    @property
    def withheld(self) -> list[dict[str, Any]]:
        return [o for o in self.originals if o["withheld"]]


def _word_pattern(forms: list[str]) -> re.Pattern[str] | None:
    kept = sorted({f.strip() for f in forms if len(f.strip()) >= 3}, key=lambda f: (-len(f), f))
    if not kept:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in kept) + r")(?!\w)",
                      re.IGNORECASE)


def resolve_subject(conn: Connection, ref: str, red: Redactor) -> dict[str, Any]:
    """The subject named by ``ref``: an entity id (or prefix), else an event id (or prefix)."""
    ref = ref.strip()
    if not ref:
        raise CasefileError("name the subject: an entity id or an event id (or a unique prefix)")
    ents = conn.execute(select(entities).where(entities.c.id.like(ref + "%")).limit(2)
                        ).mappings().all()
    evs = conn.execute(select(extractions.c.id).where(
        extractions.c.kind == "event", extractions.c.id.like(ref + "%")).limit(2)).all()
    if len(ents) + len(evs) > 1:
        raise CasefileError(f"{ref!r} is ambiguous: give more of the id")
    if ents:
        row = ents[0]
        data = json.loads(row["data"] or "{}")
        forms = {row["name"], *(data.get("aliases") or [])}
        if data.get("canonical"):
            forms.add(str(data["canonical"]))
        forms.update(conn.execute(select(entity_mentions.c.form).where(
            entity_mentions.c.entity_id == row["id"])).scalars())
        if red.hides_entity(row["id"]):
            raise CasefileError(f"entity {row['id']} is a protected person: a case file about "
                                "them can only be made with --include-protected")
        return {"kind": row["type"], "id": row["id"], "name": row["name"],
                "forms": sorted(f for f in forms if f), "protected": red.is_protected(row["id"])}
    if evs:
        ev = conn.execute(select(extractions).where(extractions.c.id == evs[0][0])
                          ).mappings().one()
        data = json.loads(ev["data"] or "{}")
        meta = conn.execute(select(documents.c.meta).where(
            documents.c.id == ev["document_id"])).scalar()
        if not red.visible and is_protected_meta(meta):
            raise CasefileError(f"event {ev['id']} is in a protected document: a case file "
                                "about it can only be made with --include-protected")
        label = ev["label"] or data.get("type") or "event"
        return {"kind": "event", "id": ev["id"], "name": f"{label}: {ev['text'][:120]}",
                "forms": [], "protected": False, "document_id": ev["document_id"],
                "span": [ev["start"], ev["end"]]}
    raise CasefileError(f"no entity and no event {ref!r} in this case")


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    lo = max(0, start - 300)
    cut = [m.end() for m in BREAK.finditer(text, lo, start)]
    s = cut[-1] if cut else lo
    m = BREAK.search(text, end, min(len(text), end + 300))
    return s, (m.end() if m else min(len(text), end + 300))


def _context(text: str, start: int, end: int) -> tuple[str, str]:
    lo, hi = max(0, start - CONTEXT), min(len(text), end + CONTEXT)
    before, after = text[lo:start], text[end:hi]
    if lo > 0:
        cut = before.find(" ")
        before = "…" + (before[cut + 1:] if 0 <= cut < 40 else before)
    if hi < len(text):
        cut = after.rfind(" ")
        after = (after[:cut] if cut > len(after) - 40 else after) + "…"
    return before, after


def _role_hits(data: dict[str, Any], pat: re.Pattern[str] | None) -> list[str]:
    if pat is None:
        return []
    hits = []
    for role in ROLES:
        v = data.get(role)
        values = v if isinstance(v, list) else [v]
        if any(isinstance(x, str) and pat.search(x) for x in values):
            hits.append(role)
    return hits


def _facts(kind: str, d: dict[str, Any], label: str | None) -> list[list[str]]:
    """The item's extracted fields worth showing, as [name, value] pairs."""
    def j(v: Any) -> str:
        return "; ".join(str(x) for x in v if x) if isinstance(v, list) else str(v)

    if kind == "event":
        keys = [("type", label or d.get("type")), ("date", d.get("date_text") or "–".join(
            x for x in (d.get("date_start"), d.get("date_end")) if x) or None),
            ("place", d.get("place")), ("perpetrators", d.get("perpetrators")),
            ("victims", d.get("victims")), ("count", d.get("count_text")),
            ("claimant", d.get("claimant")),
            ("negated", "yes — the source denies it" if d.get("negated") else None),
            ("hypothetical", "yes — not asserted as fact" if d.get("hypothetical") else None)]
    elif kind == "claim":
        keys = [("claim", d.get("original")), ("counted", d.get("counted")),
                ("qualifier", d.get("qualifier")), ("claimant", d.get("claimant")),
                ("place", d.get("place")), ("date", d.get("date_start"))]
    else:
        keys = [("speaker", d.get("speaker")), ("form", d.get("form")), ("cue", d.get("cue"))]
    return [[k, j(v)] for k, v in keys if v not in (None, "", [])]


def _items(conn: Connection, subject: dict[str, Any]) -> list[dict[str, Any]]:
    """Raw items (extraction rows plus why they concern the subject), unredacted."""
    cols = (extractions.c.id, extractions.c.kind, extractions.c.document_id,
            extractions.c.start, extractions.c.end, extractions.c.source_start,
            extractions.c.source_end, extractions.c.label, extractions.c.data, extractions.c.pk)
    kinds = extractions.c.kind.in_(("event", "claim", "quote"))
    out: list[dict[str, Any]] = []
    if subject["kind"] == "event":
        s, e = subject["span"]
        rows = conn.execute(select(*cols).where(
            kinds, extractions.c.document_id == subject["document_id"],
            extractions.c.start < e, extractions.c.end > s)).mappings().all()
        for r in rows:
            why = ["the event itself"] if r["id"] == subject["id"] else ["within the event"]
            out.append({**r, "why": why})
        return out
    mentions: dict[str, list[tuple[int, int]]] = {}
    for doc, s, e in conn.execute(select(
            extractions.c.document_id, extractions.c.start, extractions.c.end).join(
            entity_mentions, entity_mentions.c.extraction_id == extractions.c.id).where(
            entity_mentions.c.entity_id == subject["id"])):
        mentions.setdefault(doc, []).append((int(s), int(e)))
    pat = _word_pattern(subject["forms"])
    docs = sorted(mentions)
    texts: dict[str, str] = {}
    for i in range(0, len(docs), 500):
        texts.update((str(d), str(t)) for d, t in conn.execute(select(
            documents.c.id, documents.c.text).where(documents.c.id.in_(docs[i:i + 500]))))
        for r in conn.execute(select(*cols).where(
                kinds, extractions.c.document_id.in_(docs[i:i + 500]))).mappings():
            spans = mentions[r["document_id"]]
            why = _role_hits(json.loads(r["data"] or "{}"), pat)
            if any(s < r["end"] and e > r["start"] for s, e in spans):
                why.append("named in the passage")
            else:
                ss, se = _sentence(texts[r["document_id"]], r["start"], r["end"])
                if any(s < se and e > ss for s, e in spans):
                    why.append("named in the same sentence")
            if why:
                out.append({**r, "why": why})
    return out


def _documents(conn: Connection, ids: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    q = select(documents.c.id, documents.c.text, documents.c.meta, documents.c.layer_sha256,
               documents.c.kind, documents.c.original_sha256, originals.c.filename,
               originals.c.source_url, originals.c.media_type, originals.c.size,
               originals.c.collector, originals.c.collected_at).join(
        originals, originals.c.sha256 == documents.c.original_sha256)
    for i in range(0, len(ids), 500):
        for row in conn.execute(q.where(documents.c.id.in_(ids[i:i + 500]))).mappings():
            out[row["id"]] = dict(row)
    for d, r in doc_rows(conn, set(out), with_text=False).items():
        out[d].update({k: r[k] for k in ("title", "url", "published", "author", "publisher",
                                         "publisher_known", "publisher_key", "pk")})
    return out


def _custody(conn: Connection, objects: set[str], doc_ids: set[str]) -> list[dict[str, Any]]:
    got: dict[int, custody.Entry] = {}
    for obj in sorted(objects):
        for e in custody.entries(conn, obj=obj):
            got[e.seq] = e
    for e in custody.entries(conn, action="extract-facts"):
        if doc_ids & set(e.details.get("documents") or []):
            got[e.seq] = e
    out = []
    for seq in sorted(got):
        e = got[seq]
        details = dict(e.details)
        if isinstance(details.get("documents"), list) and len(details["documents"]) > 3:
            details["documents"] = f"{len(details['documents'])} documents, these among them"
        out.append({"seq": e.seq, "at": e.at, "actor": e.actor, "action": e.action,
                    "object": e.object, "details": details, "hash": e.hash})
    return out


def _segments(text: str, subject: re.Pattern[str] | None, red: Redactor) -> list[list[str]]:
    """``text`` cut into [piece, style]: style "" plain, "subject" (the subject named),
    "protected" (a protected person, shown to readers who may see them), "redacted" (masked)."""
    marks: list[tuple[int, int, str]] = []
    if red.visible:
        marks += [(s, e, "protected") for s, e in red.spans(text)]
    else:
        marks += [(m.start(), m.end(), "redacted") for m in re.finditer(MASK + "+", text)]
    if subject is not None:
        marks += [(m.start(), m.end(), "subject") for m in subject.finditer(text)]
    marks.sort(key=lambda m: (m[0], -m[1]))
    out: list[list[str]] = []
    pos = 0
    for s, e, style in marks:
        if s < pos:
            continue
        if s > pos:
            out.append([text[pos:s], ""])
        out.append([text[s:e], style])
        pos = e
    if pos < len(text):
        out.append([text[pos:], ""])
    return out


def _names_protected(conn: Connection, sha: str, red: Redactor, path: Path | None) -> bool:
    """Whether an original names a protected person: any of its documents (text, title, author)
    or, for text-like originals (``path`` given), its bytes (gzip opened; up to SCAN_LIMIT)."""
    if red.pattern is None:
        return False
    q = select(documents.c.text, documents.c.title, documents.c.author, documents.c.site_name,
               documents.c.url).where(documents.c.original_sha256 == sha)
    for row in conn.execute(q):
        if any(isinstance(v, str) and red.spans(v) for v in row):
            return True
    if path is None:
        return False
    with path.open("rb") as raw:
        gz = raw.read(2) == b"\x1f\x8b"
        raw.seek(0)
        try:
            data = gzip.GzipFile(fileobj=raw).read(SCAN_LIMIT) if gz else raw.read(SCAN_LIMIT)
        except (OSError, EOFError):
            raw.seek(0)
            data = raw.read(SCAN_LIMIT)
    return bool(red.spans(data.decode("utf-8", errors="replace")))


def gather(conn: Connection, ref: str, *, include_protected: bool, actor: str,
           original_path: Any = None) -> CaseData:
    """Everything about ``ref``, redacted for the reader. ``original_path(sha) -> Path | None``
    (when given) lets the check for protected names also look into text-like originals."""
    red = Redactor.load(conn, visible=include_protected)
    created = custody.utcnow()
    subject = resolve_subject(conn, ref, red)
    raw = _items(conn, subject)
    docs = _documents(conn, sorted({r["document_id"] for r in raw}))
    hidden_docs = {d for d, r in docs.items()
                   if is_protected_meta(r["meta"]) and not red.visible}
    ratings = load_ratings(conn)
    index = form_index(conn)

    def rating_of(name: str | None, key: str | None) -> dict[str, Any] | None:
        keys = []
        got = resolve_name(index, name) if name else None
        if got:
            keys.append("entity:" + got[0])
        if key:
            keys.append(key)
        elif name:
            keys.append("name:" + norm(name))
        for k in keys:
            if k in ratings.sources:
                return {"key": k, **ratings.sources[k]}
        return None

    spat = _word_pattern(subject["forms"])
    items: list[dict[str, Any]] = []
    for r in raw:
        if r["document_id"] in hidden_docs:
            continue
        doc = docs[r["document_id"]]
        text = red.text(doc["text"])
        d = json.loads(r["data"] or "{}")
        before, after = _context(text, r["start"], r["end"])
        passage = text[r["start"]:r["end"]]
        claimant = d.get("claimant") or d.get("speaker")
        item = {
            "id": r["id"], "kind": r["kind"], "label": r["label"] or d.get("type"),
            "document_id": r["document_id"], "span": [r["start"], r["end"]],
            "source_span": [r["source_start"], r["source_end"]], "why": r["why"],
            "passage": passage, "before": before, "after": after,
            "segments": {"before": _segments(before, spat, red),
                         "passage": _segments(passage, spat, red),
                         "after": _segments(after, spat, red)},
            "facts": _facts(r["kind"], d, r["label"]),
            "date": d.get("date_start") or doc.get("published"),
            "credibility": ratings.credibility.get(r["id"]),
            "claimant_rating": rating_of(claimant, None) if claimant and claimant != doc[
                "publisher"] else None,
            "_order": (KIND_ORDER[r["kind"]], d.get("date_start") or "9999", doc["pk"],
                       r["start"], r["id"]),
        }
        items.append(item)
    items.sort(key=lambda i: i["_order"])
    for i in items:
        del i["_order"]

    used = {i["document_id"] for i in items}
    order = sorted(used, key=lambda d: (docs[d].get("published") or "9999", docs[d]["pk"]))
    source_no = {d: f"S{n}" for n, d in enumerate(order, 1)}
    by_sha: dict[str, list[str]] = {}
    sources = []
    for d in order:
        doc = docs[d]
        meta = json.loads(doc["meta"] or "{}")
        sha = doc["original_sha256"]
        by_sha.setdefault(sha, []).append(d)
        item_ids = {i["id"] for i in items if i["document_id"] == d}
        sources.append({
            "no": source_no[d], "document_id": d, "title": doc.get("title"),
            "url": doc.get("url") or doc.get("source_url"), "published": doc.get("published"),
            "publisher": doc["publisher"], "author": doc.get("author"), "kind": doc["kind"],
            "rating": rating_of(doc["publisher"] if doc["publisher_known"] else None,
                                doc["publisher_key"]),
            "sha256": sha, "layer_sha256": doc["layer_sha256"],
            "filename": doc.get("filename"), "media_type": doc["media_type"],
            "collector": doc["collector"], "collected_at": doc["collected_at"],
            "protected_document": bool(meta.get("protected")),
            "names_protected": red.visible and bool(red.spans(doc["text"] or "")),
            "custody": _custody(conn, {sha, d, *item_ids}, {d}),
        })
    for i in items:
        i["source"] = source_no[i["document_id"]]

    origs: list[dict[str, Any]] = []
    for sha in sorted(by_sha):
        doc = docs[by_sha[sha][0]]
        path = original_path(sha) if original_path is not None and _texty(
            doc["media_type"]) else None
        names = _names_protected(conn, sha, red, path)
        protected_doc = any(s["protected_document"] for s in sources if s["sha256"] == sha)
        reason = None
        if names and not red.visible:
            reason = ("names a protected person: an original is never altered, so it is "
                      "withheld from a redacted case file (its passages are in the report, masked)")
        origs.append({"sha256": sha, "filename": doc.get("filename"),
                      "media_type": doc["media_type"], "bytes": doc["size"],
                      "documents": by_sha[sha], "names_protected": names,
                      "protected_document": protected_doc,
                      "withheld": reason is not None, "reason": reason})
    for d in sorted(hidden_docs):
        origs.append({"sha256": docs[d]["original_sha256"], "filename": None,
                      "media_type": docs[d]["media_type"], "bytes": docs[d]["size"],
                      "documents": [d], "names_protected": False, "protected_document": True,
                      "withheld": True, "reason": "a protected document (a submission from a "
                      "witness or family): included only with --include-protected"})
    case = CaseData(subject=subject, items=items, sources=sources, originals=origs,
                    head=custody.head(conn), include_protected=include_protected,
                    created_at=created, exported_by=actor,
                    protected_forms=list(red.forms) if red.visible else [])
    if not red.visible:  # the safety net: every string of what is written, once more
        case.subject = red.json(case.subject)
        case.items = red.json(case.items)
        case.sources = red.json(case.sources)
        case.originals = red.json(case.originals)
    return case


def _texty(media_type: str | None) -> bool:
    mt = (media_type or "").lower()
    return mt.startswith("text/") or any(x in mt for x in ("json", "xml", "html", "mbox",
                                                            "csv", "rfc822", "warc", "gzip"))
