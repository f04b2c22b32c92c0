"""WARC web archives (.warc, .warc.gz): one unit per archived document, via warcio.

Each ``response`` record with a 2xx HTTP status and a document payload (HTML, plain text,
Markdown, CSV, PDF, .docx) becomes a ``kind="response"`` unit: ``key`` is the WARC-Record-ID,
``url`` the WARC-Target-URI and ``meta['captured_at']`` the WARC-Date. ``published`` is left to
the page's own date (as found by the HTML reader): the capture date says when the archive saw
the page, not when it was published, and mixing the two would misdate evidence.

Everything else (requests, metadata, revisits, redirects, images, scripts) is skipped and
counted in ``meta['warc']['skipped']`` on every unit, so a user can see what was left out.

A .warc.gz is decompressed here, not by warcio, so that the unpacked size can be capped: a
gzip bomb is rejected once it unpacks past ``max_compression_ratio`` times its compressed size,
or past ten times ``max_file_bytes`` (1 GB by default) in any case.
"""

from __future__ import annotations

import io
import zlib
from collections import Counter
from typing import Any

from factfinder.intake.types import Extracted, Limits, RejectedInput

UNPACKED_FACTOR = 10  # a .warc.gz may unpack to at most this many times max_file_bytes
_MAX_ERRORS = 20


class _CappedGunzip(io.RawIOBase):
    """Streams a multi-member gzip file, stopping at ``cap`` unpacked bytes.

    Unlike :class:`gzip.GzipFile` it hands out everything decoded before a truncation or
    corruption (a WARC cut short by an interrupted download still yields its first records)
    and records the problem in ``error`` instead of raising.
    """

    def __init__(self, data: bytes, cap: int) -> None:
        self._data = data
        self._pos = 0
        self._input = b""
        self._decompressor = zlib.decompressobj(31)
        self._in_member = False
        self._pending = b""
        self.cap = cap
        self.unpacked = 0
        self.exceeded = False
        self.error: str | None = None

    def readable(self) -> bool:
        return True

    def _more(self) -> bytes:
        """The next piece of unpacked data; b"" at the end or on error."""
        while True:
            if self._input:
                self._in_member = True
                try:
                    out = self._decompressor.decompress(self._input, 1 << 20)
                except zlib.error as exc:
                    self.error = f"corrupt gzip data ({exc})"
                    return b""
                self._input = self._decompressor.unconsumed_tail
                if self._decompressor.eof:  # next member, if any
                    self._input = self._decompressor.unused_data + self._input
                    self._decompressor = zlib.decompressobj(31)
                    self._in_member = False
                if out:
                    return out
            elif self._pos < len(self._data):
                self._input = self._data[self._pos:self._pos + (1 << 20)]
                self._pos += len(self._input)
            else:
                if self._in_member:
                    self.error = "truncated gzip data (file cut short?)"
                return b""

    def readinto(self, buffer: Any) -> int:
        if self.exceeded or self.error:
            return 0
        if not self._pending:
            self._pending = self._more()
            self.unpacked += len(self._pending)
            if self.unpacked > self.cap:
                self.exceeded = True
                return 0
        size = min(len(buffer), len(self._pending))
        buffer[:size] = self._pending[:size]
        self._pending = self._pending[size:]
        return size


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:200]


def _summary(counts: Counter[str]) -> str:
    return ", ".join(f"{n} {kind}" for kind, n in counts.most_common())


def read_warc(data: bytes, name: str, limits: Limits) -> list[Extracted]:
    """Read the documents archived in a WARC; see the module docstring."""
    from warcio.archiveiterator import ArchiveIterator

    from factfinder.intake.readers import human_size

    stream: Any
    capped: _CappedGunzip | None = None
    if data.startswith(b"\x1f\x8b"):
        cap = min(int(len(data) * limits.max_compression_ratio),
                  UNPACKED_FACTOR * limits.max_file_bytes)
        capped = _CappedGunzip(data, cap)
        stream = io.BufferedReader(capped, buffer_size=1 << 16)
    else:
        stream = io.BytesIO(data)

    units: list[Extracted] = []
    skipped: Counter[str] = Counter()
    errors: list[str] = []
    records = 0
    failure: str | None = None
    try:
        for record in ArchiveIterator(stream):
            records += 1
            _record_units(record, records, name, limits, units, skipped, errors)
    except RejectedInput:
        raise
    except (EOFError, OSError, zlib.error) as exc:
        failure = f"truncated or corrupt compressed data ({_one_line(exc)})"
    except RecursionError:
        failure = "records nested too deeply"
    except Exception as exc:  # warcio's ArchiveLoadFailed, StatusAndHeadersParserException, ...
        failure = _one_line(exc)
    if capped is not None and capped.exceeded:
        absolute = UNPACKED_FACTOR * limits.max_file_bytes
        if capped.cap < absolute:
            raise RejectedInput(
                f"warc.gz unpacks to over {human_size(capped.cap)}, more than "
                f"{limits.max_compression_ratio:g} times its size (gzip bomb?)"
            )
        raise RejectedInput(f"warc.gz unpacks to over the {human_size(absolute, limit=True)} "
                            "limit (gzip bomb?)")
    if capped is not None and capped.error:
        failure = capped.error
    if not units:
        if failure and records == 0:
            raise RejectedInput(f"corrupt WARC: {failure}")
        detail = _summary(skipped) or "no records"
        if failure:
            detail += f"; then failed: {failure}"
        raise RejectedInput(f"WARC has no usable response record ({records} records: {detail})")
    summary: dict[str, Any] = {"records": records, "units": len(units), "skipped": dict(skipped)}
    if errors:
        summary["errors"] = errors
    if failure:
        summary["truncated"] = failure
    for unit in units:
        unit.meta["warc"] = summary
    return units


def _record_units(
    record: Any,
    number: int,
    name: str,
    limits: Limits,
    units: list[Extracted],
    skipped: Counter[str],
    errors: list[str],
) -> None:
    """Append the units of one record, or count why it was skipped."""
    from factfinder.intake.readers import (
        parse_content_type,
        read_as,
        sniff_payload,
        url_basename,
    )

    rec_type = str(record.rec_type or "unknown")
    if rec_type != "response":
        skipped[rec_type] += 1
        return
    http = record.http_headers
    if http is None:
        skipped["response without HTTP headers"] += 1
        return
    status = http.get_statuscode() or ""
    if not status.startswith("2"):
        skipped[f"response HTTP {status or '?'}"] += 1
        return
    uri = record.rec_headers.get_header("WARC-Target-URI")
    record_id = record.rec_headers.get_header("WARC-Record-ID") or f"record:{number}"
    content_type = http.get_header("Content-Type")
    payload = record.content_stream().read(limits.max_file_bytes + 1)
    if len(payload) > limits.max_file_bytes:
        skipped["response over the size limit"] += 1
        return
    hint = url_basename(uri) or name
    media_type = sniff_payload(payload, hint, content_type)
    if media_type is None:
        label = parse_content_type(content_type)[0] or "unknown type"
        skipped[f"response {label}" if payload else "response empty"] += 1
        return
    try:
        found = read_as(media_type, payload, hint, limits, url=uri,
                        declared_charset=parse_content_type(content_type)[1])
    except RejectedInput as exc:
        skipped["response unreadable"] += 1
        if len(errors) < _MAX_ERRORS:
            errors.append(f"{uri}: {exc.reason}")
        return
    for i, unit in enumerate(found):
        unit.kind = "response"
        unit.key = record_id if len(found) == 1 else f"{record_id}#{unit.key or i + 1}"
        if unit.url and unit.url != uri:
            unit.meta["page_url"] = unit.url  # e.g. a canonical link found by the HTML reader
        unit.url = uri
        unit.meta["captured_at"] = record.rec_headers.get_header("WARC-Date")
        unit.meta["http_status"] = int(status) if status.isdigit() else status
        if content_type:
            unit.meta["content_type"] = content_type
        units.append(unit)
