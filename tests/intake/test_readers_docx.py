"""docx reader: body text in order, core properties, zip bombs and broken packages."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime

import docx
import pytest
from docx.oxml import parse_xml

from factfinder.intake.readers import DOCX, read, sniff
from factfinder.intake.readers.docx import read_docx
from factfinder.intake.types import Limits, RejectedInput

LIMITS = Limits()
W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def make_docx(*, tracked: bool = False, title: str | None = "Witness statements") -> bytes:
    document = docx.Document()
    document.add_heading("Statements from Kharkiv", level=1)
    document.add_paragraph("Witness A: the shelling started at 05:00.")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).text = "Name"
    table.cell(0, 1).text = "Date"
    table.cell(0, 2).text = "Place"
    table.cell(1, 0).text = "B."
    table.cell(1, 1).merge(table.cell(1, 2)).text = "2022-03-01, Saltivka"
    para = document.add_paragraph("Witness C: ")
    para.add_run("we hid\tin the basement.")
    if tracked:
        para._p.append(parse_xml(
            f'<w:ins {W_NS} w:id="1" w:author="ed"><w:r><w:t xml:space="preserve"> Inserted.'
            "</w:t></w:r></w:ins>"))
        para._p.append(parse_xml(
            f'<w:del {W_NS} w:id="2" w:author="ed"><w:r><w:delText>Deleted.</w:delText></w:r>'
            "</w:del>"))
        document.element.body.insert(0, parse_xml(
            f"<w:sdt {W_NS}><w:sdtContent><w:p><w:r><w:t>Cover page in a content control"
            "</w:t></w:r></w:p></w:sdtContent></w:sdt>"))
    props = document.core_properties
    props.title = title or ""
    props.author = "Field team 3"
    props.created = datetime(2022, 3, 4, 10, 30)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def rezip(data: bytes, extra: dict[str, bytes] | None = None, drop: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != drop:
                dst.writestr(info, src.read(info))
        for name, content in (extra or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def test_paragraphs_and_tables_in_order_with_properties() -> None:
    media_type, (unit,) = read(make_docx(), "statements.docx", LIMITS)
    assert media_type == DOCX
    assert unit.text == (
        "Statements from Kharkiv\n"
        "Witness A: the shelling started at 05:00.\n"
        "Name\tDate\tPlace\n"
        "B.\t2022-03-01, Saltivka\n"  # a merged cell appears once
        "Witness C: we hid\tin the basement."
    )
    assert unit.title == "Witness statements"
    assert unit.author == "Field team 3"
    assert unit.meta["created"].startswith("2022-03-04T10:30")


def test_tracked_changes_and_content_controls() -> None:
    (unit,) = read_docx(make_docx(tracked=True), "t.docx", LIMITS)
    assert unit.text.startswith("Cover page in a content control\n")
    assert "we hid\tin the basement. Inserted." in unit.text
    assert "Deleted." not in unit.text


def test_title_falls_back_to_heading_style() -> None:
    (unit,) = read_docx(make_docx(title=None), "t.docx", LIMITS)
    assert unit.title == "Statements from Kharkiv"


def test_zip_bomb_is_rejected_before_unpacking() -> None:
    # ~300 MB of zeros streamed into a member: the archive stays ~300 KB and memory stays low.
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(make_docx())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        with dst.open("word/media/image1.bin", "w", force_zip64=True) as member:
            chunk = bytes(1 << 20)
            for _ in range(300):
                member.write(chunk)
    data = out.getvalue()
    assert len(data) < 1_000_000
    assert sniff(data, "bomb.docx") == DOCX
    with pytest.raises(RejectedInput) as err:
        read(data, "bomb.docx", LIMITS)
    assert re.fullmatch(r"docx unpacks to 300\.\d MB \(zip bomb\?\): over the 200 MB limit",
                        err.value.reason), err.value.reason


def test_high_compression_ratio_member_is_rejected() -> None:
    data = rezip(make_docx(), extra={"word/media/pad.bin": bytes(3 * 1024 * 1024)})
    with pytest.raises(RejectedInput) as err:
        read_docx(data, "ratio.docx", LIMITS)
    assert err.value.reason.startswith("docx member word/media/pad.bin has a compression ratio")
    assert err.value.reason.endswith("(zip bomb?): over the 200:1 limit")


def test_unpacked_limit_is_configurable() -> None:
    with pytest.raises(RejectedInput, match=r"^docx unpacks to .* over the 10 KB limit$"):
        read_docx(make_docx(), "small.docx", Limits(max_unpacked_bytes=10 * 1024))


def test_too_many_members() -> None:
    data = rezip(make_docx(), extra={f"customXml/extra{i}.xml": b"<a/>" for i in range(2001)})
    with pytest.raises(RejectedInput, match="zip members .* over the 2,000 limit"):
        read_docx(data, "many.docx", LIMITS)


def test_corrupt_docx() -> None:
    data = make_docx()
    for broken in (data[: len(data) // 2], b"PK\x03\x04" + b"\x00" * 200):
        with pytest.raises(RejectedInput) as err:
            read(broken, "broken.docx", LIMITS)
        assert err.value.reason.startswith("corrupt docx: not a valid zip file"), err.value.reason
    with pytest.raises(RejectedInput, match="^corrupt docx"):
        read_docx(rezip(data, drop="[Content_Types].xml"), "no-types.docx", LIMITS)
    with pytest.raises(RejectedInput, match="^corrupt docx"):
        read_docx(rezip(data, extra={"word/document.xml": b"<not xml"}, drop="word/document.xml"),
                  "bad-xml.docx", LIMITS)


def test_zip_that_is_not_a_docx() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("photos/1.jpg", b"\xff\xd8\xff")
    with pytest.raises(RejectedInput, match="zip archive that is not a Word .docx"):
        read(buf.getvalue(), "evidence.zip", LIMITS)
    with pytest.raises(RejectedInput, match="no word/document.xml"):
        read_docx(buf.getvalue(), "evidence.docx", LIMITS)


def test_password_protected_docx() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(RejectedInput, match="password-protected .docx"):
        read(ole, "locked.docx", LIMITS)
    with pytest.raises(RejectedInput, match=r"legacy Microsoft Office file \(OLE2, e.g. .doc\)"):
        read(ole, "old.doc", LIMITS)
