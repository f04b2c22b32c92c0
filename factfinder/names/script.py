"""Script normalisation and transliteration of personal names.

``normalize_script`` makes one spelling of the many Unicode encodings of a Persian or Arabic name:
NFKC, Arabic ي/ك/ة written as Persian ی/ک/ه, hamza-carrying alefs as plain ا, short-vowel marks
(harakat) and tatweel dropped, the zero-width non-joiner removed (``روح‌الله`` = ``روحالله``),
Persian and Arabic digits as ASCII, spaces collapsed. Latin text passes through (NFKC, spaces).

``transliterate`` turns Persian-script text into a lower-case Latin approximation, letter by
letter, from the ``script_letters`` table of ``vocab/names.yaml``. Short vowels are not written in
Persian, so ``محمد`` becomes ``mhmd``: such forms are matched by consonant skeleton, not by their
vowels. Latin text is ASCII-folded and lower-cased (``António`` -> ``antonio``; apostrophes and
ayn/hamza signs dropped: ``Khamene'i`` -> ``khamenei``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from factfinder.names.rules import rules

_ARABIC_TO_PERSIAN = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ك": "ک",
        "ة": "ه",
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "\u0640": None,  # tatweel
        "\u200c": None,  # zero-width non-joiner: the parts are one word
        "\u200d": None,
        "\u200f": None,
        "\u200e": None,
        "\u00ad": None,
        **{chr(0x06F0 + i): str(i) for i in range(10)},  # Persian digits
        **{chr(0x0660 + i): str(i) for i in range(10)},  # Arabic-Indic digits
    }
)
_SPACES = re.compile(r"\s+")
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_APOSTROPHES = str.maketrans({c: None for c in "'’‘`´ʼʻʿʾ′"})
_LATIN_LETTER = re.compile(r"[a-z]")
_VOWEL_LETTERS = frozenset("اویآ")
_WORD_END = "\ue000"  # marks a he that stood before a zero-width non-joiner


def has_script(text: str) -> bool:
    """Whether the text holds Persian/Arabic-script letters."""
    return _ARABIC_SCRIPT.search(text) is not None


@lru_cache(maxsize=200_000)
def normalize_script(text: str) -> str:
    """One Unicode spelling of a name (see the module docstring)."""
    text = unicodedata.normalize("NFKC", text).translate(_ARABIC_TO_PERSIAN)
    if has_script(text):
        # harakat, superscript alef, hamza marks and other combining signs
        text = "".join(c for c in text if not unicodedata.combining(c))
    return _SPACES.sub(" ", text).strip()


def ascii_fold(text: str) -> str:
    """Lower-case ASCII approximation of Latin text (accents and apostrophes dropped)."""
    text = text.translate(_APOSTROPHES)
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c))
    folded = folded.replace("ß", "ss").replace("ø", "o").replace("æ", "ae").replace("ı", "i")
    return folded.encode("ascii", "ignore").decode("ascii").lower()


def _transliterate_word(word: str, letters: dict[str, str]) -> str:
    out: list[str] = []
    n = len(word)
    for i, char in enumerate(word):
        prev = word[i - 1] if i else ""
        nxt = word[i + 1] if i + 1 < n else ""
        if char == "و":
            # a consonant at the start of a word, next to alef (داوود: d-a-v-u-d) and before ye
            # (موسوی: m-u-s-v-i, رجوی: r-j-v-i)
            consonant = i == 0 or prev == "ا" or nxt in ("ا", "ی") or (nxt == "و" and i + 2 < n)
            out.append("v" if consonant else "u")
        elif char == "ی":
            out.append("y" if i == 0 or nxt == "ا" else "i")
        elif char == _WORD_END:
            continue
        elif (
            char == "ه"
            and (i == n - 1 or nxt == _WORD_END or word[i + 1 :] == "ای")
            and i > 0
            and prev not in _VOWEL_LETTERS
        ):
            out.append("e")  # the silent final he (زاده: zade; خامنه‌ای: khamene-i)
        elif char == "ا" and i == 0:
            out.append("a")  # alef as the carrier of an initial vowel
        elif char == "ه" and out and out[-1][-1:] in ("z", "k", "s", "g", "c"):
            out.append("ah")  # زهرا is Zahra: the unwritten vowel keeps z+h from reading as zh
        elif char in letters:
            out.append(letters[char])
        else:
            out.append(char)
    return "".join(out)


@lru_cache(maxsize=200_000)
def transliterate(text: str) -> str:
    """Lower-case Latin approximation of a name in either script (see the module docstring)."""
    if "\u200c" in text:
        text = text.replace("ه\u200c", "ه" + _WORD_END)
    text = normalize_script(text)
    if has_script(text):
        letters = rules().script_letters
        text = " ".join(_transliterate_word(word, letters) for word in text.split(" "))
    return _SPACES.sub(" ", ascii_fold(text.replace(_WORD_END, ""))).strip()
