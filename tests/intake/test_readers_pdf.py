"""PDF reader: text layer with page spans, metadata, and every kind of bad PDF."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from factfinder.intake.readers import read
from factfinder.intake.readers.pdf import PAGE_SEPARATOR, read_pdf
from factfinder.intake.types import Limits, RejectedInput

LIMITS = Limits()


def make_pdf(pages: list[str | None], *, encrypt: object = None, title: str | None = None,
             author: str | None = None) -> bytes:
    """A PDF with one text line per page (None: a page with only a drawn rectangle)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, encrypt=encrypt, invariant=1)
    if title:
        c.setTitle(title)
    if author:
        c.setAuthor(author)
    for text in pages:
        if text is None:
            c.setFillGray(0.5)
            c.rect(50, 50, 400, 600, fill=1)  # what a scan looks like to a text extractor
        else:
            y = 800
            for line in text.split("\n"):
                c.drawString(72, y, line)
                y -= 14
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pages_spans_and_metadata() -> None:
    data = make_pdf(["First page: arrests in March", "Second page: 40 detainees"],
                    title="Detention report", author="Rights Group")
    media_type, (unit,) = read(data, "report.pdf", LIMITS)
    assert media_type == "application/pdf" and unit.media_type == "application/pdf"
    assert unit.title == "Detention report"
    assert unit.author == "Rights Group"
    pages = unit.meta["pages"]
    assert len(pages) == 2
    first = unit.text[pages[0][0]:pages[0][1]]
    second = unit.text[pages[1][0]:pages[1][1]]
    assert "First page: arrests in March" in first
    assert "Second page: 40 detainees" in second
    assert unit.text == first + PAGE_SEPARATOR + second
    datetime.fromisoformat(unit.meta["created"])  # ISO date from /CreationDate


def test_pdf_named_txt_is_sniffed_as_pdf() -> None:
    media_type, _ = read(make_pdf(["hello world"]), "misnamed.txt", LIMITS)
    assert media_type == "application/pdf"


def test_partly_scanned_pdf_lists_pages_without_text() -> None:
    (unit,) = read_pdf(make_pdf(["typed cover letter", None]), "mixed.pdf", LIMITS)
    assert unit.meta["pages_without_text"] == [2]
    start, end = unit.meta["pages"][1]
    assert start == end


def test_scanned_pdf_is_rejected() -> None:
    with pytest.raises(RejectedInput) as err:
        read(make_pdf([None, None]), "scan.pdf", LIMITS)
    assert err.value.reason == (
        "PDF has no text layer (scanned image?): OCR is not supported yet"
    )


def test_encrypted_pdf_is_rejected() -> None:
    data = make_pdf(["secret testimony"], encrypt="s3cret")
    with pytest.raises(RejectedInput) as err:
        read(data, "locked.pdf", LIMITS)
    assert err.value.reason == "PDF is encrypted with a password: cannot be read without it"


def test_pdf_with_empty_user_password_is_read() -> None:
    from reportlab.lib.pdfencrypt import StandardEncryption

    enc = StandardEncryption("", ownerPassword="owner", canPrint=0, canCopy=0)
    (unit,) = read_pdf(make_pdf(["copy-protected but readable"], encrypt=enc), "p.pdf", LIMITS)
    assert "copy-protected but readable" in unit.text


@pytest.mark.parametrize(
    "data",
    [
        b"%PDF-1.7\n" + b"\x00garbage\xff" * 100,
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n%%EOF",
        b"%PDF-",
    ],
)
def test_corrupt_pdf_is_rejected(data: bytes) -> None:
    with pytest.raises(RejectedInput) as err:
        read(data, "broken.pdf", LIMITS)
    reason = err.value.reason
    assert reason.startswith(("corrupt PDF", "PDF has no")), reason
    assert "\n" not in reason


def test_truncated_pdf_never_crashes() -> None:
    data = make_pdf(["one", "two", "three"])
    for cut in (len(data) // 4, len(data) // 2, len(data) - 40):
        try:
            read_pdf(data[:cut], "cut.pdf", LIMITS)
        except RejectedInput as exc:
            assert "\n" not in exc.reason


def build_pdf(objects: list[bytes]) -> bytes:
    """A hand-made PDF with a correct xref table, for structures reportlab will not write."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer << /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def _objects(*, page_extra: bytes = b"", kids: bytes = b"[3 0 R]",
             content: bytes = b"BT /F1 12 Tf 72 720 Td (Hello there) Tj ET") -> list[bytes]:
    return [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids " + kids + b" /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >>" + page_extra + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]


def test_hand_made_pdf_is_read() -> None:
    (unit,) = read_pdf(build_pdf(_objects()), "h.pdf", LIMITS)
    assert unit.text == "Hello there"


@pytest.mark.parametrize(
    ("objects", "expected"),
    [
        (_objects(page_extra=b" /X " + b"[" * 100_000 + b"]" * 100_000), "corrupt PDF"),
        (_objects(kids=b"[2 0 R 3 0 R]"), "corrupt PDF"),
        (_objects(content=b"[" * 200_000 + b"]" * 200_000 + b" BT (x) Tj ET"), "corrupt PDF"),
    ],
    ids=["deep-dictionary", "cyclic-page-tree", "deep-content-stream"],
)
def test_pathological_pdf_is_rejected_not_crashing(objects: list[bytes], expected: str) -> None:
    with pytest.raises(RejectedInput) as err:
        read_pdf(build_pdf(objects), "evil.pdf", LIMITS)
    assert err.value.reason.startswith(expected)
    assert "\n" not in err.value.reason


def test_binary_junk_named_pdf_gets_a_pdf_reason() -> None:
    with pytest.raises(RejectedInput, match="^corrupt PDF"):
        read(b"\x01\x02\x03\x04" * 100, "junk.pdf", LIMITS)


def test_pdf_text_over_the_limit_is_rejected() -> None:
    with pytest.raises(RejectedInput, match="over the 20-character limit"):
        read_pdf(make_pdf(["a fairly long line of text on page one"]), "l.pdf",
                 Limits(max_text_chars=20))


def test_pypdf_warnings_are_captured_not_printed(capsys: pytest.CaptureFixture[str]) -> None:
    data = build_pdf(_objects()).replace(b"%PDF-1.4\n", b"%PDF-1.4\n%shifted offsets\n", 1)
    (unit,) = read_pdf(data, "shifted.pdf", LIMITS)
    assert unit.text == "Hello there"
    assert any("startxref" in w for w in unit.meta["warnings"])
    captured = capsys.readouterr()
    assert captured.err == "" and captured.out == ""
