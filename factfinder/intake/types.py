"""Types shared by the readers, the post splitter and the intake pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

Span = tuple[int, int]


class RejectedInput(Exception):
    """A file or URL that cannot be taken in. The message is one clear line for the user."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Limits:
    """Safety limits for hostile or oversized input."""

    max_file_bytes: int = 100 * 1024 * 1024  # originals above this are rejected
    max_unpacked_bytes: int = 200 * 1024 * 1024  # total bytes unpacked from a zip container (.docx)
    max_compression_ratio: float = 200.0  # per zip member: uncompressed / compressed
    max_text_chars: int = 20_000_000  # text layer of one unit
    fetch_timeout_s: float = 30.0
    user_agent: str = "factfinder/0.1 (+evidence intake; human-rights documentation)"


@dataclass
class Post:
    """One post found inside an archive, tag or category page.

    ``start``/``end`` delimit the post in the page's text layer; ``keep`` lists the segments of the
    page text that make up the post's clean text, in order (boilerplate such as share widgets,
    "Continue Reading" and tag lists is left out of ``keep`` but stays in the original).
    """

    start: int
    end: int
    title: str | None
    keep: list[Span]


@dataclass
class Extracted:
    """One unit of text read from an original, before normalisation.

    ``text`` is the unit's text layer. Every span stored later (posts, segments, offset maps) is a
    character offset into this string. For plain text it is the decoded original; for HTML the
    main text as extracted by trafilatura; for PDF the text layer with ``meta['pages']`` giving
    each page's span.
    """

    text: str
    media_type: str
    title: str | None = None
    url: str | None = None
    published: str | None = None  # ISO 8601 date (YYYY-MM-DD) or datetime
    author: str | None = None
    site_name: str | None = None
    kind: str = "document"  # document | page | message | response
    key: str = ""  # stable key of this unit inside its original ("" when the original is one unit)
    meta: dict[str, Any] = field(default_factory=dict)
    # Set by a reader that examined the page structure (HTML): the posts, or [] for a single
    # article. None: not examined, intake runs ``split_posts`` on the text itself.
    posts: list[Post] | None = None
