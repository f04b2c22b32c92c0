"""Name comparison for entity resolution, through ``factfinder.names``.

The romanisation rules live in ``factfinder.names`` and nowhere else. While that package is not
installed (an older checkout), the resolver falls back to exact, case-folded comparison: names
still join when written alike, spelling variants no longer do.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import Any

_names: Any
try:  # pragma: no cover - which branch runs depends on the checkout
    import factfinder.names as _names

    if not hasattr(_names, "similarity"):  # a package still being written
        _names = None
except ImportError:  # pragma: no cover
    _names = None

_WORD = re.compile(r"[^\W_]+", re.UNICODE)


def available() -> bool:
    return _names is not None


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=65536)
def parts(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(given names, family names) of a person's name, titles removed."""
    if _names is not None:
        parsed: Any = _names.parse_name(text)
        return tuple(parsed.given), tuple(parsed.family)
    words = _WORD.findall(text)
    if len(words) <= 1:
        return (), tuple(words)
    return tuple(words[:-1]), (words[-1],)


@lru_cache(maxsize=65536)
def part_key(part: str) -> str:
    """The key of one name part (spelling variants share it)."""
    if _names is not None:
        return str(_names.token_key(part))
    return "".join(_WORD.findall(_fold(part)))


@lru_cache(maxsize=65536)
def full_key(text: str) -> str:
    """The key of a whole name: spelling variants and hyphenation share it."""
    if _names is not None:
        return str(_names.name_keys(text).full)
    given, family = parts(text)
    return " ".join(part_key(p) for p in (*given, *family))


@lru_cache(maxsize=65536)
def family_key(text: str) -> str:
    """The key of the family name (the last family part when there are several)."""
    given, family = parts(text)
    fam = family or given
    return part_key(fam[-1]) if fam else ""


@lru_cache(maxsize=65536)
def blocking(text: str) -> tuple[str, ...]:
    if _names is not None:
        return tuple(str(b) for b in _names.name_keys(text).blocking)
    return (family_key(text),)


@lru_cache(maxsize=262144)
def similarity(a: str, b: str) -> float:
    if _names is not None:
        return float(_names.similarity(a, b))
    return 1.0 if full_key(a) == full_key(b) else 0.0


@lru_cache(maxsize=262144)
def part_similarity(a: str, b: str) -> float:
    if _names is not None:
        return float(_names.part_similarity(a, b))
    return 1.0 if part_key(a) == part_key(b) else 0.0
