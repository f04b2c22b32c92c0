"""A hostile document and a check that a page carries none of its payloads as live markup."""

from __future__ import annotations

from html.parser import HTMLParser

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(2)">',
    '<a href="javascript:alert(3)">click</a>',
    '<svg onload="alert(4)"><script>alert(5)</script></svg>',
    '"><iframe src="javascript:alert(6)"></iframe>',
    "<body onpageshow=alert(7)>",
    "</textarea><style>*{display:none}</style>",
]

HOSTILE_TEXT = (
    "Executions at Ghasr-e Sorkh Prison " + PAYLOADS[0] + "\n\n"
    "On 5 August 1988 guards executed 30 prisoners at Ghasr-e Sorkh Prison in Sarvand, "
    "the Arvestan Human Rights Documentation Centre said. " + PAYLOADS[1] + " " + PAYLOADS[2]
    + "\n\nKazem Sarabi " + PAYLOADS[3] + " was arrested in Sarvand in 2019. "
    + PAYLOADS[4] + " Witnesses said that more than 5,000 prisoners were killed. "
    + PAYLOADS[5] + " " + PAYLOADS[6] + " The tribunal heard testimony about the prison "
    "massacre and the hidden graves from relatives of the victims.\n")


class _Inert(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name.lower() in ("href", "src", "action", "formaction", "xlink:href") and \
                    (value or "").strip().lower().startswith(("javascript:", "data:text")):
                self.problems.append(f"<{tag} {name}={value}>")
        if tag == "script" and dict(attrs).get("src") != "/static/htmx.min.js":
            self.problems.append("<script> not ours")
        if tag in ("iframe", "object", "embed", "textarea"):
            self.problems.append(f"<{tag}>")


def assert_inert(html: str) -> None:
    """No event-handler attribute, no javascript: URL, no script but the vendored HTMX, no
    frame: whatever the ingested text held shows as text."""
    parser = _Inert()
    parser.feed(html)
    assert not parser.problems, parser.problems
    for raw in ("<script>alert", "onerror=\"alert", "<svg onload", "javascript:alert(3)\">"):
        assert raw not in html
