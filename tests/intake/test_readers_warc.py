"""WARC reader: response records to units, skipped records counted, broken archives."""

from __future__ import annotations

import gzip
import io
import zlib
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from factfinder.intake.readers import WARC, read, sniff
from factfinder.intake.readers.warc import read_warc
from factfinder.intake.types import Limits, RejectedInput

LIMITS = Limits()
ARTICLE = ("<html><head><title>Village raid</title></head><body><article><h1>Village raid</h1>"
           "<p>On 12 May soldiers entered the village and detained eleven men.</p>"
           "</article></body></html>")




def make_warc(records: list[tuple[str, str, int, str, bytes]], *, gz: bool = True) -> bytes:
    """records: (type, url, status, content type, payload)."""
    buf = io.BytesIO()
    writer = WARCWriter(buf, gzip=gz)
    writer.write_record(writer.create_warcinfo_record("test.warc", {"software": "test"}))
    for rec_type, url, status, content_type, payload in records:
        if rec_type == "request":
            http = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")],
                                    is_http_request=True)
            record = writer.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                               http_headers=http)
        else:
            http = StatusAndHeaders(f"{status} X", [("Content-Type", content_type)],
                                    protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                               http_headers=http,
                                               warc_headers_dict={"WARC-Date":
                                                                  "2023-01-02T03:04:05Z"})
        writer.write_record(record)
    return buf.getvalue()


def test_html_and_text_responses(fake_html: list[dict[str, Any]]) -> None:
    data = make_warc([
        ("request", "https://example.org/raid", 0, "", b""),
        ("response", "https://example.org/raid", 200, "text/html; charset=utf-8",
         ARTICLE.encode()),
        ("response", "https://example.org/notes.txt", 200, "text/plain; charset=utf-8",
         "Plain notes — 11 men.\n".encode()),
        ("response", "https://example.org/logo.png", 200, "image/png", b"\x89PNG\r\n\x1a\n"),
        ("response", "https://example.org/gone", 404, "text/html", b"<html>Not found</html>"),
        ("response", "https://example.org/app.js", 200, "application/javascript", b"var x;"),
    ])
    assert sniff(data, "crawl.bin") == WARC
    media_type, units = read(data, "crawl.warc.gz", LIMITS)
    assert media_type == WARC
    assert len(units) == 2
    page, notes = units
    assert page.kind == "response" and notes.kind == "response"
    assert page.url == "https://example.org/raid"
    assert page.key.startswith("<urn:uuid:") and page.key != notes.key
    assert "detained eleven men" in page.text
    assert page.meta["captured_at"] == "2023-01-02T03:04:05Z"
    assert page.published == "2021-05-13"  # the page's own date, not the capture date
    assert fake_html[0]["url"] == "https://example.org/raid"
    assert fake_html[0]["published"] is None
    assert notes.text == "Plain notes — 11 men.\n" and notes.media_type == "text/plain"
    summary = page.meta["warc"]
    assert summary["records"] == 7
    assert summary["skipped"] == {"warcinfo": 1, "request": 1, "response image/png": 1,
                                  "response HTTP 404": 1, "response application/javascript": 1}


def test_uncompressed_warc(fake_html: list[dict[str, Any]]) -> None:
    data = make_warc([("response", "http://e.org/", 200, "text/html", ARTICLE.encode())],
                     gz=False)
    assert data.startswith(b"WARC/1.")
    media_type, (unit,) = read(data, "crawl.warc", LIMITS)
    assert media_type == WARC and "eleven men" in unit.text


def test_pdf_response_is_read() -> None:
    from tests.intake.test_readers_pdf import make_pdf

    pdf = make_pdf(["Annual report on enforced disappearances"])
    data = make_warc([("response", "https://e.org/r.pdf", 200, "application/octet-stream", pdf)])
    (unit,) = read_warc(data, "c.warc.gz", LIMITS)
    assert unit.media_type == "application/pdf"
    assert "enforced disappearances" in unit.text
    assert unit.url == "https://e.org/r.pdf"


def test_warc_without_usable_records() -> None:
    data = make_warc([("request", "https://e.org/", 0, "", b""),
                      ("response", "https://e.org/x.png", 200, "image/png", b"\x89PNG")])
    with pytest.raises(RejectedInput) as err:
        read(data, "c.warc.gz", LIMITS)
    assert err.value.reason == ("WARC has no usable response record "
                                "(3 records: 1 warcinfo, 1 request, 1 response image/png)")


def test_unreadable_record_is_counted_not_fatal(fake_html: list[dict[str, Any]]) -> None:
    data = make_warc([("response", "https://e.org/a", 200, "text/html", ARTICLE.encode()),
                      ("response", "https://e.org/b.pdf", 200, "application/pdf",
                       b"%PDF-1.4 broken")])
    (unit,) = read_warc(data, "c.warc.gz", LIMITS)
    assert unit.meta["warc"]["skipped"]["response unreadable"] == 1
    assert unit.meta["warc"]["errors"][0].startswith("https://e.org/b.pdf: corrupt PDF")


def test_corrupt_warc() -> None:
    with pytest.raises(RejectedInput, match="^(corrupt WARC|WARC has no usable)"):
        read(b"WARC/1.0\r\nthis is not a header block\r\n\r\n" + b"x" * 100, "c.warc", LIMITS)
    with pytest.raises(RejectedInput, match="corrupt gzip data"):
        read(gzip.compress(b"WARC/1.0\r\n") + b"\x00\x01trailing junk", "c.warc.gz", LIMITS)


def test_truncated_warc_keeps_what_was_read(fake_html: list[dict[str, Any]]) -> None:
    data = make_warc([("response", "https://e.org/a", 200, "text/html", ARTICLE.encode()),
                      ("response", "https://e.org/b", 200, "text/html", ARTICLE.encode() * 50)])
    (unit,) = read_warc(data[:-200], "cut.warc.gz", LIMITS)
    assert unit.url == "https://e.org/a"
    assert unit.meta["warc"]["truncated"] == "truncated gzip data (file cut short?)"


def test_gzip_bomb_warc_is_rejected() -> None:
    head = b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 50000000\r\n\r\n"
    compressor = zlib.compressobj(9, zlib.DEFLATED, 31)
    data = compressor.compress(head)
    zeros = bytes(1 << 20)
    for _ in range(50):
        data += compressor.compress(zeros)
    data += compressor.flush()
    assert len(data) < 100_000
    with pytest.raises(RejectedInput) as err:
        read_warc(data, "bomb.warc.gz", LIMITS)
    assert err.value.reason == (
        "warc.gz unpacks to over 9.7 MB, more than 200 times its size (gzip bomb?)"
    )


def test_gzip_that_is_not_warc() -> None:
    with pytest.raises(RejectedInput, match="gzip-compressed file that is not a WARC"):
        read(gzip.compress(b"hello world"), "notes.txt.gz", LIMITS)
