"""The case file's report as a PDF, made with fpdf2 (pure Python).

Fonts: DejaVu Sans (regular, bold, oblique) and DejaVu Sans Mono, the TrueType files that ship
inside matplotlib, embedded (subset) in the PDF: no system font is needed and the PDF shows the
same everywhere. They cover Latin, Greek, Cyrillic, Hebrew, Arabic and Persian, not Chinese,
Japanese or Korean. Text shaping (HarfBuzz, through the ``uharfbuzz`` wheel) joins Arabic-script
letters and lays right-to-left paragraphs out right to left (the Unicode bidirectional
algorithm, per paragraph); without ``uharfbuzz`` the PDF is still made, unshaped.

Each passage is printed twice: the exact words alone (bold), then in context. Each is one
paragraph, so that right-to-left text is ordered correctly; the HTML report marks the subject
and protected persons inside the passage, the PDF lists the protected persons named below it.
"""

from __future__ import annotations

import json
import logging
import unicodedata
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from factfinder.casefile.gather import CaseData
from factfinder.casefile.report_html import counts, sections
from factfinder.redaction import Redactor

log = logging.getLogger(__name__)
GREY, BLACK, RED = (90, 90, 90), (0, 0, 0), (170, 0, 0)


def font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def shaping_available() -> bool:
    try:
        import uharfbuzz  # noqa: F401
    except ImportError:
        return False
    return True


def _align(text: str) -> str:
    """Right for a paragraph whose first strong character is right-to-left, else left."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return "L"


def needs_shaping(text: str) -> bool:
    """Whether ``text`` holds right-to-left or complex-script letters, or combining marks
    (shaping every paragraph would make a large report many times slower)."""
    return any(0x0590 <= ord(c) < 0x2000 or 0xFB1D <= ord(c) <= 0xFEFF
               or unicodedata.category(c) == "Mn" for c in text)


def _when(created_at: str) -> datetime:
    try:
        return datetime.strptime(created_at[:19], "%Y-%m-%dT%H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return datetime.now(UTC)


class _Report:
    def __init__(self, case: CaseData) -> None:
        from fpdf import FPDF

        self.case = case
        self.protected = Redactor.of((), case.protected_forms, visible=True)
        footer_text = (f"Case file {case.subject['id']} — exported {case.created_at[:19]}Z — "
                       "page ")

        class _PDF(FPDF):
            def footer(self) -> None:
                self.set_y(-12)
                self.set_font("DejaVu", "", 7)
                self.set_text_color(*GREY)
                self.cell(0, 5, footer_text + str(self.page_no()), align="C")

        pdf = _PDF(orientation="P", unit="mm", format="A4")
        fonts = font_dir()
        pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
        pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        pdf.add_font("DejaVuMono", "", str(fonts / "DejaVuSansMono.ttf"))
        self.shaping = shaping_available()
        self.shaped = False
        if not self.shaping:
            log.warning("uharfbuzz is not installed: right-to-left text is not shaped in the PDF")
        pdf.set_creation_date(_when(case.created_at))
        pdf.set_title(f"Case file: {case.subject['name']}"[:200])
        pdf.set_author(case.exported_by)
        pdf.set_creator("factfinder casefile")
        pdf.set_auto_page_break(True, margin=16)
        pdf.set_margins(15, 15, 15)
        pdf.alias_nb_pages("")  # off: else "{nb}" inside quoted (hostile) text would change
        self.pdf = pdf

    # -- primitives -----------------------------------------------------------------------------

    def shape_for(self, text: str) -> None:
        want = self.shaping and needs_shaping(text)
        if want != self.shaped:
            self.pdf.set_text_shaping(want)
            self.shaped = want

    def text(self, text: str, size: float = 9.5, style: str = "", color: tuple[int, int, int] =
             BLACK, height: float | None = None, mono: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVuMono" if mono else "DejaVu", "" if mono else style, size)
        pdf.set_text_color(*color)
        pdf.set_x(pdf.l_margin)
        self.shape_for(text)
        pdf.multi_cell(pdf.epw, height or size * 0.5, text or " ", align=_align(text),
                       new_x="LMARGIN", new_y="NEXT")

    def field(self, name: str, value: str, mono: bool = False) -> None:
        pdf = self.pdf
        pdf.set_font("DejaVu", "B", 8.5)
        pdf.set_text_color(*GREY)
        pdf.set_x(pdf.l_margin)
        self.shape_for(name)
        pdf.cell(38, 4.6, name)
        pdf.set_font("DejaVuMono" if mono else "DejaVu", "", 8 if mono else 8.5)
        pdf.set_text_color(*BLACK)
        self.shape_for(value)
        pdf.multi_cell(pdf.epw - 38, 4.6, value or "–", align=_align(value), new_x="LMARGIN",
                       new_y="NEXT")

    def heading(self, text: str, size: float = 14) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 50:
            pdf.add_page()
        pdf.ln(3)
        self.text(text, size, "B", height=size * 0.5)
        pdf.set_draw_color(60, 60, 60)
        pdf.line(pdf.l_margin, pdf.get_y() + 0.5, pdf.w - pdf.r_margin, pdf.get_y() + 0.5)
        pdf.ln(2.5)

    def rule(self) -> None:
        pdf = self.pdf
        pdf.set_draw_color(180, 180, 180)
        pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
        pdf.ln(3)

    # -- parts ----------------------------------------------------------------------------------

    def front(self) -> None:
        case, c = self.case, counts(self.case)
        s = case.subject
        self.pdf.add_page()
        self.text(f"Case file: {s['name']}", 17, "B", height=8)
        self.text("A factfinder case file. Nothing in it is a finding: every event, claim and "
                  "quotation is what a source says, with the source's exact words.", 8.5,
                  color=GREY)
        self.pdf.ln(2)
        self.field("Subject", f"{s['kind']} {s['name']}"
                   + ("  [protected person]" if s.get("protected") else ""))
        self.field("Subject id", s["id"], mono=True)
        if s.get("forms"):
            self.field("Names as written", "; ".join(s["forms"]))
        self.field("Exported", f"{case.created_at} by {case.exported_by}")
        self.field("Custody-chain head", f"entry {case.head[0]}  {case.head[1]}")
        kept = len(case.originals) - len(case.withheld)
        self.field("Contents", f"{c['event']} event(s), {c['claim']} claim(s), {c['quote']} "
                   f"quotation(s) from {len(case.sources)} source document(s); {kept} "
                   f"original(s) included, {len(case.withheld)} withheld")
        if case.include_protected:
            self.field("Protected persons", "shown, and listed under each passage that names "
                       "them (exported with --include-protected). Handle accordingly.")
        else:
            self.field("Protected persons", "redacted: names replaced by black bars of the "
                       "same length; submissions left out; originals naming them withheld")

    def item(self, n: int, it: dict[str, Any]) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 60:
            pdf.add_page()
        src = next(s for s in self.case.sources if s["no"] == it["source"])
        self.text(f"{n}. {it['kind']}" + (f": {it['label']}" if it["label"] else "")
                  + f"  — source {it['source']}, {', '.join(it['why'])}", 10.5, "B", height=5.5)
        self.text("Exact words:", 7.5, color=GREY, height=4)
        self.text(" ".join(it["passage"].split()) if len(it["passage"]) > 400 else
                  it["passage"], 9.5, "B", height=4.8)
        if it["before"].strip() or it["after"].strip():
            self.text("In context:", 7.5, color=GREY, height=4)
            self.text(it["before"] + it["passage"] + it["after"], 8.5, color=GREY, height=4.3)
        named = self._protected_in(it["before"] + it["passage"] + it["after"])
        if named:
            self.text("Protected persons named here: " + "; ".join(named), 8.5, "B", RED, 4.4)
        pdf.ln(1)
        for name, value in it["facts"]:
            self.field(name, value)
        rating = src.get("rating")
        self.field("Source", f"{it['source']} {src.get('title') or '(untitled)'}; " + (
            f"reliability {rating['grade']} ({rating['meaning']})" if rating else
            "source not rated"))
        if it.get("claimant_rating"):
            r = it["claimant_rating"]
            self.field("Claimant's reliability", f"{r['grade']} ({r['meaning']})")
        cr = it.get("credibility")
        self.field("Credibility", f"{cr['grade']} ({cr['meaning']}), rated by {cr['actor']} "
                   f"{cr['at'][:10]}" if cr else "not rated")
        self.field("Where exactly", f"characters {it['span'][0]}–{it['span'][1]} of the "
                   f"document's text; {it['source_span'][0]}–{it['source_span'][1]} of the "
                   f"original's text layer; extraction {it['id']}")
        self.rule()

    def _protected_in(self, text: str) -> list[str]:
        """The protected names in ``text`` as written (longest form first, as redaction does)."""
        found = [text[s:e] for s, e in self.protected.spans(text)]
        return sorted(set(found), key=found.index)

    def source(self, s: dict[str, Any], files: dict[str, str]) -> None:
        pdf = self.pdf
        if pdf.get_y() > pdf.h - 70:
            pdf.add_page()
        self.text(f"{s['no']}. {s.get('title') or '(untitled)'}", 10.5, "B", height=5.5)
        self.field("Publisher", s["publisher"])
        if s.get("author"):
            self.field("Author", s["author"])
        self.field("Published", s.get("published") or "unknown")
        if s.get("url"):
            self.field("Address", s["url"], mono=True)
        r = s.get("rating")
        self.field("Source reliability", f"{r['grade']} — {r['meaning']} (as {r['source']}, "
                   f"rated by {r['actor']} {r['at'][:10]})" if r else "not rated")
        marks = [m for m, on in (("protected document (a submission)", s["protected_document"]),
                                 ("names a protected person", s["names_protected"])) if on]
        self.field("Document", f"{s['document_id']} ({s['kind']}, {s['media_type']})"
                   + "".join(f"  [{m}]" for m in marks))
        self.field("Original SHA-256", s["sha256"], mono=True)
        self.field("In this case file", files.get(s["sha256"]) or "withheld (see Originals)",
                   mono=bool(files.get(s["sha256"])))
        self.field("Text layer SHA-256", s["layer_sha256"], mono=True)
        self.field("Collected", f"{s['collected_at']} by {s['collector']}")
        self.text("Custody history", 8.5, "B", height=5)
        for e in s["custody"]:
            details = json.dumps(e["details"], ensure_ascii=False, sort_keys=True)
            self.text(f"#{e['seq']}  {e['at']}  {e['actor']}  {e['action']}  {e['object']}",
                      7.5, height=3.6)
            self.text(f"    {details}  hash {e['hash'][:16]}…", 6.5, color=GREY, height=3.2)
        self.rule()

    def originals(self, files: dict[str, str]) -> None:
        self.heading("Originals")
        for o in self.case.originals:
            self.field("SHA-256", o["sha256"], mono=True)
            self.field("Received as", f"{o.get('filename') or ''} ({o['media_type']}, "
                       f"{o['bytes']} bytes)")
            if o["withheld"]:
                self.field("Withheld", o["reason"])
            else:
                self.field("In this case file", files.get(o["sha256"], ""), mono=True)
            self.pdf.ln(1.5)

    def build(self, files: dict[str, str]) -> bytes:
        self.front()
        for kind, title, items in sections(self.case):
            self.heading(f"{title} ({len(items)})")
            for n, it in enumerate(items, 1):
                self.item(n, it)
            del kind
        if not self.case.items:
            self.heading("Events, claims and quotations")
            self.text("The case holds no event, claim or quotation about this subject that "
                      "may be shown.")
        self.heading(f"Sources ({len(self.case.sources)})")
        for s in self.case.sources:
            self.source(s, files)
        self.originals(files)
        self.heading("Checking this case file", 11)
        self.text("Every file is listed in manifest.json with its SHA-256; manifest.sha256 holds "
                  "the manifest's own hash, also recorded in the case database's custody log "
                  "(action \"casefile\"). Run `factfinder verify-casefile` on the folder or zip, "
                  "or `sha256sum -c manifest.sha256` and compare each file's hash by hand.", 8.5)
        return bytes(self.pdf.output())


def render(case: CaseData, files: dict[str, str]) -> bytes:
    """The PDF report. ``files``: original sha256 → its path in the case file."""
    logging.getLogger("fpdf").setLevel(logging.ERROR)  # missing glyphs: not worth a warning
    return _Report(case).build(files)
