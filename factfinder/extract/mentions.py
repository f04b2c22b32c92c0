"""Mentions of people, organisations and places: spaCy's names, corrected by vocabularies and rules.

The small English model is a fair start but errs in ways that matter here: it tags "MEK" as a
person and "PMOI" as a nationality, "Maryam Rajavi" as an organisation, "Raisi" as a place and
"Fallahian" as a nationality; it takes "the" and possessive "'s" into names and runs names across
headings. So the model's names are only one of three sources, in this order of trust:

1. the vocabularies (``vocab/organisations.yaml``, ``vocab/places.yaml``): a known name, acronym
   or alias is an ORG or a PLACE with its canonical name, whatever the model said;
2. rules: a title before capitalised words marks a person ("Ambassador Haley"); a known given name
   starts one ("Ebrahim Raisi"); a place-type word ends a place ("Qarchak Prison", "Kermanshah
   Province"); an organisation word ends an organisation ("Kurdistan Green Association");
3. the model's PERSON, ORG, GPE, LOC and FAC names (NORP only where 1. or 2. say otherwise).

Spans exclude titles and honorifics ("Ayatollah", "Mr.", "Seyed", …: ``vocab/titles.yaml``), a
leading "the", possessive "'s" and punctuation; for persons ``normalized`` is the name without
titles. Finally a surname the document spells out in full elsewhere ("Ali Fallahian") makes its
bare uses persons too, whatever the model thought ("Fallahian:" as a nationality). Dates are not
mentions here: the date extractor reads them.

All matching is done by spaCy's matchers, built once per vocabulary; Python only touches the
matches and the model's entities, never every token.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import yaml
from spacy.attrs import LOWER, ORTH
from spacy.lang.en import English
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span, Token
from spacy.vocab import Vocab

from factfinder.extract.base import Context, Item

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"
NER_LABELS = {"PERSON": "PERSON", "ORG": "ORG", "GPE": "PLACE", "LOC": "PLACE", "FAC": "PLACE"}
DETERMINERS = frozenset({"the", "a", "an", "this", "that"})
POSSESSIVE = frozenset({"'s", "’s", "'", "’"})
PARTICLES = frozenset({"al", "el", "ol", "ul", "ad", "ed"})  # "al-Maliki", "Sheikh-ol-Eslami"
DASHES = frozenset({"-", "–", "—"})
PROPER = frozenset({"NNP", "NNPS"})
KEEP_PUNCT = frozenset({"&", "-", "'", "’"})  # may sit inside a name, never at its edges

# Trust of each source: the highest wins where candidates overlap (then the longer one).
P_FALLBACK, P_NER, P_PROPAGATED, P_RULE, P_PERSON_RULE, P_VOCAB, P_CONTAINER = range(7)
CONFIDENCE = {P_FALLBACK: 0.6, P_NER: 0.7, P_PROPAGATED: 0.75, P_RULE: 0.8, P_PERSON_RULE: 0.8,
              P_VOCAB: 0.95, P_CONTAINER: 0.85}


@dataclass(frozen=True)
class Entry:
    """One organisation or place of the vocabularies."""

    name: str
    label: str  # ORG or PLACE
    type: str | None
    coordinates: tuple[float, float] | None
    fictional: bool


@dataclass(frozen=True)
class Lexicon:
    """The vocabularies as plain data, independent of any spaCy pipeline."""

    entries: tuple[Entry, ...]
    exact: tuple[tuple[str, int, bool], ...]  # (alias, entry, ambiguous), matched case-sensitively
    folded: tuple[tuple[str, int], ...]  # (alias, entry), matched by NORM (case, spelling, ’)
    org_heads: frozenset[str]
    type_words: dict[str, str]
    prefix_words: dict[str, str]
    titles: tuple[str, ...]
    title_words: frozenset[str]
    given_names: frozenset[str]
    not_names: frozenset[str]
    surname_endings: tuple[str, ...]
    demonyms: frozenset[str]


def _read(name: str) -> dict[str, Any]:
    data = yaml.safe_load((VOCAB_DIR / name).read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Read the three vocabulary files once per process."""
    orgs, places, titles = _read("organisations.yaml"), _read("places.yaml"), _read("titles.yaml")
    entries: list[Entry] = []
    exact: list[tuple[str, int, bool]] = []
    folded: list[tuple[str, int]] = []
    sources = (("ORG", orgs.get("organisations", [])), ("PLACE", places.get("places", [])))
    for label, items in sources:
        for raw in items:
            coords = raw.get("coordinates")
            idx = len(entries)
            entries.append(Entry(str(raw["name"]), label, raw.get("type"),
                                 (float(coords[0]), float(coords[1])) if coords else None,
                                 bool(raw.get("fictional", False))))
            for alias in [raw["name"], *raw.get("aliases", [])]:
                folded.append((str(alias), idx))
            for alias in [*raw.get("acronyms", []), *raw.get("case_sensitive", [])]:
                exact.append((str(alias), idx, False))
            for alias in raw.get("ambiguous", []):
                exact.append((str(alias), idx, True))
    title_list = tuple(str(t) for t in titles.get("titles", []))
    return Lexicon(
        entries=tuple(entries),
        exact=tuple(exact),
        folded=tuple(folded),
        org_heads=frozenset(str(w).lower() for w in orgs.get("head_words", [])),
        type_words={str(k).lower(): str(v) for k, v in places.get("type_words", {}).items()},
        prefix_words={str(k).lower(): str(v) for k, v in places.get("prefix_words", {}).items()},
        titles=title_list,
        title_words=frozenset(w.lower() for t in title_list for w in t.split()),
        given_names=frozenset(str(n).lower() for n in titles.get("given_names", [])),
        not_names=frozenset(str(n).lower() for n in titles.get("not_names", [])),
        surname_endings=tuple(str(n).lower() for n in titles.get("surname_endings", [])),
        demonyms=frozenset(str(d).lower() for p in places.get("places", [])
                           for d in p.get("demonyms", [])),
    )


@dataclass
class Matchers:
    """spaCy matchers over one pipeline's vocabulary, built from the lexicon."""

    exact: PhraseMatcher
    folded: PhraseMatcher
    titles: PhraseMatcher
    anchors: PhraseMatcher  # given names, place-type, prefix and organisation words


_MATCHERS: dict[int, tuple[Vocab, Matchers]] = {}


def matchers(vocab: Vocab) -> Matchers:
    """The matchers for a pipeline's vocabulary, built on first use and kept (with the vocabulary
    itself, so that its id cannot be reused by another)."""
    cached = _MATCHERS.get(id(vocab))
    if cached is None or cached[0] is not vocab:
        cached = _MATCHERS[id(vocab)] = (vocab, _build(vocab, lexicon()))
    return cached[1]


def _build(vocab: Vocab, lex: Lexicon) -> Matchers:
    tokenizer = English(vocab=vocab).tokenizer
    exact, folded = PhraseMatcher(vocab, attr=ORTH), PhraseMatcher(vocab, attr="NORM")
    titles = PhraseMatcher(vocab, attr=LOWER)
    for alias, idx, ambiguous in lex.exact:
        exact.add(f"{idx}{'~' if ambiguous else ''}", [tokenizer(alias)])
    for alias, idx in lex.folded:
        folded.add(str(idx), [tokenizer(alias)])
    titles.add("TITLE", [tokenizer(t) for t in lex.titles])
    anchors = PhraseMatcher(vocab, attr=LOWER)
    for key, words in (("GIVEN", lex.given_names), ("TYPE", lex.type_words),
                       ("PREFIX", lex.prefix_words), ("HEAD", lex.org_heads)):
        anchors.add(key, [tokenizer(w) for w in sorted(words)])
    return Matchers(exact, folded, titles, anchors)


class Cand(NamedTuple):
    start: int  # token offsets
    end: int
    label: str
    priority: int
    source: str  # ner / vocab / rule
    entry: int | None = None
    place_type: str | None = None


class MentionExtractor:
    """People, organisations and places (kind "mention"), each with a normalized name."""

    name = "mentions"
    version = "1"

    def __call__(self, doc: Doc, ctx: Context, found: dict[str, list[Item]]) -> list[Item]:
        return extract(doc)


def extract(doc: Doc) -> list[Item]:
    """All mentions of one parsed document, in text order, without overlaps."""
    lex, m = lexicon(), matchers(doc.vocab)
    arr = doc.to_array([ORTH, LOWER])
    lowered = set(np.unique(arr[arr[:, 0] == arr[:, 1], 1]).tolist()) if len(doc) else set()
    ner = [Cand(e.start, e.end, NER_LABELS.get(e.label_, e.label_), P_NER, "ner")
           for e in doc.ents if e.label_ in NER_LABELS or e.label_ == "NORP"]
    titles: dict[int, int] = {}
    for _key, s, e in m.titles(doc):
        titles[s] = max(e, titles.get(s, e))
    vocab = _vocab(doc, m, lex, ner)
    cands = vocab + _rules(doc, m, lex, titles)
    persons = np.zeros(len(doc) + 1, dtype=bool)
    for c in cands:
        if c.label == "PERSON":
            persons[c.start:c.end] = True
    for c in ner:
        for piece in _clean(doc, c, titles, lex):
            cands.append(_classify(doc, piece, lex, persons, lowered))
    cover: dict[int, list[Cand]] = {}
    for v in vocab:
        for i in range(v.start, v.end):
            cover.setdefault(i, []).append(v)
    cands = [_promote(c, cover, lex, doc) for c in cands if c.label in ("PERSON", "ORG", "PLACE")]
    chosen = _resolve(cands)
    chosen = _propagate_surnames(doc, chosen, arr, lex)
    return [_item(doc, c, lex) for c in chosen]


def _vocab(doc: Doc, m: Matchers, lex: Lexicon, ner: list[Cand]) -> list[Cand]:
    """Vocabulary matches: exact (acronyms, ambiguous words) and case-folded names."""
    out = []
    seen_names = [(c.start, c.end) for c in ner if c.label != "PERSON"]
    for key, s, e in m.exact(doc):
        tag = doc.vocab.strings[key]
        idx = int(tag.rstrip("~"))
        if tag.endswith("~") and not (
            any(a <= s and e <= b for a, b in seen_names)
            or (s > 0 and doc[s - 1].lower_ in lex.prefix_words)
        ):
            continue  # "Ashraf" is a camp only where the model saw a non-person name
        prio = P_RULE if tag.endswith("~") else P_VOCAB  # a given name wins over "Ashraf"
        out.append(Cand(s, e, lex.entries[idx].label, prio, "vocab", idx))
    for key, s, e in m.folded(doc):
        content = [t for t in doc[s:e] if t.is_alpha and not t.is_stop]
        if 2 * sum(t.text[:1].isupper() for t in content) >= len(content) > 0:
            idx = int(doc.vocab.strings[key])
            out.append(Cand(s, e, lex.entries[idx].label, P_VOCAB, "vocab", idx))
    return out


def _rules(doc: Doc, m: Matchers, lex: Lexicon, titles: dict[int, int]) -> list[Cand]:
    """Place-type, prefix, organisation-word, given-name and title rules. The matcher finds the
    anchor words; the names around them are read from there (few anchors, no token loop)."""
    out: list[Cand] = []
    n = len(doc)
    for key, s, e in m.anchors(doc):
        rule = doc.vocab.strings[key]
        if rule == "TYPE":  # "Qarchak Prison", "Evin prison", "Kermanshah Province"
            b = s
            while b > 0 and s - b < 4 and doc[b - 1].is_title and doc[b - 1].tag_ in PROPER:
                b -= 1
            while b < s and doc[b].lower_ in DETERMINERS:
                b += 1
            if b < s:
                out.append(Cand(b, e, "PLACE", P_RULE, "rule", None, lex.type_words[doc[s].lower_]))
        elif rule == "PREFIX" and doc[s].is_title:  # "Camp Ashraf"
            f = e
            while f < n and f - e < 3 and doc[f].is_title:
                f += 1
            if f > e:
                kind = lex.prefix_words[doc[s].lower_]
                out.append(Cand(s, f, "PLACE", P_RULE, "rule", None, kind))
        elif rule == "HEAD" and doc[s].is_title:  # "Kurdistan Green Association"
            b = s
            while b > 0 and s - b < 5 and (doc[b - 1].is_title or (
                    doc[b - 1].text == "&" and b > 1 and doc[b - 2].is_title)):
                b -= 1
            while b < s and doc[b].lower_ in DETERMINERS:
                b += 1
            if b < s:
                out.append(Cand(b, e, "ORG", P_FALLBACK, "rule"))  # the model's own ORG goes first
        elif rule == "GIVEN" and doc[s].is_title:  # "Ebrahim Raisi", "Mohammad-Taqi Eshaghi-Nia"
            f = _name_run(doc, s, lex)
            if _words(doc, s, f) >= 2:
                out.append(Cand(s, f, "PERSON", P_PERSON_RULE, "rule"))
            elif e + 1 < n and doc[e].text == "]" and doc[e + 1].text[:1].isupper() \
                    and doc[e + 1].is_alpha:  # "[Ebrahim] Raisi": the surname is the mention
                out.append(Cand(e + 1, e + 2, "PERSON", P_PERSON_RULE, "rule"))
    for e in set(titles.values()):  # "Ambassador Haley", "Madame Vaucouleurs"
        end = e
        while end < n and end - e < 4 and _name_word(doc[end], lex):
            end += 1
        if end > e:
            out.append(Cand(e, end, "PERSON", P_PERSON_RULE, "rule"))
    return out


def _name_run(doc: Doc, i: int, lex: Lexicon, words: int = 4) -> int:
    """The end of a name starting at token i: capitalised proper nouns, hyphenated parts
    ("Mohammad-Taqi Eshaghi-Nia") joined, at most `words` words."""
    end, n = i + 1, 1
    while end < len(doc):
        t = doc[end]
        if t.text == "-" and not doc[end - 1].whitespace_ and end + 1 < len(doc) \
                and doc[end + 1].is_title and doc[end + 1].is_alpha:
            end += 2
        elif n < words and t.tag_ in ("NNP", "NNPS") and _name_word(t, lex):
            end, n = end + 1, n + 1
        else:
            break
    return end


def _words(doc: Doc, s: int, e: int) -> int:
    """Words in a span, a hyphenated compound counting once."""
    return sum(1 for t in doc[s:e] if t.text != "-" and not (t.i > s and doc[t.i - 1].text == "-"))


def _name_word(t: Token, lex: Lexicon) -> bool:
    """A word that may continue a name after a title: capitalised, not a common word."""
    if len(t) == 2 and t.is_title and t.text[1] == ".":
        return True  # an initial: "Richard J. Roberts"
    return (t.text[:1].isupper() and t.is_alpha and not t.is_stop
            and t.lower_ not in lex.not_names and t.lower_ not in lex.title_words)


def _clean(doc: Doc, c: Cand, titles: dict[int, int], lex: Lexicon) -> list[Cand]:
    """Split a model's name at line breaks and brackets; trim what is not part of a name."""
    pieces, s = [], c.start
    for i in range(c.start, c.end + 1):
        if i == c.end or doc[i].is_space or doc[i].text in ("[", "]", "(", ")", "/", "|") or (
                doc[i].text in DASHES and (doc[i].whitespace_ or doc[i - 1].whitespace_)):
            if i > s:
                pieces.append((s, i))
            s = i + 1
    out = []
    for s, e in pieces:
        s, e = _trim(doc, s, e)
        if c.label == "PERSON":
            while s in titles and titles[s] < e:
                s, e = _trim(doc, titles[s], e)  # "Presiding Judge", "then-Supreme Leader"
            while e > s and doc[e - 1].lower_ in lex.not_names:
                e -= 1  # "Maryam Akbari Monfared Political prisoners"
        if all(t.lower_ in lex.title_words or not t.is_alpha for t in doc[s:e]):
            continue  # "Spokesperson", "Supreme Guide": a title alone is nobody
        if e > s:
            out.append(c._replace(start=s, end=e))
    return out


def _edge_junk(t: Token) -> bool:
    return (t.is_space or (t.is_punct and t.text not in KEEP_PUNCT) or t.text in POSSESSIVE
            or t.text in ("•", "·") or t.text in DASHES or t.tag_ == "POS")


def _trim(doc: Doc, s: int, e: int) -> tuple[int, int]:
    """Drop a leading "the", possessive "'s", quotes and punctuation at either edge."""
    while s < e and (_edge_junk(doc[s]) or doc[s].lower_ in DETERMINERS):
        s += 1
    while e > s and _edge_junk(doc[e - 1]):
        e -= 1
    return s, e


def _classify(doc: Doc, c: Cand, lex: Lexicon, persons: Any, lowered: set[int]) -> Cand:
    """Relabel a model's name: given names make persons, acronyms are not persons, headline
    words and nationalities are dropped."""
    span = doc[c.start:c.end]
    words = [t for t in span if t.is_alpha]
    if not words or not span.text[:1].isupper() and not span.text[:1].isdigit():
        return c._replace(label="")
    headed = _headed(span, lex.org_heads)
    titled = [t for t in words if t.is_title]
    small = sum(t.lower_ in lex.not_names or t.lower in lowered for t in titled)
    if titled and not headed and (
            small == len(titled) or (len(titled) >= 3 and small >= len(titled) - 1)):
        return c._replace(label="")  # "Hunger Strikes", "Nobel Laureates Condemn Executions"
    if len(span) >= 2 and span[-1].lower_ in lex.not_names \
            and all(t.tag_ == "JJ" for t in span[:-1]):
        return c._replace(label="")  # "Swedish Court", "French Government": descriptions
    if c.label != "PERSON" and len(words) >= 2 and all(w.lower_ in lex.given_names for w in words):
        return c._replace(label="PERSON", priority=P_PERSON_RULE)  # "Gholam-Reza" alone
    if all(t.lower_ in lex.demonyms for t in words):
        return c._replace(label="")  # "Arvestani", "Iranian": nationalities, not names
    if len(span) == 1 and not span[0].is_upper and (
            span[0].lower_ in lex.org_heads or span[0].lower_ in lex.type_words
            or span[0].tag_ not in ("NNP", "NNPS")):
        return c._replace(label="")  # "Council", "Security" alone in a heading
    if c.label == "PERSON" and persons[c.start:c.end].any():
        return c._replace(priority=P_PERSON_RULE)  # model and rule agree: keep the longer
    if span[0].lower_ in lex.given_names and 2 <= _words(doc, c.start, c.end) <= 5 \
            and c.label != "PERSON" and all(t.text[:1].isupper() or t.text == "-" for t in span):
        e = c.end
        while e > c.start + 1 and doc[e - 1].lower_ in lex.not_names:
            e -= 1  # "Maryam Akbari Monfared Political prisoners"
        if _words(doc, c.start, e) <= 4 and not any(
                t.lower_ in lex.org_heads or t.lower_ in lex.type_words for t in doc[c.start:e]):
            return c._replace(end=e, label="PERSON", priority=P_PERSON_RULE)
    if c.label in ("ORG", "PLACE") and _words(doc, c.start, c.end) == 1 and span[0].is_title \
            and len(span.text) >= 5 and span.text.lower().endswith(lex.surname_endings):
        return c._replace(label="PERSON", priority=P_PROPAGATED)  # "Kazemi", "Naderi-Zadeh"
    if c.label == "PERSON" and len(span) == 1 and span[0].is_upper and len(span[0]) > 1:
        return c._replace(label="ORG")  # "HEPCO": an acronym is not a person
    if c.label == "PERSON" and span[-1].lower_ in lex.org_heads and span[-1].is_title:
        return c._replace(label="ORG")  # "Shafavard Forest Company"
    if c.label == "NORP":
        return c._replace(label="")  # nationalities are not mentions; vocab and surnames decide
    return c


def _promote(c: Cand, cover: dict[int, list[Cand]], lex: Lexicon, doc: Doc) -> Cand:
    """A longer name that holds a known one and adds an organisation or place-type word of its
    own ("Kurdistan Green Association", "Tabriz University", "Arak Prison") wins over the known
    name inside; unless a known name reaches beyond it ("Revolutionary Guards Corps" inside
    "Islamic Revolutionary Guards Corps")."""
    if c.source == "vocab" or c.label == "PERSON":
        return c
    near = {v for i in range(c.start, c.end) for v in cover.get(i, ())}
    inside = [v for v in near if c.start <= v.start and v.end <= c.end]
    if not inside or len(inside) < len(near) or any(
            v.start == c.start and v.end == c.end for v in inside):
        return c
    heads = lex.org_heads if c.label == "ORG" else lex.type_words.keys() | lex.prefix_words.keys()
    for t in doc[c.start:c.end]:
        if t.lower_ in heads and not any(v.start <= t.i < v.end for v in inside) \
                and (t.i == c.end - 1 or t.i == c.start or doc[t.i + 1].lower_ in ("of", "for")):
            return c._replace(priority=P_CONTAINER)
    return c


def _headed(span: Span, heads: frozenset[str]) -> bool:
    """Whether an organisation word ends the name or opens its "of"/"for" part ("Office of …",
    "Supreme Court for Judges"); "Holds Press Conference" in a headline does not count."""
    for t in span if len(span) > 1 else ():
        if t.lower_ in heads and t.text[:1].isupper() and (
                t.i == span.end - 1 or span.doc[t.i + 1].lower_ in ("of", "for")):
            return True
    return False


def _resolve(cands: list[Cand]) -> list[Cand]:
    """Keep the most trusted, then the longest, of overlapping candidates."""
    taken = np.zeros(max((c.end for c in cands), default=0) + 1, dtype=bool)
    chosen = []
    for c in sorted(cands, key=lambda c: (-c.priority, -(c.end - c.start), c.start)):
        if not taken[c.start:c.end].any():
            taken[c.start:c.end] = True
            chosen.append(c)
    return sorted(chosen, key=lambda c: c.start)


def _propagate_surnames(doc: Doc, chosen: list[Cand], arr: Any, lex: Lexicon) -> list[Cand]:
    """A surname the text spells out in a full name ("Ali Fallahian") is a person wherever else
    it stands alone, even where the model saw a nationality or nothing at all; a name the text
    also uses alone for a person makes a two-word "organisation" a person ("Tahar Boumedra").
    A given name in brackets before a surname ("[Massoud] Rajavi") is an editor's note."""
    out: list[Cand] = []
    starts = {c.start: c for c in chosen}
    for c in chosen:
        if c.label == "PERSON" and c.end + 1 < len(doc) and doc[c.end].text == "]" \
                and doc[c.end + 1].text[:1].isupper() and doc[c.end + 1].is_alpha:
            s = c.end + 1
            e = s + 1
            while e < len(doc) and doc[e].tag_ == "NNP" and doc[e].text[:1].isupper():
                e += 1
            if e > s:  # the surname after the bracket is the mention
                if s not in starts:
                    out.append(Cand(s, e, "PERSON", P_PROPAGATED, "rule"))
                elif starts[s].label != "PERSON":
                    starts[s] = starts[s]._replace(label="PERSON", priority=P_PROPAGATED)
                continue
        out.append(c)
    out = [starts.get(c.start, c) for c in out]
    surnames: set[tuple[int, ...]] = set()
    for _round in range(2):  # a relabelled name may reveal another surname
        alone: set[tuple[int, ...]] = set()
        for c in out:
            if c.label == "PERSON" and doc[c.end - 1].is_title \
                    and doc[c.end - 1].lower_ not in lex.given_names:
                k = _compound_start(doc, c.start, c.end - 1)
                (alone if k == c.start else surnames).add(tuple(t.orth for t in doc[k:c.end]))
        for i, c in enumerate(out):
            if c.priority != P_NER or c.label == "PERSON":
                continue
            k = _compound_start(doc, c.start, c.end - 1)
            last = tuple(t.orth for t in doc[k:c.end])
            if (k == c.start and last in surnames) or (
                    k > c.start and _words(doc, c.start, c.end) <= 4 and last in surnames | alone
                    and not any(t.lower_ in lex.org_heads for t in doc[c.start:c.end])):
                out[i] = c._replace(label="PERSON", priority=P_PROPAGATED)  # "Raisi" was a place
    taken = np.zeros(len(doc) + 1, dtype=bool)
    for c in out:
        taken[c.start:c.end] = True
    if not surnames:
        return out
    ends = {key[-1]: key for key in surnames}
    hits = np.nonzero(np.isin(arr[:, 0], list(ends)) & ~taken[:len(doc)])[0]
    extra = []
    for i in hits.tolist():
        key = ends[doc[i].orth]
        s = i + 1 - len(key)
        if s < 0 or tuple(t.orth for t in doc[s:i + 1]) != key or taken[s:i + 1].any():
            continue
        if s >= 2 and doc[s - 1].text == "-" and doc[s - 2].lower_ in PARTICLES:
            s -= 2  # "al-Maliki"
        elif s >= 2 and doc[s - 1].text == "-" and not doc[s - 2].whitespace_:
            continue  # part of another compound: "Nia" in "Eshaqi-Nia"
        if not taken[s:i + 1].any():
            extra.append(Cand(s, i + 1, "PERSON", P_PROPAGATED, "rule"))
    return sorted(out + extra, key=lambda c: c.start)


def _compound_start(doc: Doc, start: int, last: int) -> int:
    """Where the hyphenated word ending at token `last` begins ("Eshaghi-Nia", "al-Maliki")."""
    k = last
    while k - 2 >= start and doc[k - 1].text == "-" and not doc[k - 2].whitespace_ \
            and not doc[k - 1].whitespace_ and doc[k - 2].lower_ not in PARTICLES:
        k -= 2
    return k


def _item(doc: Doc, c: Cand, lex: Lexicon) -> Item:
    span = doc[c.start:c.end]
    data: dict[str, Any] = {"source": c.source}
    if c.entry is not None:
        entry = lex.entries[c.entry]
        data["normalized"] = entry.name
        if entry.label == "PLACE":
            data["place_type"] = entry.type
            if entry.coordinates:
                data["coordinates"] = list(entry.coordinates)
        elif entry.type:
            data["org_type"] = entry.type
        if entry.fictional:
            data["fictional"] = True
    else:
        data["normalized"] = " ".join(span.text.replace("’", "'").split())
        if c.place_type:
            data["place_type"] = c.place_type
    return Item(kind="mention", start=span.start_char, end=span.end_char, text=span.text,
                label=c.label, data=data, confidence=CONFIDENCE[c.priority])


EXTRACTOR = MentionExtractor()
