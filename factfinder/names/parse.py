"""Parsing a personal name into titles, given-name parts and one family name.

``strip_titles`` cuts titles and honorifics from the front of a name, as many as there are
("Grand Ayatollah Hossein Ali Montazeri", "Hojatoleslam Seyed Ebrahim Raisi", "Mrs. Rajavi",
"آیت‌الله خمینی"). The titles are those of ``vocab/titles.yaml`` and ``vocab/names.yaml``,
matched case-insensitively as whole words. "Seyed" and its spellings count as a title (an
honorific of descent), so "Seyed Ebrahim Raisi" and "Ebrahim Raisi" parse alike.

``parse_name`` then
  * drops parenthesised asides ("Hamid Noury (Abbasi)" -> "Hamid Noury");
  * reads "Family, Given" (a comma) as family-first;
  * joins name particles into the word they belong to: "Pour Mohammadi", "Hossein Zadeh",
    "Abdol Karim", "al Sistani" are each one part (``join_next`` / ``join_previous`` in
    ``vocab/names.yaml``); hyphenated words are one part ("Hossein-Ali", "Pour-Mohammadi");
  * takes the last part as the family name and the others as given-name parts. A single part
    is a family name only ("Raisi").

Which word is the family name is a guess from the order: reordered names ("Raisi Ebrahim") are
handled by the comparison (``compare.similarity`` tries the family-first reading too).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from factfinder.names.rules import rules
from factfinder.names.script import normalize_script, transliterate

_ASIDES = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_EDGE_PUNCT = re.compile(r"^[\"“”«»'‘’,;:]+|[\"“”«»'‘’,;:]+$")


@dataclass(frozen=True)
class ParsedName:
    original: str
    titles: tuple[str, ...]
    given: tuple[str, ...]
    family: tuple[str, ...]

    def full(self) -> str:
        """Given names and family name joined by spaces, without titles."""
        return " ".join(self.given + self.family)


@lru_cache(maxsize=1)
def _title_pattern() -> re.Pattern[str]:
    titles = sorted({normalize_script(t) for t in rules().titles}, key=len, reverse=True)
    # a title may be written with hyphens or spaces between its words and is followed by a space
    # (or the end): "Hojjat-ol-Eslam", "Grand  Ayatollah"
    alternatives = "|".join(
        r"[\s-]+".join(re.escape(word) for word in re.split(r"[\s]+", title)) for title in titles
    )
    return re.compile(rf"^(?:{alternatives})(?=[\s,]|$)[\s,]*", re.IGNORECASE)


@lru_cache(maxsize=200_000)
def _strip_titles(text: str) -> tuple[str, tuple[str, ...]]:
    rest = normalize_script(text)
    pattern = _title_pattern()
    removed: list[str] = []
    while rest:
        match = pattern.match(rest)
        if match is None or match.end() == 0:
            break
        removed.append(match.group(0).strip(" ,"))
        rest = rest[match.end() :]
    return rest.strip(), tuple(removed)


def strip_titles(text: str) -> tuple[str, list[str]]:
    """The name without its leading titles and honorifics, and the titles removed."""
    rest, removed = _strip_titles(text)
    return rest, list(removed)


def _join_particles(words: list[str]) -> list[str]:
    r = rules()
    parts: list[str] = []
    pending = ""  # a word that joins the next one ("Pour", "al-")
    for index, word in enumerate(words):
        if pending:
            word = f"{pending}{word}"
            pending = ""
        plain = transliterate(word).strip("-")
        is_last = index == len(words) - 1
        if not is_last and (word.endswith("-") or plain in r.join_next):
            pending = word if word.endswith("-") else word + " "
            continue
        if parts and (word.startswith("-") or plain in r.join_previous):
            sep = "" if word.startswith("-") else " "
            parts[-1] = f"{parts[-1]}{sep}{word}"
            continue
        parts.append(word)
    if pending:
        parts.append(pending.strip())
    return parts


def _words(text: str) -> list[str]:
    words = []
    for raw in text.split():
        word = _EDGE_PUNCT.sub("", raw)
        if word and word != "-":
            words.append(word)
    return words


@lru_cache(maxsize=200_000)
def parse_name(text: str) -> ParsedName:
    """Titles, given-name parts and family name of a personal name (see the module docstring)."""
    rest, titles = _strip_titles(text)
    rest = _ASIDES.sub(" ", rest)
    family_first: list[str] | None = None
    if "," in rest:
        head, _, tail = rest.partition(",")
        head_words, tail_words = _words(head), _words(tail.replace(",", " "))
        if head_words and tail_words and len(head_words) <= 3:
            family = _join_particles(head_words)
            given = _join_particles(tail_words)
            # "Raisi, Ebrahim": the words before the comma are the family name
            family_first = [" ".join(family)]
            return ParsedName(text, titles, tuple(given), tuple(family_first))
        rest = rest.replace(",", " ")
    parts = _join_particles(_words(rest))
    if not parts:
        return ParsedName(text, titles, (), ())
    return ParsedName(text, titles, tuple(parts[:-1]), (parts[-1],))
