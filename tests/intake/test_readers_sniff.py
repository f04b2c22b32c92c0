"""Registry: format sniffing, size checks, dispatch."""

from __future__ import annotations

import codecs
import os

import pytest

from factfinder.intake import readers
from factfinder.intake.readers import (
    CSV,
    EML,
    HTML,
    HTTP,
    MARKDOWN,
    MBOX,
    PDF,
    PLAIN,
    WARC,
    check_size,
    human_size,
    read,
    sniff,
    sniff_payload,
)
from factfinder.intake.types import Limits, RejectedInput

LIMITS = Limits()


def test_check_size() -> None:
    with pytest.raises(RejectedInput) as err:
        check_size(210 * 1024 * 1024, LIMITS)
    assert err.value.reason == "file is 210.0 MB, over the 100 MB limit"
    with pytest.raises(RejectedInput) as err:
        check_size(0, LIMITS)
    assert err.value.reason == "empty file (0 bytes)"
    check_size(100 * 1024 * 1024, LIMITS)


def test_file_over_the_size_limit_is_rejected_by_read() -> None:
    with pytest.raises(RejectedInput) as err:
        read(b"a" * 3000, "big.txt", Limits(max_file_bytes=2048))
    assert err.value.reason == "file is 2.9 KB, over the 2 KB limit"


def test_human_size() -> None:
    assert human_size(512) == "512 bytes"
    assert human_size(int(4.2 * 1024**3)) == "4.2 GB"
    assert human_size(200 * 1024**2, limit=True) == "200 MB"


@pytest.mark.parametrize(
    ("data", "name", "expected"),
    [
        (b"plain words", "a.txt", PLAIN),
        (b"plain words", "a.TEXT", PLAIN),
        (b"# Title", "a.md", MARKDOWN),
        (b"a,b\n1,2\n", "a.csv", CSV),
        (b"a\tb\n", "a.tsv", CSV),
        (b"<p>hi</p>", "a.html", HTML),
        (b"  <!DOCTYPE html><html><body>x</body></html>", "download", HTML),
        (b"<html lang=fa><body>x</body></html>", "page.txt", HTML),  # content beats name
        (codecs.BOM_UTF8 + b"<!doctype html><p>x", "x", HTML),
        ("<!doctype html><p>x</p>".encode("utf-16"), "x", HTML),
        (b"<?xml version='1.0'?>\n<!-- c -->\n<html xmlns='x'><body/></html>", "x", HTML),
        (b"%PDF-1.7\n...", "scan.jpg", PDF),
        (b"\x00\x11MacBinary header\x00%PDF-1.4\n...", "x", PDF),
        (b"Analyst note: the file starts with %PDF-1.4 but is broken", "note.txt", PLAIN),
        (b"From: a@b.org\nTo: c@d.org\nSubject: hi\n\nbody", "message", EML),
        (b"From a@b Mon Jan 1 00:00:00 2024\nFrom: a@b.org\nSubject: x\n\nbody", "box", MBOX),
        (b"anything", "inbox.mbox", MBOX),
        (b"anything", "mail.eml", EML),
        (b"WARC/1.1\r\nWARC-Type: warcinfo\r\n", "x", WARC),
        (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nhi", "x", HTTP),
        (b"HTTP/2 200\r\n\r\nhi", "x", HTTP),
        (b"Subject line only, no mail\nsecond line", "notes", PLAIN),
        ("نص عربي".encode("cp1256"), "arabic", PLAIN),
    ],
)
def test_sniff(data: bytes, name: str, expected: str) -> None:
    assert sniff(data, name) == expected


@pytest.mark.parametrize(
    ("data", "name", "reason"),
    [
        (b"\x7fELF\x02\x01\x01" + bytes(64), "prog",
         "binary data of unknown type (starts with 7f454c46): not a supported document format"),
        (b"\x89PNG\r\n\x1a\n" + bytes(32), "scan.png",
         "image file (PNG): OCR is not supported yet"),
        (b"\xff\xd8\xff\xe0" + bytes(32), "scan.pdf",
         "image file (JPEG): OCR is not supported yet"),
        (b"Rar!\x1a\x07\x00", "a.rar",
         "RAR archive: archives are not supported yet, unpack it first"),
        (b"", "x.txt", "empty file (0 bytes)"),
    ],
)
def test_sniff_rejects(data: bytes, name: str, reason: str) -> None:
    with pytest.raises(RejectedInput) as err:
        sniff(data, name)
    assert err.value.reason == reason


def test_random_junk_is_rejected_with_its_first_bytes() -> None:
    junk = b"\x00\x9f\x13\x88" + os.urandom(2000)
    with pytest.raises(RejectedInput) as err:
        read(junk, "upload", LIMITS)
    assert err.value.reason == (
        "binary data of unknown type (starts with 009f1388): not a supported document format"
    )


def test_sniff_payload_prefers_magic_then_content_type() -> None:
    assert sniff_payload(b"%PDF-1.4 x", "page.html", "text/html") == PDF
    assert sniff_payload(b"<p>x</p>", "x", "text/html; charset=utf-8") == HTML
    assert sniff_payload(b"hello", "notes.txt", "application/octet-stream") == PLAIN
    assert sniff_payload(b"body{}", "a.css", "text/css") is None
    assert sniff_payload(b"WARC/1.0\r\n", "x.warc", "") is None  # no nested containers
    assert sniff_payload(b"", "x", "text/plain") is None


def test_unsupported_media_type() -> None:
    with pytest.raises(RejectedInput, match="unsupported media type"):
        readers.read_as("image/png", b"x", "x", LIMITS)


def test_real_html_reader_through_the_registry() -> None:
    pytest.importorskip("factfinder.intake.readers.html")
    page = ("<!doctype html><html><head><title>Raid on the village</title></head><body>"
            "<article><h1>Raid on the village</h1>"
            + "".join(f"<p>Witness {i} said that soldiers entered the village at dawn and "
                      f"detained {i + 3} men, who have not been seen since.</p>"
                      for i in range(6))
            + "</article></body></html>").encode()
    media_type, units = read(page, "raid.html", LIMITS)
    assert media_type == HTML
    assert any("detained 3 men" in u.text for u in units)
