"""E-mail reader: .eml and .mbox, body choice, headers, attachments, malformed mail."""

from __future__ import annotations

import hashlib
from email.message import EmailMessage
from typing import Any

import pytest

from factfinder.intake.readers import EML, MBOX, read, sniff
from factfinder.intake.readers.email import read_eml, read_mbox, split_mbox
from factfinder.intake.types import Limits, RejectedInput

LIMITS = Limits()
PERSIAN = "شاهد گفت که نیروها به سوي جمعيت شليک کردند.".replace("\u06cc", "\u064a")




def make_message(*, html: str | None = None, plain: str | None = "Body text.\n",
                 attachment: bytes | None = None, message_id: str | None = "<a1@example.org>",
                 subject: str = "Arrests in Zahedan") -> EmailMessage:
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = "Field Monitor <monitor@example.org>"
    msg["To"] = "desk@example.org, legal@example.org"
    msg["Cc"] = "Archive <archive@example.org>"
    msg["Date"] = "Fri, 30 Sep 2022 14:05:00 +0330"
    if message_id:
        msg["Message-ID"] = message_id
    if plain is not None:
        msg.set_content(plain)
        if html is not None:
            msg.add_alternative(html, subtype="html")
    elif html is not None:
        msg.set_content(html, subtype="html")
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="pdf",
                           filename="list of detainees.pdf")
    return msg


def test_eml_headers_body_and_attachments() -> None:
    pdf = b"%PDF-1.4 fake attachment"
    msg = make_message(plain="Forty people were detained.\n", html="<p>HTML copy</p>",
                       attachment=pdf, subject="بازداشت‌ها in Zahedan")
    media_type, (unit,) = read(msg.as_bytes(), "report.eml", LIMITS)
    assert media_type == EML
    assert unit.kind == "message" and unit.key == ""
    assert unit.media_type == "message/rfc822"
    assert unit.text == "Forty people were detained.\n"
    assert unit.title == "بازداشت‌ها in Zahedan"
    assert unit.author == "Field Monitor <monitor@example.org>"
    assert unit.published == "2022-09-30T14:05:00+03:30"
    assert unit.meta["to"] == "desk@example.org, legal@example.org"
    assert unit.meta["cc"] == "Archive <archive@example.org>"
    assert unit.meta["message_id"] == "<a1@example.org>"
    assert unit.meta["body"] == "text/plain"
    assert unit.meta["attachments"] == [{
        "filename": "list of detainees.pdf", "content_type": "application/pdf",
        "size": len(pdf), "sha256": hashlib.sha256(pdf).hexdigest(),
    }]


def test_legacy_charset_body_is_decoded() -> None:
    raw = (b"From: a@example.org\r\nSubject: test\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/plain; charset=windows-1256\r\n"
           b"Content-Transfer-Encoding: 8bit\r\n\r\n" + PERSIAN.encode("cp1256") + b"\r\n")
    (unit,) = read_eml(raw, "fa.eml", LIMITS)
    assert unit.text == PERSIAN + "\r\n"
    assert unit.meta["encoding"] == "cp1256"


def test_undeclared_legacy_charset_is_detected() -> None:
    raw = (b"From: a@example.org\nSubject: test\n\n" + (PERSIAN * 3).encode("cp1256") + b"\n")
    (unit,) = read_eml(raw, "fa.eml", LIMITS)
    assert unit.text == PERSIAN * 3 + "\n"


def test_html_only_mail_goes_through_the_html_reader(fake_html: list[dict[str, Any]]) -> None:
    html = f"<html><body><p>{PERSIAN}</p></body></html>"
    raw = (b"From: a@example.org\r\nSubject: html only\r\nMIME-Version: 1.0\r\n"
           b"Content-Type: text/html; charset=windows-1256\r\n\r\n" + html.encode("cp1256"))
    (unit,) = read_eml(raw, "h.eml", LIMITS)
    assert unit.text == PERSIAN
    assert unit.meta["body"] == "text/html"
    assert unit.meta.get("attachments") is None
    assert len(fake_html) == 1


def test_plain_is_preferred_over_html(fake_html: list[dict[str, Any]]) -> None:
    msg = make_message(plain="plain words\n", html="<p>html words</p>")
    (unit,) = read_eml(msg.as_bytes(), "m.eml", LIMITS)
    assert unit.text == "plain words\n"
    assert fake_html == []


def test_malformed_headers_do_not_crash() -> None:
    raw = (b"From: <<<@@@>>> \"unterminated\r\n"
           b"To: ;;;,,,@\r\n"
           b"Subject: =?x-unknown?B?////?= raw \xe9\xed\xf1 bytes\r\n"
           b"Date: the day after tomorrow\r\n"
           b"Message-ID: not a message id\r\n"
           b"Content-Type: text/plain; charset=\"no-such-charset\"\r\n"
           b"Content-Transfer-Encoding: base64\r\n"
           b"\r\n"
           b"VGhlIGJvZHkgc3Vydml2ZXMu!!!not base64\r\n")
    (unit,) = read_eml(raw, "bad.eml", LIMITS)
    assert unit.published is None
    assert unit.meta["date_raw"] == "the day after tomorrow"
    assert unit.author is not None and "@@@" in unit.author
    assert unit.title is not None and "bytes" in unit.title
    # undecodable base64: the stdlib hands back the raw payload and records a defect
    assert unit.text.startswith("VGhlIGJvZHkgc3Vydml2ZXMu")
    assert unit.meta["defects"] == ["InvalidBase64LengthDefect"]


def test_non_mail_eml_is_rejected() -> None:
    with pytest.raises(RejectedInput, match="no headers found"):
        read(b"just some words, no headers at all\n", "note.eml", LIMITS)


@pytest.mark.parametrize("depth", [60, 3000])
def test_deep_mime_nesting_is_rejected(depth: int) -> None:
    parts = [b"From: a@example.org\r\nSubject: deep\r\n"]
    for i in range(depth):
        parts.append(b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i))
    parts.append(b"Content-Type: text/plain\r\n\r\nhello\r\n")
    for i in reversed(range(depth)):
        parts.append(b"--b%d--\r\n" % i)
    with pytest.raises(RejectedInput) as err:
        read_eml(b"".join(parts), "deep.eml", LIMITS)
    assert "e-mail" in err.value.reason and "\n" not in err.value.reason


def mbox_of(*messages: bytes) -> bytes:
    out = b""
    for raw in messages:
        out += b"From sender@example.org Fri Sep 30 14:05:00 2022\n" + raw.rstrip(b"\n") + b"\n\n"
    return out


def test_mbox_messages_and_keys() -> None:
    first = make_message(plain="first\n>From the field, quoted.\n").as_bytes()
    second = make_message(plain="second\n", message_id="<dup@example.org>").as_bytes()
    third = make_message(plain="third\n", message_id="<dup@example.org>").as_bytes()
    fourth = make_message(plain="fourth\n", message_id=None).as_bytes()
    data = mbox_of(first, second, third, fourth)
    assert sniff(data, "export") == MBOX
    media_type, units = read(data, "inbox.mbox", LIMITS)
    assert media_type == MBOX
    assert [u.key for u in units] == ["<a1@example.org>", "msg:2", "msg:3", "msg:4"]
    assert all(u.kind == "message" for u in units)
    assert units[0].text.replace("\r\n", "\n") == "first\n>From the field, quoted.\n"
    assert units[3].text.strip() == "fourth"
    assert units[1].meta["mbox_from"] == "From sender@example.org Fri Sep 30 14:05:00 2022"


def test_mbox_with_crlf_and_no_body() -> None:
    raw = (b"From x Thu Jan  1 00:00:00 1970\r\nSubject: one\r\n\r\nbody one\r\n\r\n"
           b"From y Thu Jan  1 00:00:00 1970\r\nSubject: two\r\n\r\n")
    units = read_mbox(raw, "m.mbox", LIMITS)
    assert [u.title for u in units] == ["one", "two"]
    assert units[0].text.strip() == "body one"
    assert units[1].text == ""


def test_bad_mbox() -> None:
    with pytest.raises(RejectedInput, match="does not start with a 'From ' line"):
        read_mbox(b"Subject: x\n\nhello\n", "x.mbox", LIMITS)
    with pytest.raises(RejectedInput, match="none with text"):
        read_mbox(b"From x\nSubject: empty\n\n", "x.mbox", LIMITS)
    assert split_mbox(b"\nFrom a\nX: 1\n\nb\n") == [("From a", b"X: 1\n\nb\n")]
