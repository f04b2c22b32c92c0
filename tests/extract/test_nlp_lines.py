"""Line breaks: headings and bylines stand alone, hard-wrapped lines (PDF, e-mail) do not."""

from __future__ import annotations

import pytest

from factfinder.extract.nlp import load_nlp


@pytest.fixture(scope="module")
def nlp():
    try:
        return load_nlp()
    except RuntimeError as exc:
        pytest.skip(str(exc))


def sentences(nlp, text: str) -> list[str]:
    return [s.text.strip() for s in nlp(text).sents]


def test_a_wrapped_line_goes_on(nlp):
    text = ("The exiled Council (NRCA) maintains that more than 20,000 prisoners were\n"
            "killed. The report counts between\n5,000 and 7,000 names.")
    assert sentences(nlp, text) == [
        "The exiled Council (NRCA) maintains that more than 20,000 prisoners were\nkilled.",
        "The report counts between\n5,000 and 7,000 names."]


def test_headings_bylines_and_paragraphs_stand_alone(nlp):
    text = ("Families Arrested at Sangestan\nBy Nima Sadeghi\nSecurity forces detained "
            "twelve mothers.\n\nthe next paragraph starts in lower case.\nChapter 2\n"
            "Twelve prisoners were hanged.")
    assert sentences(nlp, text) == [
        "Families Arrested at Sangestan", "By Nima Sadeghi",
        "Security forces detained twelve mothers.", "the next paragraph starts in lower case.",
        "Chapter 2", "Twelve prisoners were hanged."]
