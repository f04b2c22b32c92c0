"""Attribution: who says something, named as written.

Shared by the quotation and claim extractors. A cue verb ("said", "told", "according to") points
at its speaker: the verb's subject, the agent of a passive ("as described by UN experts"), the
object of "quote", or the subject of the verb it depends on ("went on to add"). A speaker is
named as written: the mention extractor's name when one covers it, else spaCy's entity, else
the noun phrase. Pronouns are resolved: "he"/"she" to the person named before them (in their
sentence, else the person who is the subject of a sentence before, else the nearest person
named), "they"/"it" to the nearest organisation, group or document; "I"/"we" outside
quotations are the author. A document ("Amnesty's statement reads") stands for its author.

Web text runs headings into sentences, and spaCy's parse with them: a subject found on another
line than its verb is replaced by the first name on the verb's line.

Verbs are reduced to their base form ("emphasizing" → "emphasize") with the irregular table and
suffix rules of ``vocab/speech.yaml``: spaCy's lemmatizer is not loaded.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.attrs import IDX
from spacy.tokens import Doc, Span, Token

from factfinder.extract.base import Context, Item

VOCAB = Path(__file__).resolve().parent.parent / "vocab" / "speech.yaml"
SUBJ = ("nsubj", "nsubjpass")

@dataclass(frozen=True)
class Speech:
    """The speech vocabulary, loaded once."""

    strong: frozenset[str]
    weak: frozenset[str]
    indirect: frozenset[str]
    particles: dict[str, str]
    according: tuple[str, ...]
    words: dict[str, frozenset[str]]
    irregular: dict[str, str]
    keep_double: frozenset[str]
    restore_e: re.Pattern[str]
    no_e: frozenset[str]


@lru_cache(maxsize=1)
def speech() -> Speech:
    raw: dict[str, Any] = yaml.safe_load(VOCAB.read_text(encoding="utf-8"))
    bf = raw["base_form"]
    sets = ("non_speakers", "document_nouns", "person_pronouns", "group_pronouns",
            "author_pronouns", "relative_pronouns", "anonymous_labels", "title_cues",
            "work_nouns", "titles", "person_nouns", "scare_cues", "document_cues",
            "group_nouns")
    return Speech(
        strong=frozenset(raw["strong_cues"]) | frozenset(raw["indirect_cues"]),
        weak=frozenset(raw["weak_cues"]), indirect=frozenset(raw["indirect_cues"]),
        particles=dict(raw["cue_particles"]), according=tuple(raw["according_to"]),
        words={k: frozenset(str(w).lower() for w in raw[k]) for k in sets},
        irregular={str(k): str(v) for k, v in raw["irregular_verbs"].items()},
        keep_double=frozenset(bf["keep_double"]),
        restore_e=re.compile("|".join(f"(?:{p})" for p in bf["restore_e"])),
        no_e=frozenset(bf["no_e"]),
    )


def base_form(word: str, tag: str = "") -> str:
    """The base form of a verb ("executed" → "execute", "said" → "say") without a lemmatizer:
    the irregular table first, then suffix rules from ``vocab/speech.yaml``."""
    lex, w = speech(), word.lower()
    if w in lex.irregular:
        return lex.irregular[w]
    if tag == "VBZ" or (not tag and w.endswith("s") and not w.endswith("ss")):
        if w.endswith("ies"):
            return w[:-1] if len(w) <= 4 else w[:-3] + "y"
        if w.endswith(("sses", "shes", "ches", "xes", "zzes", "oes")):
            return w[:-2]
        return w[:-1] if w.endswith("s") and len(w) > 2 else w
    if w.endswith("ed") and len(w) > 3 and tag not in ("NN", "NNP", "VBG"):
        if w.endswith("ied"):
            return w[:-1] if len(w) <= 4 else w[:-3] + "y"
        if w.endswith(("eed", "ued")):
            return w[:-1]
        stem = w[:-2]
        if w.endswith(("oed", "yed")):
            return stem
    elif w.endswith("ing") and len(w) > 4 and tag not in ("NNS", "NNP"):
        stem = w[:-3]
    else:
        return w
    if len(stem) >= 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiouy":
        if stem[-1] not in lex.keep_double:
            return stem[:-1]
        if stem.endswith("ell") and len(stem) > 5:
            return stem[:-1]
        return stem
    if stem in lex.no_e or not lex.restore_e.search(stem):
        return stem
    return stem + "e"


# -- attribution ---------------------------------------------------------------------------------


@dataclass
class Cue:
    token: Token | None
    text: str | None
    speaker: str | None
    speaker_span: tuple[int, int] | None
    how: str  # cue | label | continuation | context | none
    weak: bool = False


class Reader:
    """Document-wide lookups for one document: tokens by offset, names, resolved pronouns."""

    def __init__(self, doc: Doc, ctx: Context, found: dict[str, list[Item]]) -> None:
        self.doc, self.ctx, self.text = doc, ctx, ctx.text
        self.lex = speech()
        self.starts = doc.to_array(IDX).tolist() if len(doc) else []
        self.names = sorted(
            [(m.start, m.end, m.text, m.label or "") for m in found.get("mention", [])]
            or [(e.start_char, e.end_char, e.text, e.label_) for e in doc.ents],
        )
        self.name_starts = [n[0] for n in self.names]
        self.from_mentions = bool(found.get("mention"))
        self.quoted: list[tuple[int, int]] = []
        self.memo: dict[int, tuple[str | None, tuple[int, int] | None]] = {}
        self.gender: dict[str, str] = {}  # a name → "m"/"f", from the pronouns resolved to it

    def tok(self, pos: int) -> Token:
        i = max(0, bisect.bisect_right(self.starts, pos) - 1)
        return self.doc[i]

    def in_quote(self, pos: int) -> bool:
        return any(s <= pos < e for s, e in self.quoted)

    def name_at(self, t: Token, labels: tuple[str, ...]) -> tuple[int, int, str, str] | None:
        i = bisect.bisect_right(self.name_starts, t.idx) - 1
        for n in self.names[max(0, i - 2): i + 1]:
            if n[0] <= t.idx < n[1] and (not labels or n[3] in labels):
                return n
        return None

    # -- names ---------------------------------------------------------------------------------

    def name_of(self, t: Token, depth: int = 0) -> tuple[str | None, tuple[int, int] | None]:
        """The speaker named by the subject token ``t``, as written."""
        low, w = t.lower_, self.lex.words
        if low in w["person_pronouns"] or low in w["group_pronouns"]:
            return self.resolve(t)
        if low in ("i", "me") and self.ctx.author:
            # first person outside a quotation: the document's author (a byline, a sender)
            return author_name(self.ctx.author), None
        if low in w["author_pronouns"] or low in w["non_speakers"] or depth > 3:
            return None, None
        if low.rstrip("s") in w["document_nouns"] or low in w["document_nouns"] \
                or low in ("words", "remarks"):
            for c in t.children:
                if c.dep_ == "poss":
                    return self.name_of(c, depth + 1)
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ in ("from", "by", "of"):
                    for p in c.children:
                        if p.dep_ == "pobj" and p.pos_ in ("PROPN", "NOUN"):
                            return self.name_of(p, depth + 1)
        n = self.name_at(t, ("PERSON", "ORG", "NORP", "GPE", "PLACE"))
        # A name in apposition is explicit, so it comes before any back-reference:
        # "Iran researcher, Raha Bahreini"; "The spokesman of the judiciary, Ali Bagherzadeh".
        for c in t.children:
            if c.dep_ == "appos" and (self.name_at(c, ("PERSON",)) or (
                    n is None and self.name_at(c, ("ORG",)))):
                return self.name_of(c, depth + 1)
        if n is None and t.pos_ == "NOUN" and any(
                c.lower_ == "the" for c in t.children if c.dep_ == "det"):
            got = self.described(t)  # "the spokesman" after "spokesman Ali Bagherzadeh"
            if got is not None:
                return got
        if n is not None and t.pos_ == "PROPN":
            s, e = n[0], n[1]
            return self.clean(s, e)
        return self.phrase(t)

    def described(self, t: Token) -> tuple[str | None, tuple[int, int] | None] | None:
        """The name a definite description refers back to: "the spokesman" → the person named
        next to "spokesman" earlier ("The spokesman of the judiciary, Ali Bagherzadeh"); "the
        group" → likewise, else the organisation last named as a subject."""
        low, words = t.lower_, self.lex.words
        person = low in words["person_nouns"]
        if not person and low not in words["group_nouns"]:
            return None
        labels = ("PERSON",) if person else ("ORG",)
        if any(c.dep_ in ("amod", "compound", "nmod") for c in t.children):
            return None  # "the Arvestani foreign ministry" says which itself
        for u in reversed(self.doc[max(0, t.i - 600):t.i]):
            if u.lower_ != low or self.in_quote(u.idx):
                continue
            near = [n for n in self.names[bisect.bisect_left(self.name_starts, u.idx - 60):
                                          bisect.bisect_right(self.name_starts, u.idx + 60)]
                    if n[3] in labels and abs(n[0] - u.idx) < 60]
            if near:
                n = min(near, key=lambda x: abs(x[0] - u.idx))
                return self.clean(n[0], n[1])
        if not person:  # "the court": the court named last ("the Eskeby District Court")
            for n in reversed(self.names[:bisect.bisect_left(self.name_starts, t.idx)]):
                if n[3] == "ORG" and t.idx - n[0] < 3000 and low in n[2].lower().split():
                    return self.clean(n[0], n[1])
            got = self.previous_subject(t, False)
            if got[0] is not None:
                return got
        return None

    def clean(self, s: int, e: int) -> tuple[str | None, tuple[int, int] | None]:
        name = self.text[s:e]
        for suffix in ("’s", "'s", "’", "'"):
            if name.endswith(suffix):
                name, e = name[: -len(suffix)], e - len(suffix)
        if name.lower().startswith("the "):
            name, s = name[4:], s + 4
        name = name.strip(" ,.;:")
        return (name or None), ((s, e) if name else None)

    def phrase(self, t: Token) -> tuple[str | None, tuple[int, int] | None]:
        """The subject's noun phrase: its modifiers and one prepositional phrase, cut at commas
        and relative clauses ("a member of the 1988 Truth Group, which …" → "member of the
        1988 Truth Group")."""
        left = t
        for c in t.lefts:
            if c.dep_ not in ("det", "punct", "predet", "cc", "nummod", "case"):
                left = c if c.i < left.i else left
                break
        left = t.doc[min(x.i for x in left.subtree)] if left is not t else t
        right = t.i
        for c in t.rights:
            if c.dep_ in ("prep", "acl") and c.i == right + 1 and c.lower_ in (
                    "of", "from", "in", "for", "at") or c.dep_ == "acl" and c.i == right + 1:
                right = max(x.i for x in c.subtree)
                break
        line = self.text.rfind("\n", 0, t.idx) + 1
        toks = [x for x in t.doc[left.i: right + 1] if x.idx >= line]
        cut = next((k for k, x in enumerate(toks) if x.i > t.i and (
            x.text in ",;(" or "\n" in x.text or x.dep_ in ("relcl", "appos"))), len(toks))
        toks = toks[:cut]
        while toks and (toks[0].dep_ in ("det", "punct") or toks[0].lower_ in ("the", "a", "an")):
            toks = toks[1:]
        if not toks:
            return None, None
        return self.clean(toks[0].idx, toks[-1].idx + len(toks[-1].text))

    def resolve(self, t: Token) -> tuple[str | None, tuple[int, int] | None]:
        """A pronoun's antecedent: for "he"/"she" a person named before it in its sentence, else
        the person who is the subject of a sentence before, else the nearest person named; for
        "they"/"it" likewise an organisation, group or document."""
        if t.i in self.memo:
            return self.memo[t.i]
        person = t.lower_ in self.lex.words["person_pronouns"]
        labels = ("PERSON",) if person else ("ORG", "NORP", "GPE", "PLACE")
        got: tuple[str | None, tuple[int, int] | None] = (None, None)
        line_start = self.text.rfind("\n", 0, t.idx) + 1
        for n in reversed(self.names[: bisect.bisect_left(self.name_starts, t.idx)]):
            if n[0] < max(t.sent.start_char, line_start):
                break
            if n[3] in labels and not self.in_quote(n[0]) and self.gender_ok(t, n[0]):
                got = self.clean(n[0], n[1])
                break
        if got[0] is None:
            got = self.previous_subject(t, person)
        if got[0] is None and person:
            for n in reversed(self.names[: bisect.bisect_left(self.name_starts, t.idx)]):
                if n[3] == "PERSON" and not self.in_quote(n[0]) and t.idx - n[0] < 3000 \
                        and self.gender_ok(t, n[0]):
                    got = self.clean(n[0], n[1])
                    break
        if got[0] is None and person:
            got = self.previous_subject(t, person, nouns=True)
        self.memo[t.i] = got
        if got[0] and t.lower_ in ("he", "him", "she", "her"):
            self.gender.setdefault(got[0], "m" if t.lower_ in ("he", "him") else "f")
        return got

    def gender_ok(self, pronoun: Token, pos: int) -> bool:
        """Only what the text says: "Mr."/"Sir" before a name rules out "she", "Mrs."/"Ms."/
        "Madame" rules out "he"."""
        before = self.text[max(0, pos - 8):pos].lower()
        male = re.search(r"\b(?:mr\.?|sir)\s+$", before) is not None
        female = re.search(r"\b(?:mrs\.?|ms\.?|madame|madam|miss|lady|dame)\s+$",
                           before) is not None
        low = pronoun.lower_
        if low in ("he", "him", "she", "her"):
            end = self.text.find(" ", pos)
            known = next((g for n, g in self.gender.items() if self.text.startswith(n, pos)
                          or n.endswith(self.text[pos:end if end > 0 else pos + 20])), None)
            if known and known != ("m" if low in ("he", "him") else "f"):
                return False
        return not ((low in ("she", "her") and male) or (low in ("he", "him") and female))

    def person_in(self, s: Token, nouns: bool = False) -> Token | None:
        """The token naming a person in subject ``s``: itself, or its apposition ("The
        President-elect …, Maryam Rajavi"); with ``nouns`` also "the representative"."""
        for x in (s, *(c for c in s.children if c.dep_ == "appos")):
            n = self.name_at(x, ())
            if n is not None and n[3] == "PERSON":
                return x
            if n is None and not self.from_mentions and x.pos_ == "PROPN" \
                    and x.text[:1].isupper():
                return x
        if nouns and s.lower_ in self.lex.words["person_nouns"]:
            return s
        return None

    def on_line(self, s: Token, anchor: Token) -> Token | None:
        """``s`` if it is on ``anchor``'s line, else the first name on that line before the
        anchor: web text runs headings into sentences, and the parse with them."""
        ls = self.text.rfind("\n", 0, anchor.idx) + 1
        if s.idx >= ls:
            return s
        i = bisect.bisect_left(self.name_starts, ls)
        for n in self.names[i:]:
            if n[0] >= anchor.idx:
                break
            if n[3] in ("PERSON", "ORG"):
                return self.tok(n[0])
        return None

    def previous_subject(self, t: Token, person: bool, nouns: bool = False
                         ) -> tuple[str | None, tuple[int, int] | None]:
        sent, seen = t.sent, 0
        words = self.lex.words
        while sent.start > 0 and seen < 4:
            sent = self.doc[sent.start - 1].sent
            seen += 1
            if headline(sent):
                continue
            subjects = [y for y in (self.on_line(x, x.head) for x in sent if x.dep_ in SUBJ)
                        if y is not None and not self.in_quote(y.idx)]
            for s in sorted(subjects, key=lambda x: (x.head.dep_ != "ROOT", -x.i)):
                low = s.lower_
                if low in words["relative_pronouns"] or low in words["non_speakers"] \
                        or low in words["author_pronouns"]:
                    continue
                if low in words["person_pronouns"]:
                    if person and s.i < t.i and (low in ("he", "him")) == (
                            t.lower_ in ("he", "him")):
                        got = self.resolve(s)
                        if got[0] is not None and self.gender_ok(t, got[1][0] if got[1] else 0):
                            return got
                    continue
                if low in words["group_pronouns"]:
                    if not person and s.i < t.i:
                        return self.resolve(s)
                    continue
                if person:
                    p = self.person_in(s, nouns)
                    if p is None or not self.gender_ok(t, p.idx):
                        continue
                    return self.name_of(p)
                if s.pos_ == "PRON" or self.person_in(s, True) is not None:
                    continue
                return self.name_of(s)
        return None, None

    # -- cues -----------------------------------------------------------------------------------

    def is_cue(self, t: Token, weak_ok: bool = True) -> bool:
        if not t.tag_.startswith("VB") and t.pos_ not in ("VERB", "AUX") and not (
                t.tag_ == "NNS" and t.dep_ == "ROOT"):
            return False
        if t.i > 0 and t.doc[t.i - 1].text in ("-", "‑") or t.text[:1].isupper() and \
                t.i > t.sent.start and t.doc[t.i - 1].is_title:
            return False  # "so-called", "self-proclaimed"; a verb in a Title-Case headline
        marks = {c.lower_ for c in t.children if c.dep_ == "mark"}
        if marks & {"if", "unless"} or ("as" in marks and any(
                c.dep_ == "dobj" and c.pos_ == "PRON" for c in t.children)):
            return False  # "if she continued"; "as the regime called us": a name, not speech
        b = base_form(t.text, t.tag_)
        if b in self.lex.particles and not any(
                c.lower_ == self.lex.particles[b] for c in t.children):
            return False
        return b in self.lex.strong or (weak_ok and b in self.lex.weak)

    def cue_of(self, v: Token, inside: tuple[int, int] | None = None) -> Cue | None:
        """The speaker of cue verb ``v``: its subject, the agent of a passive, the object of
        "quote", or the subject of the verb it depends on ("went on to add")."""
        b = base_form(v.text, v.tag_)
        weak = b in self.lex.weak and b not in self.lex.strong
        text = v.text + (" " + self.lex.particles[b] if b in self.lex.particles else "")
        subj: Token | None = None
        passive = any(c.dep_ == "auxpass" for c in v.children) or (
            v.dep_ == "conj" and v.tag_ == "VBN" and any(
                c.dep_ == "auxpass" for c in v.head.children))
        if passive and not any(c.dep_ == "agent" for c in v.children):
            return Cue(v, text, None, None, "cue", weak)  # "she was told that …": by whom?
        if b == "quote":
            subj = next((c for c in v.children if c.dep_ == "dobj"), None)
        for c in v.children:
            if subj is None and c.dep_ == "agent":
                subj = next((p for p in c.children if p.dep_ == "pobj"), None)
        line = self.text.rfind("\n", 0, v.idx) + 1
        h = v
        for _ in range(4):
            if subj is not None:
                break
            subj = first_subject(h)
            if subj is None and h.dep_ in ("advcl", "xcomp", "conj", "acl", "pcomp", "dobj",
                                           "prep", "pobj") and h.head is not h:
                if h.dep_ == "acl" and h.head.pos_ in ("NOUN", "PROPN") and h.head.dep_ in (
                        "ROOT", "nsubj", "appos"):
                    subj = h.head  # "The laureates' letter … emphasizing that …"
                h = h.head
        if subj is None and v.dep_ == "relcl":
            subj = v.head
        if subj is not None and subj.lower_ in self.lex.words["relative_pronouns"]:
            if subj.head.dep_ == "relcl":
                subj = subj.head.head
            else:  # "Safavi of the NCRI, who said …": the person named before "who"
                i = bisect.bisect_left(self.name_starts, subj.idx)
                near = [n for n in self.names[max(0, i - 3):i] if subj.idx - n[1] < 80]
                pick = next((n for n in reversed(near) if n[3] == "PERSON"), None) or (
                    near[-1] if near else None)
                subj = self.tok(pick[0]) if pick else None
        if subj is not None and subj.idx < line:  # the parse ran across a paragraph break
            subj = self.on_line(subj, v)
        if subj is None and v.i > 0 and self.doc[v.i - 1].pos_ in ("PROPN", "NOUN") \
                and self.doc[v.i - 1].idx >= line:
            subj = self.doc[v.i - 1]  # "Ginsberg said …" whatever the parse made of it
        if subj is None:
            return Cue(v, text, None, None, "cue", weak)
        if inside is not None and inside[0] <= subj.idx <= inside[1]:
            return None  # the quotation is the subject: "“A Little Prince …” Tells the Story"
        name, span = self.name_of(subj)
        return Cue(v, text, name, span, "cue", weak)



def headline(sent: Span) -> bool:
    """A heading or title: mostly capitalised words and no closing punctuation."""
    words = [t for t in sent if t.is_alpha and len(t) > 3]
    if sent.text.rstrip().rstrip("’'\"”)")[-1:] in ".!?:":
        return False
    return len(words) >= 3 and sum(1 for t in words if t.is_title) / len(words) > 0.7


# -- indirect attribution ------------------------------------------------------------------


def indirect(r: Reader, direct: list[Item]) -> list[Item]:
    """"X said (that) …", "…, the report found" and "according to X, …" outside quotations.
    The reported clause is the span; it never crosses a line (headings run into sentences
    in web text) and a clause holding a direct quotation is left to that quotation."""
    text, out = r.text, []
    spans = [(p[0], p[1]) for q in direct for p in q.data["parts"]]
    taken: list[tuple[int, int]] = []

    def free(a: int, b: int) -> bool:
        return not any(s < b and a < e for s, e in spans + taken)

    def clip(toks: list[Token], anchor: Token) -> tuple[int, int] | None:
        ls = text.rfind("\n", 0, anchor.idx) + 1
        le = text.find("\n", anchor.idx)
        le = len(text) if le < 0 else le
        toks = [x for x in toks if ls <= x.idx < le and not x.is_space]
        while toks and (toks[0].dep_ == "mark" or toks[0].is_punct):
            toks = toks[1:]
        while toks and toks[-1].is_punct:
            toks = toks[:-1]
        if len(toks) < 3:
            return None
        return toks[0].idx, toks[-1].idx + len(toks[-1].text)

    # clausal complements first: "The report, Goodenough says, suggests that …" is the
    # report's finding, relayed by Goodenough
    heads: dict[int, bool] = {}

    def in_headline(t: Token) -> bool:
        sent = t.sent
        if sent.start not in heads:
            heads[sent.start] = headline(sent)
        return heads[sent.start]

    cands = [t for t in r.doc if t.lower_ == "according" or (
        t.tag_.startswith("VB") and base_form(t.text, t.tag_) in r.lex.indirect)]
    order = sorted(cands, key=lambda x: (x.dep_ == "parataxis", x.i))
    for t in order:
        if r.in_quote(t.idx) or in_headline(t):
            continue
        if t.lower_ == "according" and t.i + 1 < len(r.doc) and r.doc[t.i + 1].lower_ == "to":
            src = next((c for c in r.doc[t.i + 1].children if c.dep_ == "pobj"), None)
            head = t.head if t.head is not t else t
            if src is None or not free(min(x.idx for x in head.subtree),
                                        max(x.idx for x in head.subtree) + 1):
                continue
            inside = {x.i for x in t.subtree}
            side = [x for x in head.subtree if x.i not in inside]
            before = [x for x in side if x.i < t.i]
            where = clip(before if len(before) >= 3 else [x for x in side if x.i > t.i], t)
            if where is None or not free(*where):
                continue
            name, nspan = r.name_of(src)
            taken.append(where)
            out.append(_indirect_item(text, *where, name, nspan,
                                      text[t.idx:r.doc[t.i + 1].idx + 2].strip()))
            continue
        if not t.tag_.startswith("VB") or base_form(t.text, t.tag_) not in r.lex.indirect \
                or not r.is_cue(t, weak_ok=False):
            continue
        reported = _reported(r, t)
        if reported is None:
            continue
        toks, subj = reported
        span = clip(toks, t)
        if span is None or not free(*span) or span[0] <= t.idx < span[1]:
            continue
        if subj is not None and (subj.lower_ in r.lex.words["non_speakers"] or (
                subj.pos_ == "PRON" and subj.lower_ in ("this", "that", "these", "those"))
                or (subj.lower_ == "it" and subj.dep_ == "nsubjpass")):
            continue
        if subj is not None and base_form(t.text, t.tag_) in r.lex.words["document_cues"] \
                and not (r.name_at(subj, ("PERSON", "ORG", "NORP"))
                         or subj.lower_ in r.lex.words["person_pronouns"]
                         or subj.lower_.rstrip("s") in r.lex.words["document_nouns"]
                         or subj.lower_ in r.lex.words["person_nouns"]):
            continue  # "The operation showed that …": a finding, not a source
        c = r.cue_of(t)
        if c is None or (c.speaker is None and (
                subj is None or subj.lower_ not in r.lex.words["author_pronouns"])):
            continue
        taken.append(span)
        out.append(_indirect_item(text, *span, c.speaker, c.speaker_span, c.text))
    return out


def _reported(r: Reader, t: Token) -> tuple[list[Token], Token | None] | None:
    """The clause reported by cue verb ``t`` and the cue's subject: its clausal complement
    with a subject of its own ("said that X did"), a gerund after report-like verbs ("reported
    being raped"), or the clause it interrupts ("X did, the report found")."""
    subj = first_subject(t)
    for c in t.children:
        comma_clause = c.dep_ == "advcl" and c.i > t.i + 1 and r.doc[t.i + 1].text == ","
        if (c.dep_ == "ccomp" or comma_clause) and c.i > t.i and any(
                x.dep_ in (*SUBJ, "expl") for x in c.children):
            if any(x.lower_ in ("themselves", "himself", "herself", "itself")
                   for x in c.children):
                return None  # "found themselves immune": not a report
            toks = sorted(c.subtree, key=lambda x: x.i)
            if ")" in r.text[t.idx:toks[0].idx]:
                return None  # "(as X warned in 2018) that is why …"
            return toks, subj
        toks = sorted(c.subtree, key=lambda x: x.i)
        if c.dep_ == "xcomp" and toks[0].i == t.i + 1 and toks[0].tag_ == "VBG" and base_form(
                t.text, t.tag_) in ("report", "deny", "admit", "recount", "recall", "describe"):
            return toks, subj  # "Women reported being raped"
    if t.dep_ == "parataxis" or (t.dep_ == "ROOT" and subj is not None and any(
            c.dep_ == "ccomp" and c.i < t.i for c in t.children)):
        head = t.head if t.dep_ == "parataxis" else next(
            c for c in t.children if c.dep_ == "ccomp" and c.i < t.i)
        if not any(x.dep_ in SUBJ for x in head.children):
            return None
        mine = {x.i for x in t.subtree} if t.dep_ == "parataxis" else {t.i} | {
            x.i for c in t.children if c.dep_ != "ccomp" for x in c.subtree}
        toks = [x for x in head.subtree if x.i not in mine]
        side = [x for x in toks if x.i > t.i] if t.i < head.i else [x for x in toks if x.i < t.i]
        return side, subj
    return None


def _indirect_item(text: str, s: int, e: int, speaker: str | None,
                   span: tuple[int, int] | None, cue: str | None) -> Item:
    return Item(kind="quote", start=s, end=e, text=text[s:e], confidence=0.7 if speaker else 0.5,
                data={"speaker": speaker, "cue": cue, "direct": False, "form": "indirect",
                      "parts": [[s, e]], "speaker_span": list(span) if span else None,
                      "attribution": "cue"})


def author_name(author: str) -> str:
    """A person's name from an author field: "Zahra Karimi <zahra.k@example.org>" → the name."""
    name = author.split("<", 1)[0].strip().strip('"')
    return name or author.strip("<> ")


def first_subject(verb: Token) -> Token | None:
    """The verb's subject. When the parse gives it two ("The spokesman of the judiciary, Ali
    Bagherzadeh, rejected …" makes both nouns subjects), the one naming a person wins."""
    subjects = [c for c in verb.children if c.dep_ in SUBJ]
    if len(subjects) > 1:
        named = [c for c in subjects if c.ent_type_ == "PERSON"]
        if named:
            return named[0]
    return subjects[0] if subjects else None
