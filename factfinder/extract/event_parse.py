"""The parse-reading half of the event extractor: names, phrases, pronouns and places.

``Reader`` answers, for one document, the questions the extractor asks of a token: which name
covers it (the mention extractor's, else spaCy's entities, less those run across lines), what
noun phrase it heads as written, what a pronoun stands for, and whether it names a place. The
helpers over the dependency parse (children by relation, objects, "by X", the subject of a verb
through coordination and control) live here too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from factfinder.extract.base import Context, Item
from factfinder.extract.event_tables import PLACE_LABELS
from factfinder.extract.event_vocab import vocabulary

NAME_LABELS = {"PERSON", "ORG", "NORP"}
PLACE_PREPS = {"in", "at", "across", "throughout", "inside", "outside", "near", "into"}
RELATIVE = {"who", "that", "which", "whom"}
PERSONAL = {"he", "she", "him", "her", "his"}
PRONOUNS = PERSONAL | {"it", "its", "they", "them", "their"}
OPEN_HEADS = {"those", "anyone", "all", "everyone", "whoever"}  # keep their clause
SKIP_IN_PHRASE = {"relcl", "acl", "appos", "punct", "cc", "conj", "advcl", "parataxis", "prep"}
CLIMB = ("conj", "xcomp", "advcl", "pcomp", "prep", "ccomp", "acomp")
TAG_LIST = re.compile(r"[^\s,\d],[^\s,]|\d,[^\s,\d]")  # "a,b", not "30,000"
QUESTION = re.compile(r"(?:^Q\s*:|\?[”\"’]?\s*$)")


@dataclass
class Found:
    """What the earlier extractors found."""
    mentions: list[Item]
    dates: list[Item]
    claims: list[Item]
    quotes: list[Item]


def within(items: Iterable[Item], start: int, end: int) -> list[Item]:
    return [i for i in items if i.start < end and start < i.end]


def _children(tok: Token, *deps: str) -> list[Token]:
    return [c for c in tok.children if c.dep_ in deps]


def _objects(tok: Token) -> list[Token]:
    """Direct objects; one before its verb is a misparse unless it is a relative pronoun."""
    return [c for c in tok.children if c.dep_ == "dobj" and (c.i > tok.i or c.lower_ in RELATIVE)]


def _pobjs(tok: Token, *preps: str) -> list[Token]:
    return [p for c in tok.children if c.dep_ in ("prep", "agent") and c.lower_ in preps
            for p in c.children if p.dep_ == "pobj"]


def _subject(verb: Token) -> tuple[list[Token], bool]:
    """The subject of a verb, climbing coordinations, controls and adverbial clauses ("regime
    agents rounded up and executed …", "Retirees came to Tehran to protest"); True when it is
    a passive subject."""
    t = verb
    for _ in range(6):
        subj = _children(t, "nsubj")
        if subj:
            return subj, False
        subjpass = _children(t, "nsubjpass")
        if subjpass:
            return subjpass, True
        if t.dep_ not in CLIMB or t.head.i == t.i:
            break
        if t.dep_ == "ccomp":  # "said police surrounded the site, seized banners and beat …":
            earlier = [s for s in t.head.children if s.dep_ == "ccomp" and s.i < t.i]
            for s in reversed(earlier):  # the parser made each verb a complement of "said"
                if _children(s, "nsubj"):
                    return _children(s, "nsubj"), False
        if t.dep_ == "xcomp" and _objects(t.head):
            return _objects(t.head)[:1], False  # "ordered the Guards to open fire"
        if t.dep_ == "advcl" and _children(t, "aux") and _children(t, "aux")[0].lower_ == "to" and (
                _objects(t.head) and _objects(t.head)[0].lower_ in vocabulary().words[
                    "actor_words"] and not _children(_objects(t.head)[0], "poss")):
            return _objects(t.head)[:1], False  # "put together a committee to exterminate"
            # (not "dispatched their forces to kill": the owner acts through them)
        t = t.head
    return [], False


class Reader:
    """Names, phrases and places of one document, from the mentions found or spaCy's own."""

    def __init__(self, doc: Doc, ctx: Context, found: Found) -> None:
        self.doc, self.ctx, self.found, self.v = doc, ctx, found, vocabulary()
        ents = list(doc.ents)  # Doc.ents builds its spans anew on every access
        self.by_token: dict[int, list[tuple[str, str]]] | None = None
        if found.mentions:
            self.names = [(m.start, m.end, m.text, m.label or "") for m in found.mentions]
        else:  # spaCy's entities, less those the parser ran across lines (headings)
            self.names = [(e.start_char, e.end_char, e.text, e.label_) for e in ents
                          if "\n" not in e.text]
        self.multiline = {t.i for e in ents if "\n" in e.text for t in e}
        # Token.sent walks the document on every call: index the sentences once
        self.sent_start = [0] * len(doc)
        self.sent_end = [0] * len(doc)
        self.fragment: dict[int, Token] = {}  # (merged) sentence start → a subject cut off
        prev: Span | None = None
        for sent in doc.sents:
            lo = sent.start
            if prev is not None and self.continues(prev, sent):
                lo = prev.start  # "… Association member Esrin Derkaleh | has been detained"
                heads = [t for t in prev if t.pos_ in ("NOUN", "PROPN")]
                self.fragment[lo] = heads[-1]
            for i in range(lo, sent.end):
                self.sent_start[i], self.sent_end[i] = lo, sent.end
            prev = sent
        self.date_ents = [e for e in ents if e.label_ == "DATE"]
        self.date_tokens = {t.i for e in ents if e.label_ in ("DATE", "TIME")
                            and "\n" not in e.text for t in e}
        for d in found.dates:
            self.date_tokens |= {t.i for t in doc.char_span(d.start, d.end,
                                                            alignment_mode="expand") or []}

    def continues(self, prev: Span, sent: Span) -> bool:
        """Whether the parser cut a sentence after its subject: a verbless fragment on the
        same line, then a clause that opens with a lower-case verb."""
        first = sent[0]
        return first.pos_ in ("AUX", "VERB") and first.text.islower() and not any(
            t.pos_ in ("VERB", "AUX") for t in prev) and "\n" not in self.ctx.text[
            prev.start_char:sent.start_char] and prev[-1].pos_ in ("NOUN", "PROPN")

    def sent(self, tok: Token) -> Span:
        return self.doc[self.sent_start[tok.i]:self.sent_end[tok.i]]

    def name_at(self, tok: Token, labels: set[str] | None = None) -> str | None:
        """The name (of one of ``labels``) that covers the token, if any."""
        if self.by_token is None:
            self.by_token = {}
            for s, e, text, label in self.names:
                for t in self.doc.char_span(s, e, alignment_mode="expand") or []:
                    if s <= t.idx < e:
                        self.by_token.setdefault(t.i, []).append((text, label))
        for text, label in self.by_token.get(tok.i, ()):
            if labels is None or label in labels:
                return text
        return None

    def phrase(self, head: Token) -> str:
        """An argument as written: a name when one covers the head (or its apposition: "the
        lawyer Hossein Karimi"), a resolved pronoun, else the head with its left modifiers and
        "of X", without clauses, appositions and a "Date: " line prefix."""
        name = self.name_at(head, NAME_LABELS)
        if name:
            return re.sub(r"[’']s?$", "", name)
        if head.lower_ in PRONOUNS:
            return self.antecedent(head) or head.text
        if head.lower_ == "you":
            return self.addressee(head) or head.text
        owned = self.owned_person(head)
        if owned:
            return owned
        if head.lower_ in RELATIVE and head.head.dep_ in ("relcl", "acl"):
            return self.phrase(head.head.head)
        if head.dep_ == "appos" and head.head.pos_ == "PROPN" and head.pos_ == "NOUN":
            return self.phrase(head.head)  # "Amir Nourzehi, an Afghan national held in …"
        if head.pos_ == "PROPN" and not self.name_at(head, NAME_LABELS):
            for c in _children(head, "appos"):  # "The current Minister for Justice, A. Avaei"
                name = self.name_at(c, {"PERSON"})
                if name:
                    return name
        if head.pos_ == "NOUN":  # "Prisoner of conscience Maryam Akbari Monfared"
            for c in head.children:
                if c.dep_ in ("appos", "compound", "nmod") and c.pos_ == "PROPN" and (
                        c.i > head.i or self.name_at(c, {"PERSON"})):
                    return self.name_at(c, {"PERSON"}) or self.flat_name(c)
        keep: list[Token] = []

        def walk(t: Token) -> None:
            keep.append(t)
            for c in t.children:
                if c.dep_ == "prep" and c.lower_ == "of":
                    if any(p.lower_ in RELATIVE for p in c.children):  # "many of whom"
                        keep.clear()
                        keep.append(self.resolve_rel(head))
                        return
                elif t.lower_ in OPEN_HEADS and c.dep_ in ("relcl", "acl"):
                    said = {x.i for d in c.subtree if d.dep_ == "ccomp" and d.i != c.i
                            for x in d.subtree}  # not "… that they were committing a crime"
                    keep.extend(x for x in c.subtree if x.i not in said)
                    continue
                elif c.i > t.i and c.dep_ == "amod" and any(x.like_num for x in c.subtree):
                    keep.extend(c.subtree)  # an age: "children as young as 13"
                    continue
                elif c.dep_ == "acl" and c.tag_ == "VBG" and c.i == t.i + 1 and t.i == head.i and (
                        c.lower_ not in self.v.triggers) and _children(c, "prep"):
                    keep.extend(c.subtree)  # "senior officials serving in X's cabinet"
                    continue
                elif c.dep_ in SKIP_IN_PHRASE or (c.i > t.i and c.dep_ == "amod"):
                    continue  # to the right of a word, only "of X" belongs to its phrase
                walk(c)
        walk(head)
        if len(keep) == 1 and keep[0].i != head.i:
            return self.phrase(keep[0])
        lo, hi = min(t.i for t in keep), max(t.i for t in keep)
        line_lo = self.ctx.text.rfind("\n", 0, head.idx)
        line_hi = self.ctx.text.find("\n", head.idx)
        toks = [t for t in self.doc[lo:hi + 1] if line_lo < t.idx and (
            line_hi < 0 or t.idx < line_hi)]
        colons = [i for i, t in enumerate(toks) if t.text.endswith(":") and t.i < head.i]
        toks = toks[colons[-1] + 1:] if colons else toks
        while toks and toks[0].i != head.i and (toks[0].i in self.date_tokens or toks[0].pos_ in (
                "ADP", "CCONJ", "PUNCT", "SCONJ", "ADV") and toks[0].dep_ not in (
                "quantmod", "advmod", "amod", "nummod")):
            toks = toks[1:]
        if not toks:
            return head.text
        persons = [n for s, e, n, lab in self.names if lab == "PERSON" and toks[0].idx == s
                   and e <= toks[-1].idx + len(toks[-1].text)]  # not "Members of Khomeini’s"
        if len(persons) == 1 and head.pos_ == "PROPN":
            return persons[0]  # "Maryam Mohammadi a women's rights activist"
        text = self.doc[toks[0].i:toks[-1].i + 1].text.strip(" ,;:")
        text = re.sub(r"^(?:(?:even|only|also|just|the|a|an)\s+)+", "", text.replace(
            "*", "").strip(), flags=re.I)
        return re.sub(r"[’']s?$", "", text)

    def addressee(self, pron: Token) -> str | None:
        """"you" in a quote: whom the speaker told it to ("Meta told the MEK members: “… the
        genocide you have endured”")."""
        quote = next((q for q in self.found.quotes if q.start <= pron.idx < q.end), None)
        if quote is None:
            return None
        told = [t for t in self.doc[max(0, pron.i - 80):pron.i] if t.idx < quote.start and (
            t.idx >= quote.start - 200) and t.lower_ in ("told", "tells", "tell", "addressed",
                                                         "addresses", "urged", "reminded")]
        objs = [o for t in told[-1:] for o in t.children if o.dep_ in ("dobj", "dative")
                and o.pos_ in ("NOUN", "PROPN")]
        return self.phrase(objs[0]) if objs else None

    def owned_person(self, head: Token) -> str | None:
        """"the regime's then-Supreme Leader Ruhollah Khomeini" parsed with the owner as the
        head: the person named after the title."""
        doc = head.doc
        if head.i + 2 >= len(doc) or doc[head.i + 1].lower_ not in ("’s", "'s"):
            return None
        for t in doc[head.i + 2:min(len(doc), head.i + 9)]:
            name = self.name_at(t, {"PERSON"})
            if name:
                return name
            if t.pos_ not in ("PROPN", "ADV", "PUNCT", "ADJ") or "\n" in t.text:
                return None
        return None

    def members(self, tok: Token) -> list[Token]:
        """People the parser hung under an organisation's name ("Voice of Iranian Women
        Association member Esrin Derkaleh"): those people, else the token itself."""
        if not self.name_at(tok, {"ORG"}):
            return [tok]
        people = [t for t in tok.subtree if t.i != tok.i and t.dep_ in ("pobj", "appos")
                  and t.pos_ == "PROPN" and self.name_at(t, {"PERSON"})]
        return people or [tok]

    def flat_name(self, tok: Token) -> str:
        """A proper name as a run of proper nouns ending at ``tok``."""
        lo = tok.i
        while lo > 0 and self.doc[lo - 1].pos_ == "PROPN" and "\n" not in self.doc[lo - 1].text:
            lo -= 1
        return self.doc[lo:tok.i + 1].text

    @staticmethod
    def resolve_rel(tok: Token) -> Token:
        """The noun a relative clause modifies ("girls …, many of whom were raped")."""
        t = tok
        while t.dep_ not in ("relcl", "acl") and t.head.i != t.i:
            t = t.head
        return t.head if t.dep_ in ("relcl", "acl") else tok

    def antecedent(self, pron: Token) -> str | None:
        """What a pronoun stands for, by the cheapest rule that usually holds in news prose:
        he / she / his / her → the person who is the subject of the sentence, else the last
        person named in the 500 characters before; its → the last acting body that was a
        subject (the regime, the IRGC); they / them / their → the last plural subject."""
        low = pron.lower_
        window = [t for t in self.doc[max(0, pron.i - 150):pron.i] if t.idx >= pron.idx - 500
                  and t.dep_ in ("nsubj", "nsubjpass") and t.pos_ in ("NOUN", "PROPN")]
        if low in PERSONAL:
            if pron.dep_ == "dobj" and pron.head.dep_ == "conj":  # "convicted X and sentenced him"
                prev = [o for o in _objects(pron.head.head) if o.pos_ == "PROPN"]
                if prev:
                    return self.phrase(prev[0])
            before = [(s, n) for s, e, n, lab in self.names
                      if lab == "PERSON" and pron.idx - 500 <= s and e <= pron.idx and
                      self.gender_fits(low, s) and not self.kin_of(s, e)]
            subjects = [n for s, n in before if s >= self.sent(pron).start_char and any(
                t.dep_ in ("nsubj", "nsubjpass") for t in self.doc.char_span(
                    s, s + len(n), alignment_mode="expand") or [])]
            if subjects:
                return subjects[0]
            props = [t for t in window if t.pos_ == "PROPN" and t.tag_ == "NNP" and not
                     self.name_at(t, {"ORG", "GPE", "NORP", "PLACE", "LOC", "FAC"}) and
                     self.gender_fits(low, t.idx)]
            here = [t for t in props if self.sent_start[t.i] == self.sent_start[pron.i]]
            if here:
                return self.phrase(here[0])
            return before[-1][1] if before else self.phrase(props[-1]) if props else None
        if low in ("it", "its"):
            near = [t for t in self.doc[self.sent_start[pron.i]:pron.i]
                    if t.lower_ in self.v.words["actor_words"]]
            actors = near or [t for t in window if t.lower_ in self.v.words["actor_words"]]
            return self.phrase(actors[-1]) if actors else None
        plural = self.plural_antecedent(pron)
        return self.phrase(plural) if plural is not None else None

    def kin_of(self, s: int, e: int) -> bool:
        """A relative named to identify someone ("Farhad Azarnoush, son of Gholam-Reza"): not
        whom a later "he" stands for."""
        span = self.doc.char_span(s, e, alignment_mode="expand")
        t = span.root if span is not None else None
        return t is not None and t.dep_ == "pobj" and t.head.lower_ == "of" and (
            t.head.head.lower_ in self.v.words["kin_nouns"])

    def gender_fits(self, pronoun: str, pos: int) -> bool:
        """Only what the text says: "Mr." before a name rules out "she"/"her", "Ms."/"Mrs."
        rules out "he"/"his"/"him"."""
        before = self.ctx.text[max(0, pos - 8):pos].lower()
        if re.search(r"\b(?:mr|sir)\.?\s+$", before):
            return pronoun not in ("she", "her")
        if re.search(r"\b(?:mrs|ms|miss|madam|madame)\.?\s+$", before):
            return pronoun not in ("he", "his", "him")
        return True

    def resolve(self, tok: Token, pronouns: bool = False) -> Token:
        """A relative pronoun subject stands for the noun its clause modifies; "many of whom"
        for it too, or for the last plural noun before it when the parser did not see the
        clause ("girls and women were not exempt, many of whom were raped"); "they" / "them" /
        "their" for their antecedent noun (so its coordinated nouns come along)."""
        if tok.lower_ in RELATIVE and tok.head.dep_ in ("relcl", "acl"):
            return tok.head.head
        if any(p.lower_ in ("whom", "which") for c in tok.children if c.dep_ == "prep"
               and c.lower_ == "of" for p in c.children):
            rel = self.resolve_rel(tok)
            if rel.i != tok.i:
                return rel
            before = [t for t in self.doc[self.sent_start[tok.i]:tok.i] if t.tag_ in (
                "NNS", "NNPS") and t.dep_ != "conj"]
            return before[-1] if before else tok
        if pronouns and tok.lower_ in ("they", "them", "their"):
            return self.plural_antecedent(tok) or tok
        return tok

    def plural_antecedent(self, pron: Token) -> Token | None:
        """The noun "they" stands for: the last plural subject in its sentence, else in the
        500 characters before, else the head of a verbless line ("Environmentalists A, B and
        C in protest of their detention")."""
        def plural(t: Token) -> bool:
            return t.tag_ in ("NNS", "NNPS") or (t.pos_ in ("NOUN", "PROPN") and bool(
                _children(t, "conj")))
        verb = pron
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        if verb.i != pron.i and pron.dep_ == "poss":  # "forced the mullahs to confess to
            own = [s for s in _subject(verb)[0] if s.i < pron.i and plural(s)]  # their role"
            if own:
                return own[0]
        own_subject: set[int] = set()
        if pron.dep_ in ("dobj", "dative") and verb.i != pron.i:  # "guards beat them": not
            own_subject = {s.i for s in _subject(verb)[0]}  # the guards

        def owner_of_they(t: Token) -> bool:  # "Their families were notified once they had
            return pron.lower_ != "their" and any(  # been executed": not the families
                c.lower_ == "their" for c in _children(t, "poss"))

        before = [t for t in self.doc[max(0, pron.i - 150):pron.i] if t.idx >= pron.idx - 500]
        window = [t for t in before if plural(t) and t.i not in own_subject and (
            t.dep_ in ("nsubj", "nsubjpass") or (t.dep_ == "attr" and any(
                c.dep_ == "expl" for c in t.head.children)))  # "There were thousands …"
                  and not owner_of_they(t)]
        here = [t for t in window if self.sent_start[t.i] == self.sent_start[pron.i]]
        if here or window:
            return (here or window)[-1]
        if own_subject or pron.dep_ == "poss":  # "extracted blood from the MEK members before
            # executing them"; "targeted members of X, keeping their families in the dark"
            objs = [t for t in before if self.sent_start[t.i] == self.sent_start[pron.i] and
                    t.dep_ in ("dobj", "pobj") and t.tag_ in ("NNS", "NNPS") and
                    t.i not in own_subject and self.place_of(t) is None and not any(
                        c.lower_ == "their" for c in _children(t, "poss"))]
            if objs:
                return objs[-1]
        groups = [t for t in before if t.dep_ in ("nsubj", "nsubjpass") and t.lower_ in
                  self.v.words["collective_nouns"] and pron.lower_ != "their"]
        if groups:  # "a separatist group tried to … They went as far as killing …"
            return groups[-1]
        root = self.doc[self.sent_start[pron.i]:self.sent_end[pron.i]].root
        if root.pos_ in ("NOUN", "PROPN") and root.i < pron.i:
            return root
        return None

    def place_of(self, tok: Token) -> str | None:
        """A place named by ``tok`` with the place it lies in when the text says so ("Ward 209
        of Evin Prison", "Wadi Rahmat in Tabriz")."""
        place = self._place_of(tok)
        if place is None:
            return None
        for prep in _children(tok, "prep"):
            if prep.lower_ in ("of", "in") and not place.endswith(prep.nbor(1).text):
                for p in _children(prep, "pobj"):
                    outer = self.name_at(p, PLACE_LABELS)
                    if outer and outer[:1].isupper() and outer not in place:
                        return f"{place} {prep.text} {outer}"
        return place

    def demonstrative_place(self, tok: Token) -> str | None:
        """"this ward", "that prison": the last place named before whose name has that noun
        ("Ward 209"), within the 1,500 characters before."""
        if tok.lower_ not in self.v.words["place_nouns"] | self.v.words["place_containers"] or (
                not any(c.lower_ in ("this", "that") for c in _children(tok, "det"))):
            return None
        noun = tok.lower_
        lo = max(0, tok.idx - 1500)
        found = [(s, n) for s, e, n, lab in self.names if lab in PLACE_LABELS and e <= tok.idx
                 and s >= lo and noun in n.lower().split()]
        found += [(lo + m.start(), m.group(0)) for m in re.finditer(
            rf"\b(?:(?:[A-Z][\w’'-]+ )+{noun.capitalize()}\b|{noun.capitalize()} \d+\w*)",
            self.ctx.text[lo:tok.idx])]  # "Ward 209", "Evin Prison"
        return max(found)[1] if found else None

    def _place_of(self, tok: Token) -> str | None:
        """A place named by ``tok``: a place mention, "the city of X", or (without the mention
        extractor) a proper noun that spaCy does not call a date, a group or an acronym."""
        name = self.name_at(tok, PLACE_LABELS)
        if name and name[:1].isupper():
            return name
        if tok.lower_ in self.v.words["place_containers"]:
            for p in _pobjs(tok, "of"):
                return self.place_of(p) or p.text
        if tok.lower_ in self.v.words["spread_places"] and tok.head.lower_ in (
                "across", "throughout"):
            return tok.text  # "across the country"
        if tok.lower_ in self.v.words["ground_nouns"] and tok.head.lower_ == "on":
            lo = min([tok.i] + [c.i for c in tok.children if c.dep_ in ("amod", "compound")])
            return self.doc[lo:tok.i + 1].text  # "on European soil"
        named = self.demonstrative_place(tok)
        if named:
            return named
        if tok.lower_ in self.v.words["place_nouns"]:
            lo = min([tok.i] + [t.i for t in tok.children if t.dep_ in (
                "compound", "poss", "amod", "det")] + [t.i for c in tok.children if c.dep_ == "poss"
                                                      for t in c.subtree])
            hi = max([tok.i] + [t.i for t in tok.children if t.dep_ == "nummod" and t.i > tok.i])
            return re.sub(r"^(?:the|a|an)\s+", "", self.doc[lo:hi + 1].text, flags=re.I)
        if self.found.mentions:
            return None
        ent = "" if tok.i in self.multiline else tok.ent_type_
        if tok.lower_ in self.v.triggers:  # "Berlin Free Iran Rally": the place inside
            inner = [c for c in tok.children if c.dep_ == "compound" and self.name_at(
                c, PLACE_LABELS)]
            return self.place_of(inner[0]) if inner else None
        if not tok.text[:1].isupper() and tok.pos_ == "PROPN":
            return None
        if tok.pos_ == "NOUN" and any(c.dep_ == "compound" and c.pos_ == "PROPN" and c.ent_type_
                                      in ("ORG", "FAC", "GPE", "") for c in tok.children):
            lo = min(c.i for c in tok.children if c.dep_ == "compound")
            return self.doc[lo:tok.i + 1].text  # "the UN plaza"
        if (tok.pos_ == "PROPN" and tok.i not in self.date_tokens and ent not in (
                "DATE", "TIME", "NORP", "CARDINAL", "EVENT", "LAW", "WORK_OF_ART") and not (
                ent == "ORG" and (tok.text.isupper() or _children(tok, "det")))):
            lo = min([tok.i] + [t.i for t in tok.children if t.dep_ in ("compound", "nummod",
                                                                       "poss")])
            hi = max([tok.i] + [t.i for t in tok.children if t.dep_ == "nummod"])
            of = [p for p in _pobjs(tok, "of") if p.pos_ == "PROPN" and self.name_at(
                p, {"PERSON", "ORG", "NORP"}) is None]
            if of:  # "Ward 209 of Evin Prison"
                hi = max(t.i for t in of[0].subtree)
            return self.doc[lo:hi + 1].text.rstrip("-–")
        return None


def _span_of(text: str, sent: Span, tok: Token) -> tuple[int, int]:
    """The sentence, cut to the line that holds the trigger (titles and list lines are their
    own units even when the parser joins them to the next paragraph). ``text`` is the document's
    text (``Doc.text`` rebuilds the string on every call)."""
    line_start = text.rfind("\n", 0, tok.idx) + 1
    line_end = text.find("\n", tok.idx)
    line_end = len(text) if line_end < 0 else line_end
    start, end = max(sent.start_char, line_start), min(sent.end_char, line_end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
