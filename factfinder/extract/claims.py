"""Numeric claims: numbers about people and events, with their words, bounds and claimant.

"More than 30,000 political prisoners were executed" is not a fact but a claim: someone says it,
with words that bound the number. Each claim keeps

* its span: the number expression with its qualifier ("more than 30,000", "between 2,800 and
  3,800", "tens of thousands", "some 5.2 million");
* the bounds the words imply (``low``/``high``, null when open) under the rules written in
  ``vocab/quantities.yaml`` — "more than N" → low N; "up to N" → high N; "about N" → low = high
  = N, approximate; vague words get the bounds the sample's ground truth uses and ACLED's
  conservative figure besides;
* what is counted (the noun phrase the number counts, lower-case and plural: "political
  prisoners"), the predicate (the base form of the verb that governs it, or the verb of an act
  noun: "the massacre of 30,000" → "massacre"), time and place from the date and mention items
  in the same clause, the original words ("more than 30,000 political prisoners");
* the claimant: the speaker of an enclosing quotation, else the source of an enclosing indirect
  attribution ("according to X", "X said that …", "the report found …"), else the publisher.

Not claims: years, dates, ages, durations, measurements, money, identifiers ("EDM 2333", "Ward
209"), ordinals, list numbers, hyphenated modifiers ("a four-man commission"), the word "one",
comparisons ("50 more than"), numbers inside titles of works, counts of things that are neither
people, events, places nor tallies ("36 articles"), and a definite re-mention of a number the
document already stated ("The 21 Nobel laureates"). The lists live in ``quantities.yaml``.

Candidates are found with one regular expression over the text; only they touch the parse.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from spacy.tokens import Doc, Token

from factfinder.extract import quotes as quote_extractor
from factfinder.extract.attribution import SUBJ, Reader, base_form
from factfinder.extract.base import Context, Item
from factfinder.extract.narrator import first_person_source

VOCAB = Path(__file__).resolve().parent.parent / "vocab" / "quantities.yaml"
MONTHS = re.compile(r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?$|"
                    r"(?:farvardin|ordibehesht|khordad|tir|mordad|shahrivar|mehr|aban|azar|dey"
                    r"|bahman|esfand)$", re.I)
PHONE = re.compile(r"(?<![\w,.])\+?\(?\d{1,4}\)?(?:[ \-]\(?\d{1,4}\)?){2,}(?![\w,])")
SKIP_DET = frozenset({"the", "its", "their", "his", "her", "these", "those", "our", "all", "a",
                      "an", "this", "that", "my", "your", "both"})


@dataclass(frozen=True)
class Quantities:
    """The vocabulary of ``quantities.yaml`` and the expressions built from it, loaded once."""

    raw: dict[str, Any]
    vague: dict[str, dict[str, int]]
    qualifiers: dict[str, str]  # phrase → kind
    numbers: dict[str, int]
    scales: dict[str, int]
    words: dict[str, frozenset[str]]
    number: re.Pattern[str]
    qualifier: re.Pattern[str]
    age_before: re.Pattern[str]
    rate_before: re.Pattern[str]
    label: re.Pattern[str]
    percent: re.Pattern[str]


def _alt(phrases: list[str]) -> str:
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in sorted(phrases, key=len,
                                                                          reverse=True))


@lru_cache(maxsize=1)
def quantities() -> Quantities:
    raw: dict[str, Any] = yaml.safe_load(VOCAB.read_text(encoding="utf-8"))
    vague = {str(k).lower(): v for k, v in raw["vague"].items()}
    quals = {str(p).lower(): kind for kind, ps in raw["qualifiers"].items() for p in ps}
    numbers = {**raw["units"], **raw["tens"]}
    scales = dict(raw["scales"])
    nw = _alt(list(numbers) + list(scales))
    word_num = (rf"(?:(?:a|an)\s+(?=(?:{_alt(list(scales) + ['dozen'])})\b))?(?:{nw})"
                rf"(?:(?:\s+and\s+|\s+|-)(?:{nw}))*")
    digits = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
    number = re.compile(
        rf"(?<![\w.,])(?:(?P<vague>{_alt(list(vague))})|(?P<digits>{digits})"
        rf"(?:\s+(?P<scale>{_alt(list(scales))})\b)?|(?P<words>{word_num}))(?![\w])", re.I)
    sets = ("time_units", "measure_units", "currency_words", "object_nouns", "identifier_words",
            "definite", "title_cues", "relational_heads", "percent", "comparative_after",
            "claim_verbs")
    return Quantities(
        raw=raw, vague=vague, qualifiers=quals, numbers=numbers, scales=scales,
        words={k: frozenset(str(w).lower() for w in raw[k]) for k in sets},
        number=number,
        qualifier=re.compile(rf"(?<![\w-])(?P<q>{_alt(list(quals))})\s+$", re.I),
        age_before=re.compile(rf"\b(?:{_alt(raw['age_before'])})\s+$", re.I),
        rate_before=re.compile(rf"\b(?:{_alt(raw['rate_before'])})\s+$", re.I),
        label=re.compile(raw["label_pattern"], re.I),
        percent=re.compile(rf"\s*(?:{_alt([str(p) for p in raw['percent']])})(?!\w)", re.I),
    )


def candidates_any(text: str, q: Quantities) -> bool:
    return q.number.search(text) is not None


def word_value(words: str, q: Quantities) -> int | None:
    """ "thirty thousand" → 30000, "a hundred thousand" → 100000, "two dozen" → 24."""
    total, current, seen = 0, 0, False
    for w in re.split(r"[\s-]+", words.lower()):
        if w in ("and", ""):
            continue
        if w in ("a", "an"):
            current = max(current, 1)
        elif w == "dozen":
            current, seen = max(current, 1) * 12, True
        elif w in q.numbers:
            current, seen = current + q.numbers[w], True
        elif w == "hundred":
            current, seen = max(current, 1) * 100, True
        elif w in q.scales:
            total, current, seen = total + max(current, 1) * q.scales[w], 0, True
    return total + current if seen else None


@dataclass
class Cand:
    start: int  # the expression, qualifier included
    end: int
    num_start: int
    low: float | None
    high: float | None
    qualifier: str  # exact | more_than | at_least | at_most | approximate | range | vague
    qualifier_words: str | None
    value: float
    is_words: bool
    unit: str | None = None
    conservative: int | None = None


def _num(m: re.Match[str], q: Quantities) -> tuple[float, str, int | None] | None:
    """(value, kind, ACLED figure) of one number match: kind is "vague", "digits" or "words"."""
    if m.group("vague"):
        v = q.vague[" ".join(m.group("vague").lower().split())]
        return float(v["low"]), "vague", v.get("conservative")
    if m.group("digits"):
        val = float(m.group("digits").replace(",", ""))
        if m.group("scale"):
            val *= q.scales[m.group("scale").lower()]
        return val, "digits", None
    got = word_value(m.group("words"), q)
    return (float(got), "words", None) if got is not None else None


# Words after a number, in its clause, that open its upper bound ("hundreds, perhaps more").
OPEN_ABOVE = re.compile(r",\s*(?:perhaps|possibly|probably|maybe|if not|or even|and likely)\s+"
                        r"(?:many\s+|far\s+|even\s+)?more\b|\bor more\b", re.I)


def candidates(text: str, q: Quantities) -> list[Cand]:
    """Number expressions with their qualifiers and bounds, before any filtering by context."""
    out: list[Cand] = []
    matches = list(q.number.finditer(text))
    skip = set()
    for k, m in enumerate(matches):
        if k in skip:
            continue
        got = _num(m, q)
        if got is None:
            continue
        value, kind, cons = got
        s, e = m.span()
        if kind == "vague" and k and matches[k - 1].end() >= s - 1 and _num(
                matches[k - 1], q) and text[matches[k - 1].end():s].strip() == "":
            continue  # "15,000 thousands": a typo, the digits carry the number
        if kind == "vague":
            v = q.vague[" ".join(m.group("vague").lower().split())]
            c = Cand(s, e, s, float(v["low"]), float(v["high"]), "vague", None, value,
                     False, conservative=cons)
        else:
            c = Cand(s, e, s, value, value, "exact", None, value, kind == "words")
        # ranges: "between 2,800 and 3,800", "from 5 to 10", "2,800–3,800"
        if k + 1 < len(matches) and kind != "vague":
            n = matches[k + 1]
            gap = text[e:n.start()]
            before = text[max(0, s - 9):s].lower()
            joined = re.fullmatch(r"\s+(?:and|to)\s+", gap) and re.search(
                r"\b(?:between|from)\s+$", before) or (gap in ("-", "–", "—") and kind == "digits")
            nxt = _num(n, q)
            if joined and nxt is not None and nxt[1] != "vague" and nxt[0] > value:
                c.end, c.high, c.qualifier = n.end(), nxt[0], "range"
                skip.add(k + 1)
                bm = re.search(r"\b(?:between|from)\s+$", before)
                if bm:
                    c.start = s - (len(before) - bm.start())
                    c.qualifier_words = text[c.start:s].strip()
        pre = q.qualifier.search(text, max(0, c.start - 40), c.start)
        if pre and c.qualifier != "range":
            kind_q = q.qualifiers[" ".join(pre.group("q").lower().split())]
            c.qualifier_words = pre.group("q")
            c.start = pre.start("q")
            if kind_q in ("more_than", "at_least"):
                c.high = None
            elif kind_q == "at_most":
                c.low = None
            elif kind_q == "approximate" and c.qualifier == "vague":
                kind_q = "vague"
            c.qualifier = kind_q
        tail = re.split(r"[.;:!?\n]", text[c.end:c.end + 80], maxsplit=1)[0]
        if c.high is not None and c.qualifier != "at_most" and OPEN_ABOVE.search(tail):
            c.high = None  # "hundreds of prisoners from X, perhaps more": no upper bound
        after = q.percent.match(text, c.end)
        if after:
            c.end = after.end()
            c.unit = "percent"
        out.append(c)
    return out


# -- what is not a count -------------------------------------------------------------------------


def _prev_word(text: str, pos: int) -> str:
    m = re.search(r"([\w’'.]+)[^\w\n]*$", text[max(0, pos - 30):pos])
    return m.group(1).lower() if m else ""


def _next_words(text: str, pos: int, n: int = 2) -> list[str]:
    return [w.lower() for w in re.findall(r"[\w’'%-]+", text[pos:pos + 40])[:n]]


def _headline_line(text: str, pos: int) -> bool:
    ls = text.rfind("\n", 0, pos) + 1
    le = text.find("\n", pos)
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text[ls:le if le >= 0 else len(text)])
             if len(w) > 3]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) / len(words) > 0.6


def not_a_count(text: str, c: Cand, q: Quantities, dates: list[tuple[int, int]]) -> bool:
    """Context that makes a number something other than a count (see the module docstring)."""
    s, e = c.num_start, c.end
    body = text[s:e]
    if any(a < e and s < b for a, b in dates):
        return True
    nxt = text[e:e + 2]
    if nxt[:1] in "-‑/:" or nxt[:1] == "." and nxt[1:2].isdigit():
        return True  # "four-man", "1367/05/12", "10:30"
    if re.match(r"(?:st|nd|rd|th|s)\b", nxt) and body[-1:].isdigit():
        return True  # "21st", "the 1990s"
    if s > 1 and text[s - 1] in "-/+#№" and text[s - 2].isalnum():
        return True  # "P5+1", "A/72/322"
    w0 = max(0, s - 20)
    for ph in PHONE.finditer(text, w0, e + 20):
        if ph.start() <= s and e <= ph.end() and len(re.sub(r"\D", "", ph.group())) >= 7:
            return True  # a phone number
    if s and text[s - 1] in "".join(q.raw["currency_symbols"]) or s > 1 and text[
            s - 2] in "".join(q.raw["currency_symbols"]):
        return True
    nums = re.findall(r"[\d,.]+", body)
    if c.qualifier in ("exact", "range") and not c.is_words and c.unit is None and nums and all(
            re.fullmatch(r"1[3-9]\d\d|20\d\d", n) for n in nums):
        return True  # a year or a span of years (Gregorian or Solar Hijri)
    if c.is_words and body.strip().lower() in ("one", "zero"):
        return True
    prev = _prev_word(text, c.start)
    after = _next_words(text, e, 3)
    if re.search(r"[A-Za-z]\.? +$", text[max(0, c.start - 3):c.start]) and MONTHS.match(
            prev) or (after and re.match(r" +\w", text[e:e + 2]) and MONTHS.match(after[0])):
        return True  # "June 22", "22 July"
    if after and (after[0] in q.words["time_units"] or after[0] in q.words["measure_units"]
                  or after[0] in q.words["currency_words"] or after[0] in ("am", "pm", "a.m.")):
        return True
    rest = " ".join(after)
    if any(rest.startswith(w) for w in q.words["comparative_after"]) or any(
            text[e:e + 12].lower().startswith(a) for a in q.raw["age_after"]):
        return True
    if q.age_before.search(text[max(0, c.start - 25):c.start]) or q.rate_before.search(
            text[max(0, c.start - 25):c.start]):
        return True
    if c.qualifier_words is None and prev in q.words["identifier_words"]:
        return True
    ls = text.rfind("\n", 0, c.start) + 1
    if not text[ls:c.start].strip() and re.match(r"[.)]\s", nxt):
        return True  # list numbering
    last = re.search(r"(\S+)(\s+)$", text[ls:c.start])
    word = last.group(1) if last else ""
    named = c.qualifier_words is None and word[:1].isupper() and word[-1:].isalnum() \
        and word.lower() not in q.qualifiers and not re.search(
            r"[.!?:;]\s*\S+\s+$", text[ls:c.start]) and text[ls:c.start].strip() != word
    # "Ashraf 3", "EDM 2333": a name before the number (in a headline, only with no noun after)
    return named and (not _headline_line(text, c.start) or not after or after[0] in (
        "home", "in", "on", "at") or not after[0].endswith("s"))


def _in_title(text: str, c: Cand, q: Quantities, raws: list[quote_extractor.Raw]) -> bool:
    """A number in the title of a work: quoted Title-Case words, or after "entitled"."""
    for r in raws:
        if r.start <= c.start < r.end:
            words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text[r.start:r.end]) if len(w) > 3]
            if words and sum(w[0].isupper() for w in words) / len(words) >= 0.75:
                return True
    ls = max(text.rfind("\n", 0, c.start), text.rfind(".", 0, c.start)) + 1
    cues = list(re.finditer(r"\b(?:" + "|".join(q.words["title_cues"]) + r")\b",
                            text[ls:c.start], re.I))
    if not cues:
        return False
    m = cues[-1]
    between = re.findall(r"[A-Za-z][\w’'-]*", text[ls + m.end():c.start])
    return all(w[0].isupper() or len(w) <= 3 for w in between)


# -- what is counted, the predicate, the claimant -----------------------------------------------


class ClaimExtractor:
    """Numeric claims with bounds, what is counted, predicate, time, place and claimant."""

    name = "claims"
    version = "1"

    def __call__(self, doc: Doc, ctx: Context, found: dict[str, list[Item]]) -> list[Item]:
        q = quantities()
        text = ctx.text
        said = found["quote"] if "quote" in found else quote_extractor.EXTRACTOR(doc, ctx, found)
        dates = [(d.start, d.end) for d in found.get("date", [])]
        raws, _ = quote_extractor.scan(text)
        reader = Reader(doc, ctx, found)
        starts = reader.starts
        sents = [(x.start_char, x.end_char) for x in doc.sents] if candidates_any(text, q) else []
        reader.quoted = [(p[0], p[1]) for it in said if it.data.get("direct")
                         for p in it.data.get("parts") or []]
        items: list[Item] = []
        seen: set[float] = set()
        for c in candidates(text, q):
            if not_a_count(text, c, q, dates) or _in_title(text, c, q, raws):
                continue
            prev = _prev_word(text, c.start)
            if prev in q.words["definite"] and (c.value in seen or (
                    c.is_words and c.value <= 10)):
                continue  # "The 21 Nobel laureates": said before
            toks = _tokens(doc, starts, c.num_start, c.end)
            if not toks:
                continue
            counted, head, via_of = self.counted(doc, text, toks, c, q)
            if counted is False:
                continue
            if counted is None and c.is_words and c.value <= 10:
                continue  # "and two, why …": an enumeration, not a count
            anchor = toks[-1] if via_of or head is None else head
            verb, predicate = self.predicate(anchor, q)
            if verb is not None and text.count("\n", min(verb.idx, c.start),
                                               max(verb.idx, c.start)):
                verb, predicate = None, None  # the parse ran across a line break
            seen.add(c.value)
            claimant, source = self.claimant(said, c, ctx)
            if source == "publisher":
                claimant, source = self.reported_by(reader, toks[0], verb, q) or (
                    claimant, source)
            date, place = self.when_where(doc, text, found, sents, c)
            end = head.idx + len(head.text) if head is not None and head.idx >= c.end else c.end
            conf = 0.9 - (0.2 if counted is None else 0) - (0.1 if predicate is None else 0)
            items.append(Item(
                kind="claim", start=c.start, end=c.end, text=text[c.start:c.end], label=None,
                confidence=round(max(conf, 0.4), 2), data={
                    "low": _int(c.low), "high": _int(c.high),
                    "approximate": c.qualifier == "approximate", "counted": counted,
                    "predicate": predicate, "claimant": claimant, "claimant_source": source,
                    "qualifier": c.qualifier, "qualifier_words": c.qualifier_words,
                    "original": text[c.start:end], "unit": c.unit,
                    "conservative": c.conservative,
                    "date_start": date[0] if date else None,
                    "date_end": date[1] if date else None, "place": place}))
        return items

    @staticmethod
    def counted(doc: Doc, text: str, toks: list[Token], c: Cand, q: Quantities
                ) -> tuple[str | None | bool, Token | None, bool]:
        """(what is counted, its head token, whether it came through "of"); False when the
        head is something that is not counted here (a duration, a measure, an object)."""
        i = toks[-1].i + 1
        via_of = False
        if c.unit == "percent":
            while i < len(doc) and doc[i].lower_ in ("percent", "per", "cent", "%"):
                i += 1
        if i + 1 < len(doc) and doc[i].lower_ in q.vague and doc[i + 1].lower_ == "of":
            i += 1  # "Nearly 15,000 thousands of supporters"
        if i < len(doc) and doc[i].lower_ == "of":
            via_of, i = True, i + 1
            while i < len(doc) and doc[i].lower_ in SKIP_DET:
                i += 1
        np = _noun_phrase(doc, i)
        if not np:
            label = q.label.search(text[text.rfind("\n", 0, c.start) + 1:c.start])
            if label:
                return " ".join(label.group(1).lower().split()), None, False
            return None, None, via_of
        head = np[-1]
        words = q.words
        low = head.lower_
        if low in words["time_units"] or low in words["measure_units"] or low in words[
                "object_nouns"] or low in words["currency_words"]:
            return False, None, via_of
        np = _with_conjuncts(doc, np)
        last = np[-1]
        if (head.lower_ in words["relational_heads"] or last.lower_ in words[
                "relational_heads"]) and last.i + 1 < len(doc) and doc[last.i + 1].lower_ == "of":
            j = last.i + 2
            while j < len(doc) and doc[j].lower_ in ("the", "a", "an"):
                j += 1
            of_np = _noun_phrase(doc, j)
            if of_np:
                np = [*np, doc[last.i + 1], *of_np]
        phrase = text[np[0].idx:np[-1].idx + len(np[-1].text)]
        phrase = re.sub(r"^.*?[’']s?\s+", "", phrase) if re.search(r"[’']s?\s", phrase) and \
            head.i > np[0].i and not head.lower_.startswith("'") else phrase
        phrase = " ".join(phrase.lower().split())
        if head.tag_ in ("NN", "NNP") and np[-1] is head and c.value != 1:
            plural = q.raw["irregular_plurals"].get(head.lower_)
            if plural is None:
                plural = head.lower_[:-1] + "ies" if re.search(r"[^aeiou]y$", head.lower_) \
                    else head.lower_ + ("es" if re.search(r"(?:s|x|z|ch|sh)$", head.lower_)
                                        else "s")
            phrase = phrase[: len(phrase) - len(head.lower_)] + plural
        return phrase, head, via_of

    @staticmethod
    def predicate(t: Token, q: Quantities) -> tuple[Token | None, str | None]:
        """The governing verb's base form, or the verb of the act noun the count belongs to."""
        acts: dict[str, str] = q.raw["act_nouns"]
        for _ in range(8):
            dep = t.dep_
            if dep in ("nsubj", "nsubjpass", "dobj", "attr", "oprd", "dative", "npadvmod",
                       "csubj") and t.head.pos_ in ("VERB", "AUX"):
                v = t.head
                return v, ("be" if v.pos_ == "AUX" and base_form(v.text, v.tag_) in (
                    "be", "'s", "’s") else base_form(v.text, v.tag_))
            if dep == "pobj":
                g = t.head.head
                if g.lower_ in acts:
                    return g, acts[g.lower_]
                if g.pos_ in ("VERB", "AUX") and g.dep_ != "amod":
                    return g, base_form(g.text, g.tag_) if g.pos_ == "VERB" else "be"
                t = g
                continue
            if dep == "ROOT":
                if t.pos_ == "VERB":
                    return t, base_form(t.text, t.tag_)
                return None, None
            if t.head.lower_ in acts and t.head.pos_ == "NOUN" and dep in ("compound", "nmod"):
                return t.head, acts[t.head.lower_]
            if t.head is t:
                return None, None
            t = t.head
        return None, None

    @staticmethod
    def claimant(said: list[Item], c: Cand, ctx: Context) -> tuple[str | None, str]:
        """The speaker of the innermost quotation holding the number, else the source of the
        attribution holding it, else the publisher."""
        best: tuple[int, Item] | None = None
        for it in said:
            for s, e in it.data.get("parts") or [[it.start, it.end]]:
                if s <= c.num_start and c.end <= e:
                    rank = (0 if it.data.get("direct") else 1) * 10**9 + (e - s)
                    if best is None or rank < best[0]:
                        best = (rank, it)
        if best is not None:
            it = best[1]
            return it.data.get("speaker"), "quote" if it.data.get("direct") else "attribution"
        told = first_person_source(ctx.text, c.start, c.end)
        return (told, "narrator") if told else (ctx.publisher, "publisher")

    @staticmethod
    def reported_by(r: Reader, tok: Token, verb: Token | None, q: Quantities
                    ) -> tuple[str | None, str] | None:
        """A source the sentence names for the count: the speaker of a reporting verb whose
        clause holds it ("X said that 38 people …", "…, the report found"), or the subject of
        a verb of counting ("the NRCA puts the number at …", "AHRDC has identified 1,127 …")."""
        line = r.text.rfind("\n", 0, tok.idx) + 1
        child, t = tok, tok.head
        that = False  # a "that" on the way up: "told the agency ARNA that 11 people …"
        for _ in range(10):
            if t.idx < line:
                break
            that = that or any(c.dep_ == "mark" and c.lower_ == "that" for c in child.children)
            cues = [t] if (child.dep_ in ("ccomp", "advcl") or that) and t.i < child.i else []
            cues += [c for c in t.children if c.dep_ == "parataxis" and c.i != child.i]
            for cue in cues:
                if cue.tag_.startswith("VB") and base_form(cue.text, cue.tag_) in r.lex.indirect \
                        and r.is_cue(cue, weak_ok=False):
                    got = r.cue_of(cue)
                    if got is not None and got.speaker:
                        return got.speaker, "attribution"
            if t.head is t:
                break
            child, t = t, t.head
        if verb is not None and base_form(verb.text, verb.tag_) in q.words["claim_verbs"]:
            subj = next((c for c in verb.children if c.dep_ in SUBJ), None)
            if subj is not None and subj.lower_ in r.lex.words["relative_pronouns"] \
                    and verb.dep_ == "relcl":
                subj = verb.head  # "AHRDC, which has documented …"
            subj = r.on_line(subj, verb) if subj is not None else None
            if subj is not None and subj.lower_ not in r.lex.words["author_pronouns"]:
                name, _ = r.name_of(subj)
                if name:
                    return name, "attribution"
        return None

    @staticmethod
    def when_where(doc: Doc, text: str, found: dict[str, list[Item]],
                   sents: list[tuple[int, int]], c: Cand
                   ) -> tuple[tuple[str, str] | None, str | None]:
        """The date and the place stated with the count: in its sentence (the parse of web text
        is too often wrong to trust a smaller clause) and its line, the nearest to the number."""
        k = bisect.bisect_right(sents, (c.start, len(text) + 1)) - 1
        lo, hi = sents[k] if k >= 0 else (c.start, c.end)
        ls, le = text.rfind("\n", 0, c.start) + 1, text.find("\n", c.end)
        lo, hi = max(min(lo, c.start), ls), min(max(hi, c.end), le if le >= 0 else len(text))
        date = None
        dates = [d for d in found.get("date", [])
                 if lo <= d.start and d.end <= hi and d.data.get("date_start")]
        if dates:
            d = min(dates, key=lambda x: abs(x.start - c.start))
            date = (str(d.data["date_start"]), str(d.data.get("date_end") or
                                                    d.data["date_start"]))
        places = [(abs(m.start - c.start), str(m.data.get("normalized") or m.text))
                  for m in found.get("mention", [])
                  if m.label in ("PLACE", "GPE", "LOC", "FAC") and lo <= m.start and m.end <= hi]
        if not found.get("mention"):
            places = [(abs(e.start_char - c.start), e.text) for e in doc.ents
                      if e.label_ in ("GPE", "LOC", "FAC") and lo <= e.start_char
                      and e.end_char <= hi]
        place = min(places)[1] if places else None
        return date, place


def _tokens(doc: Doc, starts: list[int], s: int, e: int) -> list[Token]:
    i = max(0, bisect.bisect_right(starts, s) - 1)
    out = []
    while i < len(doc) and doc[i].idx < e:
        if doc[i].idx + len(doc[i].text) > s:
            out.append(doc[i])
        i += 1
    return out


def _noun_phrase(doc: Doc, i: int) -> list[Token]:
    """The modifiers and noun that follow position ``i`` ("political prisoners", "MEK's
    members", "Iraqi Shiites"), up to the line's end."""
    np: list[Token] = []
    while i < len(doc):
        t = doc[i]
        if "\n" in t.text or (np and t.is_sent_start):
            break
        if t.pos_ in ("ADJ", "NOUN", "PROPN") or t.tag_ in ("VBN", "VBG") and t.dep_ in (
                "amod", "compound") or t.text in ("-", "’s", "'s", "’") and np:
            np.append(t)
            i += 1
            continue
        break
    while np and (np[-1].pos_ not in ("NOUN", "PROPN") or np[-1].text in ("-", "’s", "'s")):
        np.pop()
    return np


def _with_conjuncts(doc: Doc, np: list[Token]) -> list[Token]:
    """ "members and supporters", "cities, villages, and industrial regions"."""
    head = np[-1]
    i = head.i + 1
    out = list(np)
    while i + 1 < len(doc) and doc[i].text in (",", "and", "or") and "\n" not in doc[i].text:
        j = i
        while j < len(doc) and doc[j].text in (",", "and", "or"):
            j += 1
        more = _noun_phrase(doc, j)
        if not more or not any(t.dep_ == "conj" for t in more):
            break
        out = [*out, *doc[i:j], *more]
        i = more[-1].i + 1
    return out


def _int(v: float | None) -> int | float | None:
    if v is None:
        return None
    return int(v) if float(v).is_integer() else v


EXTRACTOR = ClaimExtractor()
