"""Which extractors run, in which order. Each module exposes ``EXTRACTOR``."""

from __future__ import annotations

import importlib

from factfinder.extract.base import Extractor

# kind → module; the order matters: each extractor sees what the earlier ones found.
MODULES = {
    "mention": "factfinder.extract.mentions",
    "date": "factfinder.extract.dates",
    "quote": "factfinder.extract.quotes",
    "claim": "factfinder.extract.claims",
    "event": "factfinder.extract.events",
}


def extractors(kinds: tuple[str, ...] | None = None) -> list[tuple[str, Extractor]]:
    """(kind, extractor) pairs in running order. Asking for a kind runs the kinds it depends on
    too (everything before it), but only the asked kinds are stored."""
    wanted = list(MODULES) if not kinds else list(MODULES)[: max(
        list(MODULES).index(k) for k in kinds) + 1]
    return [(k, importlib.import_module(MODULES[k]).EXTRACTOR) for k in wanted]
