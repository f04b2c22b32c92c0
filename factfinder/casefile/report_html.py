"""The case file's report as one self-contained HTML page: no external assets, no scripts, a
Content-Security-Policy that forbids both, and every piece of ingested text escaped (Jinja2
autoescaping; passages are built from escaped pieces only)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from factfinder.casefile.gather import CaseData

TEMPLATES = Path(__file__).with_name("templates")
KIND_TITLES = {"event": "Events", "claim": "Claims", "quote": "Quotations"}
STYLE_TAGS = {"subject": ("<mark class=\"subject\">", "</mark>"),
              "protected": ("<mark class=\"protected\" title=\"protected person\">",
                            "<sup>[protected]</sup></mark>"),
              "redacted": ("<span class=\"redacted\" title=\"redacted: a protected person\">",
                           "</span>")}


def segments(segs: list[list[str]]) -> Markup:
    out = []
    for text, style in segs:
        open_, close = STYLE_TAGS.get(style, ("", ""))
        out.append(open_ + str(escape(text)) + close)
    return Markup("".join(out))


def details(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(", ", ": "))


def _env() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["segments"] = segments
    env.filters["details"] = details
    return env


def sections(case: CaseData) -> list[tuple[str, str, list[dict[str, Any]]]]:
    """(kind, title, items) of each non-empty section, in report order."""
    out = []
    for kind, title in KIND_TITLES.items():
        items = [i for i in case.items if i["kind"] == kind]
        if items:
            out.append((kind, title, items))
    return out


def counts(case: CaseData) -> dict[str, int]:
    return {k: sum(1 for i in case.items if i["kind"] == k) for k in KIND_TITLES}


def render(case: CaseData, files: dict[str, str]) -> bytes:
    """The report. ``files``: original sha256 → its path in the case file."""
    html = _env().get_template("report.html").render(
        case=case, sections=sections(case), counts=counts(case), files=files,
        sources={s["no"]: s for s in case.sources})
    return html.encode("utf-8")
