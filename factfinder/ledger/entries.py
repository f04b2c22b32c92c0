"""Ledger entries: every numeric claim and every event, as "source S says X".

An entry is built from the extraction rows (``extractions`` of kind ``claim`` and ``event``)
and the document each comes from. It keeps what the words say (bounds, original words,
qualifier), who says it (the claimant, resolved to an entity where entity resolution linked
one of its forms), where it is said (document, publisher, date, span), and what it is about
(filled by :mod:`factfinder.ledger.subjects`).

A claim and the event whose count it is are one statement: the event lends the claim its type
(and its date and place when the claim has none) and is not an entry of its own. Events with
no claim inside them (a count only the event extractor read, or no count at all) are entries
of kind ``event``.

Entries are computed from the stored extractions every time; they carry the extraction ids,
which are stable across re-extraction while the spans are.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from factfinder.db.schema import documents, entities, entity_mentions, extractions
from factfinder.extract.runner import publisher_of


@dataclass
class Entry:
    id: str  # the claim's (or the event's) extraction id
    kind: str  # claim | event
    document_id: str
    start: int
    end: int
    source_start: int
    source_end: int
    text: str  # the span as written
    original: str  # the number with what it counts, as written
    low: float | None
    high: float | None
    qualifier: str | None
    approximate: bool
    conservative: float | None  # ACLED figure for vague words ("dozens" = 12)
    counted: str | None
    predicate: str | None
    claimant: str | None  # as written; None when nobody is named and no publisher is known
    claimant_source: str | None  # quote / attribution / publisher
    publisher: str  # who published the document (a stand-in when unknown, see publisher_key)
    publisher_known: bool
    publisher_key: str
    published: str | None
    duplicate_group: str | None
    doc_pk: int
    title: str | None = None
    date_start: str | None = None
    date_end: str | None = None
    place: str | None = None
    event_type: str | None = None
    event_id: str | None = None
    tally: dict[str, Any] | None = None  # protest-report tally data of the event
    sentence: str = ""
    before: str = ""  # the paragraph before the sentence
    place_info: tuple[str | None, float | None, float | None] | None = None  # type, lat, lon
    claimant_entity: str | None = None
    claimant_name: str | None = None
    publisher_entity: str | None = None
    subject: Any = None  # a subjects.Subject, set by subjects.assign
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.low is not None or self.high is not None

    @property
    def relayed(self) -> bool:
        """Said by somebody the document quotes or cites, not by its publisher."""
        return self.claimant_source in ("quote", "attribution") and bool(self.claimant)


def norm(name: str) -> str:
    """A name as a key: case-folded, punctuation and extra spaces dropped."""
    return " ".join(re.sub(r"[^\w\s]", " ", name.casefold()).split())


def _num(v: Any) -> float | None:
    if v is None or v == "":
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


BREAK = re.compile(r"[.!?](?=[\s\"”’)])|\n[ \t]*\n|(?<![\w,;\-–])\n")


def sentence_of(text: str, start: int, end: int) -> str:
    """The sentence (or table line) holding ``start``–``end``, at most ~300 characters each
    side. A single line break ends a sentence only after a line that does not run on (a
    page's hard-wrapped lines do)."""
    lo = max(0, start - 300)
    cut = [m.end() for m in BREAK.finditer(text, lo, start)]
    s = cut[-1] if cut else lo
    m = BREAK.search(text, end, min(len(text), end + 300))
    e = m.end() if m else min(len(text), end + 300)
    return text[s:e].strip()


def before_of(text: str, start: int, n: int = 400) -> str:
    """Up to ``n`` characters of the paragraph before ``start`` (for "puts the number at …",
    whose sentence does not say what is counted)."""
    lo = max(0, start - n)
    para = text.rfind("\n\n", lo, start)
    return text[(para + 2 if para >= 0 else lo):start]


def form_index(conn: Connection) -> dict[str, tuple[str, str]]:
    """Surface form (case-folded) → (entity id, entity name): the entity holding most
    mentions of the form."""
    names = {r.id: r.name for r in conn.execute(select(entities.c.id, entities.c.name))}
    counts: dict[str, dict[str, int]] = {}
    for eid, form in conn.execute(select(entity_mentions.c.entity_id, entity_mentions.c.form)):
        per = counts.setdefault(" ".join(form.casefold().split()), {})
        per[eid] = per.get(eid, 0) + 1
    out = {f: max(per.items(), key=lambda kv: (kv[1], kv[0]))[0] for f, per in counts.items()}
    for eid, name in names.items():  # an entity's own name always finds it
        out.setdefault(" ".join(name.casefold().split()), eid)
    return {f: (eid, names.get(eid, f)) for f, eid in out.items()}


def resolve_name(index: dict[str, tuple[str, str]], name: str | None) -> tuple[str, str] | None:
    if not name:
        return None
    key = " ".join(name.casefold().split())
    got = index.get(key) or index.get(re.sub(r"^(?:the|a)\s+", "", key))
    if got is None:  # "Arvestan Human Rights Documentation Centre (AHRDC)"
        inner = re.search(r"\(([^)]+)\)", key)
        got = index.get(inner.group(1).strip()) if inner else None
    return got


def place_index(conn: Connection) -> dict[str, tuple[str | None, float | None, float | None]]:
    """Place name (case-folded) → (place type, latitude, longitude) from the place mentions
    the extraction linked to the gazetteer."""
    out: dict[str, tuple[str | None, float | None, float | None]] = {}
    q = select(extractions.c.text, extractions.c.data).where(
        extractions.c.kind == "mention", extractions.c.label == "PLACE")
    for text, data in conn.execute(q):
        d = json.loads(data or "{}")
        name = " ".join(str(d.get("normalized") or text).casefold().split())
        if name in out and out[name][0]:
            continue
        coords = d.get("coordinates") or [None, None]
        out[name] = (d.get("place_type"), _num(coords[0]), _num(coords[1]))
    return out


def doc_rows(conn: Connection, doc_ids: set[str], with_text: bool = True,
              ) -> dict[str, dict[str, Any]]:
    """Documents by id with their publisher (``publisher``, ``publisher_key``: a stand-in when
    unknown), taken from the page they were cut from when they have none of their own."""
    out: dict[str, dict[str, Any]] = {}
    ids = sorted(doc_ids)
    cols = (documents.c.pk, documents.c.id, documents.c.parent_id, documents.c.site_name,
            documents.c.url, documents.c.author, documents.c.published, documents.c.title,
            documents.c.duplicate_group, documents.c.original_sha256,
            *((documents.c.text,) if with_text else ()))
    for i in range(0, len(ids), 500):
        for r in conn.execute(select(*cols).where(documents.c.id.in_(ids[i:i + 500]))).mappings():
            out[r["id"]] = dict(r)
    parents = {d["parent_id"] for d in out.values() if d["parent_id"]} - set(out)
    pcols = (documents.c.id, documents.c.site_name, documents.c.url, documents.c.author,
             documents.c.published, documents.c.title)
    pinfo: dict[str, dict[str, Any]] = {}
    plist = sorted(parents)
    for i in range(0, len(plist), 500):
        for r in conn.execute(select(*pcols).where(documents.c.id.in_(plist[i:i + 500]))
                              ).mappings():
            pinfo[r["id"]] = dict(r)
    for d in out.values():
        p = pinfo.get(d["parent_id"] or "") or out.get(d["parent_id"] or "") or {}
        name = publisher_of(d["site_name"], d["url"], d["author"]) or publisher_of(
            p.get("site_name"), p.get("url"), p.get("author"))
        root = d["parent_id"] or d["id"]
        d["publisher_known"] = name is not None
        d["publisher"] = name or f"unknown publisher (page {root[:8]})"
        d["publisher_key"] = ("name:" + norm(name)) if name \
            else f"page:{d['original_sha256'][:16]}"
        d["published"] = d["published"] or p.get("published")
    return out


def load_entries(conn: Connection, document_id: str | None = None) -> list[Entry]:
    """Every numeric claim and every event of the case (or of one document), as entries."""
    q = select(extractions).where(extractions.c.kind.in_(("claim", "event")))
    if document_id:
        q = q.where(extractions.c.document_id.like(document_id + "%"))
    rows = [dict(r) for r in conn.execute(q).mappings()]
    docs = doc_rows(conn, {r["document_id"] for r in rows})
    index = form_index(conn)
    claims = [r for r in rows if r["kind"] == "claim"]
    events = [r for r in rows if r["kind"] == "event"]
    by_doc: dict[str, list[dict[str, Any]]] = {}
    for ev in events:
        ev["d"] = json.loads(ev["data"] or "{}")
        by_doc.setdefault(ev["document_id"], []).append(ev)
    out: list[Entry] = []
    used_events: set[str] = set()
    for r in claims:
        d = json.loads(r["data"] or "{}")
        doc = docs[r["document_id"]]
        e = _entry(r, d, doc, "claim")
        hit = _event_of(r, by_doc.get(r["document_id"], []))
        if hit is not None:
            used_events.add(hit["id"])
            _lend(e, hit)
        e.sentence = sentence_of(doc["text"] or "", r["start"], r["end"])
        e.before = before_of(doc["text"] or "", r["start"])
        out.append(e)
    for ev in events:
        if ev["id"] in used_events:
            continue
        d = ev["d"]
        if d.get("negated") or d.get("hypothetical"):
            continue  # a denial or a call is not an assertion that it happened
        doc = docs[ev["document_id"]]
        e = _entry(ev, d, doc, "event")
        e.low, e.high = _num(d.get("count")), _num(d.get("count_high"))
        e.original = d.get("count_text") or ev["text"]
        e.counted = d.get("count_of")
        e.extra["victims"] = [str(v) for v in d.get("victims") or [] if v]
        _lend(e, ev)
        e.sentence = ev["text"]
        out.append(e)
    places = place_index(conn)
    for e in out:
        if e.place:
            e.place_info = places.get(" ".join(e.place.casefold().split()))
        keys = []
        for v in e.extra.get("victims", []):
            if re.search(r"\d|\b(?:other|several|some|many|dozens|hundreds|thousands|members|"
                         r"prisoners|people|families)\b", v, re.I):
                continue  # a count or a description, not somebody named
            named = resolve_name(index, v)
            keys.append(named[1] if named else " ".join(v.split()))
        if keys:
            e.extra["victim_keys"] = sorted(set(keys), key=lambda k: (norm(k), k))
        got = resolve_name(index, e.claimant)
        if got:
            e.claimant_entity, e.claimant_name = got
        pub = resolve_name(index, e.publisher) if e.publisher_known else None
        if pub:
            e.publisher_entity = pub[0]
    out.sort(key=lambda x: (x.doc_pk, x.start, x.end, x.id))
    return out


def _entry(r: dict[str, Any], d: dict[str, Any], doc: dict[str, Any], kind: str) -> Entry:
    claimant = d.get("claimant")
    source = d.get("claimant_source")
    if claimant and not source:  # events name a claimant without saying how
        source = "publisher" if claimant == doc["publisher"] else "attribution"
    if not claimant:
        claimant, source = (doc["publisher"] if doc["publisher_known"] else None), "publisher"
    return Entry(
        id=r["id"], kind=kind, document_id=r["document_id"], start=r["start"], end=r["end"],
        source_start=r["source_start"], source_end=r["source_end"], text=r["text"],
        original=d.get("original") or r["text"], low=_num(d.get("low")),
        high=_num(d.get("high")), qualifier=d.get("qualifier"),
        approximate=bool(d.get("approximate")), conservative=_num(d.get("conservative")),
        counted=d.get("counted"), predicate=d.get("predicate"), claimant=claimant,
        claimant_source=source or ("publisher" if claimant else None),
        publisher=doc["publisher"], publisher_known=doc["publisher_known"],
        publisher_key=doc["publisher_key"], published=doc["published"],
        duplicate_group=doc["duplicate_group"], doc_pk=doc["pk"], title=doc["title"],
        date_start=d.get("date_start"), date_end=d.get("date_end"), place=d.get("place"))


def _event_of(claim: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The event whose count this claim is: its count words overlap the claim, or (else) the
    narrowest event span holding the claim that counts something."""
    best: tuple[int, dict[str, Any]] | None = None
    for ev in events:
        if not (ev["start"] <= claim["start"] and claim["end"] <= ev["end"]):
            continue
        d = ev["d"]
        if d.get("negated") or d.get("hypothetical"):
            continue
        ct = d.get("count_text") or ""
        holds = bool(ct) and (ct in claim["text"] or claim["text"] in ct)
        if not holds and d.get("count") is None:
            continue
        rank = (0 if holds else 1) * 10**9 + (ev["end"] - ev["start"])
        if best is None or rank < best[0]:
            best = (rank, ev)
    return best[1] if best else None


def _lend(e: Entry, ev: dict[str, Any]) -> None:
    d = ev["d"]
    e.event_type = ev["label"] or d.get("type")
    e.event_id = ev["id"]
    if not e.date_start and d.get("date_start"):
        e.date_start, e.date_end = d.get("date_start"), d.get("date_end")
    if not e.place and d.get("place"):
        e.place = d.get("place") if isinstance(d.get("place"), str) else None
    if d.get("tally"):
        e.tally = {k: d.get(k) for k in ("tally", "category", "category_text", "place",
                                         "locations", "location_count", "date_start",
                                         "date_end")}
        e.date_start, e.date_end = d.get("date_start") or e.date_start, d.get(
            "date_end") or e.date_end
