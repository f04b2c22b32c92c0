"""Who says "I" in a first-person document.

A memoir, a witness testimony or a signed column speaks in the first person; its quotes and
claims belong to the narrator, who is often not in the document's metadata (a plain-text memoir
has none; a testimony's file may name its interviewer as author). The narrator is read from the
document's opening: a heading ("Memoirs of Ayatollah Nasrollah Kashefi", "Witness testimony -
Reza Sheikhvand", "By Nima Sadeghi") or an opening sentence ("My name is Reza Sheikhvand").
The patterns are data (``vocab/speech.yaml``: ``narrator_headings``, ``narrator_sentences``);
titles and honorifics (``vocab/titles.yaml``) are dropped from the name.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

VOCAB_DIR = Path(__file__).resolve().parent.parent / "vocab"
HEAD_LINES = 6  # headings are looked for on the first lines only
OPENING = 3000  # opening sentences within the first characters only


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[re.Pattern[str]], list[re.Pattern[str]], re.Pattern[str]]:
    speech = yaml.safe_load((VOCAB_DIR / "speech.yaml").read_text(encoding="utf-8"))
    titles = yaml.safe_load((VOCAB_DIR / "titles.yaml").read_text(encoding="utf-8"))["titles"]
    heads = [re.compile(p, re.I) for p in speech.get("narrator_headings", [])]
    sents = [re.compile(p) for p in speech.get("narrator_sentences", [])]
    words = sorted((re.escape(str(t)) for t in titles), key=len, reverse=True)
    title = re.compile(rf"^(?:(?:{'|'.join(words)})\.?\s+)+", re.I)
    return heads, sents, title


def _tidy(name: str, title: re.Pattern[str]) -> str | None:
    name = re.split(r"\s*[(\[|;,]|\s+[-–—]\s+", name.strip())[0].strip(" .:\"“”'")
    name = title.sub("", name).strip()
    words = name.split()
    if not 1 <= len(words) <= 5 or not all(w[:1].isupper() for w in words):
        return None
    if name.isupper():  # "NASROLLAH KASHEFI" in a heading
        name = " ".join(w.capitalize() if "-" not in w else "-".join(
            p.capitalize() for p in w.split("-")) for w in words)
    return name


def narrator(text: str) -> str | None:
    """The narrator named by the document's opening, or None."""
    heads, sents, title = _patterns()
    for line in text.lstrip().splitlines()[:HEAD_LINES]:
        line = line.strip()
        for pat in heads:
            m = pat.match(line)
            if m:
                name = _tidy(m.group("name"), title)
                if name:
                    return name
    for pat in sents:
        m = pat.search(text, 0, OPENING)
        if m:
            name = _tidy(m.group("name"), title)
            if name:
                return name
    return None


FIRST_PERSON = re.compile(r"\b(?:I|me|my|mine|we|us|our|ours)\b", re.I)


def first_person_source(text: str, start: int, end: int) -> str | None:
    """The narrator, when the sentence around ``start``-``end`` speaks in the first person ("Of
    about 180 men in our ward, 23 survived"): a testimony's claims are the witness's, not its
    interviewer's or its publisher's."""
    lo = max(text.rfind(".", 0, start), text.rfind("\n", 0, start)) + 1
    hi = min((i for i in (text.find(".", end), text.find("\n", end)) if i >= 0),
             default=len(text))
    said = re.sub(r"[\"“][^\"“”]*[\"”]", " ", text[lo:hi])  # not words inside a quotation
    if not FIRST_PERSON.search(said.replace("I.", "")):
        return None
    return narrator(text)
