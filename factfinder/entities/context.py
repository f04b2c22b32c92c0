"""What is said next to a person's mention, for telling persons apart across documents.

``features`` gives each mention a set of features read from its surroundings:

* ``g:m`` / ``g:f`` — a gendered title cut from the front of the name ("Mr.", "Mrs.", "Sir",
  "Lady": ``title_groups`` in ``vocab/titles.yaml``). Two persons whose titles give different
  genders are never merged (``conflict``). Pronouns ("his", "her") are not read: too noisy.
* ``c:clerical`` / ``c:lay`` — a clerical title ("Ayatollah", "Hojatoleslam") or a lay one
  ("Dr.", "Colonel"); clerical against lay counts one point against a merge, not a veto (a
  cleric is called "Dr." now and then).
* ``t:…`` — other titles and descriptors beside the name: "Judge X", "the judge X",
  "X, a political prisoner", "X, the prosecutor" (``titles`` and ``descriptors``; variants are
  one feature through ``title_groups``: "Presiding Judge" and "judge" are ``t:judge``).
* ``r:ROLE:TYPE`` — the mention is the victim or the perpetrator of an extracted event in its
  sentence (``r:victim:execution``, ``r:perpetrator:execution``). Roles add evidence when shared
  and never block: the same person can be a victim once and a perpetrator later (a prisoner who
  became an interrogator), and the event extractor's roles are not reliable enough for a veto.
* ``np:PLACE`` and ``nd:YYYY-MM`` — places and dates (to the month; a bare year says too little
  in a corpus about one year) named in the same sentence.

``evidence`` counts what two persons share of these, less the clerical/lay clash; the cluster
step adds it to the documents' shared co-mentions where a name match alone is borderline.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

import yaml

VOCAB = Path(__file__).resolve().parent.parent / "vocab" / "titles.yaml"
COUNTED = ("t:", "c:", "r:", "np:", "nd:")  # features that are evidence when shared
FILLERS = frozenset({"the", "a", "an", "former", "late", "then"})
ROLES = (("victim", "victims"), ("perpetrator", "perpetrators"))


class MentionLike(Protocol):
    id: str
    start: int
    end: int
    text: str
    type: str
    normalized: str


@dataclass(frozen=True)
class Span:
    """An extraction other than a mention that gives context: an ``event`` or a ``date``."""

    document_id: str
    kind: str
    start: int
    end: int
    data: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class _Vocab:
    feature: dict[str, str]  # title or descriptor (lower case) → feature
    descriptors: frozenset[str]  # read in any case; titles only when capitalised
    longest: int  # words in the longest title
    after: re.Pattern[str]
    abbreviations: frozenset[str]


def _key(word: str) -> str:
    return " ".join(word.lower().split())


@lru_cache(maxsize=1)
def vocab() -> _Vocab:
    data = yaml.safe_load(VOCAB.read_text(encoding="utf-8")) or {}
    groups: dict[str, list[str]] = data.get("title_groups") or {}
    feature: dict[str, str] = {}
    for group, words in groups.items():
        prefix = {"male": "g:m", "female": "g:f", "clerical": "c:clerical", "lay": "c:lay"}.get(
            group, "t:" + group)
        for w in words:
            feature.setdefault(_key(str(w)), prefix)
    descriptors = [_key(str(w)) for w in data.get("descriptors") or []]
    for w in [_key(str(t)) for t in data.get("titles") or []] + descriptors:
        feature.setdefault(w, "t:" + w.rstrip("."))
    desc = "|".join(re.escape(w).replace(r"\ ", r"\s+")
                    for w in sorted(set(descriptors) | {w for w in feature
                                                        if feature[w].startswith("t:")},
                                    key=len, reverse=True))
    after = re.compile(r"(?:\s*\([^()]{1,60}\))?\s*,\s*(?:who\s+was\s+|then\s+)?(?:a|an|the)\s+"
                       rf"(?:[\w-]+\s+)?({desc})(?![\w-])", re.IGNORECASE)
    abbreviations = frozenset(w[:-1] for w in feature if w.endswith(".") and " " not in w)
    return _Vocab(feature, frozenset(descriptors), max(len(w.split()) for w in feature),
                  after, abbreviations)


def titles_before(text: str, start: int) -> list[str]:
    """Titles and descriptors written just before a mention, nearest first."""
    v = vocab()
    words = [w.lstrip("([“\"'") for w in text[max(0, start - 80):start].replace(",", " ").split()]
    if start > 80:
        words = words[1:]  # perhaps cut
    found: list[str] = []
    for _ in range(5):
        for n in range(min(v.longest, len(words)), 0, -1):
            phrase = " ".join(words[-n:])
            key = phrase.lower()
            if key in v.feature and (phrase[:1].isupper() or key in v.descriptors):
                found.append(key)
                del words[-n:]
                break
        else:
            if not words or words[-1].lower() not in FILLERS:
                break
            words.pop()
    return found


def descriptor_after(text: str, end: int) -> str | None:
    hit = vocab().after.match(text, end, min(len(text), end + 100))
    return _key(hit.group(1)) if hit else None


def sentence_starts(text: str) -> list[int]:
    """Offsets where sentences start (a plain splitter: ., ! or ? then space, or a blank line;
    not after a title's abbreviation or an initial)."""
    abbreviations = vocab().abbreviations
    starts = [0]
    for hit in re.finditer(r"[.!?][\"”’')\]]*\s+|\n\s*\n", text):
        if text[hit.start()] == ".":
            word = re.search(r"(\w+)$", text[max(0, hit.start() - 20):hit.start()])
            if word and (len(word.group(1)) == 1 or word.group(1).lower() in abbreviations):
                continue
        starts.append(hit.end())
    return starts


def _sentence(starts: list[int], text_len: int, start: int) -> tuple[int, int]:
    i = bisect.bisect_right(starts, start) - 1
    return starts[i], starts[i + 1] if i + 1 < len(starts) else text_len


def _month(data: dict[str, Any]) -> str | None:
    a, b = str(data.get("date_start") or ""), str(data.get("date_end") or "")
    if len(a) >= 7 and a[:7] == b[:7]:
        return a[:7]
    return None


def _roles(m: MentionLike, events: Iterable[Span]) -> set[str]:
    out: set[str] = set()
    forms = {f.casefold() for f in (m.text, m.normalized) if len(f) >= 3}
    for ev in events:
        if not (ev.start <= m.start and m.end <= ev.end) or ev.data.get("negated"):
            continue
        for role, key in ROLES:
            phrases = ev.data.get(key) or []
            if isinstance(phrases, str):
                phrases = [phrases]
            if any(isinstance(p, str) and any(f in p.casefold() for f in forms)
                   for p in phrases):
                out.add(f"r:{role}:{ev.data.get('type') or 'event'}")
    return out


def features(by_doc: dict[str, list[Any]], texts: dict[str, str], spans: Iterable[Span],
             place_key: Callable[[str], str]) -> dict[str, frozenset[str]]:
    """Per person mention id, the features read around it (see the module's description)."""
    v = vocab()
    events: dict[str, list[Span]] = {}
    dates: dict[str, list[Span]] = {}
    for s in spans:
        if s.kind == "event":
            events.setdefault(s.document_id, []).append(s)
        elif s.kind == "date":
            dates.setdefault(s.document_id, []).append(s)
    out: dict[str, frozenset[str]] = {}
    for doc_id, ms in by_doc.items():
        text = texts.get(doc_id, "")
        starts = sentence_starts(text)
        places = [(m.start, place_key(m.normalized or m.text)) for m in ms if m.type == "place"]
        doc_dates = [(d.start, month) for d in dates.get(doc_id, [])
                     if (month := _month(d.data))]
        for m in ms:
            if m.type != "person":
                continue
            feats: set[str] = set()
            if text:
                words = titles_before(text, m.start)
                desc = descriptor_after(text, m.end)
                feats |= {v.feature.get(w, "t:" + w) for w in words + ([desc] if desc else [])}
                s0, s1 = _sentence(starts, len(text), m.start)
                feats |= {"np:" + p for pos, p in places if s0 <= pos < s1}
                feats |= {"nd:" + d for pos, d in doc_dates if s0 <= pos < s1}
            feats |= _roles(m, events.get(doc_id, []))
            out[m.id] = frozenset(feats)
    return out


def gender(feats: Iterable[str]) -> str | None:
    found = {f for f in feats if f.startswith("g:")}
    return found.pop() if len(found) == 1 else None  # none, or contradictory: unknown


def conflict(a: Iterable[str], b: Iterable[str]) -> bool:
    """Two persons whose titles give different genders."""
    ga, gb = gender(a), gender(b)
    return ga is not None and gb is not None and ga != gb


def evidence(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> int:
    """Shared titles, descriptors, roles, nearby places and dates, less one for a clerical
    title against a lay one."""
    shared = sum(1 for f in a & b if f.startswith(COUNTED))
    clash = ("c:clerical" in a) != ("c:clerical" in b) and ("c:lay" in a) != ("c:lay" in b) \
        and ("c:clerical" in a) == ("c:lay" in b)
    return shared - clash
