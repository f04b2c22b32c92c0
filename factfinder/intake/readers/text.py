"""Plain text, Markdown and CSV/TSV: decoding bytes of unknown encoding into one text unit.

The text layer is exactly ``data.decode(meta['encoding'])`` (with ``errors='replace'`` when
``meta['decode_errors']`` is set): no newline, Unicode or whitespace normalisation happens here,
because every span stored later must be derivable from the original bytes. Normalisation is done
downstream with an offset map.

The decoding helpers here are shared by the other readers (e-mail bodies, text payloads in WARC
records and fetched responses), so this module imports nothing from the rest of the package.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from factfinder.intake.types import Extracted, Limits, RejectedInput

# Byte-order marks, longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

# C0 controls other than TAB, LF, VT, FF, CR and ESC (ESC appears in ISO-2022 text), plus DEL.
_CONTROL_BYTES = bytes([*range(0x00, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_SAMPLE = 64 * 1024
_MAX_CONTROL_RATIO = 0.05  # real text has almost none; random bytes have about 11 %
# charset-normalizer counts ZERO WIDTH NON-JOINER (everywhere in Persian) as "chaos", so a clean
# Windows-1256 Persian paragraph can exceed its default 0.2 threshold; retry with a looser one.
_DETECTION_THRESHOLDS = (0.2, 0.5)
_TITLE_MAX = 200

TEXT_MEDIA_TYPES = ("text/plain", "text/markdown", "text/csv")


def bom_encoding(data: bytes) -> str | None:
    """The codec named by a leading byte-order mark, or None. The codec strips the mark."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks like binary rather than text (None when it looks like text).

    Only meaningful for data without a UTF-16/32 byte-order mark (those legitimately hold NULs).
    Looks at the first 64 KB: one NUL byte, or more than 5 % control bytes, means binary.
    """
    sample = data[:_SAMPLE]
    if not sample:
        return None
    nul = sample.find(b"\x00")
    if nul >= 0:
        return f"binary data, not text (NUL byte at offset {nul})"
    controls = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if controls / len(sample) > _MAX_CONTROL_RATIO:
        return f"binary data, not text ({controls / len(sample):.0%} control characters)"
    return None


def _codec_name(encoding: str) -> str | None:
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return None


def decode_text(data: bytes, *, declared: str | None = None) -> tuple[str, dict[str, object]]:
    """Decode bytes of unknown encoding; returns ``(text, meta)`` with ``meta['encoding']``.

    Order: byte-order mark, then a charset declared by the container (MIME or HTTP header) if it
    decodes strictly, then strict UTF-8, then charset-normalizer. Raises RejectedInput for binary
    data or when no encoding fits. When the detected legacy encoding does not decode every byte,
    the text is decoded with ``errors='replace'`` and ``meta['decode_errors']`` counts the
    replacement characters, so the text stays reproducible from the original bytes.
    """
    bom = bom_encoding(data)
    if bom is not None:
        try:
            return data.decode(bom), {"encoding": bom}
        except UnicodeDecodeError as exc:
            raise RejectedInput(
                f"text starts with a {bom} byte-order mark but is not valid {bom} "
                f"(bad bytes at offset {exc.start})"
            ) from None
    reason = binary_reason(data)
    if reason is not None:
        raise RejectedInput(reason + ": not a supported document format")
    if declared:
        name = _codec_name(declared)
        if name is not None:
            try:
                return data.decode(name), {"encoding": name, "declared_charset": declared}
            except UnicodeDecodeError:
                pass
    try:
        return data.decode("utf-8"), {"encoding": "utf-8"}
    except UnicodeDecodeError:
        pass
    for threshold in _DETECTION_THRESHOLDS:
        best = from_bytes(data, threshold=threshold).best()
        if best is None:
            continue
        encoding = _codec_name(best.encoding) or best.encoding
        meta: dict[str, object] = {"encoding": encoding, "encoding_detected": True}
        if best.language and best.language != "Unknown":
            meta["language_guess"] = best.language
        try:
            return data.decode(encoding), meta
        except UnicodeDecodeError:
            text = data.decode(encoding, errors="replace")
            meta["decode_errors"] = text.count("\ufffd")
            return text, meta
        except LookupError:
            continue
    raise RejectedInput(
        "text encoding could not be determined (not UTF-8, no legacy encoding fits)"
    )


def check_text_length(text: str, limits: Limits, what: str = "text") -> None:
    """Reject a text layer over ``limits.max_text_chars`` (truncating would break derivability)."""
    if len(text) > limits.max_text_chars:
        raise RejectedInput(
            f"{what} is {len(text):,} characters, "
            f"over the {limits.max_text_chars:,}-character limit"
        )


_MD_HEADING = re.compile(r"^ {0,3}#\s+(.+?)\s*#*\s*$", re.MULTILINE)


def guess_title(text: str, media_type: str) -> str | None:
    """Title of a text unit: a Markdown ``# heading``, else the first non-empty line if short.

    CSV gets no title: its first line is a header row, not a title.
    """
    if media_type == "text/csv":
        return None
    if media_type == "text/markdown":
        match = _MD_HEADING.search(text[:100_000])
        if match:
            return match.group(1).strip()[:_TITLE_MAX] or None
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            continue
        if media_type == "text/markdown":
            stripped = stripped.lstrip("#").strip()
        return stripped if 0 < len(stripped) <= _TITLE_MAX else None
    return None


def read_text(
    data: bytes,
    name: str,
    limits: Limits,
    *,
    media_type: str = "text/plain",
    declared_charset: str | None = None,
) -> list[Extracted]:
    """Read a .txt/.md/.csv/.tsv original as one unit whose text is the decoded bytes."""
    if media_type not in TEXT_MEDIA_TYPES:
        media_type = "text/plain"
    text, meta = decode_text(data, declared=declared_charset)
    check_text_length(text, limits)
    if not text.strip():
        raise RejectedInput("text file contains only whitespace")
    if media_type == "text/csv" and name.lower().endswith(".tsv"):
        meta["delimiter"] = "\t"
    return [Extracted(text=text, media_type=media_type, title=guess_title(text, media_type),
                      meta=meta)]
