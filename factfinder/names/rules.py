"""The spelling rules of the names module, read once from ``factfinder/vocab/names.yaml``.

Titles come from two files: the general person titles of ``vocab/titles.yaml`` (shared with the
mention extractor) and the name-specific ones of ``vocab/names.yaml`` (Persian-script titles,
more spellings of Ayatollah and Hojatoleslam). All regular expressions are compiled here, once,
so the hot paths (keys and similarity, called per pair by the linkage) never compile anything.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml


@dataclass(frozen=True)
class NameRules:
    titles: tuple[str, ...]  # every title, as written in the files (longest first)
    join_next: frozenset[str]
    join_previous: frozenset[str]
    particles: tuple[tuple[re.Pattern[str], str], ...]
    rewrites: tuple[tuple[re.Pattern[str], str], ...]
    final_rewrites: tuple[tuple[re.Pattern[str], str], ...]
    vowel_classes: dict[str, str]
    vowel_runs: dict[str, str]
    script_letters: dict[str, str]


def _read(name: str) -> dict[str, Any]:
    text = resources.files("factfinder.vocab").joinpath(name).read_text("utf-8")
    data = yaml.safe_load(text) or {}
    if not isinstance(data, dict):
        raise ValueError(f"vocab/{name} must be a mapping")
    return data


def _pairs(items: list[list[str]] | None) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((re.compile(pattern), replacement) for pattern, replacement in items or [])


@cache
def rules() -> NameRules:
    """The compiled rules (read once per process)."""
    names = _read("names.yaml")
    general = _read("titles.yaml")
    titles: dict[str, None] = {}
    for title in list(general.get("titles") or []) + list(names.get("titles") or []):
        titles[str(title).strip()] = None
    return NameRules(
        titles=tuple(sorted(titles, key=len, reverse=True)),
        join_next=frozenset(str(w).lower() for w in names.get("join_next") or []),
        join_previous=frozenset(str(w).lower() for w in names.get("join_previous") or []),
        particles=_pairs(names.get("particles")),
        rewrites=_pairs(names.get("rewrites")),
        final_rewrites=_pairs(names.get("final_rewrites")),
        vowel_classes={str(k): str(v) for k, v in (names.get("vowel_classes") or {}).items()},
        vowel_runs={str(k): str(v) for k, v in (names.get("vowel_runs") or {}).items()},
        script_letters={
            str(k): "" if v is None else str(v)
            for k, v in (names.get("script_letters") or {}).items()
        },
    )
