"""Time ``read_html`` against bare ``trafilatura.extract`` on generated WordPress pages.

Why: intake must keep up with trafilatura itself (the target is total intake time at most 1.5x
bare ``trafilatura.extract``; this script checks the reader alone, aiming at 1.3x). The pages are
built at run time from the paragraphs of the seed pages in ../shared/corpus/seeds (never copied
into the repository), wrapped in realistic WordPress markup: head with meta tags, scripts and
styles, a navigation menu, share widgets, tag links, "Continue Reading" links, a sidebar of
widgets, comments and a footer. Two kinds: single-article pages (one per post of the seeds, in
several themes) and archive pages holding 3 to 10 posts.

Usage: .venv/bin/python bench/html_reader_speed.py [--pages N] [--repeat R]
"""

from __future__ import annotations

import argparse
import html
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import trafilatura

from factfinder.intake.posts import split_posts, strip_boilerplate
from factfinder.intake.readers.html import read_html
from factfinder.intake.types import Limits

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seeds"
SITES = ("mek-iran.example", "iran-freedom.example", "justice-1988.example", "ncri-news.example")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass
class Article:
    title: str
    paragraphs: list[str]


def load_articles() -> list[Article]:
    """Every post of the seed pages (and the single-article seed) as title + paragraphs."""
    articles: list[Article] = []
    for path in sorted(SEEDS.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        posts = split_posts(text)
        units = [(p.title, p.keep) for p in posts] or [(None, strip_boilerplate(text))]
        for title, keep in units:
            lines = [ln.strip() for a, b in keep for ln in text[a:b].split("\n") if ln.strip()]
            if title is None and lines:
                title = lines[0]
            body = [ln for ln in lines if ln != title]
            if title and body:
                articles.append(Article(title, body))
    return articles


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _slug(title: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in title.lower()).split()
    return "-".join(words[:8])


def _date(rng: random.Random) -> tuple[str, str]:
    year, month, day = rng.randint(2016, 2023), rng.randint(1, 12), rng.randint(1, 28)
    return f"{year}-{month:02d}-{day:02d}T09:{rng.randint(10, 59)}:00+00:00", \
        f"{MONTHS[month - 1]} {day}, {year}"


def _head(title: str, site: str, url: str, rng: random.Random, single: bool) -> str:
    iso, _ = _date(rng)
    scripts = "".join(
        f'<script src="https://{site}/wp-includes/js/lib{n}.min.js?ver=5.{n}"></script>\n'
        for n in range(6)
    )
    inline = (
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        "gtag('js',new Date());gtag('config','UA-0000000-1');"
        'var wpData={"ajax":"/wp-admin/admin-ajax.php","nonce":"abc123"};</script>\n'
    )
    style = "<style>" + "".join(f".c{n}{{margin:{n}px;padding:{n}px}}" for n in range(80)) + \
        "</style>\n"
    meta = (
        f'<meta property="og:type" content="{"article" if single else "website"}">\n'
        f'<meta property="og:title" content="{_e(title)}">\n'
        f'<meta property="og:site_name" content="{_e(site)}">\n'
        f'<meta property="og:url" content="{url}">\n'
        f'<link rel="canonical" href="{url}">\n'
    )
    if single and rng.random() < 0.5:  # half the articles carry no date/author meta tags
        meta += f'<meta property="article:published_time" content="{iso}">\n' \
            '<meta name="author" content="Staff Writer">\n'
    return (
        '<!DOCTYPE html>\n<html lang="en-US">\n<head>\n<meta charset="UTF-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)} &#8211; {_e(site)}</title>\n{meta}"
        f'<link rel="stylesheet" href="https://{site}/wp-content/themes/t/style.css">\n'
        f"{scripts}{inline}{style}</head>\n"
    )


def _masthead(site: str, rng: random.Random) -> str:
    items = "".join(
        f'<li class="menu-item"><a href="https://{site}/category/c{n}/">Section {n}</a></li>'
        for n in range(rng.randint(8, 20))
    )
    return (
        f'<header id="masthead" class="site-header"><div class="site-branding">'
        f'<a href="https://{site}/" rel="home">{_e(site)}</a><p class="site-description">News and '
        f'analysis</p></div><nav id="site-navigation" class="main-navigation"><ul class="menu">'
        f"{items}</ul></nav></header>\n"
    )


def _sidebar(site: str, articles: list[Article], rng: random.Random) -> str:
    recent = "".join(
        f'<li><a href="https://{site}/{_slug(a.title)}/">{_e(a.title)}</a></li>'
        for a in rng.sample(articles, 6)
    )
    cats = "".join(f'<li class="cat-item"><a href="https://{site}/category/c{n}/">Topic {n}</a> '
                   f"({rng.randint(3, 400)})</li>" for n in range(12))
    return (
        '<aside id="secondary" class="widget-area">'
        '<section class="widget widget_search"><form role="search" method="get" action="/">'
        '<input type="search" name="s"><button type="submit">Search</button></form></section>'
        f'<section class="widget widget_recent_entries"><h2 class="widget-title">Recent Posts'
        f"</h2><ul>{recent}</ul></section>"
        f'<section class="widget widget_categories"><h2 class="widget-title">Categories</h2>'
        f"<ul>{cats}</ul></section></aside>\n"
    )


def _footer(site: str) -> str:
    return (
        f'<footer id="colophon" class="site-footer"><div class="site-info">Copyright &copy; 2019 '
        f"{_e(site)}. All Rights Reserved</div></footer>\n"
        '<div class="sfsi_footer">Social media &amp; sharing icons powered by UltimatelySocial'
        "</div>\n"
        + "".join(f'<script src="https://{site}/wp-content/plugins/p{n}.js"></script>\n'
                  for n in range(5))
        + "</body>\n</html>\n"
    )


def _share() -> str:
    links = "".join(
        f'<a class="sfsi_{net}" href="#" onclick="window.open(this.href);return false;">'
        f'<img alt="{net}" src="/icons/{net}.png"></a>'
        for net in ("facebook", "twitter", "linkedin", "email")
    )
    return f'<div class="sfsi_widget"><p>Please follow and like us:</p>{links}</div>'


def _content(article: Article, rng: random.Random, excerpt: bool) -> str:
    paragraphs = article.paragraphs
    if excerpt and len(paragraphs) > 6:
        paragraphs = paragraphs[: rng.randint(4, len(paragraphs))]
    out = []
    if rng.random() < 0.6:
        out.append(
            f'<figure class="wp-caption aligncenter"><img src="/uploads/img{rng.randint(1, 999)}'
            f'.jpg" alt="{_e(article.title[:40])}"><figcaption class="wp-caption-text">'
            f"{_e(paragraphs[0][:90])}</figcaption></figure>"
        )
    for paragraph in paragraphs:
        if len(paragraph) < 70 and not paragraph.endswith("."):
            out.append(f"<h3>{_e(paragraph)}</h3>")
        else:
            out.append(f"<p>{_e(paragraph)}</p>")
    return "\n".join(out)


def _tags(site: str, rng: random.Random) -> str:
    tags = ",".join(f'<a href="https://{site}/tag/t{n}/" rel="tag">Tag {n}</a>'
                    for n in rng.sample(range(40), rng.randint(3, 9)))
    return f'<footer class="entry-footer"><span class="tags-links">{tags}</span></footer>'


def _article(article: Article, site: str, rng: random.Random, heading: str,
             excerpt: bool) -> str:
    iso, shown = _date(rng)
    pid = rng.randint(1000, 99999)
    url = f"https://{site}/{iso[:4]}/{_slug(article.title)}/"
    more = (
        f'<p><a class="more-link" href="{url}">Continue Reading</a></p>' if excerpt else ""
    )
    return (
        f'<article id="post-{pid}" class="post-{pid} post type-post status-publish '
        f'format-standard has-post-thumbnail hentry category-news tag-t{pid % 40}">\n'
        f'<header class="entry-header"><{heading} class="entry-title"><a href="{url}" '
        f'rel="bookmark">{_e(article.title)}</a></{heading}><div class="entry-meta">'
        f'<span class="posted-on"><time class="entry-date published" datetime="{iso}">{shown}'
        f'</time></span><span class="byline"> by <span class="author vcard"><a class="url fn n" '
        f'href="https://{site}/author/staff/">Staff Writer</a></span></span></div></header>\n'
        f'<div class="entry-content">\n{_content(article, rng, excerpt)}\n{_share()}\n{more}'
        f"</div>\n{_tags(site, rng)}\n</article>\n"
    )


def single_page(article: Article, articles: list[Article], rng: random.Random) -> bytes:
    site = rng.choice(SITES)
    url = f"https://{site}/{_slug(article.title)}/"
    comments = (
        '<div id="comments" class="comments-area"><div id="respond" class="comment-respond">'
        '<h3 class="comment-reply-title">Leave a Reply</h3><form method="post" action="/wp-'
        'comments-post.php"><textarea name="comment"></textarea><input type="submit" '
        'value="Post Comment"></form></div></div>'
    )
    page = (
        _head(article.title, site, url, rng, single=True)
        + '<body class="post-template-default single single-post">\n'
        + _masthead(site, rng)
        + '<div id="content" class="site-content"><main id="main" class="site-main">\n'
        + _article(article, site, rng, "h1", excerpt=False)
        + '<nav class="navigation post-navigation"><div class="nav-links"><a href="#">'
        + "Previous post</a><a href=\"#\">Next post</a></div></nav>"
        + comments + "</main>\n" + _sidebar(site, articles, rng) + "</div>\n" + _footer(site)
    )
    return page.encode("utf-8")


def archive_page(chosen: list[Article], articles: list[Article], rng: random.Random) -> bytes:
    site = rng.choice(SITES)
    tag = f"tag-{rng.randint(1, 40)}"
    url = f"https://{site}/tag/{tag}/"
    heading = f"Posts Tagged &#8216;Topic {tag[4:]}&#8217;"
    body = "".join(_article(a, site, rng, "h2", excerpt=True) for a in chosen)
    pager = '<nav class="navigation pagination"><div class="nav-links"><span>1</span>' + \
        "".join(f'<a class="page-numbers" href="{url}page/{n}/">{n}</a>' for n in range(2, 6)) + \
        "</div></nav>"
    page = (
        _head(f"Topic {tag[4:]}", site, url, rng, single=False)
        + f'<body class="archive tag {tag}">\n' + _masthead(site, rng)
        + '<div id="content" class="site-content"><main id="main" class="site-main">\n'
        + f'<header class="page-header"><h1 class="page-title">{heading}</h1></header>\n'
        + body + pager + "</main>\n" + _sidebar(site, articles, rng) + "</div>\n"
        + _footer(site)
    )
    return page.encode("utf-8")


def generate(count: int, seed: int = 1988) -> list[tuple[str, bytes]]:
    """``count`` pages, about two singles for each archive page."""
    rng = random.Random(seed)
    articles = load_articles()
    pages: list[tuple[str, bytes]] = []
    while len(pages) < count:
        if len(pages) % 3 == 2:
            chosen = rng.sample(articles, rng.randint(3, min(10, len(articles))))
            pages.append(("archive", archive_page(chosen, articles, rng)))
        else:
            pages.append(("single", single_page(rng.choice(articles), articles, rng)))
    return pages


def _time(fn: Callable[[bytes], object], pages: list[bytes], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for data in pages:
            fn(data)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=240)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not SEEDS.is_dir():
        print(f"seed pages not found at {SEEDS}: nothing to benchmark")
        return 0
    pages = generate(args.pages)
    limits = Limits()
    # warm both paths (imports, compiled patterns, trafilatura's caches)
    for _, data in pages[:5]:
        trafilatura.extract(data.decode("utf-8"))
        read_html(data, "warm.html", limits)
    rows = []
    for kind in ("single", "archive", "all"):
        subset = [d for k, d in pages if kind in ("all", k)]
        base = _time(lambda d: trafilatura.extract(d.decode("utf-8")), subset, args.repeat)
        ours = _time(lambda d: read_html(d, "page.html", limits), subset, args.repeat)
        rows.append((kind, len(subset), base, ours))
    size = sum(len(d) for _, d in pages) / len(pages) / 1024
    print(f"{len(pages)} generated pages, mean size {size:.0f} KiB, best of {args.repeat} runs")
    print(f"{'pages':<8} {'n':>4} {'trafilatura.extract':>20} {'read_html':>10} {'ratio':>6}")
    for kind, n, base, ours in rows:
        print(f"{kind:<8} {n:>4} {base:>19.2f}s {ours:>9.2f}s {ours / base:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
