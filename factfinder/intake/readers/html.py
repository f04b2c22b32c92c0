"""HTML pages: one article, or an archive/tag/category page holding many posts.

Web pages are hostile input: they can hold scripts, event handlers, ``javascript:`` links,
hidden text, absurd nesting or a binary body behind an .html name. This reader never runs or
fetches anything: the page is parsed once by lxml (no network, no external entities, libxml2's
default limits on depth and node size), only visible text is read, and an input that cannot be
read faithfully is rejected with one clear reason rather than half-read.

Two kinds of pages:

* **Archive pages** (several ``<article>`` elements, or several WordPress ``.hentry`` /
  ``.type-post`` / ``.post`` blocks, outside sidebars and widgets): trafilatura would pick one
  block or mix them, so the reader builds the text layer itself from the post elements: the page
  heading, then each post's title and paragraphs. It returns one ``Extracted(kind="page")``
  whose ``posts`` give each post's span, title and ``keep`` segments (share widgets, "Continue
  Reading", tag lists, bylines and captions left out); ``meta['post_meta']`` has each post's
  URL, date and author where the markup gives them.
* **Single articles**: main text by ``trafilatura.bare_extraction`` on the already parsed tree.
  Metadata comes from trafilatura's own building blocks (meta/OpenGraph/JSON-LD tags, the
  canonical link, htmldate for the date) rather than from ``with_metadata=True``, which also
  scans every link for categories, tags and licences and guesses authors from the whole page:
  that would cost a third of the extraction time for fields intake does not use. If the main
  text turns out to be an archive page's text layer (``split_posts`` finds posts), the result is
  a page with those posts.

Cost: one parse, one tree copy (inside trafilatura), one trafilatura extraction per single
page; no trafilatura call at all for archive pages. ``bench/html_reader_speed.py`` measures it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.html
import trafilatura
from htmldate import find_date
from lxml import etree
from trafilatura.metadata import examine_meta, extract_meta_json, extract_sitename, extract_title

from factfinder.intake.boilerplate import LineKind, vocabulary
from factfinder.intake.posts import has_post_cues, split_posts
from factfinder.intake.readers.text import check_text_length, decode_text
from factfinder.intake.types import Extracted, Limits, Post, RejectedInput, Span

MEDIA_TYPE = "text/html"
SEPARATOR = "\n\n"  # between paragraphs of a text layer built here

# Never text: code, embedded objects, forms, navigation and page furniture.
_SKIP_TAGS = frozenset({
    "script", "style", "noscript", "template", "iframe", "frame", "frameset", "object", "embed",
    "applet", "svg", "math", "canvas", "video", "audio", "source", "track", "map", "img",
    "picture", "form", "button", "input", "select", "option", "textarea", "label", "dialog",
    "nav", "aside", "figure", "figcaption", "head", "title", "meta", "link", "base",
})
_BLOCK_TAGS = frozenset({
    "p", "div", "section", "article", "main", "header", "footer", "blockquote", "pre", "address",
    "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
    "tbody", "tfoot", "tr", "td", "th", "caption", "hr", "br", "center", "details", "summary",
    "body", "html",
})
_POST_XPATH = etree.XPath(
    "//article | //*[contains(concat(' ', normalize-space(@class), ' '), ' hentry ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' type-post ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' post ')]"
)
_TITLE_CLASS_XPATH = etree.XPath(
    ".//*[contains(@class, 'entry-title') or contains(@class, 'post-title')]"
)
_HEADING_XPATH = etree.XPath(".//h1 | .//h2 | .//h3 | .//h4")
_CONTENT_XPATH = etree.XPath(
    ".//*[contains(concat(' ', normalize-space(@class), ' '), ' entry-content ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' post-content ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' entry-summary ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' post-excerpt ')"
    " or contains(concat(' ', normalize-space(@class), ' '), ' entry ')"
    " or @itemprop = 'articleBody']"
)
_PAGE_TITLE_XPATH = etree.XPath(
    "//*[contains(@class, 'page-title') or contains(@class, 'archive-title')]"
)
_HTML_MARKUP = re.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|article|section|main|h[1-6]|br|span|a|table|"
    r"title|meta|ul|ol|li|b|i|em|strong|font|center|pre|blockquote)[\s>/]",
    re.IGNORECASE,
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE)
# Text a reader never sees (cloaked keywords, spam): pruned before trafilatura reads the page.
_STYLE = "translate(@style, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ ', 'abcdefghijklmnopqrstuvwxyz')"
_HIDDEN_XPATH = (
    f"//*[@hidden or contains({_STYLE}, 'display:none') or contains({_STYLE}, 'visibility:hidden')]"
)
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# HTML5: a page declaring Latin-1 or ASCII is decoded as Windows-1252, as browsers do.
_WINDOWS_1252_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii",
                                   "ascii", "l1", "cp819"})
_MIN_POST_CHARS = 200  # body text a post element needs (teasers in widgets have less)
_SNIFF_BYTES = 4096
_MARKUP_WINDOW = 65536


def _declared_charset(data: bytes) -> str | None:
    match = _META_CHARSET.search(data[:_SNIFF_BYTES])
    if not match:
        return None
    charset = match.group(1).decode("ascii", "replace").lower()
    return "windows-1252" if charset in _WINDOWS_1252_ALIASES else charset


def decode_html(data: bytes, limits: Limits) -> tuple[str, dict[str, Any]]:
    """Decode an HTML body: byte-order mark, then ``<meta charset>``, then UTF-8, then detection.

    Rejects an empty, binary or oversized body, and a text that holds no HTML markup at all.
    """
    if not data.strip():
        raise RejectedInput("empty HTML file (0 bytes or whitespace only)")
    if len(data) > limits.max_file_bytes:
        raise RejectedInput(
            f"HTML file is {len(data):,} bytes, over the {limits.max_file_bytes:,}-byte limit"
        )
    text, meta = decode_text(data, declared=_declared_charset(data))
    if not _HTML_MARKUP.search(text[:_MARKUP_WINDOW]):
        raise RejectedInput("not an HTML page: no HTML markup in the first 64 KB")
    return text, meta


def _parse(text: str, *, huge: bool) -> tuple[lxml.html.HtmlElement, list[str]]:
    parser = lxml.html.HTMLParser(
        remove_comments=True, remove_pis=True, no_network=True, collect_ids=False,
        default_doctype=False, huge_tree=huge,
    )
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise RejectedInput(f"HTML could not be parsed: {exc}") from None
    fatal = [e.message.strip() for e in parser.error_log if e.level >= etree.ErrorLevels.FATAL]
    return tree, fatal


def parse_html(text: str) -> lxml.html.HtmlElement:
    """Parse once, with no network access; reject what libxml2 could only read in part.

    libxml2 stops at 256 levels of nesting, which sloppy old pages reach with hundreds of
    unclosed ``<font>`` or ``<div>`` tags; such a page is parsed again with libxml2's "huge"
    option (2048 levels). Past that the nesting is a denial-of-service shape, and any other
    fatal parser error would silently drop the rest of the page: both are rejected.
    """
    text = _XML_DECLARATION.sub("", text, count=1)
    tree, fatal = _parse(text, huge=False)
    if fatal and all("depth" in message.lower() for message in fatal):
        tree, fatal = _parse(text, huge=True)
    if fatal:
        if any("depth" in message.lower() for message in fatal):
            raise RejectedInput("HTML nested too deeply (over 2048 levels): refused as hostile")
        raise RejectedInput(f"HTML exceeds the parser's safety limits: {fatal[0]}")
    return tree


# --- visible text of an element -------------------------------------------------------------


@dataclass(slots=True)
class _Paragraph:
    text: str
    boiler: bool  # inside a widget container (share buttons, tags, "read more", meta)


def _hidden(element: lxml.html.HtmlElement) -> bool:
    if element.get("hidden") is not None or element.get("aria-hidden") == "true":
        return True
    style = element.get("style")
    if style:
        compact = style.replace(" ", "").lower()
        return "display:none" in compact or "visibility:hidden" in compact
    return False


def _widget(element: lxml.html.HtmlElement) -> bool:
    voc = vocabulary()
    return any(voc.is_boilerplate_class(element.get(name) or "") for name in ("class", "id"))


def _paragraphs(root: lxml.html.HtmlElement, skip: set[Any]) -> list[_Paragraph]:
    """Visible text of ``root`` as paragraphs, block by block, flagging widget furniture.

    Scripts, forms, figures, navigation and hidden elements are never read; an element in
    ``skip`` (the post title, read separately) is left out with its subtree.
    """
    out: list[_Paragraph] = []
    buffer: list[str] = []
    widgets: list[Any] = []

    def flush() -> None:
        text = " ".join("".join(buffer).split())
        buffer.clear()
        if text:
            out.append(_Paragraph(text, bool(widgets)))

    skipped: set[Any] = set()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, element in walker:
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if element is not root and (
                not tag or tag in _SKIP_TAGS or element in skip or _hidden(element)
            ):
                skipped.add(element)
                walker.skip_subtree()
                continue
            if tag in _BLOCK_TAGS:
                flush()
            if element is not root and _widget(element):
                flush()
                widgets.append(element)
            if element.text:
                buffer.append(element.text)
            continue
        if element not in skipped:
            closes_widget = bool(widgets) and widgets[-1] is element
            if tag in _BLOCK_TAGS or closes_widget:
                flush()
            if closes_widget:
                widgets.pop()
        if element is not root and element.tail:
            buffer.append(element.tail)
    flush()
    return out


# --- archive pages ----------------------------------------------------------------------------


@dataclass
class _PostBlock:
    title: str | None
    paragraphs: list[_Paragraph]
    meta: dict[str, str] = field(default_factory=dict)


def _in_sidebar(element: lxml.html.HtmlElement) -> bool:
    """Inside a sidebar, widget area, related-posts block, navigation or page footer."""
    voc = vocabulary()
    for ancestor in element.iterancestors():
        if ancestor.tag in ("aside", "nav", "footer"):
            return True
        if ancestor.tag in ("body", "html"):
            return False
        if any(voc.is_sidebar_class(ancestor.get(name) or "") for name in ("class", "id")):
            return True
    return False


def _post_elements(tree: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    """Innermost post containers outside sidebars and widgets, in document order."""
    found = [el for el in _POST_XPATH(tree) if isinstance(el, lxml.html.HtmlElement)]
    if len(found) < 2:
        return []
    members = set(found)
    holders = {a for el in found for a in el.iterancestors() if a in members}
    return [el for el in found if el not in holders and not _in_sidebar(el)]


def _post_meta(element: lxml.html.HtmlElement, title_el: Any, base: str | None) -> dict[str, str]:
    meta: dict[str, str] = {}
    if title_el is not None:
        for link in title_el.iter("a"):
            href = (link.get("href") or "").strip()
            if href:
                absolute = urljoin(base, href) if base else href
                if urlsplit(absolute).scheme in ("http", "https"):
                    meta["url"] = absolute
                break
    for value in element.xpath(
        ".//time/@datetime | .//*[@itemprop='datePublished']/@content"
        " | .//*[@itemprop='datePublished']/@datetime"
    ):
        match = _ISO_DATE.match(str(value).strip())
        if match:
            meta["published"] = match.group()
            break
    for node in element.xpath(
        ".//*[@rel='author'] | .//*[contains(@class, 'author')]//*[contains(@class, 'fn')]"
        " | .//*[@itemprop='author']"
    ):
        name = " ".join(node.text_content().split())
        if name:
            meta["author"] = name
            break
    return meta


def _post_block(element: lxml.html.HtmlElement, base: str | None) -> _PostBlock | None:
    title_el = next(iter(_TITLE_CLASS_XPATH(element) or _HEADING_XPATH(element)), None)
    title = " ".join(title_el.text_content().split()) if title_el is not None else ""
    content = [el for el in _CONTENT_XPATH(element) if el is not element]
    skip = set() if title_el is None else {title_el}
    paragraphs = _paragraphs(content[0], skip) if content else []
    if _body_chars(paragraphs) < _MIN_POST_CHARS:  # no content block, or text outside it
        paragraphs = _paragraphs(element, skip)
    if _body_chars(paragraphs) < _MIN_POST_CHARS:
        return None
    return _PostBlock(title or None, paragraphs, _post_meta(element, title_el, base))


def _body_chars(paragraphs: list[_Paragraph]) -> int:
    return sum(len(p.text) for p in paragraphs if not p.boiler)


def _archive_heading(tree: lxml.html.HtmlElement) -> str | None:
    for element in _PAGE_TITLE_XPATH(tree):
        text = " ".join(element.text_content().split())
        if text and not _in_sidebar(element):
            return text
    return None


def _build_page(heading: str | None, blocks: list[_PostBlock]) -> tuple[str, list[Post]]:
    """The page's text layer (heading, then each post) and each post's span and keep segments."""
    voc = vocabulary()
    parts: list[str] = []
    offset = 0

    def add(text: str) -> Span:
        nonlocal offset
        if parts:
            parts.append(SEPARATOR)
            offset += len(SEPARATOR)
        parts.append(text)
        span = (offset, offset + len(text))
        offset += len(text)
        return span

    if heading:
        add(heading)
    posts: list[Post] = []
    for block in blocks:
        keep: list[Span] = []
        first: Span | None = None
        last_kept: str | None = None
        if block.title:
            first = add(block.title)
            keep.append(first)
            last_kept = block.title.casefold()
        for paragraph in block.paragraphs:
            span = add(paragraph.text)
            first = first or span
            folded = paragraph.text.casefold()
            if paragraph.boiler or voc.classify(paragraph.text) is not LineKind.TEXT:
                continue
            if folded == last_kept:
                continue  # title or paragraph printed twice
            last_kept = folded
            if keep and _adjacent(keep, span):
                keep[-1] = (keep[-1][0], span[1])
            else:
                keep.append(span)
        assert first is not None
        posts.append(Post(start=first[0], end=offset, title=block.title, keep=keep))
    return "".join(parts), posts


def _adjacent(keep: list[Span], span: Span) -> bool:
    return keep[-1][1] + len(SEPARATOR) == span[0]


# --- metadata ---------------------------------------------------------------------------------


@dataclass
class _PageMeta:
    title: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    site_name: str | None = None


def _canonical(tree: lxml.html.HtmlElement, url: str | None) -> str | None:
    for href in tree.xpath("//head/link[@rel='canonical']/@href"):
        value = urljoin(url, str(href).strip()) if url else str(href).strip()
        if urlsplit(value).scheme in ("http", "https"):
            return value
    return None


def _page_meta(tree: lxml.html.HtmlElement, url: str | None, published: str | None,
               *, with_date: bool) -> _PageMeta:
    """Title, author, canonical URL, date and site name, cheapest sources first."""
    doc = examine_meta(tree)
    with contextlib.suppress(Exception):  # trafilatura's JSON-LD parser fails on broken JSON
        doc = extract_meta_json(tree, doc)
    meta = _PageMeta(title=doc.title, author=doc.author, site_name=doc.sitename)
    meta.url = _canonical(tree, url) or _http(doc.url) or url
    if not meta.title:
        meta.title = extract_title(tree)
    if not meta.author:
        for node in tree.xpath("//*[@rel='author'] | //*[@itemprop='author']"):
            name = " ".join(node.text_content().split())
            if name and len(name) <= 100:
                meta.author = name
                break
    meta.published = published
    if with_date:
        with contextlib.suppress(Exception):  # htmldate on hostile markup: keep the fallback
            meta.published = find_date(tree, extensive_search=True, original_date=True,
                                       url=meta.url) or published
    if not meta.site_name:
        host = urlsplit(meta.url).hostname if meta.url else None
        meta.site_name = extract_sitename(tree) or host
    return meta


def _http(value: str | None) -> str | None:
    return value if value and urlsplit(value).scheme in ("http", "https") else None


# --- entry point ------------------------------------------------------------------------------


def _archive(tree: lxml.html.HtmlElement, url: str | None, published: str | None,
             meta: dict[str, Any]) -> Extracted | None:
    body = tree.find("body")
    if body is not None and "single" in (body.get("class") or "").split():
        return None  # WordPress marks a single post's page so; its post list is "related posts"
    if tree.xpath("//head/meta[@property='og:type'][@content='article']"):
        return None  # the page says it is one article (archives say "website" or "object")
    elements = _post_elements(tree)
    if len(elements) < 2:
        return None
    base = _canonical(tree, url) or url
    blocks = [b for b in (_post_block(el, base) for el in elements) if b is not None]
    if len(blocks) < 2:
        return None
    heading = _archive_heading(tree)
    text, posts = _build_page(heading, blocks)
    page = _page_meta(tree, url, published, with_date=False)
    meta = {**meta, "structure": "html-articles", "post_meta": [b.meta for b in blocks]}
    return Extracted(
        text=text, media_type=MEDIA_TYPE, title=heading or page.title, url=page.url,
        published=published, site_name=page.site_name, kind="page", meta=meta, posts=posts,
    )


def _visible_text(tree: lxml.html.HtmlElement) -> str:
    """All visible text of the page's main region (widget lines included), one line a block."""
    for path in ("//main", "//*[@role='main']", "//*[@id='content']", "//body"):
        found = tree.xpath(path)
        if found:
            return SEPARATOR.join(p.text for p in _paragraphs(found[0], set()))
    return ""


def _single(tree: lxml.html.HtmlElement, url: str | None, published: str | None,
            meta: dict[str, Any]) -> Extracted:
    page = _page_meta(tree, url, published, with_date=True)
    try:
        doc = trafilatura.bare_extraction(
            tree, url=page.url, include_comments=False, include_tables=True,
            with_metadata=False, prune_xpath=_HIDDEN_XPATH,
        )
    except Exception as exc:  # a parser bug must not lose the page: fall back to visible text
        doc = None
        meta = {**meta, "extraction_error": f"{type(exc).__name__}: {exc}"[:300]}
    text = getattr(doc, "text", None) or ""
    if not text.strip():
        # trafilatura found no main block (a very short page): fall back to all visible text
        body = tree.find("body")
        paragraphs = _paragraphs(body, set()) if body is not None else []
        text = SEPARATOR.join(p.text for p in paragraphs if not p.boiler)
        meta = {**meta, "extraction": "visible-text"}
    if not text.strip():
        raise RejectedInput("no text found in the HTML page (only markup, scripts or media)")
    posts = split_posts(text)
    if has_post_cues(text):
        # trafilatura keeps one copy of a repeated line, so an archive's share widgets and
        # repeated titles may be gone from its text: split the page's visible text too
        visible = _visible_text(tree)
        visible_posts = split_posts(visible)
        if len(visible_posts) > len(posts):
            text, posts = visible, visible_posts
            meta = {**meta, "extraction": "visible-text"}
    if posts:
        meta = {**meta, "structure": "text-posts"}
    return Extracted(
        text=text, media_type=MEDIA_TYPE, title=page.title, url=page.url,
        published=page.published, author=page.author, site_name=page.site_name,
        kind="page" if posts else "document", meta=meta, posts=posts,
    )


def read_html(data: bytes, name: str, limits: Limits, *, url: str | None = None,
              published: str | None = None) -> list[Extracted]:
    """Read an HTML original into one unit: an article (document) or an archive page (page).

    ``url`` (from a WARC record or an HTTP fetch) is used when the page names no canonical URL,
    ``published`` when no date is found in the page. Raises RejectedInput, never returns [].
    """
    text, meta = decode_html(data, limits)
    tree = parse_html(text)
    result = _archive(tree, url, published, meta) or _single(tree, url, published, meta)
    check_text_length(result.text, limits, what=f"text of {name}")
    return [result]


def iter_post_texts(unit: Extracted) -> Iterator[tuple[Post, str]]:
    """Each post of a page with its clean text (kept segments joined by a blank line)."""
    for post in unit.posts or []:
        yield post, SEPARATOR.join(unit.text[a:b] for a, b in post.keep)
