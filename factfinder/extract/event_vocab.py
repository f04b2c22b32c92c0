"""The violations vocabulary (``vocab/violations.yaml``) and the small readers of numbers, dates
and sentences that the event extractor needs.

No lemmatizer runs, so the vocabulary lists verb lemmas and this module adds their regular
inflections once, at load time; every trigger phrase then goes into one spaCy ``PhraseMatcher``
(matching runs in C, not in a Python loop over tokens). The readers here are fallbacks: when the
date and claim extractors ran, their items are used instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import spacy
import yaml
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc

from factfinder.extract.base import Item

MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september",
     "october", "november", "december"], 1)}
SEASONS = {"spring": ("03-20", "06-20"), "summer": ("06-21", "09-22"),
           "autumn": ("09-23", "12-20"), "fall": ("09-23", "12-20"), "winter": ("12-21", "03-19")}


@dataclass(frozen=True)
class Trigger:
    """One reading of a trigger phrase; the options are documented in the YAML file."""
    type: str
    pos: str  # "verb" | "noun"
    weak: bool = False
    requires_any: frozenset[str] = frozenset()
    objects_not: frozenset[str] = frozenset()
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()
    intransitive: bool = False
    negation_is_part: bool = False
    pobjs_not: frozenset[str] = frozenset()
    # (type, words of which one must be in the sentence, words none of which may be)
    retype: tuple[str, frozenset[str], frozenset[str]] | None = None


@dataclass
class Vocabulary:
    types: dict[str, dict[str, Any]]
    triggers: dict[str, list[Trigger]]  # lowercase phrase → its readings
    words: dict[str, frozenset[str]]  # the word lists (actor_words, speech_verbs …) as sets
    vague: list[tuple[str, int, int]]  # vague quantities, longest first
    numbers: dict[str, int]
    categories: list[tuple[str, frozenset[str]]]
    punishments: dict[str, str]  # a sentence carried out: its punishment word → act type


WORD_LISTS = ("actor_words", "perpetration_verbs", "suffering_verbs", "participation_words",
              "involvement_words", "target_verbs", "concealed_objects", "place_nouns",
              "hypothetical_cues", "modal_cues", "negation_cues", "speech_verbs",
              "lower_bound_words", "upper_bound_words", "container_nouns",
              "trigger_compound_heads", "order_nouns", "death_verbs", "place_containers",
              "spread_places", "residence_words", "ground_nouns", "occurrence_verbs",
              "carried_out_verbs", "commemoration_nouns", "collective_nouns",
              "order_verbs", "kin_nouns", "term_nouns", "warning_verbs",
              "state_verbs")
# Lists of verbs: the vocabulary gives lemmas (and irregular forms); their inflections are added.
VERB_LISTS = ("perpetration_verbs", "suffering_verbs", "participation_words", "target_verbs",
              "negation_cues", "speech_verbs", "death_verbs", "occurrence_verbs",
              "carried_out_verbs", "order_verbs")


def inflections(lemma: str) -> set[str]:
    """Regular forms of a verb (of its first word when it is a phrase); over-generation is
    harmless: a form that is no English word never matches."""
    first, _, rest = lemma.partition(" ")
    forms = {first, first + "s", first + "es", first + "ed", first + "d", first + "ing"}
    if first.endswith("e"):
        forms.add(first[:-1] + "ing")
    if first.endswith("y") and first[-2:-1] not in ("a", "e", "o", "u"):
        forms |= {first[:-1] + "ies", first[:-1] + "ied"}
    if re.fullmatch(r"[a-z]*[^aeiou][aeiou][bdgklmnprt]", first):
        forms |= {first + first[-1] + "ed", first + first[-1] + "ing"}
    return {f"{f} {rest}".strip() for f in forms}


def _trigger(type_id: str, pos: str, spec: dict[str, Any]) -> Trigger:
    def low(key: str) -> frozenset[str]:
        return frozenset(str(w).lower() for w in spec.get(key, ()))
    re_spec = spec.get("retype")
    retype = (str(re_spec["type"]), frozenset(str(w).lower() for w in re_spec["if_any"]),
              frozenset(str(w).lower() for w in re_spec.get("unless_any", ()))) if re_spec else None
    return Trigger(type_id, pos, bool(spec.get("weak")), low("requires_any"), low("objects_not"),
                   low("not_after"), low("not_before"), bool(spec.get("intransitive")),
                   bool(spec.get("negation_is_part")), low("pobjs_not"), retype)


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The violations vocabulary, read once per process."""
    text = resources.files("factfinder.vocab").joinpath("violations.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    triggers: dict[str, list[Trigger]] = {}
    types: dict[str, dict[str, Any]] = {}
    for t in raw["types"]:
        types[t["id"]] = t
        for spec in t.get("verbs", ()):
            spec = {"lemma": spec} if isinstance(spec, str) else spec
            forms = {str(f).lower() for f in spec.get("forms", ())}
            forms |= inflections(str(spec["lemma"]).lower())
            for form in forms:
                triggers.setdefault(form, []).append(_trigger(t["id"], "verb", spec))
        for spec in t.get("nouns", ()):
            spec = {"word": spec} if isinstance(spec, str) else spec
            triggers.setdefault(str(spec["word"]).lower(), []).append(
                _trigger(t["id"], "noun", spec))
    words = {k: frozenset(str(w).lower() for w in raw.get(k, ())) for k in WORD_LISTS}
    for k in VERB_LISTS:
        words[k] = frozenset(f for w in words[k] for f in inflections(w))
    vague = sorted(((str(k), int(v[0]), int(v[1])) for k, v in raw["vague_quantities"].items()),
                   key=lambda x: -len(x[0]))
    cats = [(c["id"], frozenset(c["words"])) for c in raw["protest_categories"]]
    return Vocabulary(types, triggers, words, vague, dict(raw["number_words"]), cats,
                      {str(k).lower(): str(t) for k, t in raw["punishments"].items()})


_TOKENIZER = spacy.blank("en").tokenizer
_MATCHERS: dict[int, PhraseMatcher] = {}


def matcher_for(doc: Doc) -> PhraseMatcher:
    """One phrase matcher per spaCy vocabulary, built on first use."""
    key = id(doc.vocab)
    if key not in _MATCHERS:
        m = PhraseMatcher(doc.vocab, attr="LOWER")
        for phrase in vocabulary().triggers:
            m.add(phrase, [Doc(doc.vocab, words=[t.text for t in _TOKENIZER(phrase)])])
        _MATCHERS[key] = m
    return _MATCHERS[key]


def category_of(text: str) -> str | None:
    """The protest category (workers, retirees …) whose words occur first in ``text``."""
    words = set(re.findall(r"[a-z]+", text.lower()))
    for cid, cwords in vocabulary().categories:
        if words & cwords:
            return cid
    return None


def noun_type(words: str) -> str | None:
    """The act type named by a table key ("Total number of hunger strikes" → hunger_strike)."""
    v = vocabulary()
    low = words.lower()
    for phrase in sorted(v.triggers, key=len, reverse=True):
        if re.search(rf"\b{re.escape(phrase)}\b", low):
            for t in v.triggers[phrase]:
                if t.pos == "noun":
                    return t.type
    return None


def read_count(text: str) -> tuple[int | None, int | None, str] | None:
    """Bounds of the first number or vague quantity in ``text``: "more than 30,000" → (30000,
    None); "dozens" → (24, 99); "four" → (4, 4); "thirty thousand" → (30000, 30000). Years
    are not counts."""
    v = vocabulary()
    low_t = text.lower()
    for phrase, lo, hi in v.vague:
        if re.search(rf"\b{re.escape(phrase)}\b", low_t):
            return lo, hi, phrase
    words = "|".join(sorted(v.numbers, key=len, reverse=True))
    pattern = (rf"(?:(?<![\w.,])(\d[\d,]*(?:\.\d+)?)(?![\w,])|\b((?:{words})(?:[ -](?:{words}))*)"
               r"\b)(\s+(?:million|thousand))?")
    for m in re.finditer(pattern, low_t):
        if m.group(1):
            digits = m.group(1).replace(",", "")
            if "," not in m.group(1) and len(digits) == 4 and 1300 <= float(digits) <= 2100:
                continue  # a year (Gregorian or Solar Hijri)
            n = float(digits)
        else:
            n, part = 0.0, 0.0
            for w in re.split(r"[ -]", m.group(2)):
                value = v.numbers[w]
                if value in (100, 1000):
                    part = max(part, 1) * value
                    if value == 1000:
                        n, part = n + part, 0
                else:
                    part += value
            n += part
        if m.group(3):
            n *= 1_000_000 if "million" in m.group(3) else 1000
        count = int(n)
        before = re.sub(r"\s+an?$", "", low_t[max(0, m.start() - 18):m.start()].strip())
        if any(before.endswith(w) for w in v.words["lower_bound_words"]):
            return count, None, text
        if any(before.endswith(w) for w in v.words["upper_bound_words"]):
            return None, count, text
        return count, count, text
    return None


def _month_end(year: int, month: int) -> int:
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def read_date(text: str, published: str | None = None) -> tuple[str, str] | None:
    """Fallback reading of a Gregorian date expression into an ISO interval, used only when no
    date extractor ran: "July 8, 2019", "22 April 2017", "August 2019", "between July and
    September 1988", "summer of 1988", "1988". Solar Hijri and relative dates are left to the
    date extractor."""
    low = text.lower()
    years = [int(y) for y in re.findall(r"\b(19\d\d|20\d\d)\b", low)]
    months = [MONTHS[m] for m in re.findall(r"\b(" + "|".join(MONTHS) + r")\b", low)]
    if not years and months and published and published[:4].isdigit():
        pub_year, pub_month = int(published[:4]), int(published[5:7] or 12)
        years = [pub_year if months[0] <= pub_month else pub_year - 1]
    if not years:
        return None
    y = years[-1]
    season = next((s for s in SEASONS if s in low), None)
    if season and not months:
        a, b = SEASONS[season]
        return f"{y}-{a}", f"{y + (season == 'winter')}-{b}"
    if not months:
        return f"{years[0]}-01-01", f"{y}-12-31"
    days = [int(d) for d in re.findall(r"\b(\d{1,2})(?:st|nd|rd|th)?\b", low) if 0 < int(d) < 32]
    first, last = f"{years[0]}-{months[0]:02d}", f"{y}-{months[-1]:02d}"
    if days and len(days) == len(months):
        return f"{first}-{days[0]:02d}", f"{last}-{days[-1]:02d}"
    return f"{first}-01", f"{last}-{_month_end(y, months[-1]):02d}"


def date_bounds(item: Item) -> tuple[str | None, str | None]:
    """The interval of a date item, whatever the date extractor names its keys."""
    d = item.data
    for lo, hi in (("start", "end"), ("date_start", "date_end"), ("low", "high"),
                   ("gregorian_start", "gregorian_end")):
        if lo in d or hi in d:
            return d.get(lo), d.get(hi)
    return None, None


def sentence_content(text: str) -> list[str]:
    """The sentence handed down, in a few words each: "prison: five years", "lashes: 74",
    "death", "life imprisonment"."""
    low = text.lower()
    out: list[str] = []
    if re.search(r"\bto death\b|\bdeath sentences?\b|\bto execution\b", low):
        out.append("death")
    if "life imprisonment" in low or "life in prison" in low:
        out.append("life imprisonment")
    m = re.search(r"(\d+|[a-z]+)[\s-]+(years?|months?)['’]?\s*(?:in prison|"
                  r"imprisonment|prison|of prison|jail|sentence)", low)
    if m:
        out.append(f"prison: {m.group(1)} {m.group(2)}")
    m = re.search(r"(\d+|[a-z]+[- ]?[a-z]*)\s+lashes", low)
    if m:
        out.append(f"lashes: {m.group(1)}")
    elif re.search(r"\blashes\b", low):
        out.append("lashes")
    return out
