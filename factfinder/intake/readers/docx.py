"""Word .docx: body text (paragraphs and tables, in document order) and core properties.

A .docx is a zip file, so the zip directory is inspected *before* python-docx opens it: a
zip bomb (a few hundred KB that unpacks to gigabytes) is rejected on its declared sizes.
Declared sizes can be trusted for this because :mod:`zipfile` never returns more bytes for a
member than its declared ``file_size``.

python-docx opens and validates the package (content types, main document part) and reads the
core properties; the text is walked from the body XML directly, because python-docx's
``Paragraph.text`` drops text inside tracked insertions (``w:ins``), content controls
(``w:sdt``) and smart tags, and its ``row.cells`` repeats merged cells. Layout:

* paragraphs are separated by "\\n"; ``w:tab`` becomes "\\t", ``w:br``/``w:cr`` "\\n";
* a table row's cells are joined by "\\t", rows by "\\n" (cell paragraphs by "\\n" inside);
* text-box paragraphs follow the paragraph they are anchored in;
* deleted text (``w:delText``), field codes (``w:instrText``) and the ``mc:Fallback`` copy of
  drawing content are left out.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from factfinder.intake.readers import human_size
from factfinder.intake.readers.text import check_text_length
from factfinder.intake.types import Extracted, Limits, RejectedInput

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_MEMBERS = 2000  # a real .docx has tens of parts
RATIO_MIN_BYTES = 1024 * 1024  # below this a high ratio is harmless (repetitive small XML)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
_SKIP = {_W + "delText", _W + "instrText", _W + "del", _W + "moveFrom", _MC + "Fallback",
         _W + "rPr", _W + "pPr", _W + "sectPr"}
_TITLE_STYLES = {"title", "heading1", "titel", "titre"}


def check_zip(data: bytes, limits: Limits, label: str = "docx") -> zipfile.ZipFile:
    """Open the zip directory and reject bombs, corrupt archives and absurd member counts."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise RejectedInput(f"corrupt {label}: not a valid zip file ({exc})") from None
    if len(infos) > MAX_MEMBERS:
        raise RejectedInput(
            f"{label} has {len(infos):,} zip members (zip bomb?): over the {MAX_MEMBERS:,} limit"
        )
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        raise RejectedInput(
            f"{label} unpacks to {human_size(total)} (zip bomb?): "
            f"over the {human_size(limits.max_unpacked_bytes, limit=True)} limit"
        )
    for info in infos:
        if info.file_size < RATIO_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise RejectedInput(
                f"{label} member {info.filename[:80]} has a compression ratio of {ratio:,.0f}:1 "
                f"(zip bomb?): over the {limits.max_compression_ratio:g}:1 limit"
            )
    return archive


def _iso(value: Any) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else None


def _paragraph(p: Any, extra: list[str]) -> str:
    """Text of one ``w:p``; text-box paragraphs found inside are appended to ``extra``."""
    out: list[str] = []

    def walk(el: Any) -> None:
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _SKIP:
                continue
            if tag == _W + "t":
                out.append(child.text or "")
            elif tag == _W + "tab":
                out.append("\t")
            elif tag in (_W + "br", _W + "cr"):
                out.append("\n")
            elif tag == _W + "noBreakHyphen":
                out.append("\u2011")
            elif tag == _W + "txbxContent":
                extra.extend(_blocks(child))
            else:
                walk(child)

    walk(p)
    return "".join(out)


def _table(tbl: Any) -> str:
    rows: list[str] = []
    for tr in tbl:
        if tr.tag != _W + "tr":
            continue
        cells = ["\n".join(_blocks(tc)) for tc in tr if tc.tag == _W + "tc"]
        rows.append("\t".join(cells))
    return "\n".join(rows)


def _blocks(container: Any) -> Iterator[str]:
    """Block-level text in document order: paragraphs, tables, content controls, custom XML."""
    for child in container:
        tag = child.tag
        if tag == _W + "p":
            extra: list[str] = []
            yield _paragraph(child, extra)
            yield from extra
        elif tag == _W + "tbl":
            yield _table(child)
        elif tag in (_W + "sdt", _W + "sdtContent", _W + "customXml", _W + "ins",
                     _W + "smartTag"):
            yield from _blocks(child)


def _styled_title(body: Any) -> str | None:
    for p in body.iter(_W + "p"):
        style = p.find(f"{_W}pPr/{_W}pStyle")
        if style is not None and (style.get(_W + "val") or "").lower() in _TITLE_STYLES:
            text = " ".join(_paragraph(p, []).split())
            if text:
                return text[:200]
    return None


def read_docx(data: bytes, name: str, limits: Limits) -> list[Extracted]:
    """Read a .docx as one unit; see the module docstring for the text layout."""
    archive = check_zip(data, limits)
    if "word/document.xml" not in archive.namelist():
        raise RejectedInput("not a Word document: the zip has no word/document.xml")
    import docx  # python-docx

    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
    except RecursionError:
        raise RejectedInput("corrupt docx: XML nested too deeply") from None
    except Exception as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise RejectedInput(f"corrupt docx: {reason}") from None
    try:
        text = "\n".join(_blocks(body))
    except RecursionError:
        raise RejectedInput("corrupt docx: XML nested too deeply") from None
    check_text_length(text, limits, "docx text")
    if not text.strip():
        raise RejectedInput("docx has no text (only images or empty paragraphs?)")

    meta: dict[str, Any] = {}
    title = author = None
    try:
        props = document.core_properties
        title = " ".join((props.title or "").split()) or None
        author = " ".join((props.author or "").split()) or None
        for key, value in (("created", props.created), ("modified", props.modified)):
            if _iso(value):
                meta[key] = _iso(value)
        if props.last_modified_by:
            meta["last_modified_by"] = props.last_modified_by
    except Exception:  # malformed docProps/core.xml: properties are optional
        meta["core_properties_error"] = True
    if title is None:
        title = _styled_title(body)
    return [Extracted(text=text, media_type=DOCX_TYPE, title=title, author=author, meta=meta)]

