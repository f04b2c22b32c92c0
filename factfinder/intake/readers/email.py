"""E-mail: one .eml message, or every message of an .mbox, as ``kind="message"`` units.

The body is the text/plain part when there is one (the sender's own words, no markup
heuristics), else the HTML part's text as read by the HTML reader. Its bytes are decoded with
the declared MIME charset when that decodes strictly, else detected like any text file, so
``meta['encoding']`` reproduces the text from the part's transfer-decoded bytes.

Headers become metadata: Subject → title, From → author, Date → published (ISO 8601), and
To/Cc/Message-ID in ``meta``. Attachments are listed (name, type, size, sha256) but not read
yet. Hostile mail is common (spam, forged headers, broken MIME), so every header access and
every part is read defensively: a malformed header degrades to its raw text or to nothing,
never to a crash.

mbox: a message starts at every line beginning with ``From `` (the convention of Python's
:mod:`mailbox`). ``>From `` quoting in bodies is left as it is in the original.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from email import policy
from email.header import decode_header, make_header
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import parsedate_to_datetime
from typing import Any

from factfinder.intake.readers.text import check_text_length, decode_text
from factfinder.intake.types import Extracted, Limits, RejectedInput

MAX_DEPTH = 30  # MIME nesting; deeper trees are spam or attacks
MAX_ATTACHMENTS = 500
MAX_KEY = 250  # a longer Message-ID is not used as a key
_MBOX_FROM = re.compile(rb"^From ", re.MULTILINE)
_SURROGATES = re.compile("[\ud800-\udfff]")


def _repair(value: str) -> str:
    """Raw 8-bit header bytes arrive as surrogate escapes: decode them like any legacy text."""
    if not _SURROGATES.search(value):
        return value
    raw = value.encode("utf-8", "surrogateescape")
    try:
        value = decode_text(raw)[0]
    except RejectedInput:
        value = raw.decode("utf-8", "replace")
    return _SURROGATES.sub("\ufffd", value)


def _clean(value: str) -> str:
    """Repair raw 8-bit bytes and collapse folding whitespace."""
    return " ".join(_repair(value).split())


def _decode_words(value: str) -> str:
    """Decode RFC 2047 encoded words; on an unknown charset keep the raw text."""
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def _header(msg: Message, name: str) -> str | None:
    """One header as text, from its raw source.

    The raw value is used rather than ``policy.default``'s parsed header because the parser
    rewrites what it cannot understand (an unparseable From becomes "<>"): for evidence the
    sender's own text matters more than a normalised address.
    """
    try:
        raw = next((value for key, value in msg.raw_items() if key.lower() == name), None)
    except Exception:
        return None
    if raw is None:
        return None
    return _clean(_decode_words(_repair(str(raw)))) or None


def _date(msg: Message) -> str | None:
    raw = _header(msg, "date")
    if raw is None:
        return None
    try:
        return parsedate_to_datetime(raw).isoformat()
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _payload(part: Message) -> bytes:
    try:
        payload = part.get_payload(decode=True)
    except Exception:
        return b""
    return payload if isinstance(payload, bytes) else b""


def _charset(part: Message) -> str | None:
    try:
        return part.get_content_charset()
    except Exception:
        return None


def _content_type(part: Message) -> str:
    try:
        return part.get_content_type()
    except Exception:
        return "application/octet-stream"


def _body_part(msg: Message) -> Message | None:
    try:
        if isinstance(msg, EmailMessage):
            return msg.get_body(preferencelist=("plain", "html"))
    except Exception:  # broken multipart structure
        pass
    return None


def _leaves(part: Message, depth: int = 0) -> list[Message]:
    """Leaf parts in order; an attached message (message/rfc822) counts as one leaf."""
    if depth > MAX_DEPTH:
        raise RejectedInput(f"e-mail MIME structure nested over {MAX_DEPTH} levels deep")
    if depth and _content_type(part) == "message/rfc822":
        return [part]
    if part.is_multipart():
        payload = part.get_payload()
        subparts = payload if isinstance(payload, list) else []
        leaves: list[Message] = []
        for sub in subparts:
            if isinstance(sub, Message):
                leaves.extend(_leaves(sub, depth + 1))
        return leaves
    return [part]


def _attachment(part: Message) -> dict[str, Any]:
    content_type = _content_type(part)
    reserialised = False
    if content_type == "message/rfc822":
        inner = part.get_payload()
        try:
            inner_msg = inner[0] if isinstance(inner, list) and inner else None
            data = inner_msg.as_bytes() if isinstance(inner_msg, Message) else b""
        except Exception:
            data = b""
        reserialised = True
    else:
        data = _payload(part)
    try:
        filename = part.get_filename()
    except Exception:
        filename = None
    info: dict[str, Any] = {
        "filename": _clean(filename) if filename else None,
        "content_type": content_type,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    if reserialised:
        info["reserialised"] = True  # sha256 of the parsed message re-serialised, not the bytes
    return info


def _is_attachment(part: Message) -> bool:
    try:
        if part.get_content_disposition() == "attachment" or part.get_filename():
            return True
    except Exception:
        return True
    return _content_type(part).split("/")[0] not in ("text", "multipart")


def _body(
    msg: Message, part: Message | None, name: str, limits: Limits
) -> tuple[str, dict[str, Any]]:
    """Text of the preferred body part and facts about it (type, encoding, errors)."""
    if part is None:
        if msg.is_multipart() or _is_attachment(msg):
            return "", {"body": None}
        part = msg  # a non-MIME or single-part message that get_body did not pick
    content_type = _content_type(part)
    meta: dict[str, Any] = {"body": content_type}
    data = _payload(part)
    if not data.strip():
        return "", meta
    if content_type == "text/html":
        from factfinder.intake.readers import html_units

        try:
            units = html_units(data, name, limits, declared_charset=_charset(part))
        except RejectedInput as exc:
            meta["body_error"] = exc.reason
            return "", meta
        for key in ("encoding", "transcoded_from"):
            if units and key in units[0].meta:
                meta[key] = units[0].meta[key]
        return "\n\n".join(u.text for u in units), meta
    try:
        text, decoded = decode_text(data, declared=_charset(part))
    except RejectedInput as exc:
        meta["body_error"] = exc.reason
        return "", meta
    meta.update(decoded)
    return text, meta


def _parse(data: bytes) -> EmailMessage:
    try:
        msg = BytesParser(policy=policy.default).parsebytes(data)
    except RecursionError:
        raise RejectedInput("malformed e-mail: MIME structure nested too deeply") from None
    except Exception as exc:
        raise RejectedInput(f"malformed e-mail: {exc}") from None
    assert isinstance(msg, EmailMessage)
    return msg


def _message(msg: EmailMessage, name: str, limits: Limits) -> Extracted:
    body_part = _body_part(msg)
    text, meta = _body(msg, body_part, name, limits)
    if meta["body"] is not None and body_part is None:
        body_part = msg
    check_text_length(text, limits, "e-mail body")
    for key in ("to", "cc", "message-id", "in-reply-to"):
        value = _header(msg, key)
        if value:
            meta[key.replace("-", "_")] = value
    raw_date = _header(msg, "date")
    if raw_date:
        meta["date_raw"] = raw_date
    attachments = [_attachment(p) for p in _leaves(msg)
                   if p is not body_part and _is_attachment(p)]
    if attachments:
        meta["attachments"] = attachments[:MAX_ATTACHMENTS]
        if len(attachments) > MAX_ATTACHMENTS:
            meta["attachments_omitted"] = len(attachments) - MAX_ATTACHMENTS
    if msg.defects:
        meta["defects"] = sorted({type(d).__name__ for d in msg.defects})
    return Extracted(text=text, media_type="message/rfc822", title=_header(msg, "subject"),
                     author=_header(msg, "from"), published=_date(msg), kind="message",
                     meta=meta)


def _check_is_mail(msg: EmailMessage) -> None:
    if not msg.keys():
        raise RejectedInput("not an e-mail message: no headers found")


def read_eml(data: bytes, name: str, limits: Limits) -> list[Extracted]:
    """Read one RFC 822 message (.eml) as one unit."""
    msg = _parse(data)
    _check_is_mail(msg)
    try:
        return [_message(msg, name, limits)]
    except RecursionError:
        raise RejectedInput("malformed e-mail: MIME structure nested too deeply") from None


def split_mbox(data: bytes) -> list[tuple[str, bytes]]:
    """Split an mbox into ``(From_ line, message bytes)`` pairs."""
    stripped = data.lstrip(b"\r\n")
    if not stripped.startswith(b"From "):
        raise RejectedInput("not an mbox file: it does not start with a 'From ' line")
    starts = [m.start() for m in _MBOX_FROM.finditer(stripped)]
    messages: list[tuple[str, bytes]] = []
    for i, start in enumerate(starts):
        end = starts[i + 1] if i + 1 < len(starts) else len(stripped)
        chunk = stripped[start:end]
        from_line, _, raw = chunk.partition(b"\n")
        if raw.endswith(b"\r\n\r\n"):
            raw = raw[:-2]
        elif raw.endswith(b"\n\n"):
            raw = raw[:-1]  # the blank line that separates messages
        messages.append((_clean(from_line.decode("utf-8", "surrogateescape")), raw))
    return messages


def _safe_parse(raw: bytes) -> EmailMessage | str:
    try:
        return _parse(raw)
    except RejectedInput as exc:
        return exc.reason


def read_mbox(data: bytes, name: str, limits: Limits) -> list[Extracted]:
    """Read every message of an mbox; key is the Message-ID, or ``msg:<n>`` (1-based) when a
    message has none or shares it with another message of the same mbox.

    A message that cannot be read becomes an empty unit with ``meta['error']`` rather than
    rejecting the whole mailbox.
    """
    messages = [(line, _safe_parse(raw)) for line, raw in split_mbox(data)]
    ids = [_header(msg, "message-id") if isinstance(msg, Message) else None
           for _, msg in messages]
    counts = Counter(ids)
    units: list[Extracted] = []
    for n, ((from_line, msg), message_id) in enumerate(zip(messages, ids, strict=True), 1):
        if isinstance(msg, str):
            unit = Extracted(text="", media_type="message/rfc822", kind="message",
                             meta={"error": msg})
        else:
            try:
                unit = _message(msg, name, limits)
            except (RejectedInput, RecursionError) as exc:
                reason = exc.reason if isinstance(exc, RejectedInput) else \
                    "MIME structure nested too deeply"
                unit = Extracted(text="", media_type="message/rfc822", kind="message",
                                 title=_header(msg, "subject"), meta={"error": reason})
        usable = message_id and counts[message_id] == 1 and len(message_id) <= MAX_KEY
        unit.key = message_id if usable and message_id else f"msg:{n}"
        unit.meta["mbox_from"] = from_line
        unit.meta["mbox_index"] = n
        units.append(unit)
    if not any(u.text.strip() or u.meta.get("attachments") for u in units):
        raise RejectedInput(f"mbox has {len(units)} message(s) but none with text or attachments")
    return units
