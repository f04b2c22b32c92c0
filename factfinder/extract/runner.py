"""Running extraction over documents and storing the items.

Documents are read in batches; each batch is parsed by spaCy and run through the extractors in a
worker process (both cores work), and the main process writes the items of a batch in one
transaction, replacing only what the same extractors wrote before for those documents, with a
custody entry naming the extractors and their versions. Spans are stored twice: in the clean
text, and mapped through the document's offset map into the original's text layer.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlparse

from sqlalchemy import delete, false, insert, or_, select

from factfinder import custody
from factfinder.db import Database
from factfinder.db.schema import documents, event_documents, extractions
from factfinder.extract.base import Context, Item
from factfinder.extract.narrator import narrator

BATCH = 8  # small tasks keep both workers busy to the end


@dataclass
class DocInput:
    id: str
    text: str
    title: str | None
    published: str | None
    publisher: str | None
    author: str | None
    offset_map: str
    source_start: int


@dataclass
class ExtractReport:
    documents: int = 0
    items: dict[str, int] = field(default_factory=dict)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (document id, reason)


def publisher_of(site_name: str | None, url: str | None, author: str | None = None) -> str | None:
    """Who publishes a document, for claims nobody else in it is said to make: the site's
    name, else the URL's host, else the document's author (a report's issuing organisation,
    an e-mail's sender)."""
    if site_name:
        return site_name
    if url:
        host = urlparse(url).hostname or ""
        if host:
            return host.removeprefix("www.")
    if author:
        from factfinder.extract.attribution import author_name

        return author_name(author)
    return None


def item_id(doc_id: str, item: Item, extractor: str) -> str:
    key = f"{doc_id}/{extractor}/{item.kind}/{item.start}/{item.end}/{item.label or ''}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:20]


# -- worker side ------------------------------------------------------------------------------


def extract_batch(
    inputs: Sequence[DocInput], kinds: tuple[str, ...] | None
) -> list[tuple[str, list[dict[str, Any]] | str]]:
    """Parse and extract a batch; for each document its rows, or a reason it failed."""
    from factfinder.extract.nlp import load_nlp, model_version
    from factfinder.extract.registry import extractors
    from factfinder.intake.normalize import OffsetMap

    nlp = load_nlp()
    chain = extractors(kinds)
    stored = set(kinds) if kinds else {k for k, _ in chain}
    model = model_version(nlp)
    out: list[tuple[str, list[dict[str, Any]] | str]] = []
    docs = nlp.pipe((d.text for d in inputs), batch_size=16)
    for inp, doc in zip(inputs, docs, strict=True):
        ctx = Context(inp.id, inp.text, inp.title, inp.published, inp.publisher, inp.author)
        try:
            found: dict[str, list[Item]] = {}
            rows: list[dict[str, Any]] = []
            omap = OffsetMap.loads(inp.offset_map)
            for kind, extractor in chain:
                items = extractor(doc, ctx, found)
                found[kind] = items
                if kind not in stored:
                    continue
                version = f"{extractor.version}; {model}"
                seen: set[str] = set()
                for it in items:
                    iid = item_id(inp.id, it, extractor.name)
                    if iid in seen:  # the same item found twice (e.g. by two rules)
                        continue
                    seen.add(iid)
                    s, e = omap.span_to_source(it.start, it.end)
                    map_inner_spans(it.data, omap)
                    rows.append({
                        "id": iid, "document_id": inp.id,
                        "kind": it.kind, "start": it.start, "end": it.end,
                        "source_start": s, "source_end": e, "text": it.text,
                        "label": it.label, "confidence": float(it.confidence),
                        "data": json.dumps(it.data, ensure_ascii=False, sort_keys=True,
                                           default=str),
                        "extractor": extractor.name, "version": version,
                    })
            out.append((inp.id, rows))
        except Exception as exc:  # one document's failure must not stop the others
            out.append((inp.id, f"{type(exc).__name__}: {exc}"[:300]))
    return out


def map_inner_spans(data: dict[str, Any], omap: Any) -> None:
    """Spans inside an item (a quote's ``parts`` and ``speaker_span``, an event's ``trigger``)
    get their place in the original's text layer too: ``source_parts``,
    ``source_speaker_span``, ``trigger["source_start"]``/``["source_end"]``."""
    parts = data.get("parts")
    if isinstance(parts, list) and parts:
        data["source_parts"] = [list(omap.span_to_source(a, b)) for a, b in parts]
    span = data.get("speaker_span")
    if isinstance(span, list) and len(span) == 2:
        data["source_speaker_span"] = list(omap.span_to_source(span[0], span[1]))
    trig = data.get("trigger")
    if isinstance(trig, dict) and "start" in trig and "end" in trig:
        trig["source_start"], trig["source_end"] = omap.span_to_source(trig["start"],
                                                                       trig["end"])


# -- main side --------------------------------------------------------------------------------


def iter_inputs(db: Database, doc_ids: Sequence[str] | None) -> Iterator[list[DocInput]]:
    query = select(documents.c.id, documents.c.text, documents.c.title, documents.c.published,
                   documents.c.site_name, documents.c.url, documents.c.author,
                   documents.c.offset_map, documents.c.source_start).where(
                       documents.c.kind != "page")
    if doc_ids:  # full ids, or prefixes as the listing commands accept
        full = [d for d in doc_ids if len(d) >= 16]
        prefixes = [d for d in doc_ids if len(d) < 16]
        query = query.where(or_(
            documents.c.id.in_(full) if full else false(),
            *(documents.c.id.like(p + "%") for p in prefixes)))
    batch: list[DocInput] = []
    with db.read() as conn:
        rows = conn.execute(query.order_by(documents.c.pk)).all()
    for r in rows:
        told = narrator(r[1] or "")  # who says "I": a memoir's or a testimony's narrator
        batch.append(DocInput(r[0], r[1], r[2], r[3], publisher_of(r[4], r[5], r[6] or told),
                              told or r[6], r[7], r[8]))
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def run_extraction(
    db: Database, *, actor: str, doc_ids: Sequence[str] | None = None,
    kinds: tuple[str, ...] | None = None, jobs: int = 1,
    on_batch: Callable[[int], None] | None = None, evidence_root: Any = None,
) -> ExtractReport:
    from factfinder.extract.registry import extractors

    report = ExtractReport()
    names = {ex.name for kind, ex in extractors(kinds) if not kinds or kind in kinds}
    batches = iter_inputs(db, doc_ids)

    def write(batch_result: list[tuple[str, list[dict[str, Any]] | str]]) -> None:
        try:
            store(batch_result)
        except Exception as exc:  # a batch that cannot be stored: name its documents, go on
            reason = f"could not be stored ({type(exc).__name__}: {exc})"[:300]
            store([(doc_id, reason) for doc_id, _ in batch_result])

    def store(batch_result: list[tuple[str, list[dict[str, Any]] | str]]) -> None:
        now = custody.utcnow()
        ok_ids = [doc_id for doc_id, rows in batch_result if not isinstance(rows, str)]
        all_rows = [dict(row, created_at=now) for _, rows in batch_result
                    if not isinstance(rows, str) for row in rows]
        counts: dict[str, int] = {}
        with db.write() as conn:
            if ok_ids:
                conn.execute(delete(extractions).where(
                    extractions.c.document_id.in_(ok_ids), extractions.c.extractor.in_(names)))
            if all_rows:
                conn.execute(insert(extractions), all_rows)
            for i in range(0, len(ok_ids), 500):  # the event-type facet, in step
                part = ok_ids[i:i + 500]
                pks = select(documents.c.pk).where(documents.c.id.in_(part))
                conn.execute(delete(event_documents).where(event_documents.c.document_pk.in_(pks)))
                conn.execute(insert(event_documents).from_select(
                    ["document_pk", "label"],
                    select(documents.c.pk, extractions.c.label).distinct()
                    .join(documents, documents.c.id == extractions.c.document_id).where(
                        extractions.c.document_id.in_(part), extractions.c.kind == "event",
                        extractions.c.label.is_not(None))))
            for row in all_rows:
                counts[row["kind"]] = counts.get(row["kind"], 0) + 1
            versions = sorted({f"{r['extractor']} {r['version']}" for r in all_rows})
            chain = custody.Chain(conn)
            if ok_ids:
                chain.append("extract-facts", f"{len(ok_ids)} document(s)", actor, {
                    "documents": ok_ids, "items": counts, "extractors": versions})
            for doc_id, reason in batch_result:
                if isinstance(reason, str):
                    chain.append("extract-failed", doc_id, actor, {"reason": reason})
        if evidence_root is not None:
            custody.write_head_file(evidence_root, chain.seq, chain.hash)
        report.documents += len(ok_ids)
        for kind, n in counts.items():
            report.items[kind] = report.items.get(kind, 0) + n
        report.failed.extend((d, r) for d, r in batch_result if isinstance(r, str))
        if on_batch:
            on_batch(len(batch_result))

    if jobs <= 1:
        for batch in batches:
            write(extract_batch(batch, kinds))
        return report
    # Load the model and build the extractors' matchers once, here: forked workers share them
    # instead of each loading its own.
    from factfinder.extract.nlp import load_nlp

    load_nlp()
    extractors(kinds)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: list[Future] = []
        for batch in batches:
            pending.append(pool.submit(extract_batch, batch, kinds))
            while len(pending) >= jobs * 4:
                write(pending.pop(0).result())
        for fut in pending:
            write(fut.result())
    return report
