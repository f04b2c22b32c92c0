"""Fixtures for the intake tests."""

from __future__ import annotations

import sys
import types
from typing import Any

import pytest

from factfinder.intake.types import Extracted, Limits


@pytest.fixture
def fake_html(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """A stand-in for readers/html.py, for testing the readers that hand HTML over to it (WARC,
    e-mail, HTTP): the page's body text, whitespace collapsed, dated 2021-05-13 unless the caller
    passes a date. Returns the list of calls it received."""
    from lxml import html as lxml_html

    calls: list[dict[str, Any]] = []

    def read_html(data: bytes, name: str, limits: Limits, *, url: str | None = None,
                  published: str | None = None) -> list[Extracted]:
        calls.append({"data": data, "name": name, "url": url, "published": published})
        root = lxml_html.document_fromstring(data)
        body = root.find("body")
        text = " ".join((body.text_content() if body is not None else "").split())
        return [Extracted(text=text, media_type="text/html", title=root.findtext(".//title"),
                          url=url, published=published or "2021-05-13", kind="page")]

    module = types.ModuleType("factfinder.intake.readers.html")
    module.read_html = read_html  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "factfinder.intake.readers.html", module)
    return calls
