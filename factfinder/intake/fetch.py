"""Fetching a URL into an original: the HTTP response, serialised, is the evidence we keep.

``fetch_url`` returns bytes in the ``application/http`` layout that ``readers.http`` reads back::

    HTTP/1.1 200 OK\\r\\n
    <response header lines, as sent by the server>\\r\\n
    X-Factfinder-Original-Content-Encoding: gzip\\r\\n    (when the body was compressed)
    Content-Length: <length of the body below>\\r\\n
    X-Factfinder-Url: <final URL, after redirects>\\r\\n
    X-Factfinder-Requested-Url: <URL as asked for>\\r\\n
    X-Factfinder-Redirect: <status> <URL>\\r\\n              (one per redirect hop, in order)
    X-Factfinder-Fetched-At: <UTC ISO 8601>\\r\\n
    \\r\\n
    <body, content-decoded>

The body is stored decoded (gzip/deflate/br undone) so the original is readable without
knowing the transfer details; the server's Content-Encoding, Transfer-Encoding and
Content-Length are kept under ``X-Factfinder-Original-*`` names so the headers stay truthful
about the bytes that follow. Our own header values are UTF-8.

The fetch is hostile-input aware: http/https only, at most ``MAX_REDIRECTS`` redirects, a
per-operation timeout of ``limits.fetch_timeout_s`` plus an overall deadline, and a streamed
size cap of ``limits.max_file_bytes`` on the decoded body (which also stops compression bombs).
Every failure is a one-line ``RejectedInput("could not fetch <url>: <reason>")``.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from http import HTTPStatus
from urllib.parse import urlsplit

import httpx

from factfinder.intake.types import Limits, RejectedInput

MAX_REDIRECTS = 5
TOTAL_TIME_FACTOR = 10  # overall deadline: this many times limits.fetch_timeout_s
_RENAMED = {b"content-encoding", b"transfer-encoding", b"content-length"}


def _human(size: int) -> str:
    from factfinder.intake.readers import human_size

    return human_size(size, limit=True)


def _clean_value(value: str | bytes) -> bytes:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return b" ".join(raw.replace(b"\r", b" ").replace(b"\n", b" ").split())


def _connect_reason(exc: Exception) -> str:
    text = str(exc)
    lower = text.lower()
    if "refused" in lower:
        return "connection refused"
    if any(s in lower for s in ("name or service not known", "nodename nor servname",
                                "temporary failure in name resolution", "no address associated",
                                "getaddrinfo failed", "name resolution")):
        return "DNS lookup failed (unknown host)"
    if "certificate" in lower:
        return "TLS certificate verification failed"
    if "ssl" in lower or "tls" in lower:
        return "TLS handshake failed"
    if "unreachable" in lower:
        return "network unreachable"
    return " ".join(text.split())[:200] or "connection failed"


def _reason(exc: Exception, limits: Limits) -> str:
    """One line saying why an httpx request failed."""
    if isinstance(exc, httpx.TooManyRedirects):
        return f"more than {MAX_REDIRECTS} redirects"
    if isinstance(exc, httpx.TimeoutException):
        return f"timed out after {limits.fetch_timeout_s:g} s"
    if isinstance(exc, httpx.ConnectError):
        return _connect_reason(exc)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return "redirected to an unsupported URL scheme (only http and https are fetched)"
    if isinstance(exc, httpx.DecodingError):
        return "the server sent badly compressed content"
    if isinstance(exc, httpx.RemoteProtocolError):
        return "the server broke the HTTP protocol (" + " ".join(str(exc).split())[:150] + ")"
    if isinstance(exc, httpx.InvalidURL | ValueError):
        return "invalid URL (" + " ".join(str(exc).split())[:150] + ")"
    return " ".join(str(exc).split())[:200] or type(exc).__name__


def serialise_response(
    response: httpx.Response, requested_url: str, body: bytes, fetched_at: datetime
) -> bytes:
    """Our ``application/http`` serialisation of a response whose body was read to ``body``."""
    phrase = response.reason_phrase
    if not phrase:
        try:
            phrase = HTTPStatus(response.status_code).phrase
        except ValueError:
            phrase = ""
    status = f"{response.http_version} {response.status_code} {phrase}".strip()
    lines = [_clean_value(status)]
    for name, value in response.headers.raw:
        if name.lower() in _RENAMED:
            name = b"X-Factfinder-Original-" + name
        lines.append(_clean_value(name) + b": " + _clean_value(value))
    lines.append(b"Content-Length: " + str(len(body)).encode())
    lines.append(b"X-Factfinder-Url: " + _clean_value(str(response.url)))
    lines.append(b"X-Factfinder-Requested-Url: " + _clean_value(requested_url))
    for hop in response.history:
        lines.append(b"X-Factfinder-Redirect: " + _clean_value(f"{hop.status_code} {hop.url}"))
    stamp = fetched_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    lines.append(b"X-Factfinder-Fetched-At: " + stamp.encode())
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


def fetch_url(
    url: str, limits: Limits, *, transport: httpx.BaseTransport | None = None
) -> bytes:
    """GET ``url`` and return the serialised response (see the module docstring).

    ``transport`` lets tests substitute an ``httpx.MockTransport``.
    """
    shown = " ".join(url.split())
    fail = f"could not fetch {shown if len(shown) <= 300 else shown[:297] + '...'}"
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        raise RejectedInput(f"{fail}: invalid URL") from None
    if scheme not in ("http", "https"):
        raise RejectedInput(f"{fail}: only http and https URLs are supported")
    fetched_at = datetime.now(UTC)
    deadline = time.monotonic() + TOTAL_TIME_FACTOR * limits.fetch_timeout_s
    headers = {"User-Agent": limits.user_agent,
               "Accept": "text/html,application/xhtml+xml,application/pdf,text/plain;q=0.9,"
                         "*/*;q=0.8"}
    try:
        with httpx.Client(follow_redirects=True, max_redirects=MAX_REDIRECTS,
                          timeout=limits.fetch_timeout_s, headers=headers,
                          transport=transport) as client, client.stream("GET", url) as response:
            if not 200 <= response.status_code < 300:
                phrase = response.reason_phrase or ""
                raise RejectedInput(f"{fail}: HTTP {response.status_code} {phrase}".strip())
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.max_file_bytes \
                    and not response.headers.get("content-encoding"):
                raise RejectedInput(
                    f"{fail}: response is over the {_human(limits.max_file_bytes)} limit"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > limits.max_file_bytes:
                    raise RejectedInput(
                        f"{fail}: response is over the {_human(limits.max_file_bytes)} limit"
                    )
                if time.monotonic() > deadline:
                    raise RejectedInput(
                        f"{fail}: download took over "
                        f"{TOTAL_TIME_FACTOR * limits.fetch_timeout_s:g} s"
                    )
            original = serialise_response(response, url, bytes(body), fetched_at)
    except RejectedInput:
        raise
    except (httpx.HTTPError, httpx.InvalidURL, ValueError, OSError) as exc:
        raise RejectedInput(f"{fail}: {_reason(exc, limits)}") from None
    if len(original) > limits.max_file_bytes:  # the header block tipped it over
        raise RejectedInput(f"{fail}: response is over the {_human(limits.max_file_bytes)} limit")
    return original
