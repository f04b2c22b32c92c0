"""Events: who did what to whom, when and where, in the controlled vocabulary of violations.

A HURIDOCS-style act is read from one sentence: a trigger from ``vocab/violations.yaml`` (a verb,
a noun or a phrase) and its roles from the dependency parse. The agent — subject of an active
verb, "by X" of a passive, the possessive or "by X" of a nominal, the subject of "ordered the
executions" — is the perpetrator; the patient — object, passive subject, "of X" — the victim.
Protesters and strikers are the participants and are stored as victims too, as the sample truth
does. Place, dates and counts come from what the earlier extractors found in the sentence
(``found["mention"]``, ``found["date"]``, ``found["claim"]``), with spaCy's entities and small
readers of numbers and dates as a fallback, so the extractor also works (less well) alone.

An event is always someone's report (attribution over assertion): the claimant is the speaker of
an enclosing quote, else the claimant of a claim in the sentence, else the source the sentence
names ("according to X", "X said that …"), else the publisher. Acts that are called for,
planned, feared or under a modal are kept with ``hypothetical`` true; denied ones with
``negated`` true ("denied that any prisoners were executed"). A nominal trigger with no
participant and no count ("the 1988 massacre") names an event rather than reporting one and
yields nothing. Tables of monthly reports and bullet lists are read by ``event_tables``; the
place by ``event_place``; names, phrases and pronouns by ``event_parse``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from spacy.tokens import Doc, Span, Token
from spacy.util import filter_spans

from factfinder.extract.base import Context, Item
from factfinder.extract.event_nominal import (
    SENTENCES,
    carried_out,
    commemorated,
    nominal_roles,
    occurred,
    orderers,
)
from factfinder.extract.event_parse import (
    QUESTION,
    TAG_LIST,
    Found,
    Reader,
    _children,
    _objects,
    _pobjs,
    _span_of,
    _subject,
    within,
)
from factfinder.extract.event_place import attached, event_place
from factfinder.extract.event_tables import PROTEST_LIKE, expand_lists, tallies
from factfinder.extract.event_vocab import (
    Trigger,
    Vocabulary,
    category_of,
    date_bounds,
    matcher_for,
    read_count,
    read_date,
    sentence_content,
    vocabulary,
)
from factfinder.extract.narrator import first_person_source

VERSION = "1"
ABOUT = {"into", "about", "regarding", "concerning", "over"}
BE_FORMS = {"be", "is", "are", "was", "were", "been", "being", "get", "got", "gotten", "'s",
            "’s"}


class EventExtractor:
    name = "events"
    version = VERSION

    def __call__(self, doc: Doc, ctx: Context, found: dict[str, list[Item]]) -> list[Item]:
        f = Found(found.get("mention", []), found.get("date", []), found.get("claim", []),
                  found.get("quote", []))
        r = Reader(doc, ctx, f)
        events = [ev for tok, trig, span in self.triggers(doc)
                  if (ev := self.read(r, tok, trig, span))]
        items = [self.finish(r, ev) for ev in merge(events, r.phrase)]
        items = expand_lists(ctx, r.names, items)
        table = tallies(ctx, f.dates)
        items = [i for i in items if not any(t.start < i.end and i.start < t.end for t in table)]
        for it in items:
            if it.label in PROTEST_LIKE and it.data.get("count_of") == "events":
                it.data.update(aggregate=True, tally="category" if it.data.get(
                    "category") else "total")
        return sorted(items + table, key=lambda i: (i.start, i.end))

    def triggers(self, doc: Doc) -> Iterator[tuple[Token, Trigger, Span]]:
        v = vocabulary()
        spans = filter_spans([doc[s:e] for _, s, e in matcher_for(doc)(doc)])
        for span in spans:
            for trig in v.triggers.get(span.text.lower()) or v.triggers.get(
                    " ".join(t.lower_ for t in span), []):
                head = self.head_of(span, trig)
                if head is not None and self.admissible(head, span, trig):
                    if trig.retype:  # "beat participants of the gathering": an attack
                        kind, if_any, unless = trig.retype
                        said = {t.lower_ for t in head.sent}
                        if said & if_any and not said & unless:
                            trig = replace(trig, type=kind, retype=None)
                    yield head, trig, span
                    break
        yield from warnings(doc)

    @staticmethod
    def head_of(span: Span, trig: Trigger) -> Token | None:
        if trig.pos == "noun":
            head = span[-1]
            if head.dep_ in ("amod", "compound") and head.head.lower_ in SENTENCES and (
                    trig.type != "sentencing"):
                return head.head  # "the flogging sentence was carried out": read as "sentence"
            if head.dep_ == "compound" and head.head.lower_ in vocabulary().words[
                    "trigger_compound_heads"]:
                return head.head  # "torture sessions": read the roles around "sessions"
            return head if head.pos_ in ("NOUN", "PROPN") or (
                head.tag_ == "VBG" and head.dep_ in ("pobj", "dobj", "nsubj")) else None
        verbs = [t for t in span if t.pos_ == "VERB"] or [t for t in span if t.pos_ == "AUX" or (
            t.pos_ == "ADJ" and t.dep_ != "amod" and _children(t, "auxpass", "aux", "nsubjpass"))]
        return verbs[0] if verbs else None

    @staticmethod
    def admissible(head: Token, span: Span, trig: Trigger) -> bool:
        doc = span.doc
        before = doc[span.start - 1].lower_ if span.start > 0 else ""
        after = doc[span.end].lower_ if span.end < len(doc) else ""
        if before in trig.not_after or after in trig.not_before or head.dep_ == "amod":
            return False
        objs = _objects(head) + _pobjs(head, "of")
        if trig.objects_not and any(o.lower_ in trig.objects_not for o in objs + [
                c for o in objs for c in _children(o, "compound")]):  # "the world hostage"
            return False
        if trig.intransitive and (_objects(head) or _children(head, "ccomp")):
            return False  # "gathered evidence", "to demonstrate that this was …"
        if trig.pobjs_not and any(p.lower_ in trig.pobjs_not for p in _pobjs(head, "from", "by")):
            return False  # "hung me from my wrists"
        if trig.requires_any and not {t.lower_ for t in head.subtree} & trig.requires_any:
            return False
        return not (head.dep_ == "compound" and trig.pos == "noun") and not (
            head.dep_ == "pobj" and head.head.lower_ in ("against", "on") and any(
                t.type == "attack" for t in vocabulary().triggers.get(head.head.head.lower_, ())
            ) and trig.type in PROTEST_LIKE)  # "a plot against the gathering": its target

    # -- roles ----------------------------------------------------------------------------------

    def read(self, r: Reader, tok: Token, trig: Trigger, span: Span) -> dict[str, Any] | None:
        v = r.v
        start, end = _span_of(r.ctx.text, r.sent(tok), tok)
        if len(TAG_LIST.findall(r.ctx.text, start, end)) >= 3:
            return None  # a line of tags ("1988 Massacre,Human Rights,Iran Protests,…")
        tdef = v.types[trig.type]
        joins = tdef.get("subject_role") == "participants"
        perps: list[Token] = []
        victims: list[Token] = []
        count_tok: Token | None = None
        happened = False
        subj: list[Token] = []
        verbal = trig.pos == "verb" or (tok.dep_ == "conj" and any(
            c.pos_ == "VERB" for c in tok.conjuncts if c.i < tok.i))  # "attack, arrest,
        # torture and kill": verbs the parser took for nouns in a coordination of verbs
        if verbal:
            if tok.dep_ == "acl" and not any(c.dep_ in (
                    "prep", "agent", "npadvmod", "advmod", "nsubj", "nsubjpass")
                                             for c in tok.children):
                return None  # "those executed": a description of people, not a report
            subj, passive = _subject(tok)
            cut = r.fragment.get(r.sent_start[tok.i]) if not subj else None
            if cut is not None:  # the parser cut the subject off into a sentence of its own
                subj, passive = [cut], bool(_children(tok, "auxpass"))
            if passive and _objects(tok) and not any(a.lower_ in BE_FORMS for a in _children(
                    tok, "auxpass")):
                passive = False  # "the regime summarily and extra-judicially executed X"
            if subj and not passive and tok.tag_ == "VBN" and not _objects(tok) and not any(
                    a.lower_ in ("have", "has", "had", "having") for a in _children(tok, "aux")):
                passive = True
            if tok.dep_ == "acl" and not _children(tok, "nsubj", "nsubjpass"):
                # "an activist currently detained in": the patient (a clause with its own
                # subject is a complement: "the fact that members were arrested")
                subj, passive = [tok.head], tok.tag_ != "VBG" and not _objects(tok)
                if tok.head.dep_ == "pobj" and tok.head.head.lower_ == "among":
                    subj = _subject(tok.head.head.head)[0] or subj  # "X was among those
                    # arrested": X
            subj = [r.resolve(s) for s in subj]
            shared = [o for c in tok.conjuncts if c.i > tok.i for o in _objects(c)]
            objs = _objects(tok)
            if not objs or (shared and shared[0].i < objs[0].i):
                objs = shared[:1] or [o for c in tok.conjuncts for o in _objects(c)][:1]
                # "tortured and executed 30,000 prisoners, mainly supporters of …"
            if not (passive or joins or objs or trig.intransitive or tok.children and any(
                    c.dep_ in ("aux", "auxpass", "xcomp", "ccomp") for c in tok.children)) and (
                    tok.tag_ in ("VBD", "VBN") and tok.dep_ == "ROOT" and subj and not any(
                        s.lower_ in v.words["actor_words"] or r.name_at(s, {"ORG"})
                        for s in subj)):
                passive = True  # a verbless line: "Mohammad Najafi, activist currently
                # detained in Arak Prison"
            agents = _pobjs(tok, "by") if _children(tok, "agent") else []
            agents += [p for x in [tok, *tok.conjuncts] for p in _pobjs(x, "before")
                       if p.lower_ in v.words["actor_words"]]  # "tried before X's tribunals"
            agents += orderers(tok)
            if trig.negation_is_part:
                inner = [s for c in tok.children if c.dep_ in ("ccomp", "advcl", "pcomp")
                         for s in _subject(c)[0]] + [
                    p for o in _pobjs(tok, "of") for p in _children(o, "poss")]
                victims += inner or subj
            elif joins:
                victims += subj
            elif passive:
                hidden = v.words["concealed_objects"] if (
                    trig.type == "enforced_disappearance") else frozenset()
                victims += [x for x in subj if x.lower_ not in hidden] + [
                    p for x in subj if x.lower_ in hidden for p in _children(x, "poss")]
                perps += agents
            else:
                perps += subj
                hidden = v.words["concealed_objects"] if (
                    trig.type == "enforced_disappearance") else frozenset()
                victims += [o for o in objs if o.lower_ not in hidden]
                if not objs and tok.dep_ == "relcl" and not _pobjs(tok, "of", "against", "on"):
                    gap = tok.head  # "the only foreign national the regime is holding"
                    victims += _subject(gap.head)[0] if gap.dep_ == "attr" else [gap]
                victims += [p for o in objs if o.lower_ in hidden
                            for p in _children(o, "poss") + _pobjs(o, "of")]
                if trig.type == "attack":
                    victims += _pobjs(tok, "on", "against")
        else:
            if commemorated(tok) or (tok.dep_ == "dobj" and tok.head.lower_ in v.words[
                    "state_verbs"]):
                return None  # "to mark the anniversary of the massacre": named, not reported;
                # "serving their prison sentences": a condition, not the act
            punished = carried_out(r, tok, span)
            if tok.lower_ in SENTENCES and trig.type != "sentencing" and not punished:
                return None  # "a flogging sentence" handed down is a sentencing (its verb's)
            if punished:
                trig, tdef = Trigger(punished, "noun"), v.types[punished]
            happened = occurred(r, tok, trig.type)
            nominal_roles(r, tok, trig, tdef, perps, victims)
            nums = [n for n in _children(tok, "nummod") if n.i not in r.date_tokens and not
                    re.fullmatch(r"1[3-9]\d\d|20\d\d", n.text)]  # "1988 Massacre": a year
            count_tok = nums[0] if nums else None
            if count_tok is not None and count_tok.lower_ in ("one", "1", "a") and not (
                    victims or perps):
                return None  # "counts each gathering … as one protest": a definition
            if not (victims or perps or count_tok or happened):
                return None  # a reference to an event, not a report of one
        if trig.pos == "noun" and verbal:
            trig = Trigger(trig.type, "verb", trig.weak)
        prefix = r.ctx.text.find(": ", start, tok.idx)
        lo = prefix + 2 if 0 <= prefix < start + 80 else start

        def keep(toks: list[Token]) -> list[Token]:
            toks = [a if lo <= (a := r.resolve(t, pronouns=True)).idx < end else t
                    for t in toks]
            toks = [p for t in toks for p in r.members(t)]
            toks += [w for t in toks for a in _children(t, "prep") if a.lower_ in (
                "along", "together") for b in _children(a, "prep") if b.lower_ == "with"
                     for w in _children(b, "pobj")]  # "the founders along with two members"
            toks = [n for t in toks for n in ([a for a in _children(t, "appos") if r.name_at(
                a, {"PERSON"})] if t.pos_ == "NOUN" and t.tag_ == "NNS" else []) or [t]]
            # "two members of its leadership, Mahmoud Asgarizadeh, and Rassoul Meshkinfam"
            # a list of names parsed as apposition then coordination: "A, B, C and D"
            toks += [a for h in toks if h.pos_ == "PROPN" for a in _children(h, "appos")
                     if a.pos_ == "PROPN" and a.conjuncts and r.name_at(a, {"PERSON"})]
            out = [g for h in toks for g in [h, *(c for c in h.conjuncts if c.dep_ == "conj"
                                                   and c.pos_ in ("NOUN", "PROPN", "PRON")
                                                   and len(c) > 2 and "-" not in (
                                                       c.nbor(-1).text, c.nbor(1).text if
                                                       c.i + 1 < len(c.doc) else ""))]]
            return [t for t in out if lo <= t.idx < end and not span.start <= t.i < span.end]
        group, pgroup = keep(victims), keep(perps)
        group = [t for t in group if t.i not in r.date_tokens and not re.fullmatch(
            r"1[3-9]\d\d|20\d\d", t.text)]
        if trig.weak:
            host = [s for s in subj if any(h.type == "attack" and h.pos == "noun"
                                           for h in v.triggers.get(s.lower_, ()))]
            if host:  # "a bombing that killed 85 people": the attack's casualties
                trig, perps, pgroup = v.triggers[host[0].lower_][0], [], []
                tok = host[0]
            elif not group:
                return None  # "to kill" with no one killed: no report
        if not (group or pgroup or count_tok is not None or (
                trig.pos == "noun" and not verbal and happened)) and trig.pos == "noun":
            return None
        return {"tok": tok, "trig": trig, "start": start, "end": end, "victims": group,
                "perps": pgroup, "count_tok": count_tok}

    @staticmethod
    def group_name(r: Reader, t: Token, tok: Token) -> str:
        """A participant as written; a group named by a noun in the singular before the
        trigger is the plural group: "student protests" → students."""
        if t.dep_ == "compound" and t.head.i == tok.i and t.tag_ == "NN" and any(
                t.lower_ + "s" in words for _, words in r.v.categories):
            return t.text + "s"
        return r.phrase(t)

    def finish(self, r: Reader, ev: dict[str, Any]) -> Item:
        tok: Token = ev["tok"]
        trig: Trigger = ev["trig"]
        start, end = ev["start"], ev["end"]
        victims = _dedup(self.group_name(r, t, tok) for t in ev["victims"])
        perps = _dedup(r.phrase(t) for t in ev["perps"])
        roles = {t.i for h in ev["victims"] + ev["perps"] for t in h.subtree}
        place = event_place(r, tok, start, end, roles)
        date_start, date_end, date_text = self.date(r, tok, start, end)
        count = self.count(r, ev)
        data: dict[str, Any] = {
            "type": trig.type, "trigger": {"text": tok.text, "start": tok.idx,
                                           "end": tok.idx + len(tok.text)},
            "perpetrators": perps, "victims": victims, "place": place,
            "date_start": date_start, "date_end": date_end, "date_text": date_text,
            "count": count[0] if count else None, "count_high": count[1] if count else None,
            "count_text": count[2] if count else None,
            "count_of": ("events" if ev["count_tok"] is not None else "victims") if count else
            None, "claimant": self.claimant(r, tok, start, end),
            "negated": self.negated(r, tok, trig),
            "hypothetical": self.hypothetical(r, tok) or bool(QUESTION.search(
                r.ctx.text[start:end])),
        }
        if trig.type in PROTEST_LIKE:
            data["participants"] = victims
            data["category"] = category_of(" ".join(victims)) if victims else None
        if r.v.types[trig.type].get("sentence_content"):
            data["sentence"] = sentence_content(r.doc[tok.i:r.sent_end[tok.i]].text)
        conf = 0.8 if trig.pos == "verb" else 0.65
        conf -= 0.15 * (tok.dep_ == "acl") + 0.2 * trig.weak + 0.1 * (not (victims or perps))
        return Item("event", start, end, r.ctx.text[start:end], trig.type, data, round(conf, 2))

    def date(self, r: Reader, tok: Token, start: int,
             end: int) -> tuple[str | None, str | None, str | None]:
        items = within(r.found.dates, start, end)
        if items:
            def rank(i: Item) -> tuple[bool, int]:
                span = r.doc.char_span(i.start, i.end, alignment_mode="expand")
                return (not (span and attached(tok, span.root)), abs(i.start - tok.idx))
            near = min(items, key=rank)
            lo, hi = date_bounds(near)
            return lo, hi, near.text
        ents = [e for e in r.date_ents if start <= e.start_char < end]
        if r.found.dates or not ents:
            return None, None, None
        for e in sorted(ents, key=lambda e: (not attached(tok, e.root),
                                             abs(e.start_char - tok.idx))):
            got = read_date(e.text, r.ctx.published)
            if got:
                return got[0], got[1], e.text
        return None, None, None

    @staticmethod
    def count(r: Reader, ev: dict[str, Any]) -> tuple[int | None, int | None, str] | None:
        heads: list[Token] = [ev["count_tok"]] if ev["count_tok"] is not None else ev["victims"]
        for h in heads:
            lo = min(t.idx for t in h.subtree)
            hi = max(t.idx + len(t.text) for t in h.subtree)
            for c in within(r.found.claims, lo, hi):
                if c.data.get("low") is not None or c.data.get("high") is not None:
                    return c.data.get("low"), c.data.get("high"), c.text
            if r.found.claims:
                continue
            toks = [t for t in h.subtree if t.i not in r.date_tokens and t.i <= h.i + 3 and
                    not any(a.dep_ in ("relcl", "appos", "acl") for a in t.ancestors
                            if a.i > h.i - 50 and h in a.ancestors)]
            if toks:
                got = read_count(r.doc[toks[0].i:toks[-1].i + 1].text)
                if got:
                    return got
        return None

    @staticmethod
    def negated(r: Reader, tok: Token, trig: Trigger) -> bool:
        if trig.negation_is_part:
            return False
        for n in _children(tok, "neg") + _children(tok, "det"):
            if n.lower_ in ("not", "n't", "never", "no") and not (
                    n.i + 1 < len(n.doc) and n.doc[n.i + 1].lower_ in ("only", "just")):
                return True
        for s in _children(tok, "nsubj", "nsubjpass"):
            if any(c.lower_ in ("no", "none") for c in s.children) or s.lower_ in ("none",
                                                                                 "nobody"):
                return True
        return any(a.lower_ in r.v.words["negation_cues"] for a in list(tok.ancestors)[:4])

    @staticmethod
    def hypothetical(r: Reader, tok: Token) -> bool:
        """Called for, demanded, feared or under a modal: not reported as done. The trigger
        must be the cue's own complement, not buried in a noun phrase under it."""
        cues, modals = r.v.words["hypothetical_cues"], r.v.words["modal_cues"]
        if tok.lower_ in ("plot", "plots", "plotted"):
            return False  # a plot is planned by nature
        t = tok
        for _ in range(5):
            if any(c.lower_ in modals for c in _children(t, "aux", "auxpass")):
                return True
            if t.dep_ in ("ROOT", "nsubj", "nsubjpass", "relcl", "acl", "appos", "advcl"):
                return t.dep_ == "advcl" and any(c.lower_ == "if" for c in t.children)
            if t.pos_ in ("NOUN", "PROPN") and t.i != tok.i and t.lower_ not in cues:
                return False
            below, t = t, t.head
            if below.dep_ == "prep" and below.lower_ in ABOUT and tok.pos_ in ("NOUN", "PROPN"):
                return False  # "called for a probe into the mass murder": not the act called for
            if t.lower_ in cues and not (below.dep_ == "conj" and t.pos_ == "VERB"):
                return True  # not "was tried before a tribunal and sentenced": two acts
        return False

    @staticmethod
    def claimant(r: Reader, tok: Token, start: int, end: int) -> str | None:
        for q in within(r.found.quotes, tok.idx, tok.idx + 1):
            if q.data.get("speaker"):
                return str(q.data["speaker"])
        for c in within(r.found.claims, start, end):
            if c.data.get("claimant"):
                return str(c.data["claimant"])
        for t in r.sent(tok):
            if t.lower_ == "according" and start <= t.idx < end:
                for p in _pobjs(t, "to") or [p for c in t.children for p in _pobjs(c, "to")]:
                    return r.phrase(p)
        for a in tok.ancestors:
            if a.lower_ in r.v.words["speech_verbs"]:
                subj = _children(a, "nsubj")
                if subj and subj[0].pos_ != "PRON":
                    return r.phrase(subj[0])
        return first_person_source(r.ctx.text, tok.idx, tok.idx + len(tok)) or r.ctx.publisher


def warnings(doc: Doc) -> Iterator[tuple[Token, Trigger, Span]]:
    """"The agent told him that if his sister gives interviews, my father would lose his job":
    consequences spelt out by an agent of the state ("told", "warned" with a clause under
    "if" … "would") are a threat."""
    w = vocabulary().words
    for tok in doc:
        if tok.lower_ not in w["warning_verbs"] or not any(
                s.lower_ in w["actor_words"] or s.lower_ + "s" in w["actor_words"]
                for s in _subject(tok)[0]):
            continue
        if any(c.dep_ == "ccomp" and any(a.lower_ in ("would", "will") for a in _children(
                c, "aux")) and any(m.lower_ == "if" for a in _children(c, "advcl")
                                   for m in _children(a, "mark")) for c in tok.children):
            yield tok, Trigger("threat", "verb"), doc[tok.i:tok.i + 1]


def _dedup(values: Iterable[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        if v and re.search(r"\w", v) and v.lower() not in (o.lower() for o in out):
            out.append(v)
    return out


def merge(events: list[dict[str, Any]], phrase: Any) -> list[dict[str, Any]]:
    """Triggers of one type in one sentence are one act unless they name different victims;
    a weak "killing" in a sentence with an attack is the attack's casualties."""
    out: list[dict[str, Any]] = []
    for ev in events:
        key = (ev["start"], ev["end"])
        host = next((e for e in events if e["trig"].type == "attack" and (
            e["start"], e["end"]) == key and (e["tok"] in ev["tok"].ancestors or ev[
                "tok"] in e["tok"].ancestors) and e["tok"] not in ev["tok"].conjuncts),
            None) if ev["trig"].weak else None  # "attack and kill": two acts
        if host is not None:
            host["victims"] = host["victims"] or ev["victims"]
            continue
        same = next((o for o in out if (o["start"], o["end"], o["trig"].type) == (
            *key, ev["trig"].type) and (ev["trig"].type in PROTEST_LIKE or not (
                o["victims"] and ev["victims"] and not {phrase(t) for t in o["victims"]} & {
                    phrase(t) for t in ev["victims"]}))), None)
        if same is None:
            out.append(ev)
            continue
        for k in ("victims", "perps"):
            same[k] = same[k] + [t for t in ev[k] if t not in same[k]]
        if same["count_tok"] is None:
            same["count_tok"] = ev["count_tok"]
    return out


EXTRACTOR = EventExtractor()
__all__ = ["EXTRACTOR", "EventExtractor", "Vocabulary", "vocabulary"]
