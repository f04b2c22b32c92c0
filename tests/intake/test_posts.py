"""Archive pages → one document per post, and boilerplate left out of each post's clean text.

The seed pages (../shared/corpus/seeds) are read where they are; ``seed_posts.json`` holds the
hand-checked post boundaries by line number. Synthetic pages below use text written here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from factfinder.intake.boilerplate import LineKind, build_vocabulary, vocabulary
from factfinder.intake.posts import has_post_cues, page_title, split_posts, strip_boilerplate
from factfinder.intake.types import Post

GOLD: dict[str, Any] = json.loads(
    (Path(__file__).with_name("seed_posts.json")).read_text(encoding="utf-8")
)
BOILERPLATE = ("Please follow and like us", "Continue Reading", "Copyright ©", "Share this:")


def line_of(text: str, offset: int) -> int:
    """1-based line number of a character offset."""
    return text.count("\n", 0, offset) + 1


def kept_text(text: str, post: Post) -> str:
    return "\n\n".join(text[a:b] for a, b in post.keep)


def check_keep(text: str, start: int, end: int, keep: list[tuple[int, int]]) -> None:
    """Kept segments are non-empty, ordered, non-overlapping and inside [start, end]."""
    assert keep, "a post keeps some text"
    previous_end = start
    for a, b in keep:
        assert start <= a < b <= end
        assert a >= previous_end
        assert text[a:b] == text[a:b].strip(), "segments start and end on text"
        previous_end = b


# --- the seed pages ---------------------------------------------------------------------------


def test_seed_pages_hold_31_documents(seeds_dir: Path) -> None:
    total = 0
    for path in sorted(seeds_dir.glob("*.txt")):
        posts = split_posts(path.read_text(encoding="utf-8"))
        total += len(posts) or 1  # a single article is one document
    assert total == GOLD["total_documents"] == 31


@pytest.mark.parametrize("name", sorted(GOLD["files"]))
def test_seed_posts_match_hand_checked_gold(seeds_dir: Path, name: str) -> None:
    gold = GOLD["files"][name]
    text = (seeds_dir / name).read_text(encoding="utf-8")
    posts = split_posts(text)
    assert len(posts) == len(gold["posts"])
    for post, expected in zip(posts, gold["posts"], strict=True):
        assert line_of(text, post.start) == expected["start_line"]
        assert line_of(text, post.end - 1) == expected["end_line"]
        assert line_of(text, post.keep[0][0]) == expected["title_line"]
        assert post.title is not None
        words = expected["title_words"].split()
        assert post.title.split()[: len(words)] == words


@pytest.mark.parametrize("name", sorted(GOLD["files"]))
def test_seed_page_headers(seeds_dir: Path, name: str) -> None:
    gold = GOLD["files"][name]
    text = (seeds_dir / name).read_text(encoding="utf-8")
    header = page_title(text)
    if gold["page_header_line"] is None:
        assert header is None
    else:
        line = text.split("\n")[gold["page_header_line"] - 1]
        assert header == " ".join(line.split())
        assert all(post.start > text.index(line) for post in split_posts(text))


@pytest.mark.parametrize("name", sorted(GOLD["files"]))
def test_seed_posts_clean_text(seeds_dir: Path, name: str) -> None:
    text = (seeds_dir / name).read_text(encoding="utf-8")
    posts = split_posts(text)
    voc = vocabulary()
    previous_end = 0
    for post in posts:
        assert post.start >= previous_end, "posts do not overlap"
        previous_end = post.end
        check_keep(text, post.start, post.end, post.keep)
        clean = kept_text(text, post)
        for phrase in BOILERPLATE:
            assert phrase not in clean
        lines = [ln.strip() for ln in clean.split("\n") if ln.strip()]
        assert not any(voc.classify(ln) is LineKind.TAGS for ln in lines), "no tag lists"
        assert " ".join(lines[0].split()) == post.title, "the clean text opens with the title"
        assert post.title not in lines[1:3], "the repeated title is kept once"


def test_single_article_seed_is_one_document(seeds_dir: Path) -> None:
    singles = [n for n, g in GOLD["files"].items() if g["single_article"]]
    assert singles
    for name in singles:
        text = (seeds_dir / name).read_text(encoding="utf-8")
        assert split_posts(text) == []
        keep = strip_boilerplate(text)
        check_keep(text, 0, len(text), keep)
        clean = "\n\n".join(text[a:b] for a, b in keep)
        assert clean.split("\n")[0] == text.split("\n")[0].strip()
        for phrase in (*BOILERPLATE, "Tags:", "powered by", "follow us on"):
            assert phrase.casefold() not in clean.casefold()


# --- synthetic pages (text written here) ------------------------------------------------------

BODY = (
    "The commission met on the morning of the third day and heard the testimony of eleven "
    "former prisoners, who described the transfers between the wards and the lists that were "
    "read aloud in the corridors before dawn."
)
BODY2 = (
    "Relatives said they had not been told where the bodies were buried and that requests for "
    "death certificates were refused for years, according to a statement released on Monday."
)


def archive_with_closers() -> str:
    parts = ["Category: Reports", ""]
    for n in range(3):
        title = f"Witnesses describe the events of week {n + 1}"
        parts += [title, "", title, "", BODY, "", BODY2, "", "Share this:", ""]
    parts += ["Copyright © 2024 Example Watch. All rights reserved."]
    return "\n".join(parts)


def test_closers_split_posts_and_keep_title_once() -> None:
    text = archive_with_closers()
    posts = split_posts(text)
    titles = [f"Witnesses describe the events of week {n}" for n in (1, 2, 3)]
    assert [p.title for p in posts] == titles
    assert page_title(text) == "Category: Reports"
    for post in posts:
        check_keep(text, post.start, post.end, post.keep)
        assert kept_text(text, post) == f"{post.title}\n\n{BODY}\n\n{BODY2}"
        assert text[post.end - len("Share this:") : post.end] == "Share this:"
    assert "Copyright" not in text[posts[-1].start : posts[-1].end]


def test_tag_lists_head_posts_without_closers() -> None:
    parts = []
    for n in range(3):
        parts += [f"Prisons,Executions,Topic {n},Families", "", f"Report number {n} on the wards",
                  "", BODY, "", BODY2, ""]
    text = "\n".join(parts)
    posts = split_posts(text)
    assert len(posts) == 3
    for n, post in enumerate(posts):
        assert post.title == f"Report number {n} on the wards"
        assert text[post.start :].startswith("Prisons,Executions")
        assert "Prisons,Executions" not in kept_text(text, post)


def test_dated_bylines_start_posts() -> None:
    parts = []
    for n in range(2):
        parts += [f"Court hears appeal in case {n}", f"Posted on March {n + 3}, 2023 by Editor",
                  "", BODY, "", BODY2, ""]
    posts = split_posts("\n".join(parts))
    assert [p.title for p in posts] == [f"Court hears appeal in case {n}" for n in (0, 1)]


def test_single_article_is_not_split() -> None:
    title = "Families gather at the cemetery"
    text = "\n\n".join([title, title, BODY, "Photo credit", "Photo credit", BODY2, BODY,
                        "Please follow and like us:"])
    assert split_posts(text) == []
    keep = strip_boilerplate(text)
    check_keep(text, 0, len(text), keep)
    clean = "\n\n".join(text[a:b] for a, b in keep)
    assert clean.count(title) == 1
    assert clean.count("Photo credit") == 1
    assert "Please follow" not in clean


def test_one_closer_is_a_single_article() -> None:
    text = "\n\n".join(["A statement on the anniversary", BODY, BODY2, "Share this:", "Related"])
    assert split_posts(text) == []


def test_section_headings_are_not_posts() -> None:
    parts = ["The long report", ""]
    for n in range(4):
        parts += [f"Section heading number {n}", "", BODY, ""]
    assert split_posts("\n".join(parts)) == []


def test_offsets_with_crlf_and_strip_range() -> None:
    text = archive_with_closers().replace("\n", "\r\n")
    posts = split_posts(text)
    assert len(posts) == 3
    for post in posts:
        assert text[post.keep[0][0] : post.keep[0][1]] == post.title
    second = posts[1]
    keep = strip_boilerplate(text, second.start, second.end)
    check_keep(text, second.start, second.end, keep)
    assert "Share this" not in "".join(text[a:b] for a, b in keep)


def test_post_cues() -> None:
    assert has_post_cues(archive_with_closers())
    assert has_post_cues("Intro\nAlpha,Beta,Gamma,Delta\nBody")
    assert not has_post_cues("\n\n".join(["A title", BODY, BODY2]))


def test_empty_and_blank_text() -> None:
    assert split_posts("") == []
    assert split_posts("\n \n\t\n") == []
    assert strip_boilerplate("") == []
    assert page_title("") is None


def test_vocabulary_line_kinds() -> None:
    voc = vocabulary()
    assert voc.classify("Please follow and like us:") is LineKind.SHARE
    assert voc.classify("Continue reading →") is LineKind.MORE
    assert voc.classify("Read More »") is LineKind.MORE
    assert voc.classify("Alpha,Beta Gamma,Delta (DG),Epsilon") is LineKind.TAGS
    assert voc.classify("Tags: , , ,") is LineKind.TAGS
    assert voc.classify("Copyright © 2020 Example. All Rights Reserved") is LineKind.FOOTER
    assert voc.classify("Prose has commas, spaces, and sentences.") is LineKind.TEXT
    assert voc.classify("Read more about the trial in our report of Monday.") is LineKind.TEXT
    assert voc.is_page_header("Posts Tagged ‘Prison Massacre’")
    assert voc.is_page_header("Tag: UN")
    assert not voc.is_page_header("The tag on the wall said nothing")
    assert voc.is_byline("Posted on June 22, 2017 by admin")
    assert not voc.is_byline("Posted on the wall")


def test_vocabulary_is_data() -> None:
    """A site's new widget is added to the YAML file, not to code."""
    data = {
        "max_line_chars": 200, "share": ["spread the word"], "more": ["keep reading"],
        "tag_prefixes": ["labels"], "tag_list": {"min_items": 3, "max_item_words": 4,
                                                 "max_item_chars": 40},
        "page_header": ["archive of .+"], "footer": ["site by .+"], "trailer": ["ed\\. note.*"],
        "byline": {"max_chars": 80, "max_words": 6, "prefixes": ["by"], "dates": ["\\d{4}"]},
        "html_boilerplate_class": ["share"], "html_sidebar_class": ["sidebar"],
    }
    voc = build_vocabulary(data)
    assert voc.classify("Spread the word") is LineKind.SHARE
    assert voc.classify("Keep reading") is LineKind.MORE
    assert voc.classify("Labels: a, b") is LineKind.TAGS
    assert voc.is_page_header("Archive of May")
