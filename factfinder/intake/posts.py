"""Split the text layer of an archive, tag or category page into its posts.

Advocacy sites publish the same article on a post page, on every tag page and on the category
page; an archive page saved as text is a run of posts, each wrapped in theme furniture. Treating
the page as one document would mix a dozen articles' claims under one title and date, so intake
stores one document per post. The text layer is never changed: a post is a span of it plus the
segments (``keep``) that form its clean text.

The page is read line by line (one line = one paragraph). Each line is classified with the
boilerplate vocabulary (``factfinder/vocab/boilerplate.yaml``): share widget, "Continue Reading",
tag list, footer, publisher trailer, or text. Then:

1. **Closers.** A share widget ("Please follow and like us:") or a "Continue Reading" / "Read
   more" line ends a post; a run of them is one closer. The text between two closers is one
   post, so is the text before the first closer (after a page header such as "Posts Tagged
   ‘…’", which belongs to no post). WordPress themes print each post's tag list either at its top
   or at its bottom: a tag list that opens a stretch of text belongs to the post that follows; a
   tag list left alone after the last closer belongs to the post before it.
2. **Tag lists**, when a page has no closers: every tag list starts a post (or, when the first
   list comes after a post's body, the line after every list does: a theme prints tags in the
   same place for every post).
3. **Title cues**, the last resort: a post starts at a title-like line that is repeated on the
   next line ("Title / Title / body", the archive heading then the entry heading), or that is
   followed by a dated byline ("Posted on June 22, 2017 by …"). A cue that comes before the
   previous post has any body is part of that post's heading, not a new post. A short line
   followed by a long paragraph is *not* a cue on its own: section headings inside a post look
   exactly like that. Title cues come last because an image whose alt text and caption are the
   same sentence also prints a line twice: in a text with no closers and no tag lists, such a
   caption (three words or more) cannot be told from a repeated title and would start a post. A
   repeated line of one or two words (a name under a photo) is never a cue.
4. A post must have a body (``_MIN_BODY_CHARS`` of text besides its title): a stretch that is
   only an image caption, a widget or a footer is not a post. A page with fewer than two posts is
   a single article and ``split_posts`` returns ``[]``.

Title of a post, from the lines before its first long paragraph: a line repeated on the next
line is the title (the copy is dropped); a line between two copies of another line is the title
(themes print the thumbnail's alt text, the title, then the same image again inside the post);
otherwise the first title-like line whose text does not recur later in the post (a line that
recurs is an image's alt text, printed again by a second image). Lines before the title (the
thumbnail's alt text) are not kept.

Inside a post, ``keep`` also leaves out a paragraph identical to the one before it (an image's
alt text printed again as its caption) and a line that is the title of another post on the same
page (an inline "related post" link).

Judgement calls on the seed pages (``tests/intake/seed_posts.json`` is the hand-checked gold):
* A page that holds one article (seed 004) is one document: ``split_posts`` gives ``[]`` and the
  article is cleaned with ``strip_boilerplate``. The five seeds hold 30 + 1 = 31 documents.
* A very long post whose section headings look like post titles (seed 001, the post whose tag
  list is on line 387 and which runs to line 609) is one post: no closer, tag list or repeated
  title separates its sections, and its tag list names the topics of all of them.
* Where a theme prints "alt text / title / alt text" the middle line is the title, even when it
  reads like a caption (seed 002, the post whose tag list is on line 76: its title is line 80).
  Where no line is printed twice (seed 001, tag list on line 99), the first title-like line is
  the title and the two short lines under it are the image's alt text and caption.
* Bylines ("Staff Writer", "By: <publisher>") are kept: they say who makes the post's claims.
  Image captions inside a post are kept once; they often carry facts (crowd sizes, dates).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from factfinder.intake.boilerplate import LineKind, Vocabulary, vocabulary
from factfinder.intake.types import Post, Span

# A line's text without its surrounding whitespace (lines of only whitespace do not match).
_LINE = re.compile(r"[^\S\r\n]*(\S(?:[^\r\n]*\S)?)")
_CLOSERS = (LineKind.SHARE, LineKind.MORE)
_TITLE_MAX_CHARS = 200  # longer lines are paragraphs, not titles
_TITLE_MAX_WORDS = 30
_TITLE_BAD_END = re.compile(r"[.,;:]$")
_CUE_MIN_WORDS = 3  # a repeated 1-2 word line is a name under a photo, not a post title
_HEAD_LINES = 6  # title search looks at most this many lines into a post
_MIN_BODY_CHARS = 200  # text besides the title needed to be a post
_HEADER_LINES = 3  # a page header is looked for among the first lines only


@dataclass(slots=True)
class _Line:
    """One non-blank line: offsets of its stripped text in the page text, and its kind."""

    start: int
    end: int
    text: str  # stripped; whitespace runs collapsed in lines short enough to be titles
    kind: LineKind
    key: str  # what two copies of the line have in common (case-folded when short)


def _lines(text: str, start: int = 0, end: int | None = None) -> list[_Line]:
    voc = vocabulary()
    stop = len(text) if end is None else end
    out: list[_Line] = []
    for match in _LINE.finditer(text, start, stop):
        stripped = match.group(1)
        s = match.start(1)
        if len(stripped) <= _TITLE_MAX_CHARS:
            short = " ".join(stripped.split())
            line = _Line(s, s + len(stripped), short, voc.classify(short), short.casefold())
        else:  # a paragraph: only its exact repetition matters
            line = _Line(s, s + len(stripped), stripped, voc.classify(stripped), stripped)
        out.append(line)
    return out


@lru_cache(maxsize=4)
def _page_lines(text: str) -> tuple[_Line, ...]:
    """The lines of a whole text, cached: readers ask ``has_post_cues`` and ``split_posts``
    about the same text one after the other. Callers must not modify the lines."""
    return tuple(_lines(text))


def _norm(line: _Line) -> str:
    return line.key


def _title_like(line: _Line) -> bool:
    return (
        line.kind is LineKind.TEXT
        and len(line.text) <= _TITLE_MAX_CHARS
        and len(line.text.split()) <= _TITLE_MAX_WORDS
        and not _TITLE_BAD_END.search(line.text)
    )


def _segments(lines: list[_Line], kept: list[int]) -> list[Span]:
    """Merge kept lines that are adjacent in ``lines`` (nothing dropped between) into spans."""
    spans: list[Span] = []
    previous = -2
    for index in kept:
        line = lines[index]
        if index == previous + 1 and spans:
            spans[-1] = (spans[-1][0], line.end)
        else:
            spans.append((line.start, line.end))
        previous = index
    return spans


@dataclass(slots=True)
class _Draft:
    first: int  # index of the post's first line (its tag list, thumbnail caption or title)
    last: int  # index of its last line (the closer, when it has one)
    title: int | None
    body: list[int]  # indices of kept lines after the title


def _find_title(lines: list[_Line], content: list[int]) -> tuple[int | None, set[int]]:
    """Index of the title among ``content`` and the indices of its copies to drop."""
    head: list[int] = []
    for index in content[:_HEAD_LINES]:
        if len(lines[index].text) > _TITLE_MAX_CHARS:
            break
        head.append(index)
    for p, index in enumerate(head):
        if (
            p + 1 < len(head)
            and _norm(lines[index]) == _norm(lines[head[p + 1]])
            and _title_like(lines[index])
        ):
            return index, {head[p + 1]}
        if (
            p + 2 < len(head)
            and _norm(lines[index]) == _norm(lines[head[p + 2]])
            and _title_like(lines[head[p + 1]])
        ):
            return head[p + 1], set()
    for index in head:
        text = _norm(lines[index])
        later = content[content.index(index) + 1 :]
        if _title_like(lines[index]) and all(_norm(lines[k]) != text for k in later):
            return index, set()
    return None, set()


def _draft(lines: list[_Line], first: int, stop: int) -> _Draft | None:
    """A post made of ``lines[first:stop]``, or None when there is no body."""
    while first < stop and lines[first].kind is LineKind.FOOTER:
        first += 1
    last = stop - 1
    while last >= first and lines[last].kind is LineKind.FOOTER:
        last -= 1
    content = [k for k in range(first, last + 1) if lines[k].kind is LineKind.TEXT]
    if not content:
        return None
    title, copies = _find_title(lines, content)
    after = content if title is None else [k for k in content if k > title and k not in copies]
    body: list[int] = []
    for index in after:
        if body and _norm(lines[index]) == _norm(lines[body[-1]]):
            continue  # the same paragraph twice in a row: alt text repeated as caption
        body.append(index)
    if sum(len(lines[k].text) for k in body) < _MIN_BODY_CHARS:
        return None
    return _Draft(first, last, title, body)


def _split_at_closers(lines: list[_Line], begin: int) -> list[_Draft]:
    count = len(lines)
    chunks: list[tuple[int, int, bool]] = []  # (first line, stop, ends with a closer)
    chunk_start = index = begin
    while index < count:
        if lines[index].kind in _CLOSERS:
            stop = index
            while stop < count and lines[stop].kind in _CLOSERS:
                stop += 1
            chunks.append((chunk_start, stop, True))
            chunk_start = index = stop
        else:
            index += 1
    if chunk_start < count:
        chunks.append((chunk_start, count, False))
    drafts: list[_Draft] = []
    for first, stop, closed in chunks:
        rest = range(first, stop)
        if not closed and drafts and all(
            lines[k].kind in (LineKind.TAGS, LineKind.FOOTER) for k in rest
        ):
            tags = [k for k in rest if lines[k].kind is LineKind.TAGS]
            if tags:  # a tag list after the last closer closes the last post
                drafts[-1].last = tags[-1]
            continue
        draft = _draft(lines, first, stop)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _is_cue(lines: list[_Line], index: int, voc: Vocabulary) -> bool:
    line = lines[index]
    if not _title_like(line) or len(line.text.split()) < _CUE_MIN_WORDS:
        return False
    following = lines[index + 1] if index + 1 < len(lines) else None
    if following is None:
        return False
    if _norm(following) == _norm(line):
        return True
    return following.kind is LineKind.TEXT and voc.is_byline(following.text)


def _tag_starts(lines: list[_Line], begin: int) -> list[int]:
    """Post starts given by tag lists: at a list that heads its post, or after one that ends it.

    A theme prints tags in the same place for every post, so the first list decides: if no body
    text comes before it, lists head their posts.
    """
    tags = [k for k in range(begin, len(lines)) if lines[k].kind is LineKind.TAGS]
    if not tags:
        return []
    before = sum(
        len(lines[k].text) for k in range(begin, tags[0]) if lines[k].kind is LineKind.TEXT
    )
    if before < _MIN_BODY_CHARS:
        return tags
    return [k + 1 for k in tags if k + 1 < len(lines)]


def _title_cues(lines: list[_Line], begin: int) -> list[int]:
    voc = vocabulary()
    return [k for k in range(begin, len(lines)) if _is_cue(lines, k, voc)]


def _split_at_cues(lines: list[_Line], cues: list[int]) -> list[_Draft]:
    starts: list[int] = []
    for cue in cues:
        if starts:
            body = sum(
                len(lines[k].text)
                for k in range(starts[-1] + 1, cue)
                if lines[k].kind is LineKind.TEXT
            )
            if body < _MIN_BODY_CHARS:
                continue  # still the previous post's heading
        starts.append(cue)
    drafts: list[_Draft] = []
    for n, start in enumerate(starts):
        stop = starts[n + 1] if n + 1 < len(starts) else len(lines)
        draft = _draft(lines, start, stop)
        if draft is not None:
            drafts.append(draft)
    return drafts


def _header_index(lines: list[_Line]) -> int | None:
    voc = vocabulary()
    for index, line in enumerate(lines[:_HEADER_LINES]):
        if len(line.text) > _TITLE_MAX_CHARS:
            return None
        if voc.is_page_header(line.text):
            return index
    return None


def page_title(text: str) -> str | None:
    """The archive heading ("Posts Tagged ‘1988 Massacre’", "Category: News Update") if any."""
    head = text[:4096]
    lines = _lines(head)
    index = _header_index(lines)
    return None if index is None else lines[index].text


def has_post_cues(text: str) -> bool:
    """True when a line of ``text`` is a share widget, "Continue Reading" or a tag list.

    A cheap test for readers: an extractor that keeps such a line may have dropped the others
    (trafilatura removes repeated lines), so the page deserves a look at its full visible text.
    """
    cues = (LineKind.SHARE, LineKind.MORE, LineKind.TAGS)
    return any(line.kind in cues for line in _page_lines(text))


def split_posts(text: str) -> list[Post]:
    """The posts of an archive page's text layer; ``[]`` when the text is a single article."""
    lines = list(_page_lines(text))
    if not lines:
        return []
    header = _header_index(lines)
    begin = 0 if header is None else header + 1
    # The most reliable structure present wins: closers, else tag lists, else title cues.
    drafts = _split_at_closers(lines, begin)
    if len(drafts) < 2:
        drafts = _split_at_cues(lines, _tag_starts(lines, begin))
    if len(drafts) < 2:
        drafts = _split_at_cues(lines, _title_cues(lines, begin))
    if len(drafts) < 2:
        return []
    titles = {_norm(lines[d.title]) for d in drafts if d.title is not None}
    posts: list[Post] = []
    for draft in drafts:
        own = None if draft.title is None else _norm(lines[draft.title])
        kept = [] if draft.title is None else [draft.title]
        kept += [k for k in draft.body if _norm(lines[k]) == own or _norm(lines[k]) not in titles]
        posts.append(
            Post(
                start=lines[draft.first].start,
                end=lines[draft.last].end,
                title=None if draft.title is None else lines[draft.title].text,
                keep=_segments(lines, sorted(kept)),
            )
        )
    return posts


def strip_boilerplate(text: str, start: int = 0, end: int | None = None) -> list[Span]:
    """Segments of ``text[start:end]`` to keep for a single article.

    Leaves out share widgets, "Continue Reading", tag lists, footers, publisher trailers, an
    archive heading on the first lines, and a paragraph identical to the one before it (so a
    title printed twice is kept once). Returns ``[]`` when nothing is left.
    """
    whole = start == 0 and (end is None or end == len(text))
    lines = list(_page_lines(text)) if whole else _lines(text, start, end)
    header = _header_index(lines)
    kept: list[int] = []
    for index, line in enumerate(lines):
        if line.kind is not LineKind.TEXT or index == header:
            continue
        if kept and _norm(lines[kept[-1]]) == _norm(line):
            continue
        kept.append(index)
    return _segments(lines, kept)
