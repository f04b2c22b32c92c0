"""The PDF report looked at as pages: rendered with pdftoppm (poppler-utils; skipped where it is
not installed), every page has ink, and the pages are as many as the PDF says."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PDFTOPPM = shutil.which("pdftoppm")


def ink(png: Path) -> float:
    """The share of a page's pixels that are dark."""
    from PIL import Image

    with Image.open(png) as img:
        grey = img.convert("L")
        hist = grey.histogram()
    return sum(hist[:128]) / sum(hist)


@pytest.mark.skipif(PDFTOPPM is None, reason="pdftoppm (poppler-utils) is not installed")
def test_pdf_pages_render_with_text(built, tmp_path):
    from pypdf import PdfReader

    _, folder, _ = built
    pdf = folder / "report.pdf"
    pages = len(PdfReader(pdf).pages)
    assert pages >= 2
    subprocess.run([str(PDFTOPPM), "-r", "40", "-png", str(pdf), str(tmp_path / "page")],
                   check=True, timeout=60)
    pngs = sorted(tmp_path.glob("page-*.png"))
    assert len(pngs) == pages
    for png in pngs:
        assert ink(png) > 0.004, f"{png.name} is (nearly) blank"


def test_pdf_text_and_metadata(built):
    from pypdf import PdfReader

    small, folder, _ = built
    reader = PdfReader(folder / "report.pdf")
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Case file: Dariush Karimi" in text
    assert small.person in text
    assert "alert(1)" in text  # hostile text is shown as text
    meta = reader.metadata
    assert meta is not None and "Dariush Karimi" in (meta.title or "")
    manifest = (folder / "manifest.json").read_text(encoding="utf-8")
    created = manifest.split('"created_at": "')[1][:19].replace("-", "").replace(":", "")
    assert meta.creation_date is not None
    assert meta.creation_date.strftime("%Y%m%dT%H%M%S") == created


def test_pdf_keeps_hostile_page_alias_and_shapes_only_when_needed():
    import io

    from pypdf import PdfReader

    from factfinder.casefile.gather import CaseData
    from factfinder.casefile.report_pdf import needs_shaping, render

    case = CaseData(subject={"kind": "person", "id": "f" * 20, "name": "A {nb} B", "forms": []},
                    items=[], sources=[], originals=[], head=(1, "0" * 64),
                    include_protected=False, created_at="2026-01-02T03:04:05.000000Z",
                    exported_by="me")
    text = PdfReader(io.BytesIO(render(case, {}))).pages[0].extract_text()
    assert "Case file: A {nb} B" in text  # fpdf2's page-count alias is off
    assert needs_shaping("داریوش کریمی") and needs_shaping("שלום")
    assert not needs_shaping("Dariush Karimi — “quoted” █████ …")
