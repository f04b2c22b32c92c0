"""Turning one original into documents, outside the database.

This is the CPU-heavy half of intake (reading formats, splitting archive pages, normalising,
MinHash), written as plain functions over bytes so it can run in worker processes; the database
half (``pipeline.py``) only inserts what this returns.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from factfinder import __version__
from factfinder.dedup import signature
from factfinder.intake.normalize import normalize
from factfinder.intake.types import Extracted, Limits, Post, RejectedInput

# Units whose text may be an archive page holding several posts.
_SPLITTABLE = {"text/plain", "text/markdown", "text/html", "application/http"}

_LIBRARY = {
    "text/html": "trafilatura",
    "application/http": "trafilatura",
    "application/warc": "warcio",
    "application/pdf": "pypdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "python-docx",
    "text/plain": "charset-normalizer",
    "text/markdown": "charset-normalizer",
    "text/csv": "charset-normalizer",
}


@lru_cache(maxsize=64)
def reader_version(media_type: str) -> str:
    lib = _LIBRARY.get(media_type)
    if not lib:
        return f"factfinder {__version__}"
    try:
        return f"factfinder {__version__}; {lib} {version(lib)}"
    except PackageNotFoundError:
        return f"factfinder {__version__}; {lib}"


def document_id(sha256: str, unit_key: str, post: int | None) -> str:
    """Stable id: the same original read the same way gives the same ids in every database."""
    part = f"{sha256}/{unit_key}/{'' if post is None else post}"
    return hashlib.sha256(part.encode("utf-8")).hexdigest()[:16]


@dataclass
class PreparedDoc:
    id: str
    unit_key: str
    position: int
    kind: str
    parent_id: str | None
    media_type: str
    title: str | None
    url: str | None
    published: str | None
    author: str | None
    site_name: str | None
    text: str
    source_start: int
    source_end: int
    offset_map: str
    layer_sha256: str
    meta: str
    signature: bytes | None = None
    buckets: list[int] = field(default_factory=list)
    searchable: bool = True


@dataclass
class Prepared:
    sha256: str
    size: int
    media_type: str
    filename: str | None
    source_url: str | None
    reader: str
    docs: list[PreparedDoc]


@dataclass
class Rejection:
    name: str
    reason: str
    sha256: str | None = None
    size: int | None = None


@dataclass
class Known:
    """The same bytes are already in the case database: only a custody entry is added."""

    sha256: str
    size: int
    name: str
    source_url: str | None


def _clean_title(title: str | None) -> str | None:
    if title is None:
        return None
    title = " ".join(title.split())
    return title[:500] or None


def _doc(
    sha: str, unit: Extracted, position: int, post_index: int | None, parent: str | None,
    kind: str, title: str | None, span: tuple[int, int], keep: list[tuple[int, int]] | None,
    layer_sha: str,
) -> PreparedDoc:
    text, omap = normalize(unit.text, keep if keep is not None else [span])
    sig = signature(text) if kind != "page" else None
    meta: dict[str, Any] = dict(unit.meta)
    if post_index is not None:
        meta = {"post": post_index}
    return PreparedDoc(
        id=document_id(sha, unit.key, post_index),
        unit_key=unit.key if post_index is None else f"{unit.key}#post{post_index}",
        position=position,
        kind=kind,
        parent_id=parent,
        media_type=unit.media_type,
        title=_clean_title(title),
        url=unit.url,
        published=unit.published,
        author=unit.author,
        site_name=unit.site_name,
        text=text,
        source_start=span[0],
        source_end=span[1],
        offset_map=omap.dumps(),
        layer_sha256=layer_sha,
        meta=json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
        signature=sig.to_bytes() if sig else None,
        buckets=sig.buckets() if sig else [],
        searchable=kind != "page",
    )


def unit_documents(sha: str, unit: Extracted, position: int) -> list[PreparedDoc]:
    """Documents for one unit: one, or a page and one per post."""
    from factfinder.intake.posts import split_posts, strip_boilerplate

    layer_sha = hashlib.sha256(unit.text.encode("utf-8", "surrogatepass")).hexdigest()
    posts: list[Post] | None = unit.posts
    if posts is None and unit.media_type in _SPLITTABLE:
        posts = split_posts(unit.text)
    whole = (0, len(unit.text))
    if not posts:
        keep = strip_boilerplate(unit.text) if unit.media_type in _SPLITTABLE else None
        return [_doc(sha, unit, position, None, None, unit.kind, unit.title, whole, keep,
                     layer_sha)]
    page = _doc(sha, unit, position, None, None, "page", unit.title, whole, None, layer_sha)
    page.meta = json.dumps({**unit.meta, "posts": len(posts)}, sort_keys=True, default=str)
    out = [page]
    for i, post in enumerate(posts):
        out.append(
            _doc(sha, unit, position, i, page.id, "post", post.title, (post.start, post.end),
                 post.keep, layer_sha)
        )
    return out


def prepare_bytes(
    data: bytes, name: str, limits: Limits, *, source_url: str | None = None,
    store_root: Path | None = None,
) -> Prepared | Rejection:
    from factfinder.intake import readers

    sha = hashlib.sha256(data).hexdigest()
    try:
        media_type, units = readers.read(data, name, limits)
        if not units:
            raise RejectedInput("no text could be read from it")
        docs: list[PreparedDoc] = []
        for position, unit in enumerate(units):
            if len(unit.text) > limits.max_text_chars:
                raise RejectedInput(
                    f"its text is {len(unit.text):,} characters, over the "
                    f"{limits.max_text_chars:,} limit"
                )
            docs.extend(unit_documents(sha, unit, position))
        if not any(d.text.strip() for d in docs):
            raise RejectedInput("no text could be read from it (empty after extraction)")
    except RejectedInput as exc:
        return Rejection(name, exc.reason, sha, len(data))
    except RecursionError:
        return Rejection(name, "structure too deeply nested to read", sha, len(data))
    except MemoryError:
        return Rejection(name, "too large to read in memory", sha, len(data))
    except Exception as exc:  # a reader bug must not stop the run: name it and go on
        return Rejection(name, f"could not be read ({type(exc).__name__}: {exc})"[:500], sha,
                         len(data))
    if store_root is not None:
        from factfinder.store import EvidenceStore

        EvidenceStore(store_root).put(data, sync=False)  # the writer syncs before commit
    return Prepared(sha, len(data), media_type, Path(name).name if "://" not in name else None,
                    source_url, reader_version(media_type), docs)
