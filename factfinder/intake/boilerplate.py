"""Boilerplate vocabulary of web pages, loaded from ``factfinder/vocab/boilerplate.yaml``.

The patterns are data so that an analyst who meets a new site's share widget or copyright line
can add it without touching code. This module compiles them once and answers one question per
line of text: what kind of line is this (share widget, "Continue Reading", tag list, page header,
footer, publisher trailer, dated byline, or ordinary text)? ``intake.posts`` uses the answers to
split archive pages and to leave boilerplate out of each post's clean text; the HTML reader also
uses the class-name patterns to skip widget containers inside ``<article>`` elements.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

VOCAB_PATH = Path(__file__).resolve().parent.parent / "vocab" / "boilerplate.yaml"

# Tag items are joined by a comma without a following space; prose puts a space after a comma.
_TIGHT_COMMA = re.compile(r",(?=\S)")
_LOOSE_COMMA = re.compile(r",\s")
_SENTENCE_END = re.compile(r"[.!?:;]$")
# A tag list may be long (a dozen tags); beyond this it is prose, whatever its commas.
_MAX_TAG_LINE_CHARS = 2000


class LineKind(StrEnum):
    """What a line (one paragraph of a page's text layer) is."""

    TEXT = "text"
    SHARE = "share"  # share / like / follow widget: closes a post on archive pages
    MORE = "more"  # "Continue Reading", "Read more »": closes a post excerpt
    TAGS = "tags"  # a tag or category list
    FOOTER = "footer"  # copyright, credits, "follow us", pagination
    TRAILER = "trailer"  # publisher's note inside a post ("If you would like to write an op-ed…")


@dataclass(frozen=True)
class Vocabulary:
    """Compiled boilerplate patterns (see the YAML file for what each list means)."""

    max_line_chars: int
    share: re.Pattern[str]
    more: re.Pattern[str]
    tag_prefix: re.Pattern[str]
    tag_min_items: int
    tag_max_item_words: int
    tag_max_item_chars: int
    page_header: re.Pattern[str]
    footer: re.Pattern[str]
    trailer: re.Pattern[str]
    byline_max_chars: int
    byline_max_words: int
    byline_prefix: re.Pattern[str]
    byline_date: re.Pattern[str]
    html_class: re.Pattern[str]
    html_sidebar: re.Pattern[str]

    def classify(self, line: str) -> LineKind:
        """The kind of one stripped line. Long lines are TEXT unless they are a tag list.

        Whitespace runs (NBSP included, common in widget markup) count as one space.
        """
        if not line:
            return LineKind.TEXT
        if len(line) > self.max_line_chars:
            if len(line) <= _MAX_TAG_LINE_CHARS and self.is_tag_list(line):
                return LineKind.TAGS
            return LineKind.TEXT
        line = " ".join(line.split())
        if self.share.fullmatch(line):
            return LineKind.SHARE
        if self.more.fullmatch(line):
            return LineKind.MORE
        if self.is_tag_list(line):
            return LineKind.TAGS
        if self.footer.fullmatch(line):
            return LineKind.FOOTER
        if self.trailer.fullmatch(line):
            return LineKind.TRAILER
        return LineKind.TEXT

    def is_tag_list(self, line: str) -> bool:
        """A prefixed list ("Tags: a, b") or a bare WordPress list ("a,b,c" with no spaces).

        The bare form needs at least ``tag_min_items`` short items, every comma tight (prose
        always has ", "), and no item that ends like a sentence.
        """
        if self.tag_prefix.match(line):
            return True
        if _LOOSE_COMMA.search(line) or len(_TIGHT_COMMA.findall(line)) < self.tag_min_items - 1:
            return False
        items = [item.strip() for item in line.split(",")]
        return all(
            0 < len(item) <= self.tag_max_item_chars
            and len(item.split()) <= self.tag_max_item_words
            and not _SENTENCE_END.search(item)
            for item in items
        )

    def is_page_header(self, line: str) -> bool:
        """An archive heading such as "Posts Tagged ‘1988 Massacre’" or "Category: News"."""
        if len(line) > self.max_line_chars:
            return False
        return bool(self.page_header.fullmatch(" ".join(line.split())))

    def is_byline(self, line: str) -> bool:
        """A short dated byline: "Posted on June 22, 2017 by admin", "22 July 2017"."""
        line = " ".join(line.split())
        if len(line) > self.byline_max_chars or not self.byline_date.search(line):
            return False
        return bool(self.byline_prefix.match(line)) or len(line.split()) <= self.byline_max_words

    def is_boilerplate_class(self, attribute: str) -> bool:
        """True when one token of a class/id attribute names a widget container."""
        return any(self.html_class.fullmatch(token) for token in attribute.split())

    def is_sidebar_class(self, attribute: str) -> bool:
        """True when one token of a class/id attribute names a sidebar or related-posts block."""
        return any(self.html_sidebar.fullmatch(token) for token in attribute.split())


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{pattern})" for pattern in patterns)


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile(_alternation(patterns), re.IGNORECASE)


def build_vocabulary(data: dict[str, Any]) -> Vocabulary:
    """Compile a parsed YAML mapping (the file's layout) into a Vocabulary."""
    tags = data["tag_list"]
    byline = data["byline"]
    return Vocabulary(
        max_line_chars=int(data["max_line_chars"]),
        share=_compile(data["share"]),
        more=_compile(data["more"]),
        tag_prefix=re.compile(rf"(?:{_alternation(data['tag_prefixes'])})\s*:", re.IGNORECASE),
        tag_min_items=int(tags["min_items"]),
        tag_max_item_words=int(tags["max_item_words"]),
        tag_max_item_chars=int(tags["max_item_chars"]),
        page_header=_compile(data["page_header"]),
        footer=_compile(data["footer"]),
        trailer=_compile(data["trailer"]),
        byline_max_chars=int(byline["max_chars"]),
        byline_max_words=int(byline["max_words"]),
        byline_prefix=re.compile(rf"(?:{_alternation(byline['prefixes'])})\b", re.IGNORECASE),
        byline_date=_compile(byline["dates"]),
        html_class=_compile(data["html_boilerplate_class"]),
        html_sidebar=_compile(data["html_sidebar_class"]),
    )


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    """The packaged vocabulary, loaded and compiled once per process."""
    return build_vocabulary(yaml.safe_load(VOCAB_PATH.read_text(encoding="utf-8")))
