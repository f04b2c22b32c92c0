"""``application/http``: reading back a response serialised by ``fetch.fetch_url``.

The body is sniffed like a payload in a WARC (magic bytes, then Content-Type, then the URL's
extension) and handed to the matching reader: HTML goes to the HTML reader with
``url`` = the final URL after redirects; text, PDF and .docx go to their readers. Every unit
gets ``url`` = the final URL and ``meta`` with ``fetched_at``, ``requested_url``,
``http_status``, ``content_type`` and ``redirects``; when the HTML reader found a different
URL for the page (a canonical link), it is kept as ``meta['page_url']``.

Any ``HTTP/x.y NNN`` response with a header block is accepted, so a response saved by another
tool in the same layout can be read too; only the ``X-Factfinder-*`` headers are ours.
"""

from __future__ import annotations

import re
from typing import Any

from factfinder.intake.types import Extracted, Limits, RejectedInput

_STATUS = re.compile(r"^(HTTP/\d(?:\.\d)?) (\d{3})(?: (.*))?$")


def parse_http(data: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """Split a serialised response into (status code, headers, body)."""
    ends = [(i, len(sep)) for sep in (b"\r\n\r\n", b"\n\n") if (i := data.find(sep)) >= 0]
    if not ends:
        raise RejectedInput("malformed HTTP response: no blank line after the headers")
    end, sep_len = min(ends)
    head, body = data[:end], data[end + sep_len:]
    lines = head.replace(b"\r\n", b"\n").split(b"\n")
    match = _STATUS.match(lines[0].decode("latin-1").strip())
    if not match:
        raise RejectedInput("malformed HTTP response: bad status line")
    headers: list[tuple[str, str]] = []
    for line in lines[1:]:
        name, colon, value = line.partition(b":")
        if not colon:
            continue  # tolerate junk lines rather than fail the whole response
        key = name.decode("latin-1").strip()
        encoding = "utf-8" if key.lower().startswith("x-factfinder-") else "latin-1"
        headers.append((key, value.decode(encoding, errors="replace").strip()))
    return int(match.group(2)), headers, body


def _get(headers: list[tuple[str, str]], name: str) -> str | None:
    for key, value in headers:
        if key.lower() == name.lower():
            return value
    return None


def read_http(data: bytes, name: str, limits: Limits) -> list[Extracted]:
    """Read a serialised HTTP response: the body's units, tagged with the fetch facts."""
    from factfinder.intake.readers import parse_content_type, read_as, sniff_payload, url_basename

    status, headers, body = parse_http(data)
    if not 200 <= status < 300:
        raise RejectedInput(f"saved HTTP response has status {status}: not a document")
    final_url = _get(headers, "X-Factfinder-Url")
    content_type = _get(headers, "Content-Type")
    if not body:
        raise RejectedInput("saved HTTP response has an empty body")
    hint = url_basename(final_url) or name.removesuffix(".http")
    media_type = sniff_payload(body, hint, content_type)
    if media_type is None:
        label = parse_content_type(content_type)[0] or "of unknown type"
        raise RejectedInput(f"fetched content is {label}: not a supported document format")
    units = read_as(media_type, body, hint, limits, url=final_url,
                    declared_charset=parse_content_type(content_type)[1])
    facts: dict[str, Any] = {"http_status": status}
    for key, header in (("fetched_at", "X-Factfinder-Fetched-At"),
                        ("requested_url", "X-Factfinder-Requested-Url"),
                        ("content_type", "Content-Type")):
        value = _get(headers, header)
        if value:
            facts[key] = value
    redirects = [v for k, v in headers if k.lower() == "x-factfinder-redirect"]
    if redirects:
        facts["redirects"] = redirects
    for unit in units:
        if final_url:
            if unit.url and unit.url != final_url:
                unit.meta["page_url"] = unit.url
            unit.url = final_url
        unit.meta.update(facts)
    return units
