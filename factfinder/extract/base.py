"""Types shared by the extractors, the runner and the commands.

Every extractor reads one document's clean text, parsed once by spaCy (``Doc``), with its
``Context``, and returns ``Item``s: a kind, a character span of the clean text, the words, a
label and kind-specific ``data``. The runner maps spans back to the original's text layer and
stores them; extractors never touch the database.

Extractors run in this order, each seeing what the earlier ones found (``found[kind]``):
mentions → dates → quotes → claims → events.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from spacy.tokens import Doc

KINDS = ("mention", "date", "quote", "claim", "event")


@dataclass
class Context:
    document_id: str
    text: str
    title: str | None = None
    published: str | None = None  # ISO date (YYYY-MM-DD…) of the document, when known
    publisher: str | None = None  # site name, else the URL's host, else None
    author: str | None = None  # the document's author (byline, e-mail sender), when known


@dataclass
class Item:
    kind: str  # one of KINDS
    start: int  # character offsets in the document's clean text
    end: int
    text: str  # exactly text[start:end]
    label: str | None = None  # mention: PERSON/ORG/PLACE/…; date: precision; event: type
    data: dict[str, Any] = field(default_factory=dict)
    confidence: float = 1.0


class Extractor(Protocol):
    name: str
    version: str

    def __call__(self, doc: Doc, ctx: Context, found: dict[str, list[Item]]) -> list[Item]: ...
