"""Who says "I" in a first-person document."""

from __future__ import annotations

import pytest

from factfinder.extract.narrator import narrator


@pytest.mark.parametrize(("text", "name"), [
    ("MEMOIRS OF AYATOLLAH NASROLLAH KASHEFI\nChapter 14 (excerpt)\n\nI wrote to him.",
     "Nasrollah Kashefi"),
    ("Witness testimony - Reza Sheikhvand\nAHRDC testimony no. T-1\n\nI was arrested.",
     "Reza Sheikhvand"),
    ("THE COURIER\n10 August 2016\n\nLeaked tape\n\nBy Nima Sadeghi\n\nAn audio recording …",
     "Nima Sadeghi"),
    ("Background\nMy name is Reza Sheikhvand. I was born in Sarvand in 1341.",
     "Reza Sheikhvand"),
    ("Diary of Mr. Hamid Ahmadi, Evin Prison\n\nToday they took us out.", "Hamid Ahmadi"),
])
def test_the_narrator_is_read_from_the_opening(text, name):
    assert narrator(text) == name


@pytest.mark.parametrize("text", [
    "AHRDC press statement\nEskeby, 30 August 2018\n\nThirty years on, the files must open.",
    "Testimony of the families is the basis of this report, which …",  # not a name
    "By the summer of 1988 the prisons were full.",
    "",
])
def test_no_narrator_without_a_named_heading(text):
    assert narrator(text) is None
