"""Reader registry: which format an original is, and which reader turns it into text units.

``sniff`` trusts content over names: magic bytes first (a PDF named .txt is a PDF), then the
extension, then a look at the text itself. Binary data that matches nothing is rejected here
with the first bytes in the reason, so a user sees why a file was refused without a hex editor.

Readers are imported lazily so that importing the registry stays cheap and a broken optional
dependency only affects its own format.
"""

from __future__ import annotations

import codecs
import posixpath
import re
import zipfile
import zlib
from io import BytesIO
from urllib.parse import unquote, urlsplit

from factfinder.intake.readers.text import binary_reason, bom_encoding
from factfinder.intake.types import Extracted, Limits, RejectedInput

PLAIN = "text/plain"
MARKDOWN = "text/markdown"
CSV = "text/csv"
HTML = "text/html"
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EML = "message/rfc822"
MBOX = "application/mbox"
WARC = "application/warc"
HTTP = "application/http"

MEDIA_TYPES = (PLAIN, MARKDOWN, CSV, HTML, PDF, DOCX, EML, MBOX, WARC, HTTP)
# What may appear inside a container (WARC record, fetched response): documents, not containers.
PAYLOAD_TYPES = (PLAIN, MARKDOWN, CSV, HTML, PDF, DOCX)

_EXTENSIONS: tuple[tuple[str, str], ...] = (
    (".warc.gz", WARC), (".warc", WARC), (".txt", PLAIN), (".text", PLAIN), (".md", MARKDOWN),
    (".markdown", MARKDOWN), (".csv", CSV), (".tsv", CSV), (".html", HTML), (".htm", HTML),
    (".xhtml", HTML), (".pdf", PDF), (".docx", DOCX), (".eml", EML), (".mbox", MBOX),
    (".http", HTTP),
)
_CONTENT_TYPES = {
    "text/html": HTML, "application/xhtml+xml": HTML, "text/plain": PLAIN,
    "text/markdown": MARKDOWN, "text/x-markdown": MARKDOWN, "text/csv": CSV,
    "text/tab-separated-values": CSV, "application/pdf": PDF, "application/x-pdf": PDF, DOCX: DOCX,
}
_GENERIC_CONTENT_TYPES = ("", "application/octet-stream", "binary/octet-stream",
                          "application/unknown", "application/download")
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "image file (PNG): OCR is not supported yet"),
    (b"\xff\xd8\xff", "image file (JPEG): OCR is not supported yet"),
    (b"GIF8", "image file (GIF): OCR is not supported yet"),
    (b"II*\x00", "image file (TIFF): OCR is not supported yet"),
    (b"MM\x00*", "image file (TIFF): OCR is not supported yet"),
    (b"Rar!\x1a\x07", "RAR archive: archives are not supported yet, unpack it first"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive: archives are not supported yet, unpack it first"),
    (b"{\\rtf", "RTF document: not supported yet, save it as .docx or PDF"),
)
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTTP_STATUS = re.compile(rb"HTTP/\d(?:\.\d)? \d{3}[ \r\n]")
_HTML_START = re.compile(r"<!doctype\s+html|<html[\s>]")
_HEADER_LINE = re.compile(rb"([A-Za-z0-9-]{1,76}):[ \t]")
_MAIL_HEADERS = {b"from", b"to", b"subject", b"date", b"message-id", b"received", b"return-path",
                 b"mime-version", b"delivered-to", b"cc", b"reply-to", b"x-mailer"}


def human_size(size: int, *, limit: bool = False) -> str:
    """``210.0 MB`` for a measured size; ``100 MB`` (no needless ``.0``) for a limit."""
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            break
        value /= 1024
    if unit == "bytes":
        return f"{size} bytes"
    if limit and value == int(value):
        return f"{int(value)} {unit}"
    return f"{value:.1f} {unit}"


def check_size(size: int, limits: Limits) -> None:
    """Reject an original by its size alone (callers may check before reading the bytes)."""
    if size == 0:
        raise RejectedInput("empty file (0 bytes)")
    if size > limits.max_file_bytes:
        raise RejectedInput(
            f"file is {human_size(size)}, over the {human_size(limits.max_file_bytes, limit=True)} "
            "limit"
        )


def _is_pdf(data: bytes, by_name: str | None) -> bool:
    """``%PDF-`` at the start; later in the first 1 KB (allowed by readers) only after a
    binary prefix or in a file named .pdf, so a text note quoting "%PDF-1.4" stays text."""
    at = data.find(b"%PDF-", 0, 1024)
    if at <= 0:
        return at == 0
    return by_name == PDF or binary_reason(data[:at]) is not None


def _zip_names(data: bytes) -> list[str] | None:
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            return archive.namelist()
    except Exception:  # corrupt directory: let the name decide, the reader explains
        return None


def _gunzip_head(data: bytes, size: int = 64) -> bytes:
    try:
        return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data[:65536], size)
    except zlib.error:
        return b""


def _text_head(data: bytes) -> str:
    """The first 4 KB as lower-case text (BOM-aware), for sniffing markup."""
    head = data[:4096]
    return head.decode(bom_encoding(head) or "latin-1", errors="ignore").lower()


def looks_like_html(data: bytes) -> bool:
    head = _text_head(data).lstrip("\ufeff \t\r\n")
    if head.startswith(("<!doctype html", "<html")):
        return True
    # an XML declaration or comments may come first
    return head.startswith(("<?xml", "<!--")) and _HTML_START.search(head) is not None


def _looks_like_mail(data: bytes) -> bool:
    """RFC 822 headers at the start: at least two well-known mail header names."""
    found = 0
    for line in data[:8192].splitlines()[:40]:
        if not line.strip():
            break
        if line[:1] in (b" ", b"\t"):
            continue  # folded continuation
        match = _HEADER_LINE.match(line)
        if not match:
            return False
        found += match.group(1).lower() in _MAIL_HEADERS
    return found >= 2


def _extension(name: str) -> str | None:
    lower = name.lower()
    for ext, media_type in _EXTENSIONS:
        if lower.endswith(ext):
            return media_type
    return None


def sniff(data: bytes, name: str) -> str:
    """Media type of an original: magic bytes, then extension, then a look at the text."""
    if not data:
        raise RejectedInput("empty file (0 bytes)")
    by_name = _extension(name)
    if _is_pdf(data, by_name):
        return PDF
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        names = _zip_names(data)
        if (names is not None and "word/document.xml" in names) or (names is None and
                                                                     by_name == DOCX):
            return DOCX
        if names is None:
            raise RejectedInput("corrupt zip archive: not a supported document format")
        raise RejectedInput("zip archive that is not a Word .docx: archives are not supported yet")
    if data.startswith(b"\x1f\x8b"):
        if _gunzip_head(data).startswith(b"WARC/1."):
            return WARC
        raise RejectedInput("gzip-compressed file that is not a WARC: unpack it first")
    if data.startswith(b"WARC/1."):
        return WARC
    if _HTTP_STATUS.match(data):
        return HTTP
    if data.startswith(_OLE2):
        if by_name == DOCX:
            raise RejectedInput("password-protected .docx (encrypted Office file): "
                                "cannot be read without the password")
        raise RejectedInput("legacy Microsoft Office file (OLE2, e.g. .doc): "
                            "save it as .docx or PDF first")
    for magic, reason in _MAGIC:
        if data.startswith(magic):
            raise RejectedInput(reason)
    if data[8:12] == b"WEBP" and data.startswith(b"RIFF"):
        raise RejectedInput("image file (WebP): OCR is not supported yet")
    if by_name in (PDF, DOCX, WARC):
        return by_name  # damaged file of a binary format: its reader says what is wrong
    if bom_encoding(data) is None and binary_reason(data) is not None:
        raise RejectedInput(
            f"binary data of unknown type (starts with {data[:4].hex()}): "
            "not a supported document format"
        )
    if looks_like_html(data):
        return HTML
    if by_name is not None:
        return by_name
    if data.startswith(b"From ") and _looks_like_mail(data.split(b"\n", 1)[-1]):
        return MBOX
    if _looks_like_mail(data):
        return EML
    return PLAIN


def parse_content_type(value: str | None) -> tuple[str, str | None]:
    """``("text/html", "windows-1256")`` from a Content-Type header value (lower-case type)."""
    if not value:
        return "", None
    parts = value.split(";")
    media_type = parts[0].strip().lower()
    charset = None
    for param in parts[1:]:
        key, _, val = param.partition("=")
        if key.strip().lower() == "charset":
            charset = val.strip().strip("\"'").strip() or None
    return media_type, charset


def url_basename(url: str | None) -> str:
    """Last path segment of a URL ("report.pdf"), used as a name hint for sniffing."""
    if not url:
        return ""
    try:
        path = urlsplit(url).path
    except ValueError:
        return ""
    return posixpath.basename(unquote(path))


def sniff_payload(data: bytes, name: str, content_type: str | None) -> str | None:
    """Media type of a payload inside a container, or None when it is not a document we read.

    Magic bytes beat the declared Content-Type (servers send PDFs as text/html or
    octet-stream); a declared type beats the URL's extension; a generic or missing type
    falls back to full sniffing. Containers (WARC, mbox, HTTP) are never read recursively.
    """
    if not data:
        return None
    declared, _ = parse_content_type(content_type)
    if _is_pdf(data, _extension(name)):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        names = _zip_names(data)
        return DOCX if names and "word/document.xml" in names else None
    if declared in _CONTENT_TYPES:
        return _CONTENT_TYPES[declared]
    if declared in _GENERIC_CONTENT_TYPES:
        try:
            sniffed = sniff(data, name)
        except RejectedInput:
            return None
        return sniffed if sniffed in PAYLOAD_TYPES else None
    return None


_META_CHARSET = re.compile(rb"<meta[^>]{0,200}charset", re.IGNORECASE)


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def html_units(
    data: bytes,
    name: str,
    limits: Limits,
    *,
    url: str | None = None,
    declared_charset: str | None = None,
) -> list[Extracted]:
    """Run the HTML reader, honouring a charset declared outside the page (MIME/HTTP header).

    ``read_html`` only sees bytes, so when the container declares a legacy charset, the bytes
    are not UTF-8, carry no BOM and the page declares no ``<meta charset>``, the page is handed
    over as UTF-8 with a BOM (which every HTML decoder honours) and ``meta['transcoded_from']``
    records the codec, so the text stays reproducible from the original bytes.
    """
    from factfinder.intake.readers.html import read_html

    payload, transcoded = data, None
    codec = _codec(declared_charset)
    if codec and codec != "utf-8" and bom_encoding(data) is None \
            and not _META_CHARSET.search(data[:4096]):
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                payload = codecs.BOM_UTF8 + data.decode(codec).encode("utf-8")
                transcoded = codec
            except UnicodeDecodeError:
                pass
    units = read_html(payload, name, limits, url=url)
    if transcoded:
        for unit in units:
            unit.meta["transcoded_from"] = transcoded
    return units


def read_as(
    media_type: str,
    data: bytes,
    name: str,
    limits: Limits,
    *,
    url: str | None = None,
    declared_charset: str | None = None,
) -> list[Extracted]:
    """Run the reader for ``media_type`` (as returned by ``sniff``/``sniff_payload``)."""
    if media_type in (PLAIN, MARKDOWN, CSV):
        from factfinder.intake.readers.text import read_text

        return read_text(data, name, limits, media_type=media_type,
                         declared_charset=declared_charset)
    if media_type == HTML:
        return html_units(data, name, limits, url=url, declared_charset=declared_charset)
    if media_type == PDF:
        from factfinder.intake.readers.pdf import read_pdf

        return read_pdf(data, name, limits)
    if media_type == DOCX:
        from factfinder.intake.readers.docx import read_docx

        return read_docx(data, name, limits)
    if media_type == EML:
        from factfinder.intake.readers.email import read_eml

        return read_eml(data, name, limits)
    if media_type == MBOX:
        from factfinder.intake.readers.email import read_mbox

        return read_mbox(data, name, limits)
    if media_type == WARC:
        from factfinder.intake.readers.warc import read_warc

        return read_warc(data, name, limits)
    if media_type == HTTP:
        from factfinder.intake.readers.http import read_http

        return read_http(data, name, limits)
    raise RejectedInput(f"unsupported media type {media_type}")


def read(data: bytes, name: str, limits: Limits) -> tuple[str, list[Extracted]]:
    """Read an original: returns (media type of the original, its text units)."""
    check_size(len(data), limits)
    media_type = sniff(data, name)
    units = read_as(media_type, data, name, limits)
    if not units:
        raise RejectedInput("no text could be read from the file")
    return media_type, units
