"""HTML pages: single articles with metadata, archive pages with posts, hostile input.

Every page here is written in this file; the seed pages are only read from ../shared.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from factfinder.intake.posts import split_posts
from factfinder.intake.readers.html import iter_post_texts, read_html
from factfinder.intake.types import Extracted, Limits, RejectedInput

LIMITS = Limits()
PARAS = [
    "The tribunal heard on Tuesday from four former prisoners who described the summer of "
    "executions, the questioning by the commission and the lists read out in the wards.",
    "One witness said that she had been held in a solitary cell for eleven weeks and that her "
    "brother was taken from the ward in the first week of August and never seen again.",
    "Lawyers for the families asked the court to order the authorities to disclose the "
    "locations of the graves and to return the belongings of the prisoners to their relatives.",
]


def read(page: str | bytes, **kwargs: str) -> Extracted:
    data = page.encode("utf-8") if isinstance(page, str) else page
    units = read_html(data, "page.html", LIMITS, **kwargs)
    assert len(units) == 1
    return units[0]


def article_html(n: int, *, heading: str = "h2", excerpt: bool = True) -> str:
    paras = "".join(f"<p>{p}</p>" for p in PARAS)
    more = '<p><a class="more-link" href="/p/{n}/">Continue Reading</a></p>' if excerpt else ""
    return f"""
<article id="post-{n}" class="post-{n} post type-post hentry category-news tag-prisons">
  <header class="entry-header">
    <{heading} class="entry-title"><a href="/2023/05/0{n}/hearing-{n}/">Tribunal hearing day {n}
      </a></{heading}>
    <div class="entry-meta">
      <time class="entry-date published" datetime="2023-05-0{n}T10:00:00+00:00">May {n}, 2023
      </time>
      <span class="byline">by <span class="author vcard"><a class="url fn n" href="/author/r/">
        Reza Writer</a></span></span></div>
  </header>
  <div class="entry-content">
    <figure class="wp-caption"><img src="/a.jpg" alt="Photo alt text">
      <figcaption>A caption under the photo</figcaption></figure>
    {paras}
    <div class="sfsi_widget"><p>Please follow and like us:</p>
      <a href="#" onclick="share()">Facebook</a></div>
    {more.format(n=n)}
  </div>
  <footer class="entry-footer"><span class="tags-links">Tagged
    <a rel="tag" href="/tag/a/">Prisons</a>, <a rel="tag" href="/tag/b/">Courts</a></span></footer>
</article>"""


SIDEBAR = """
<aside id="secondary" class="widget-area">
  <section class="widget"><h2 class="widget-title">Recent Posts</h2>
    <article class="post"><h3>Another story in the sidebar</h3><p>Short teaser text.</p></article>
    <article class="post"><h3>Yet another story</h3><p>Another short teaser text.</p></article>
  </section>
</aside>"""


def archive_page(count: int = 3) -> str:
    posts = "".join(article_html(n) for n in range(1, count + 1))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Prisons Archives - Example Watch</title>
<meta property="og:type" content="website"><meta property="og:site_name" content="Example Watch">
<link rel="canonical" href="https://watch.example/tag/prisons/">
<script>var tracking = "alert('x')";</script></head>
<body class="archive tag tag-prisons">
<nav class="main-navigation"><ul><li><a href="/">Home</a></li>
<li><a href="/news/">News</a></li></ul></nav>
<main id="main" class="site-main">
<header class="page-header"><h1 class="page-title">Tag: <span>Prisons</span></h1></header>
{posts}
<nav class="navigation pagination"><a href="/page/2/">Next page</a></nav>
</main>{SIDEBAR}
<footer class="site-footer">Copyright © 2024 Example Watch. All rights reserved.</footer>
</body></html>"""


def single_page(*, meta: bool = True, canonical: bool = True) -> str:
    head = ""
    if meta:
        head += """<meta property="og:title" content="Tribunal hears former prisoners">
<meta property="og:site_name" content="Example Watch"><meta property="og:type" content="article">
<meta property="article:published_time" content="2023-05-02T09:00:00+00:00">
<meta name="author" content="Reza Writer">"""
    if canonical:
        head += '<link rel="canonical" href="https://watch.example/2023/05/02/tribunal/">'
    paras = "".join(f"<p>{p}</p>" for p in PARAS * 2)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>Tribunal hears former
prisoners | Example Watch</title>{head}</head>
<body class="post-template-default single single-post">
<main><article class="post hentry"><h1 class="entry-title">Tribunal hears former prisoners</h1>
<div class="entry-content">{paras}</div></article>
<section class="related"><article class="post"><h3>Related one</h3><p>{PARAS[0]}</p></article>
<article class="post"><h3>Related two</h3><p>{PARAS[1]}</p></article></section>
</main></body></html>"""


# --- archive pages ----------------------------------------------------------------------------


def test_archive_page_gives_one_page_with_posts() -> None:
    unit = read(archive_page(3))
    assert unit.kind == "page"
    assert unit.media_type == "text/html"
    assert unit.title == "Tag: Prisons"
    assert unit.url == "https://watch.example/tag/prisons/"
    assert unit.site_name == "Example Watch"
    assert unit.posts is not None and len(unit.posts) == 3
    assert [p.title for p in unit.posts] == [f"Tribunal hearing day {n}" for n in (1, 2, 3)]
    meta = unit.meta["post_meta"]
    assert meta[0] == {"url": "https://watch.example/2023/05/01/hearing-1/",
                       "published": "2023-05-01", "author": "Reza Writer"}


def test_archive_posts_are_clean_and_inside_their_spans() -> None:
    unit = read(archive_page(3))
    previous_end = 0
    for post, text in iter_post_texts(unit):
        assert previous_end <= post.start < post.end <= len(unit.text)
        previous_end = post.end
        last = post.start
        for a, b in post.keep:
            assert post.start <= a < b <= post.end and a >= last
            last = b
        assert text == "\n\n".join([post.title or "", *PARAS])
        for junk in ("Please follow", "Continue Reading", "Prisons, Courts", "Tagged",
                     "Reza Writer", "caption", "Photo alt", "Facebook", "share()"):
            assert junk not in text
        # boilerplate stays in the page's text layer, outside the kept segments
        assert "Continue Reading" in unit.text[post.start : post.end]
    for junk in ("Recent Posts", "sidebar", "Home", "Copyright", "alert", "Next page"):
        assert junk not in unit.text


def test_archive_of_divs_with_hentry_class() -> None:
    page = archive_page(2).replace("<article", "<div").replace("</article>", "</div>")
    unit = read(page)
    assert unit.kind == "page"
    assert unit.posts is not None and len(unit.posts) == 2


def test_sidebar_posts_do_not_make_an_archive() -> None:
    page = archive_page(1)
    unit = read(page)
    assert unit.kind == "document"
    assert "Tribunal hearing day 1" in unit.text or PARAS[0] in unit.text
    assert "Another story in the sidebar" not in unit.text


def test_archive_text_without_article_markup_is_split(seeds_dir: Path) -> None:
    """A page whose paragraphs are an archive's text layer: trafilatura's text, then split."""
    total = 0
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        body = "".join(f"<p>{html.escape(ln.strip())}</p>\n" for ln in text.split("\n")
                       if ln.strip())
        unit = read(f"<html><head><title>t</title></head><body><div>{body}</div></body></html>")
        posts = unit.posts or []
        assert len(posts) == len(split_posts(text))
        assert unit.kind == ("page" if posts else "document")
        total += len(posts) or 1
    assert total == 31


# --- single articles --------------------------------------------------------------------------


def test_single_article_metadata() -> None:
    unit = read(single_page())
    assert unit.kind == "document"
    assert unit.posts == []  # examined: a single article
    assert unit.title == "Tribunal hears former prisoners"
    assert unit.author == "Reza Writer"
    assert unit.published == "2023-05-02"
    assert unit.url == "https://watch.example/2023/05/02/tribunal/"
    assert unit.site_name == "Example Watch"
    assert PARAS[2] in unit.text
    assert "Related one" not in unit.text


def test_url_and_date_fallbacks() -> None:
    page = single_page(meta=False, canonical=False)
    unit = read(page, url="https://warc.example/record", published="2020-01-31")
    assert unit.url == "https://warc.example/record"
    assert unit.published == "2020-01-31"
    assert unit.title and unit.title.startswith("Tribunal hears former prisoners")
    with_canonical = read(single_page(meta=False), url="https://warc.example/record")
    assert with_canonical.url == "https://watch.example/2023/05/02/tribunal/"


def test_short_page_falls_back_to_visible_text() -> None:
    unit = read("<html><body><p>Only a line.</p></body></html>")
    assert unit.text.strip() == "Only a line."


# --- encodings --------------------------------------------------------------------------------


def test_declared_legacy_charset() -> None:
    page = ('<html><head><meta charset="iso-8859-1"></head><body><p>Le caf\u00e9 \u201cnoir\u201d '
            "co\u00fbte 2\u20ac.</p></body></html>").encode("cp1252")
    unit = read(page)
    assert "café “noir” coûte 2€" in unit.text
    assert unit.meta["encoding"] == "cp1252"


def test_utf16_with_bom_and_xml_declaration() -> None:
    unit = read("<html><body><p>\u0633\u0644\u0627\u0645 hello</p></body></html>".encode("utf-16"))
    assert "\u0633\u0644\u0627\u0645" in unit.text
    xhtml = read(b'<?xml version="1.0" encoding="utf-8"?><html xmlns="http://www.w3.org/1999/'
                 b'xhtml"><body><p>xhtml text here</p></body></html>')
    assert "xhtml text here" in xhtml.text


# --- hostile input ----------------------------------------------------------------------------

HOSTILE = """<html><head><script>alert('head')</script><style>body{display:none}</style></head>
<body onload="steal()"><p onclick="evil()">Visible words here.
<a href="javascript:alert('link')">click me</a></p>
<img src="x" onerror="alert('img')"><iframe src="https://evil.example/"></iframe>
<script type="text/javascript">document.write('<p>injected</p>')</script>
<div style="display: none">cloaked spam words</div><p hidden>hidden words</p>
<svg><script>alert('svg')</script></svg></body></html>"""


def test_hostile_markup_yields_inert_text() -> None:
    unit = read(HOSTILE)
    assert "Visible words here." in unit.text
    for bad in ("alert", "javascript:", "<script", "onclick", "evil", "steal", "onerror",
                "document.write", "injected", "cloaked", "hidden words", "evil.example"):
        assert bad not in unit.text


def test_hostile_archive_posts_are_inert() -> None:
    hostile = archive_page(2).replace(
        '<div class="entry-content">',
        '<div class="entry-content"><script>alert(1)</script>'
        '<p style="display:none">cloaked spam words</p>'
        '<p><a href="javascript:alert(2)" onmouseover="evil()">link text</a></p>',
    )
    unit = read(hostile)
    assert unit.kind == "page"
    for bad in ("alert", "javascript:", "evil", "cloaked"):
        assert bad not in unit.text
    assert "link text" in unit.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\t ", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "binary"),
        (b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n", "not an HTML page"),
        (b"just some plain text\nwith lines\n", "not an HTML page"),
        (b'{"a": 1, "b": [1, 2, 3]}', "not an HTML page"),
        (b"<html><body>" + b"<div>" * 5000 + b"<p>deep</p>" + b"</div>" * 5000 + b"</body></html>",
         "nested too deeply"),
        (b"<html><head><script>var a = 1;</script></head><body><img src=x></body></html>",
         "no text"),
    ],
)
def test_rejected_inputs(data: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput) as info:
        read_html(data, "bad.html", LIMITS)
    assert reason in info.value.reason


def test_limits() -> None:
    page = single_page().encode("utf-8")
    with pytest.raises(RejectedInput, match="byte limit"):
        read_html(page, "big.html", Limits(max_file_bytes=100))
    with pytest.raises(RejectedInput, match="character limit"):
        read_html(page, "long.html", Limits(max_text_chars=50))


def test_sloppy_deep_markup_is_read_not_rejected() -> None:
    """Hundreds of unclosed <font> tags (old sites) pass libxml2's default depth: re-parsed."""
    page = "<html><body>" + "<font size=2>" * 300 + "<p>Text after many fonts.</p></body></html>"
    assert "Text after many fonts." in read(page).text
