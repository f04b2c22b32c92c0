"""PDF: the text layer of every page, via pypdf.

The unit's text is the pages' extracted text joined with ``PAGE_SEPARATOR`` ("\\n\\f\\n": a form
feed on a line of its own, the conventional page break of plain-text PDF dumps, so a sentence
never runs across pages without a visible break). ``meta['pages']`` lists each page's
``[start, end]`` span in the text, separator excluded; a page without text has an empty span.

PDFs are the most hostile of our inputs: pypdf's parser is recursive (deep object nesting can
exhaust the stack), tolerant (it logs and warns rather than failing), and slow on some content
streams. So every pypdf error becomes a one-line RejectedInput, warnings and log records are
captured into ``meta['warnings']`` instead of leaking to the console, page count is capped, and
extraction stops when it runs past a time budget. A scanned PDF (no text on any page) is
rejected rather than stored as an empty unit, because OCR is not supported yet.
"""

from __future__ import annotations

import io
import logging
import re
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from factfinder.intake.readers.text import check_text_length
from factfinder.intake.types import Extracted, Limits, RejectedInput

PAGE_SEPARATOR = "\n\f\n"
MAX_PAGES = 5000
TIME_BUDGET_S = 120.0  # checked between pages; a single pathological page can still take longer
_MAX_WARNINGS = 20
_SURROGATES = re.compile("[\ud800-\udfff]")


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.messages) < _MAX_WARNINGS:
            try:
                self.messages.append(record.getMessage())
            except Exception:  # a malformed log record must not break reading
                self.messages.append(str(record.msg))


@contextmanager
def _captured(messages: list[str]) -> Iterator[None]:
    """Collect pypdf's warnings and log records into ``messages`` and keep them off stderr."""
    logger = logging.getLogger("pypdf")
    handler = _ListHandler()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
        found = handler.messages + [str(w.message) for w in caught]
        for message in found:
            if message not in messages and len(messages) < _MAX_WARNINGS:
                messages.append(message)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def _clean(value: Any) -> str | None:
    if value is None:
        return None
    text = " ".join(str(value).replace("\x00", "").split())
    return text or None


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _metadata(reader: Any) -> dict[str, str]:
    """Title, author and creation date from the document information dictionary, best effort."""
    found: dict[str, str] = {}
    try:
        info = reader.metadata
    except Exception:
        return found
    if info is None:
        return found
    for key, getter in (
        ("title", lambda: _clean(info.title)),
        ("author", lambda: _clean(info.author)),
        ("created", lambda: _iso(info.creation_date)),
        ("modified", lambda: _iso(info.modification_date)),
        ("producer", lambda: _clean(info.producer)),
        ("creator", lambda: _clean(info.creator)),
    ):
        try:
            value = getter()
        except Exception:  # malformed dates or strings in hostile metadata
            continue
        if value:
            found[key] = value
    return found


def _open(data: bytes) -> Any:
    from pypdf import PasswordType, PdfReader
    from pypdf.errors import DependencyError

    try:
        reader = PdfReader(io.BytesIO(data))
    except RecursionError:
        raise RejectedInput("corrupt PDF: objects nested too deeply") from None
    except Exception as exc:
        raise RejectedInput(f"corrupt PDF: {_one_line(exc)}") from None
    if reader.is_encrypted:
        try:
            result = reader.decrypt("")
        except DependencyError:
            raise RejectedInput(
                "PDF is AES-encrypted and reading it needs the 'cryptography' package"
            ) from None
        except Exception as exc:
            raise RejectedInput(f"encrypted PDF could not be opened: {_one_line(exc)}") from None
        if result == PasswordType.NOT_DECRYPTED:
            raise RejectedInput("PDF is encrypted with a password: cannot be read without it")
    return reader


def read_pdf(data: bytes, name: str, limits: Limits) -> list[Extracted]:
    """Read a PDF's text layer as one unit; see the module docstring for the layout."""
    messages: list[str] = []
    with _captured(messages):
        reader = _open(data)
        try:
            page_count = len(reader.pages)
        except RecursionError:
            raise RejectedInput("corrupt PDF: page tree nested too deeply") from None
        except Exception as exc:
            raise RejectedInput(f"corrupt PDF: page tree unreadable: {_one_line(exc)}") from None
        if page_count == 0:
            raise RejectedInput("PDF has no pages")
        if page_count > MAX_PAGES:
            raise RejectedInput(f"PDF has {page_count:,} pages, over the {MAX_PAGES:,}-page limit")
        texts, errors = _extract_pages(reader, page_count, limits)
        info = _metadata(reader)

    if len(errors) == page_count:
        raise RejectedInput(f"corrupt PDF: no page could be read ({errors[0]})")
    if not any(t.strip() for t in texts):
        raise RejectedInput("PDF has no text layer (scanned image?): OCR is not supported yet")
    parts: list[str] = []
    pages: list[list[int]] = []
    pos = 0
    for i, page_text in enumerate(texts):
        if i:
            parts.append(PAGE_SEPARATOR)
            pos += len(PAGE_SEPARATOR)
        pages.append([pos, pos + len(page_text)])
        parts.append(page_text)
        pos += len(page_text)
    text = "".join(parts)
    check_text_length(text, limits, "PDF text")

    meta: dict[str, Any] = {"pages": pages, "page_count": page_count,
                            "page_separator": PAGE_SEPARATOR}
    empty = [i + 1 for i, t in enumerate(texts) if not t.strip()]
    if empty:
        meta["pages_without_text"] = empty
    if errors:
        meta["unreadable_pages"] = errors
    for key in ("created", "modified", "producer", "creator"):
        if key in info:
            meta[key] = info[key]
    if messages:
        meta["warnings"] = messages
    return [Extracted(text=text, media_type="application/pdf", title=info.get("title"),
                      author=info.get("author"), meta=meta)]


def _extract_pages(reader: Any, page_count: int, limits: Limits) -> tuple[list[str], list[str]]:
    """Extract each page's text; returns (texts, errors).

    A page that fails to parse gets empty text and an entry in ``errors`` (kept in
    ``meta['unreadable_pages']``) rather than losing the whole document: one broken page in a
    300-page report should not make the other 299 unavailable.
    """
    texts: list[str] = []
    errors: list[str] = []
    total = 0
    started = time.monotonic()
    for index in range(page_count):
        if time.monotonic() - started > TIME_BUDGET_S:
            raise RejectedInput(
                f"PDF text extraction took over {TIME_BUDGET_S:.0f} s at page {index + 1} "
                f"of {page_count} (pathological file?)"
            )
        try:
            page_text = reader.pages[index].extract_text() or ""
        except RecursionError:
            page_text = ""
            errors.append(f"page {index + 1}: objects nested too deeply")
        except MemoryError:
            raise RejectedInput(f"PDF page {index + 1} needs too much memory to read") from None
        except Exception as exc:
            page_text = ""
            errors.append(f"page {index + 1}: {_one_line(exc)}")
        # NULs and lone surrogates come from broken font encodings and break storage.
        page_text = _SURROGATES.sub("\ufffd", page_text.replace("\x00", ""))
        total += len(page_text) + len(PAGE_SEPARATOR)
        if total > limits.max_text_chars:
            raise RejectedInput(
                f"PDF text is over the {limits.max_text_chars:,}-character limit "
                f"(reached at page {index + 1} of {page_count})"
            )
        texts.append(page_text)
    return texts, errors
