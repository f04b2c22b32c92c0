#!/usr/bin/env python3
"""Build the binary documents of the factfinder sample corpus from text sources.

    python sample/build/make_binaries.py

Reads sample/build/src/ and writes into sample/corpus/:

    ahrdc-report-graves-without-names.pdf   (reportlab, invariant mode)
    testimony-reza-sheikhvand.docx          (python-docx, zip entries re-stamped)
    email-mina-azarnoush.eml                (email package)
    ahrdc-intake-2023.mbox                  (email package, 3 messages)
    crawl-2023-09.warc.gz                   (warcio, fixed record ids and dates)

Every timestamp and identifier is fixed, so running the script twice gives
byte-identical files (checked with --check).
"""
from __future__ import annotations

import argparse
import datetime as dt
import email.generator
import email.policy
import hashlib
import io
import re
import sys
import zipfile
from email.message import EmailMessage
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
SRC = HERE / "src"
CORPUS = HERE.parent / "corpus"

FIXED_TIME = dt.datetime(2024, 1, 1, 0, 0, 0)


# --------------------------------------------------------------------------- helpers
def parse_markup(path: Path):
    """Tiny markup: '@key value' directives, '## heading', '@table caption' ...
    '@endtable' (rows separated by ' | ', first row is the header), paragraphs
    separated by blank lines."""
    meta: dict[str, str] = {}
    blocks: list[tuple] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    para: list[str] = []

    def flush():
        if para:
            blocks.append(("p", " ".join(para)))
            para.clear()

    while i < len(lines):
        line = lines[i].rstrip()
        if line.startswith("@table"):
            flush()
            caption = line[len("@table"):].strip()
            rows = []
            i += 1
            while not lines[i].startswith("@endtable"):
                rows.append([c.strip() for c in lines[i].split(" | ")])
                i += 1
            blocks.append(("table", caption, rows))
        elif line.startswith("@"):
            key, _, value = line[1:].partition(" ")
            meta[key] = value.strip()
        elif line.startswith("## "):
            flush()
            blocks.append(("h", line[3:].strip()))
        elif not line.strip():
            flush()
        else:
            para.append(line.strip())
        i += 1
    flush()
    return meta, blocks


def parse_message(path: Path):
    raw = path.read_text(encoding="utf-8")
    head, _, body = raw.partition("\n\n")
    headers = []
    for line in head.splitlines():
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    return headers, body


# --------------------------------------------------------------------------- PDF
def make_pdf(src: Path, out: Path) -> None:
    from reportlab import rl_config
    rl_config.invariant = 1  # fixed /ID and creation date -> reproducible bytes
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_LEFT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import (Paragraph, SimpleDocTemplate, Spacer, Table,
                                    TableStyle)

    meta, blocks = parse_markup(src)
    ss = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=ss["BodyText"], fontName="Helvetica",
                          fontSize=9.5, leading=12.5, spaceAfter=5, alignment=TA_LEFT)
    h1 = ParagraphStyle("h1", parent=ss["Title"], fontName="Helvetica-Bold",
                        fontSize=20, leading=24, alignment=TA_LEFT, spaceAfter=4)
    sub = ParagraphStyle("sub", parent=body, fontName="Helvetica-Oblique", fontSize=12,
                         leading=15)
    metas = ParagraphStyle("meta", parent=body, fontSize=8.5, textColor=colors.grey)
    h2 = ParagraphStyle("h2", parent=ss["Heading2"], fontName="Helvetica-Bold",
                        fontSize=12, leading=15, spaceBefore=8, spaceAfter=4)
    cell = ParagraphStyle("cell", parent=body, fontSize=8, leading=10, spaceAfter=0)
    cap = ParagraphStyle("cap", parent=body, fontName="Helvetica-Oblique", fontSize=8.5)

    story = [Paragraph(escape(meta["title"]), h1), Paragraph(escape(meta["subtitle"]), sub),
             Paragraph(escape(meta["meta"]), metas), Spacer(1, 6 * mm)]
    for b in blocks:
        if b[0] == "h":
            story.append(Paragraph(escape(b[1]), h2))
        elif b[0] == "p":
            story.append(Paragraph(escape(b[1]), body))
        else:
            _, caption, rows = b
            story.append(Paragraph(escape(caption), cap))
            data = [[Paragraph(escape(c), cell) for c in r] for r in rows]
            ncol = len(rows[0])
            width = 170 * mm
            t = Table(data, colWidths=[width / ncol] * ncol, repeatRows=1)
            t.setStyle(TableStyle([
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]))
            story += [t, Spacer(1, 4 * mm)]

    def footer(canv, doc):
        canv.saveState()
        canv.setFont("Helvetica", 7.5)
        canv.drawString(20 * mm, 10 * mm, "AHRDC - Graves Without Names - August 2021")
        canv.drawRightString(190 * mm, 10 * mm, f"Page {doc.page}")
        canv.restoreState()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=18 * mm, bottomMargin=18 * mm,
                            title=meta["pdf_title"], author=meta["pdf_author"],
                            subject=meta["pdf_subject"], creator="AHRDC",
                            producer="ReportLab PDF Library", invariant=1)
    doc.build(story, onFirstPage=footer, onLaterPages=footer)
    out.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------- DOCX
def _restamp_zip(data: bytes) -> bytes:
    """python-docx stamps zip entries with the current time: rewrite them with a
    fixed date so the .docx is byte-stable."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    return out.getvalue()


def make_docx(src: Path, out: Path) -> None:
    import docx
    from docx.shared import Pt

    meta, blocks = parse_markup(src)
    d = docx.Document()
    cp = d.core_properties
    cp.author = meta["docx_author"]
    cp.last_modified_by = meta["docx_author"]
    cp.title = meta["docx_title"]
    cp.subject = "Witness testimony"
    cp.keywords = "testimony; Ghasr-e Sorkh; 1367"
    cp.created = dt.datetime(2020, 2, 14, 16, 30, 0)
    cp.modified = dt.datetime(2020, 2, 20, 9, 15, 0)
    cp.revision = 3
    cp.comments = ""
    d.add_heading(meta["title"], level=0)
    p = d.add_paragraph()
    r = p.add_run(meta["meta"])
    r.italic = True
    r.font.size = Pt(9)
    for b in blocks:
        if b[0] == "h":
            d.add_heading(b[1], level=2)
        elif b[0] == "p":
            d.add_paragraph(b[1])
    buf = io.BytesIO()
    d.save(buf)
    out.write_bytes(_restamp_zip(buf.getvalue()))


# --------------------------------------------------------------------------- e-mail
def build_message(src: Path, cte: str | None) -> EmailMessage:
    headers, body = parse_message(src)
    msg = EmailMessage(policy=email.policy.default.clone(linesep="\n"))
    for k, v in headers:
        msg[k] = v
    msg["MIME-Version"] = "1.0"
    if cte:
        msg.set_content(body, charset="utf-8", cte=cte)
    else:
        msg.set_content(body, charset="utf-8")
    return msg


def make_eml(src: Path, out: Path) -> None:
    msg = build_message(src, "quoted-printable")
    out.write_bytes(msg.as_bytes())


def make_mbox(srcs: list[tuple[Path, str | None]], out: Path) -> None:
    parts = []
    for src, cte in srcs:
        msg = build_message(src, cte)
        sender = re.search(r"<([^>]+)>", msg["From"]).group(1)
        when = email.utils.parsedate_to_datetime(msg["Date"]).astimezone(dt.timezone.utc)
        from_line = f"From {sender} {when.strftime('%a %b %d %H:%M:%S %Y')}\n"
        buf = io.BytesIO()
        gen = email.generator.BytesGenerator(buf, mangle_from_=True,
                                             policy=msg.policy.clone(linesep="\n"))
        gen.flatten(msg)
        text = buf.getvalue()
        if not text.endswith(b"\n"):
            text += b"\n"
        parts.append(from_line.encode() + text + b"\n")
    out.write_bytes(b"".join(parts))


# --------------------------------------------------------------------------- WARC
WARC_PAGES = [
    # (target URI, WARC-Date, HTTP Date, source file, response id, request id)
    ("https://sarvandmonitor.com/2023/09/01/sangestan-35-years-lawyer-detained/",
     "2023-09-25T14:02:11Z", "Mon, 25 Sep 2023 14:02:11 GMT",
     "sarvandmonitor-sangestan-35th.html",
     "<urn:uuid:6f1d2c3a-3b1e-4f0a-9a51-0c4e1d7b2a01>",
     "<urn:uuid:6f1d2c3a-3b1e-4f0a-9a51-0c4e1d7b2a02>"),
    ("https://en.arna.ar/news/2022/07/15/84412/",
     "2023-09-25T14:02:19Z", "Mon, 25 Sep 2023 14:02:19 GMT",
     "arna-fm-condemns-vestmark-verdict.html",
     "<urn:uuid:6f1d2c3a-3b1e-4f0a-9a51-0c4e1d7b2a03>",
     "<urn:uuid:6f1d2c3a-3b1e-4f0a-9a51-0c4e1d7b2a04>"),
    ("https://arvestancourier.com/2022/09/02/sangestan-memorial-detained/",
     "2023-09-25T14:02:27Z", "Mon, 25 Sep 2023 14:02:27 GMT",
     "courier-sangestan-memorial-detained.html",
     "<urn:uuid:6f1d2c3a-3b1e-4f0a-9a51-0c4e1d7b2a05>",
     "<urn:uuid:6f1d2c3a-3b1e-4f0a-9a51-0c4e1d7b2a06>"),
]


def make_warc(out: Path) -> None:
    from urllib.parse import urlsplit

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    info = (b"software: sample-crawler/0.3 (warcio)\r\n"
            b"format: WARC File Format 1.1\r\n"
            b"operator: AHRDC digital archive\r\n"
            b"description: Capture of news pages about the 1367 killings, September 2023\r\n"
            b"robots: obey\r\n")
    rec = w.create_warc_record(
        "", "warcinfo", payload=io.BytesIO(info), length=len(info),
        warc_content_type="application/warc-fields",
        warc_headers_dict={"WARC-Record-ID": "<urn:uuid:6f1d2c3a-3b1e-4f0a-9a51-0c4e1d7b2a00>",
                           "WARC-Date": "2023-09-25T14:02:00Z",
                           "WARC-Filename": "crawl-2023-09.warc.gz"})
    w.write_record(rec)
    for uri, wdate, hdate, fname, rid, qid in WARC_PAGES:
        body = (SRC / "warc" / fname).read_bytes()
        parts = urlsplit(uri)
        req_head = StatusAndHeaders(f"GET {parts.path} HTTP/1.1", [
            ("Host", parts.netloc),
            ("User-Agent", "Mozilla/5.0 (compatible; sample-crawler/0.3)"),
            ("Accept", "text/html,application/xhtml+xml"),
        ], is_http_request=True)
        req = w.create_warc_record(uri, "request", payload=io.BytesIO(b""), length=0,
                                   http_headers=req_head,
                                   warc_headers_dict={"WARC-Record-ID": qid,
                                                      "WARC-Date": wdate,
                                                      "WARC-Concurrent-To": rid})
        resp_head = StatusAndHeaders("200 OK", [
            ("Date", hdate),
            ("Server", "nginx"),
            ("Content-Type", "text/html; charset=UTF-8"),
            ("Content-Length", str(len(body))),
        ], protocol="HTTP/1.1")
        resp = w.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                    length=len(body), http_headers=resp_head,
                                    warc_headers_dict={"WARC-Record-ID": rid,
                                                       "WARC-Date": wdate,
                                                       "WARC-IP-Address": "192.0.2.10"})
        w.write_record(resp)
        w.write_record(req)
    out.write_bytes(buf.getvalue())


# --------------------------------------------------------------------------- main
TARGETS = {
    "ahrdc-report-graves-without-names.pdf":
        lambda o: make_pdf(SRC / "pdf" / "ahrdc-report-graves-without-names.txt", o),
    "testimony-reza-sheikhvand.docx":
        lambda o: make_docx(SRC / "docx" / "testimony-reza-sheikhvand.txt", o),
    "email-mina-azarnoush.eml":
        lambda o: make_eml(SRC / "eml" / "email-mina-azarnoush.txt", o),
    "ahrdc-intake-2023.mbox":
        lambda o: make_mbox([(SRC / "mbox" / "01-hamid-rostami.txt", "8bit"),
                             (SRC / "mbox" / "02-babak-tavassoli.txt", "8bit"),
                             (SRC / "mbox" / "03-zahra-karimi.txt", "base64")], o),
    "crawl-2023-09.warc.gz": make_warc,
}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    ap.add_argument("--out", type=Path, default=CORPUS, help="output folder")
    ap.add_argument("--check", action="store_true",
                    help="build twice into temp folders and compare bytes")
    args = ap.parse_args()
    if args.check:
        import tempfile
        digests = []
        for _ in range(2):
            with tempfile.TemporaryDirectory() as tmp:
                for name, fn in TARGETS.items():
                    fn(Path(tmp) / name)
                digests.append({n: hashlib.sha256((Path(tmp) / n).read_bytes()).hexdigest()
                                for n in TARGETS})
        same = digests[0] == digests[1]
        for n in TARGETS:
            cur = args.out / n
            cur_h = hashlib.sha256(cur.read_bytes()).hexdigest() if cur.exists() else None
            print(f"{n}: {'stable' if digests[0][n] == digests[1][n] else 'UNSTABLE'}"
                  f"{'' if cur_h == digests[0][n] else ' (differs from committed file)'}")
        return 0 if same else 1
    args.out.mkdir(parents=True, exist_ok=True)
    for name, fn in TARGETS.items():
        fn(args.out / name)
        print("wrote", args.out / name, (args.out / name).stat().st_size, "bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
