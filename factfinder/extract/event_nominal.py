"""Roles of a nominal trigger ("the execution of X by Y", "Raisi ordered the executions", "his
role in the bombing") and who ordered an act ("on the orders of X"): the half of the event
extractor that reads noun phrases and the words that govern them."""

from __future__ import annotations

from typing import Any

from spacy.tokens import Span, Token

from factfinder.extract.event_parse import Reader, _children, _objects, _pobjs, _subject
from factfinder.extract.event_tables import PLACE_LABELS
from factfinder.extract.event_vocab import Trigger, category_of, vocabulary

SENTENCES = {"sentence", "sentences"}
OCCURRENCE_PREPS = ("in", "at", "on", "during", "from", "until", "between", "inside", "across",
                    "throughout")


def commemorated(tok: Token) -> bool:
    """"To mark the anniversary of the massacre": an act named by its commemoration."""
    g = tok
    while g.dep_ == "conj" and g.head.i != g.i:
        g = g.head
    return g.dep_ == "pobj" and g.head.lower_ == "of" and g.head.head.lower_ in vocabulary(
    ).words["commemoration_nouns"]


def carried_out(r: Reader, tok: Token, span: Span) -> str | None:
    """The act of a sentence that is carried out ("the flogging sentence was carried out",
    "they implemented his death sentence"), by its punishment word; None otherwise."""
    if tok.lower_ not in SENTENCES or tok.dep_ not in ("nsubjpass", "dobj") or (
            tok.head.lower_ not in r.v.words["carried_out_verbs"]):
        return None
    return next((r.v.punishments[w.lower_] for w in [*span, *tok.children]
                 if w.lower_ in r.v.punishments), None)


def occurred(r: Reader, tok: Token, kind: str) -> bool:
    """A nominal trigger reported as happening at a place or a time though no participant is
    named: "the killings began at Ghasr-e Sorkh Prison on 7 Mordad 1367", "the massacre took
    place in 1988", "the flogging sentence was carried out in X Prison"."""
    if tok.dep_ not in ("nsubj", "nsubjpass") or r.v.types[kind].get(
            "subject_role") == "participants":  # "the protests continue": a state of affairs
        return False
    gov, w = tok.head, r.v.words
    if tok.dep_ == "nsubj" and not (gov.lower_ in w["occurrence_verbs"] or (
            gov.lower_ in ("take", "takes", "took", "taken", "taking") and any(
                o.lower_ == "place" for o in _objects(gov)))):
        return False
    if tok.dep_ == "nsubjpass" and gov.lower_ not in w["perpetration_verbs"] | w[
            "carried_out_verbs"]:
        return False
    happen = w["occurrence_verbs"] | w["perpetration_verbs"] | w["carried_out_verbs"]
    return any(r.place_of(p) or any(t.i in r.date_tokens for t in p.subtree)
               for x in [gov, *(c for c in gov.conjuncts if c.lower_ in happen)]
               for p in _pobjs(x, *OCCURRENCE_PREPS))  # "began at X and continued in Y"


def nominal_roles(r: Reader, tok: Token, trig: Trigger, tdef: dict[str, Any],
                  perps: list[Token], victims: list[Token]) -> None:
    """Roles of a nominal trigger: "of X", "by X", "against X", the possessive, and the
    verb or word that governs it ("ordered the executions", "took part in protests",
    "endured the genocide", "his role in the bombing", "the attack targeted X")."""
    v = r.v
    joins = tdef.get("subject_role") == "participants"
    agents = (victims if joins else perps)
    of = [p for p in _pobjs(tok, "of") if p.lower_ not in ("whom", "which")]
    if not of and tok.dep_ == "conj" and tok.head.lower_ in v.triggers:
        of = _pobjs(tok.head, "of")  # "the abduction and execution of dissidents"
    victims += of
    agents += _pobjs(tok, "by") + orderers(tok)
    for hands in _pobjs(tok, "at"):
        if hands.lower_ == "hands":
            perps += _pobjs(hands, "of")
    if not joins:
        against = ("against", "on") if trig.type == "attack" else ("against",)
        sites = [s for s in _pobjs(tok, "in", "at") if r.place_of(s)]
        for p in _pobjs(tok, *against) + [p for s in sites for p in _pobjs(s, "against")]:
            (victims if r.place_of(p) is None else []).append(p)  # "a massacre in its
            # prisons throughout the country against political prisoners"
    for acl in _children(tok, "acl"):
        if acl.lower_ in v.words["perpetration_verbs"]:
            agents += _pobjs(acl, "by")
            if not joins:
                victims += _pobjs(acl, "against")
        if acl.lower_ in v.words["suffering_verbs"]:
            victims += _subject(acl)[0]
    for rel in _children(tok, "relcl"):
        if rel.lower_ in v.words["suffering_verbs"]:
            victims += _children(rel, "nsubj")
    compounds = [c for c in _children(tok, "compound", "nmod") if not r.name_at(
        c, PLACE_LABELS) and (
        r.name_at(c, {"ORG", "PERSON", "NORP"}) or c.tag_ == "NNS" or category_of(
            c.lower_ + "s") or category_of(c.lower_))]
    owners = _children(tok, "poss")
    if not owners and tok.dep_ == "conj":  # "their operations, …, murder of X"
        owners = [p for c in tok.conjuncts if c.i < tok.i for p in _children(c, "poss")][:1]
    if not owners:
        owners = _apostrophe_owner(tok)
    for poss in owners + (compounds if joins else []):
        if any(o.pos_ == "PROPN" and o.i <= poss.i and any(
                c.i > o.i and c.text[:1].isupper() for c in _children(tok, "compound"))
               for o in _children(tok, "poss")):
            continue  # "International Women's Day gathering": a name, not its owner
        if poss.pos_ not in ("NOUN", "PROPN", "PRON") or (
                r.name_at(poss, PLACE_LABELS) and poss.dep_ == "poss"):
            continue  # "Iran's massacre": a place (read later)
        words = {t.lower_ for t in poss.subtree}
        if joins:
            victims.append(poss)
        elif words & v.words["actor_words"] or r.name_at(poss, {"ORG"}) or (
                poss.lower_ == "its") or (of and poss.tag_ == "PRP$"):
            perps.append(poss)
        elif poss.tag_ == "PRP$" or tdef.get("possessive") == "victim":
            victims.append(poss)
        else:
            perps.append(poss)
    g = tok
    for _ in range(4):  # up through coordinations and "methods of torture"
        if g.dep_ == "conj" and g.head.i != g.i:
            g = g.head
        elif g.dep_ == "pobj" and g.head.lower_ == "of" and g.head.head.lower_ in v.words[
                "container_nouns"]:
            g = g.head.head
        else:
            break
    if g.i != tok.i and g.lower_ in v.words["container_nouns"] and not joins:
        on = _pobjs(g, "on", "against")  # "the government's use of torture on prisoners";
        if on:  # without a victim, "the regime's use of torture" is a habit, not an act
            agents += _children(g, "poss")
            victims += on
    gov = g.head
    if g.dep_ == "pobj":
        gov = gov.head  # "participation in protests", "role in the bombing"
    low = gov.lower_
    if joins and g.dep_ == "pobj" and g.head.lower_ in ("in", "at", "during") and (
            gov.pos_ in ("NOUN", "PROPN") and (gov.tag_ in ("NNS", "NNPS") or r.name_at(
                gov, {"PERSON", "ORG"}) or any(r.name_at(a, {"PERSON"}) for a in _children(
                    gov, "appos")))):
        victims.append(gov)  # "supporters in Berlin Free Iran Rally", "teacher, X, during"
    if g.dep_ == "pobj" and g.head.lower_ in ("during", "under", "from") and (
            low in r.v.words["death_verbs"]):
        victims += _subject(gov)[0]  # "5 inmates died during torture sessions"
    shared = g.dep_ == "dobj" and any(c.lower_ in v.words["perpetration_verbs"] and not _objects(
        c) for c in gov.conjuncts)  # "the officials who had carried out and defended the X"
    if g.dep_ in ("dobj", "nsubjpass", "pobj") and (
            low in v.words["perpetration_verbs"] or shared or (joins and low in v.words[
                "participation_words"])):
        if gov.pos_ == "NOUN":  # "the government's use of torture", "her participation"
            agents += _children(gov, "poss") or (_subject(gov.head)[0] if gov.dep_ in (
                "attr", "dobj", "pobj") else [])
        else:
            subj, passive = _subject(gov)
            if g.dep_ == "nsubjpass" or passive:
                agents += [p for x in [gov, *gov.conjuncts] for p in _pobjs(x, "by")]
            else:
                agents += [r.resolve(s) for s in subj]
        if not joins:
            victims += _pobjs(gov, "on", "against")
    if joins and g.dep_ == "pobj" and g.head.lower_ == "on" and gov.pos_ in ("VERB", "AUX"):
        victims += _subject(gov)[0]  # "Jafar Kermani has been on hunger strike"
    if g.dep_ == "pobj" and low in v.words["involvement_words"]:
        agents += _children(gov, "poss") or _subject(
            gov.head if gov.pos_ == "ADJ" or gov.dep_ in ("dobj", "attr") else gov)[0]
        if gov.dep_ in ("amod", "acl") and gov.head.pos_ in ("NOUN", "PROPN"):
            agents.append(gov.head)  # "the death commissions responsible for"
    if g.dep_ == "pobj" and g.head.lower_ == "in" and not joins and any(
            o.lower_ == "part" for o in _objects(gov)):
        agents += _subject(gov)[0] or ([gov.head] if gov.dep_ == "acl" else [])
        # "Sarabi had taken part in the executions", "warned those taking part in them"
    if g.dep_ == "dobj" and low in v.words["suffering_verbs"]:
        victims += _subject(gov)[0]
    if g.dep_ == "pobj" and low == "subjected":
        victims += _subject(gov)[0]
    if g.dep_ == "nsubj" and low in v.words["target_verbs"]:
        victims += _objects(gov)


def _apostrophe_owner(tok: Token) -> list[Token]:
    """A plural possessive the parser missed in a title-case headline ("On Mullahs’ 1988
    Massacre Of Political Prisoners"): the noun before a bare apostrophe right before the
    trigger and its numbers or modifiers."""
    j = tok.i - 1
    while j > 0 and (tok.doc[j].like_num or tok.doc[j].head.i == tok.i and tok.doc[j].dep_ in (
            "amod", "compound")):
        j -= 1
    if j < 1 or tok.doc[j].text not in ("’", "'"):
        return []
    owner = tok.doc[j - 1]
    return [owner] if owner.pos_ in ("NOUN", "PROPN") and owner.lower_.endswith("s") and (
        owner.whitespace_ == "") else []


def orderers(tok: Token) -> list[Token]:
    """Who ordered the act: "on the direct orders of Khomeini", "at the behest of Tehran",
    "under instructions from X", "based on a decree issued by X" (attached to the trigger, or
    to the verb a nominal trigger is the subject of: "the massacre was carried out on the
    orders of X"), and "the orders for the murders came from X"."""
    orders = vocabulary().words["order_nouns"]
    if tok.dep_ in ("xcomp", "ccomp") and tok.head.lower_ in vocabulary().words["order_verbs"]:
        return _subject(tok.head)[0]  # "condemned for having ordered opponents to be killed"
    hosts = [tok] + ([tok.head] if tok.dep_ in ("nsubj", "nsubjpass") and tok.pos_ in (
        "NOUN", "PROPN") else [])
    out: list[Token] = []
    for host in hosts:
        preps = _children(host, "prep")
        preps += [p for b in preps if b.lower_ in ("based", "acting") for p in _children(b, "prep")]
        for _ in range(2):  # "hanged in a purge of Iran's prisons on the orders of X"
            preps += [p for b in preps if b.lower_ in ("in", "of") for o in _children(b, "pobj")
                      for p in _children(o, "prep") if p not in preps]
        for prep in preps:
            for p in _children(prep, "pobj"):
                if p.lower_ in orders and prep.lower_ in ("on", "at", "under", "upon", "in", "by"):
                    out += _giver(p)
    if tok.dep_ == "pobj" and tok.head.lower_ == "for" and tok.head.head.lower_ in orders:
        order = tok.head.head  # "the orders for the murders came from X"
        out += _giver(order) or (_pobjs(order.head, "from", "by") if order.dep_ in (
            "nsubj", "nsubjpass") else [])
    return out


def _giver(order: Token) -> list[Token]:
    """Who gave an order: "orders of / from / by X", "X's orders", "a decree issued by X"."""
    return _pobjs(order, "of", "from", "by") or [c for c in _children(order, "poss")
                                                 if c.pos_ != "PRON"] or [
        p for a in _children(order, "acl") for p in _pobjs(a, "by")]
