"""Similarity of personal names, tolerant of romanisation, strict on conflicting names.

``part_similarity`` compares two name parts by Jaro-Winkler over their romanisation keys (see
``keys.py``): equal keys score 1.0, misspellings ("Montarezi"/"Montazeri") stay high. The
Winkler prefix bonus is given only to parts of similar length, so a name and a longer name that
starts with it ("Ali"/"Alireza") do not look alike. When either part is in Persian script,
whose short vowels are not written, the consonant skeletons are compared instead, and the long
vowels that Persian does write must fit the romanisation ("حسن" is Hassan, not Hossein: a
mismatch multiplies the score by 0.8). Keys can magnify a typo ("Shaifee"/"Shafiee"), so for
Latin parts in the grey zone the plain spellings are compared too (times ``RAW``).

``similarity`` compares whole names:

* the family names are compared, and the given names (joined, so "Ali Reza" = "Alireza", and
  also part by part, so that an extra middle name, "Ruhollah Musavi Khomeini" against "Ruhollah
  Khomeini", costs little);
* a name without given names ("Raisi", "Mrs. Rajavi") against a full one scores the family
  similarity times 0.92: high, but below an identical full name;
* a conflict, in the family name or in the given names, is penalised hard: below
  ``CONFLICT`` a part similarity ``s`` multiplies the score by ``(s / CONFLICT) ** 4``, so
  "Maryam Rajavi"/"Massoud Rajavi" and "Hassan Rouhani"/"Hossein Rouhani" fall far below any
  merge threshold;
* other readings are tried at a small discount: family name first ("Raisi Ebrahim"), and the
  last two words as one family name ("Alejo Vidal Quadras" = "Vidal-Quadras").

Everything per name is computed once and cached, so the comparison of two known names costs a
few Jaro-Winkler calls (it is meant to run as a DuckDB UDF over many pairs).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from jellyfish import jaro_similarity, jaro_winkler_similarity

from factfinder.names.keys import _key_skeleton, token_key
from factfinder.names.parse import parse_name
from factfinder.names.script import has_script, transliterate

_NON_LETTER = re.compile(r"[^a-z]+")

CONFLICT = 0.88  # below this part similarity, two parts are taken for different names
SURNAME_ONLY = 0.92  # factor for a name without given names against a full name
REORDERED = 0.97  # factor for an alternative reading (family first, two-word family)
EXTRA_GIVEN = 0.92  # factor when one side has given names the other lacks
LOW = 0.6  # below this part similarity, a conflict is clear (no further checks)
RAW = 0.97  # factor for the similarity of the plain spellings (typos the keys magnify)


@dataclass(frozen=True)
class _Reading:
    given: tuple[str, ...]  # keys (or skeletons) of the given-name parts
    given_joined: str
    family: str
    factor: float
    given_vowels: frozenset[str] = frozenset()  # vowel classes of the keys (script checks)
    family_vowels: frozenset[str] = frozenset()
    given_raw: str = ""  # the plain lower-case letters, for the misspelling fallback
    family_raw: str = ""


def _vowels(keys: tuple[str, ...], script: bool) -> frozenset[str]:
    """Vowel classes in keys; for Persian script, only the long vowels written inside a word
    (an initial alef only carries a short vowel, a final he is silent)."""
    found: set[str] = set()
    for key in keys:
        found.update(c for c in (key[1:-1] if script else key) if c in "aiue")
    return frozenset(found)


def _vowels_agree(script: frozenset[str], latin: frozenset[str]) -> bool:
    """Whether the long vowels written in Persian script fit a romanisation's vowels: a written
    ی needs an i/e in the romanisation, an ei/ai needs a ی, a written و a u, an ا an a
    (so "حسن" is not "Hossein", nor "حسین" "Hassan")."""
    latin_i = "i" in latin or "e" in latin
    script_i = "i" in script or "e" in script
    if script_i and not latin_i:
        return False
    if "e" in latin and not script_i:
        return False
    return not (("u" in script and "u" not in latin) or ("a" in script and "a" not in latin))


@dataclass(frozen=True)
class _Rep:
    script: bool
    joined: str  # all keys, no spaces
    keys: tuple[_Reading, ...]  # readings on keys; the first is the standard one
    skeletons: tuple[_Reading, ...]  # the same readings on consonant skeletons


def _readings(
    given: tuple[str, ...],
    family: str,
    keys: tuple[str, ...],
    raws: tuple[str, ...],
    script: bool,
) -> tuple[_Reading, ...]:
    """The standard reading, family-first, and two-word family; ``keys`` are the part keys
    (for the vowel checks), ``raws`` the plain spellings of the parts, ``given``/``family``
    what is compared (keys or skeletons)."""
    parts = (*given, family) if family else given

    def reading(g: tuple[str, ...], f: str, split: slice, rest: slice, factor: float) -> _Reading:
        return _Reading(
            g,
            "".join(g),
            f,
            factor,
            _vowels(keys[split], script),
            _vowels(keys[rest], script),
            "".join(raws[split]),
            "".join(raws[rest]),
        )

    n = len(given)
    out = [reading(given, family, slice(0, n), slice(n, None), 1.0)]
    if len(parts) >= 2:
        out.append(reading(parts[1:], parts[0], slice(1, None), slice(0, 1), REORDERED))
    if len(parts) >= 3:
        two = parts[-2] + parts[-1]
        out.append(reading(parts[:-2], two, slice(0, -2), slice(-2, None), REORDERED))
    return tuple(out)


@lru_cache(maxsize=200_000)
def _rep(text: str) -> _Rep:
    parsed = parse_name(text)
    pairs = [(token_key(g), _raw(g)) for g in parsed.given]
    pairs = [(k, r) for k, r in pairs if k]
    family = "".join(token_key(f) for f in parsed.family)
    family_raw = "".join(_raw(f) for f in parsed.family)
    if not family and pairs:
        family, family_raw = pairs.pop()
    given = tuple(k for k, _ in pairs)
    raws = (*(r for _, r in pairs), family_raw) if family else tuple(r for _, r in pairs)
    skel_given = tuple(_key_skeleton(k) or k for k in given)
    skel_family = _key_skeleton(family) or family
    script = has_script(parsed.full())
    keys = (*given, family) if family else given
    return _Rep(
        script=script,
        joined="".join(keys),
        keys=_readings(given, family, keys, raws, script),
        skeletons=_readings(skel_given, skel_family, keys, raws, script),
    )


def _raw(part: str) -> str:
    return _NON_LETTER.sub("", transliterate(part))


def _sim(x: str, y: str) -> float:
    if x == y:
        return 1.0 if x else 0.0
    if not x or not y:
        return 0.0
    lx, ly = len(x), len(y)
    if min(lx, ly) * 4 < max(lx, ly) * 3:
        return float(jaro_similarity(x, y))
    return float(jaro_winkler_similarity(x, y))


def _penalty(score: float) -> float:
    if score >= CONFLICT:
        return 1.0
    ratio = score / CONFLICT
    return ratio * ratio * ratio * ratio


@lru_cache(maxsize=200_000)
def _part_keys(part: str) -> tuple[str, str, bool]:
    key = token_key(part)
    return key, _key_skeleton(key) or key, has_script(part)


def part_similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two name parts ("Hossein"/"Husain" 1.0, "Hassan"/"Hossein" low)."""
    key_a, skel_a, script_a = _part_keys(a)
    key_b, skel_b, script_b = _part_keys(b)
    if script_a or script_b:
        score = _sim(skel_a, skel_b)
        if script_a != script_b:
            s_key, l_key = (key_a, key_b) if script_a else (key_b, key_a)
            if not _vowels_agree(_vowels((s_key,), True), _vowels((l_key,), False)):
                score *= 0.8
        return score
    score = _sim(key_a, key_b)
    if LOW <= score < CONFLICT:
        score = max(score, RAW * _sim(_raw(a), _raw(b)))
    return score


def _given_similarity(a: _Reading, b: _Reading, latin: bool) -> float:
    joined = _sim(a.given_joined, b.given_joined)
    if latin and LOW <= joined < CONFLICT:
        joined = max(joined, RAW * _sim(a.given_raw, b.given_raw))
    if joined >= CONFLICT or len(a.given) == len(b.given):
        return joined
    short, long = (a.given, b.given) if len(a.given) < len(b.given) else (b.given, a.given)
    # every given name of the shorter side, in order, against the longer side's
    total, start = 0.0, 0
    for part in short:
        best, best_at = 0.0, start
        for index in range(start, len(long)):
            score = _sim(part, long[index])
            if score > best:
                best, best_at = score, index
        total += best
        start = best_at + 1
    return max(joined, total / len(short) * EXTRA_GIVEN)


def _score(a: _Reading, b: _Reading, check: int = 0, latin: bool = True) -> float:
    """``check``: 1 when ``a`` is Persian script and ``b`` Latin, 2 the other way round;
    ``latin``: both are in Latin script (their plain spellings can be compared)."""
    family = _sim(a.family, b.family)
    if latin and LOW <= family < CONFLICT:
        family = max(family, RAW * _sim(a.family_raw, b.family_raw))
    persian, roman = (a, b) if check == 1 else (b, a)
    if (
        check
        and family > 0.8 * CONFLICT
        and not _vowels_agree(persian.family_vowels, roman.family_vowels)
    ):
        family *= 0.8
    factor = a.factor * b.factor
    if not a.given or not b.given or family < LOW:
        # a clear family-name conflict: the given names cannot make up for it
        score = family * _penalty(family) * factor
        return score * SURNAME_ONLY if (a.given or b.given) else score
    given = _given_similarity(a, b, latin)
    if (
        check
        and given > 0.8 * CONFLICT
        and not _vowels_agree(persian.given_vowels, roman.given_vowels)
    ):
        given *= 0.8
    score = (0.55 * family + 0.45 * given) * _penalty(family) * _penalty(given)
    return score * factor


def similarity(a: str, b: str) -> float:
    """Similarity in [0, 1] of two personal names (see the module docstring)."""
    ra, rb = _rep(a), _rep(b)
    if not ra.joined or not rb.joined:
        return 0.0
    check = 0
    latin = not (ra.script or rb.script)
    if not latin:
        readings_a, readings_b = ra.skeletons, rb.skeletons
        if ra.script != rb.script:
            check = 1 if ra.script else 2
    else:
        readings_a, readings_b = ra.keys, rb.keys
    first_a, first_b = readings_a[0], readings_b[0]
    best = _score(first_a, first_b, check, latin)
    if best >= 0.95:
        return best
    if ra.joined == rb.joined and len(readings_a) + len(readings_b) > 2:
        best = max(best, 0.98)  # the same words, split differently ("Vidal Quadras")
    for reading in readings_b[1:]:
        best = max(best, _score(first_a, reading, check, latin))
    for reading in readings_a[1:]:
        best = max(best, _score(reading, first_b, check, latin))
    return min(best, 1.0)
