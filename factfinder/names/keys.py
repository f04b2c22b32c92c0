"""Romanisation-equivalence keys, consonant skeletons and blocking keys.

``token_key`` gives one name part a key that is the same for its usual romanisations:

1. transliterate (Persian script -> Latin letters; Latin -> lower-case ASCII, no apostrophes);
2. ``particles`` of ``vocab/names.yaml`` ("Abd-ol-", "Abdul", "al-"), then hyphens and spaces go:
   "Pour-Mohammadi", "Pour Mohammadi" and "Pourmohammadi" become one word;
3. doubled consonants collapse ("Hosseini" = "Hoseini", "Nayyeri" = "Nayeri");
4. ordered ``rewrites``: kh -> x, gh/q -> q, sh -> S, ch -> C, zh -> Z, w -> v, -zadeh/-zade ->
   zade, Pour/Poor/Pur -> pur, Mohammed -> mohammad, ...;
5. every vowel run becomes one vowel class: a; e/i -> i; o/u/ou/oo -> u; runs such as ei/ey/ai/
   ae/aee/aei -> e ("Hossein" = "Husain" = "Husayn" -> ``husen``), ee/ii/ie -> i ("Shafiee" =
   "Shafii" = "Shafi");
6. ``final_rewrites`` (doubled classes collapse again).

Keys are deliberately lossy, but keep the vowel classes, so that "Hassan" (``hasan``) and
"Hossein" (``husen``) stay apart. ``skeleton`` drops the vowel classes as well (and "y"): it is
what Persian-script names, written without short vowels, can be compared on ("محمد" -> ``mhmd``
= skeleton of "Mohammad"), and what the blocking keys are made of.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from factfinder.names.parse import parse_name
from factfinder.names.rules import rules
from factfinder.names.script import transliterate

_NON_LETTER = re.compile(r"[^a-zA-Z]+")
_DOUBLED = re.compile(r"(.)\1+")
_DOUBLED_CONSONANT = re.compile(r"([^aeiou])\1+")
_VOWEL_RUN = re.compile(r"[aeiou]+")
_SKELETON_DROP = re.compile(r"[aeiouy]+")


@dataclass(frozen=True)
class NameKeys:
    given: tuple[str, ...]
    family: str
    full: str
    sorted_full: str
    blocking: tuple[str, ...]


def _vowel_class(run: str) -> str:
    r = rules()
    if len(run) == 1:
        return r.vowel_classes.get(run, run)
    exact = r.vowel_runs.get(run)
    if exact is not None:
        return exact
    letters = set(run)
    if letters <= {"o", "u"}:
        return "u"
    if letters <= {"a"}:
        return "a"
    if letters <= {"e", "i"}:
        # ei/ey is the diphthong (Hossein, Khamenei); ee/ii/ie/iee a long i (Shafiee, Shafii)
        return "e" if run.startswith("ei") else "i"
    if letters <= {"a", "e", "i"} and run[0] == "a":
        return "e"  # ai/ae/aee/aei: Husain, Raisi/Raeesi, Saeed/Saeid
    classes = [r.vowel_classes.get(c, c) for c in run]
    return _DOUBLED.sub(r"\1", "".join(classes))


@lru_cache(maxsize=200_000)
def token_key(part: str) -> str:
    """Romanisation-equivalence key of one name part (see the module docstring)."""
    r = rules()
    text = transliterate(part)
    for pattern, replacement in r.particles:
        text = pattern.sub(replacement, text)
    text = _NON_LETTER.sub("", text).lower()
    text = _DOUBLED_CONSONANT.sub(r"\1", text)
    for pattern, replacement in r.rewrites:
        text = pattern.sub(replacement, text)
    text = _VOWEL_RUN.sub(lambda m: _vowel_class(m.group(0)), text)
    for pattern, replacement in r.final_rewrites:
        text = pattern.sub(replacement, text)
    return text


@lru_cache(maxsize=200_000)
def _key_skeleton(key: str) -> str:
    return _DOUBLED.sub(r"\1", _SKELETON_DROP.sub("", key))


@lru_cache(maxsize=200_000)
def skeleton(text: str) -> str:
    """Consonant skeleton of a name or a name part: the keys of its words without vowels,
    joined ("Mohammad Reza" -> ``mhmdrz``, the same as for "محمد رضا")."""
    keys = "".join(token_key(word) for word in text.split())
    return _key_skeleton(keys)


def _block(prefix: str, first: str, second: str = "") -> str:
    return f"{prefix}:{first}{second}"


@lru_cache(maxsize=200_000)
def name_keys(text: str) -> NameKeys:
    """Keys of a personal name: per-part keys, whole-name keys and blocking keys."""
    parsed = parse_name(text)
    given = tuple(token_key(g) for g in parsed.given)
    family = "".join(token_key(f) for f in parsed.family)
    parts = [k for k in (*given, family) if k]
    full = " ".join(parts)
    sorted_full = " ".join(sorted(parts))
    blocks: list[str] = []
    fam_skel = _key_skeleton(family) or family
    if fam_skel:
        blocks.append(_block("f", fam_skel[:4]))
    if given:
        first_skel = _key_skeleton(given[0]) or given[0]
        blocks.append(_block("gf", first_skel[:3], fam_skel[:3]))
        # the family-first reading: the first word is the family name, the next a given name
        if len(parts) >= 2:
            second_skel = _key_skeleton(parts[1]) or parts[1]
            blocks.append(_block("f", first_skel[:4]))
            blocks.append(_block("gf", second_skel[:3], first_skel[:3]))
    if not blocks and text.strip():
        blocks.append(_block("t", transliterate(text).replace(" ", "")[:4]))
    return NameKeys(
        given=given,
        family=family,
        full=full,
        sorted_full=sorted_full,
        blocking=tuple(dict.fromkeys(blocks)),
    )
