"""Which entries of a group are independent corroboration, and which repeat another.

A repost is not corroboration, nor is the same organisation saying the same thing twice, nor a
newspaper quoting an NGO's figure. Each entry has an *origin*, the source whose word it is:

* a claim the document attributes to somebody ("according to X", a quotation of X, "X puts the
  number at …") originates with X — the claimant, as an entity when entity resolution linked
  the name (so "AHRDC" and "Arvestan Human Rights Documentation Centre" are one origin). The
  chain "publisher quotes X" is kept and shown;
* a claim the document makes in its own voice originates with its publisher; documents of one
  near-duplicate group (reposts, later captures) count as one origin whoever republished them;
* a figure a document states in its own voice (a headline, a summary) and also attributes to
  somebody in the same document is that somebody's figure, repeated.

Within a group, the first entry of each origin (earliest published, then first stored) is
independent; every other entry of that origin is a repeat and says of what and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from factfinder.ledger.entries import Entry, norm


@dataclass
class Standing:
    origin: str  # key of the source whose word it is
    origin_name: str  # that source, for people
    independent: bool
    repeat_of: str | None  # the entry it repeats
    reason: str | None  # why it is not independent
    chain: list[str]  # [publisher, claimant] when the publisher relays somebody


def _key(entity: str | None, name: str) -> str:
    return "entity:" + entity if entity else "name:" + norm(name)


def origin_of(e: Entry) -> tuple[str, str, str]:
    """(origin key, origin name, kind: claimant / duplicate / publisher)."""
    if e.relayed and e.claimant and norm(e.claimant) != norm(e.publisher) and (
            e.claimant_entity is None or e.claimant_entity != e.publisher_entity):
        return _key(e.claimant_entity, e.claimant), e.claimant_name or e.claimant, "claimant"
    if e.duplicate_group:
        return "dup:" + e.duplicate_group, e.publisher, "duplicate"
    if e.publisher_known:
        return _key(e.publisher_entity, e.publisher), e.publisher, "publisher"
    if e.claimant:  # nobody knows the publisher: the author speaks in their own voice
        return _key(e.claimant_entity, e.claimant), e.claimant_name or e.claimant, "claimant"
    return e.publisher_key, e.publisher, "publisher"


def standings(entries: list[Entry]) -> dict[str, Standing]:
    """Entry id → its standing within this group of entries."""
    first: dict[str, tuple[Entry, str]] = {}
    out: dict[str, Standing] = {}
    relayed: dict[tuple[str, float | None, float | None], tuple[str, str]] = {}
    for e in entries:
        key, name, kind = origin_of(e)
        if kind == "claimant" and e.relayed:
            relayed.setdefault((e.document_id, e.low, e.high), (key, name))
    # earliest published first; within a document, what it attributes before its own voice
    for e in sorted(entries, key=lambda x: (x.published or "9999", x.doc_pk,
                                            0 if x.relayed else 1, x.start, x.id)):
        key, name, kind = origin_of(e)
        echo = relayed.get((e.document_id, e.low, e.high))
        if kind != "claimant" and echo is not None:
            # a headline or summary repeating the figure its article attributes to somebody
            key, name, kind = echo[0], echo[1], "echo"
        quoted = e.relayed and e.claimant and norm(e.claimant) != norm(e.publisher) and (
            e.claimant_entity is None or e.claimant_entity != e.publisher_entity)
        chain = [e.publisher, e.claimant or ""] if quoted else [e.claimant or e.publisher]
        got = first.get(key)
        if got is None:
            first[key] = (e, kind)
            out[e.id] = Standing(key, name, True, None, None, chain)
            continue
        prior, prior_kind = got
        if kind == "duplicate" or (prior.duplicate_group and prior.duplicate_group == (
                e.duplicate_group)):
            why = f"near-duplicate of document {prior.document_id}"
        elif kind == "echo":
            why = f"{e.publisher} repeats the figure it attributes to {name}"
        elif prior.document_id == e.document_id:
            why = f"{name} again in the same document"
        elif kind == prior_kind == "publisher":
            why = f"the same publisher ({e.publisher})"
        elif len(chain) > 1:
            why = f"the same source ({name}), here relayed by {e.publisher}"
        else:
            why = f"the same source ({name}), already counted"
        out[e.id] = Standing(key, name, False, prior.id, why, chain)
    return out
