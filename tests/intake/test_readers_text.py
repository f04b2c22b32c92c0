"""Text reader: decoding (BOM, UTF-8, legacy encodings), binary rejection, titles."""

from __future__ import annotations

import codecs
import os

import pytest

from factfinder.intake.readers import read
from factfinder.intake.readers.text import decode_text, read_text
from factfinder.intake.types import Limits, RejectedInput

LIMITS = Limits()

# Persian as typed on Windows: Arabic Yeh (U+064A) and ZWNJ, both in Windows-1256.
PERSIAN = (
    "گزارش کمیسیون حقیقت‌یاب درباره بازداشت‌های خودسرانه در استان سیستان و بلوچستان.\n"
    "بر اساس شهادت خانواده‌ها، دست‌کم چهل نفر از جمله کودکان در ماه گذشته بازداشت شدند و "
    "هیچ اطلاعی از محل نگهداری آنان در دست نیست. وکلای آنان اجازه ملاقات نداشته‌اند.\n"
).replace("\u06cc", "\u064a")


def test_utf8_text_is_exact_decoding() -> None:
    data = "Report of 3 March\r\n\r\nWitness A said:\tthe café was  closed.\n".encode()
    media_type, units = read(data, "report.txt", LIMITS)
    assert media_type == "text/plain"
    (unit,) = units
    assert unit.text == data.decode("utf-8")  # CRLF, tabs and double spaces untouched
    assert unit.meta["encoding"] == "utf-8"
    assert unit.title == "Report of 3 March"
    assert unit.kind == "document" and unit.key == ""


def test_windows_1256_persian_decodes_right() -> None:
    data = PERSIAN.encode("cp1256")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    media_type, (unit,) = read(data, "gozaresh.txt", LIMITS)
    assert media_type == "text/plain"
    assert unit.text == PERSIAN
    assert unit.meta["encoding"] == "cp1256"
    assert data.decode(unit.meta["encoding"]) == unit.text  # derivable from the bytes


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_bom_encodings(codec: str) -> None:
    text = "Témoignage — Халқ — شاهد\nsecond line\n"
    data = text.encode(codec)
    if codec == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    (unit,) = read_text(data, "t.txt", LIMITS)
    assert unit.text == text
    assert data.decode(unit.meta["encoding"]) == text


def test_declared_charset_is_used_when_it_fits() -> None:
    text, meta = decode_text("naïve façade".encode("latin-1"), declared="iso-8859-1")
    assert text == "naïve façade"
    assert meta["encoding"] == "iso8859-1"


def test_declared_charset_that_does_not_fit_falls_back() -> None:
    text, meta = decode_text("ok — fine".encode(), declared="ascii")
    assert text == "ok — fine" and meta["encoding"] == "utf-8"


def test_binary_junk_is_rejected() -> None:
    junk = os.urandom(4096)
    with pytest.raises(RejectedInput) as err:
        read(b"\x7fELF\x02\x01\x01\x00" + junk, "a.out", LIMITS)
    assert err.value.reason.startswith("binary data of unknown type (starts with 7f454c46)")
    with pytest.raises(RejectedInput) as err:
        read_text(b"abc\x00def" * 100, "notes.txt", LIMITS)
    assert "NUL byte" in err.value.reason


def test_control_characters_are_binary() -> None:
    data = bytes([1, 2, 3, 4, 5, 6, 0x0E, 0x0F]) * 20 + b"some text" * 10
    with pytest.raises(RejectedInput) as err:
        read_text(data, "x.txt", LIMITS)
    assert "control characters" in err.value.reason
    assert "\n" not in err.value.reason


def test_binary_junk_named_txt_is_rejected_by_read() -> None:
    with pytest.raises(RejectedInput) as err:
        read(b"\x00\x01\x02garbage" * 50, "notes.txt", LIMITS)
    assert "binary data" in err.value.reason


def test_empty_and_whitespace_files() -> None:
    with pytest.raises(RejectedInput, match=r"^empty file \(0 bytes\)$"):
        read(b"", "empty.txt", LIMITS)
    with pytest.raises(RejectedInput, match="only whitespace"):
        read(b" \n\t\n", "blank.txt", LIMITS)


def test_markdown_title_and_media_type() -> None:
    data = b"---\nlayout: post\n---\n\n# Mass arrests in the north #\n\nBody text.\n"
    media_type, (unit,) = read(data, "post.md", LIMITS)
    assert media_type == "text/markdown"
    assert unit.title == "Mass arrests in the north"
    assert unit.text == data.decode()


def test_csv_and_tsv() -> None:
    media_type, (unit,) = read(b"id,name,date\n1,A,2020-01-01\n", "victims.csv", LIMITS)
    assert media_type == "text/csv" and unit.title is None
    media_type, (unit,) = read(b"id\tname\n1\tA\n", "victims.tsv", LIMITS)
    assert media_type == "text/csv" and unit.meta["delimiter"] == "\t"


def test_long_first_line_is_not_a_title() -> None:
    (unit,) = read_text(("x" * 201 + "\nmore").encode(), "t.txt", LIMITS)
    assert unit.title is None


def test_text_over_the_character_limit_is_rejected() -> None:
    with pytest.raises(RejectedInput, match="over the 10-character limit"):
        read_text(b"0123456789ABC", "t.txt", Limits(max_text_chars=10))
