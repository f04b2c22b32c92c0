"""Where an event happened: the place the trigger's clause names ("arrested in Tabriz",
"protests took place outside the White House", "Iran's prisons"), read from the mentions the
earlier extractor found and the dependency parse. Split from ``events`` for size."""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.tokens import Token

from factfinder.extract.event_parse import PLACE_PREPS, Reader, _children
from factfinder.extract.event_tables import PLACE_LABELS

NEAR_PREPS = PLACE_PREPS | {"to", "on", "of", "from"}
SITE_PREPS = {"outside", "opposite"}  # whatever follows is a site
REASON_PREPS = {"for", "because"}
DESTINATION = {"route", "en-route", "way", "travelling", "traveling", "heading", "bound",
               "flying", "driving", "returning"}  # "apprehended en route to Paris"
COPULAS = {"become", "becomes", "became", "is", "are", "was", "were", "remain", "remains",
           "remained"}


def _dedup(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and re.search(r"\w", v) and v.lower() not in (o.lower() for o in out):
            out.append(v)
    return out


def attached(tok: Token, t: Token) -> bool:
    """Whether ``t`` modifies the trigger's own clause, not another verb's."""
    for a in t.ancestors:
        if a.i == tok.i:
            return True
        if a.pos_ == "VERB" and a not in tok.conjuncts and a.dep_ not in (
                "advcl", "xcomp", "pcomp"):
            return False  # another verb's own clause; "while serving time in …" is not
        if a.pos_ == "VERB" and a.dep_ == "pcomp" and a.head.lower_ in REASON_PREPS:
            return False  # "arrested for giving speeches in Tehran": where the speeches were
    return False


def _in_role(r: Reader, t: Token, roles: set[int]) -> bool:
    """Whether ``t`` lies in a participant's own phrase ("Families in Golvar", "a meeting
    organized by the NCRI in Villepinte"), not where they live ("a diplomat based in
    Vienna")."""
    if t.i not in roles:
        return False
    return not any(a.i in roles and a.lower_ in r.v.words["residence_words"]
                   for a in t.ancestors)


def _site(r: Reader, t: Token) -> str | None:
    """A building named after "outside" / "opposite": "the White House", "the Bank Pension
    Fund Office"."""
    if t.pos_ not in ("PROPN", "NOUN") or t.lower_ in r.v.triggers:
        return None
    comp = [c for c in t.children if c.dep_ == "compound" and c.pos_ == "PROPN"]
    if not (comp or t.pos_ == "PROPN"):
        return None
    lo = min([t.i] + [x.i for c in comp for x in c.subtree])
    own = t.doc[lo:t.i + 1].text.rstrip("-–")
    name = r.name_at(t, {"ORG"})
    return name if name and len(name) >= len(own) else own


def _where(r: Reader, tok: Token) -> Token | None:
    """The place a "where" clause that holds the trigger describes ("dragged into the regime's
    prisons, where they were subjected to torture")."""
    for a in [tok, *tok.ancestors]:
        if a.dep_ == "relcl" and any(c.lower_ == "where" for c in a.children):
            return a.head if r.place_of(a.head) else None
        if a.dep_ in ("ROOT", "ccomp"):
            return None
    return None


def event_place(r: Reader, tok: Token, start: int, end: int, roles: set[int]) -> str | None:
    """The place attached to the trigger by in/at/across …, else the first such place in
    the sentence, else one inside the participants' own phrase ("Families in Golvar")."""
    best: tuple[float, Token] | None = None
    anchor = tok.head if tok.pos_ in ("NOUN", "PROPN") and (tok.dep_ in ("nsubjpass", "dobj") or (
        tok.dep_ == "nsubj" and tok.head.lower_ not in COPULAS)) else tok
    # "protests took place in …", "held a rally in"; not "the massacre has inside Iran become
    # an issue"
    if tok.dep_ == "pobj" and tok.head.head.pos_ in ("VERB", "AUX"):
        anchor = tok.head.head  # "In Khomeini's prisons, guards resorted to torture"
    if tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in r.v.words[
            "container_nouns"]:
        anchor = tok.head.head  # "a series of murders across the country"
    if anchor.dep_ in ("advcl", "xcomp") and anchor.i != tok.i:
        anchor = anchor.head  # "perished in regime custody while undergoing torture"
    if tok.dep_ in ("acl", "advcl") and anchor.i == tok.i and any(
            c.lower_ == "to" for c in tok.children if c.dep_ == "aux"):
        anchor = tok.head  # "a commotion in prisons across Iran to massacre the prisoners"
    for t in r.doc.char_span(start, end, alignment_mode="expand") or []:
        prep = t.head
        if prep.lower_ == "of" and prep.head.lower_ == "front":
            prep = prep.head.head  # "in front of the UN plaza"
        origin = {x.lower_ for x in (prep.head, prep.doc[max(0, prep.i - 2)])}
        spread = prep.lower_ == "over" and any(c.lower_ == "all" for c in prep.children) and (
            "from" not in origin)  # "all over Iran", not "employees from all over Iran"
        toward = prep.lower_ == "to" and not ({prep.head.lower_, prep.nbor(-1).lower_} & (
            DESTINATION)) and bool(r.name_at(t, PLACE_LABELS) or r.demonstrative_place(t))
        if prep.head.lower_ in r.v.words["term_nouns"]:
            continue  # "ten years in prison": a term, not a place
        if t.dep_ != "pobj" or not (prep.lower_ in PLACE_PREPS or spread or toward or (
                prep.lower_ == "on" and t.lower_ in r.v.words["ground_nouns"])):
            continue  # "on European soil"
        if r.place_of(t) is None:
            alt = next((c for c in t.conjuncts if r.name_at(c, PLACE_LABELS)), None) or (
                t if prep.lower_ in SITE_PREPS and _site(r, t) else None)
            if alt is None:  # "in five European capitals, Paris, Brussels": the names;
                continue  # "outside the White House": a building, whatever its label
            t = alt
        rank = 2.0 if _in_role(r, t, roles) else 0.0 if (attached(tok, t) or attached(
            anchor, t)) else 9.0
        rank += (0.0 if r.name_at(t, PLACE_LABELS) or t.lower_ in r.v.words["place_containers"]
                 else 0.5) + abs(t.i - tok.i) / 1000  # "in the city of Garmsar": named
        if rank < 9 and (best is None or rank < best[0]):
            best = (rank, t)
    if best is None and tok.pos_ in ("NOUN", "PROPN"):  # "Berlin Free Iran Rally"
        inner = [c for c in tok.children if c.dep_ == "compound" and c.i < tok.i and r.name_at(
            c, PLACE_LABELS) and not r.name_at(c, {"ORG", "PERSON", "NORP"})]
        if inner:
            return r.name_at(inner[0], PLACE_LABELS)
    if best is None:
        site = _where(r, tok)
        if site is not None and start <= site.idx < end:
            return r.place_of(site)
        return nearby_place(r, tok, start, end, roles) or there(r, tok)
    group = [best[1], *best[1].conjuncts] + [p for c in best[1].head.conjuncts
                                             for p in _children(c, "pobj")]
    names = (r.place_of(t) or _site(r, t) for t in group if start <= t.idx < end)
    return "; ".join(_dedup(p for p in names if p and "\n" not in p)) or None

def nearby_place(r: Reader, tok: Token, start: int, end: int, roles: set[int]) -> str | None:
    """No place hangs on the trigger: the named place nearest to it in the sentence that
    stands as a place ("in Tabriz", "outside the White House", "Iran's prisons", "the
    people of Syria"), not one inside an organisation's name or a perpetrator's phrase."""
    best: tuple[int, str] | None = None
    for t in r.doc.char_span(start, end, alignment_mode="expand") or []:
        if t.i in roles and t.dep_ != "pobj":
            continue
        name = r.name_at(t, PLACE_LABELS)
        if not name or r.name_at(t, {"ORG", "PERSON", "NORP"}) or "\n" in name:
            continue
        prep = t.head
        host = prep.head
        if t.dep_ == "poss":
            if t.head.lower_ not in r.v.words["place_nouns"] and t.head.i != tok.i:
                continue  # "Iran's prisons", "Iran's 1988 massacre"
        elif (prep.lower_ == "to" and bool({host.lower_, prep.nbor(-1).lower_} & DESTINATION)
              ) or not (t.dep_ == "pobj" and prep.lower_ in NEAR_PREPS and (
                _in_role(r, t, roles) or host.i in (tok.i, tok.head.i) or (
                    prep.lower_ == "of" and host.lower_ in r.v.words["place_nouns"]) or (
                    tok.head.i == host.i))):
            continue
        if t.dep_ == "poss" and t.head.i != tok.i:
            name = f"{name}’s {t.head.text}"
        dist = abs(t.i - tok.i)
        if best is None or dist < best[0]:
            best = (dist, name)
    return best[1] if best else None


def there(r: Reader, tok: Token) -> str | None:
    """"There, many were tortured": a sentence that opens with "there" (an adverb, not "there
    were") happened at the last place the sentence before it names."""
    first = r.doc[r.sent_start[tok.i]]
    if first.lower_ != "there" or first.dep_ == "expl" or first.i == 0 or not (
            first.i + 1 < len(r.doc) and first.nbor(1).text == ","):
        return None
    lo = r.sent_start[first.i - 1]
    for t in reversed(r.doc[lo:first.i]):
        if t.dep_ == "pobj" and t.head.lower_ in PLACE_PREPS | {"to"}:
            place = r.place_of(t)
            if place:
                return place
    return None

