"""Redaction of protected persons, in one place for the web app and every export.

Who is protected:

* the people who handled or supplied the evidence, by key wherever they appear: a testimony's
  ``author``, the ``collector``, the ``actor`` of a custody entry, a ``submitter`` — their
  values become ``[protected]``;
* the entities an analyst marked protected (``factfinder entities protect ID``: witnesses,
  sources, family members who submitted) — every spelling of their name is masked inside any
  text (document text, snippets, claims, quotes, event roles) with a bar of the same length
  (``█████``), so that offsets into the text stay valid, and the entities themselves (their
  dossier, their rows in lists and exports) are left out.

A :class:`Redactor` is built for one reader: ``visible=True`` (admins and investigators in the
web app; an export run with ``--include-protected``) changes nothing — exports then mark the
protected entities with ``protected: true`` — and ``visible=False`` applies all of the above.
Protected documents (web submissions) are left out by the queries themselves
(``exclude_protected``), not here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.engine import Connection

from factfinder.db.schema import entities

PLACEHOLDER = "[protected]"
MASK = "\u2588"  # █
PROTECTED_KEYS = frozenset({"author", "collector", "actor", "submitter"})
# entities.data is written by json.dumps with the default separators
PROTECTED_ENTITY_LIKE = '%"protected": true%'
MIN_FORM = 3  # shorter forms ("Al") would mask half the text
# A protected person's name words are masked on their own too (fails safe: every "Sarabi" is
# masked, not only "Kazem Sarabi"), except short words and titles (vocab/titles.yaml).
NAME_WORD = 4


@dataclass(frozen=True)
class Redactor:
    visible: bool
    entity_ids: frozenset[str] = frozenset()
    forms: tuple[str, ...] = ()
    pattern: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def load(cls, conn: Connection, *, visible: bool) -> Redactor:
        """The protected entities of the case, for a reader who may (``visible``) or may not
        see them."""
        rows = conn.execute(select(entities.c.id, entities.c.type, entities.c.name,
                                   entities.c.data).where(
            entities.c.data.like(PROTECTED_ENTITY_LIKE))).all()
        ids, forms = set(), set()
        titles = _title_words()
        for eid, typ, name, raw in rows:
            data = json.loads(raw or "{}")
            if not data.get("protected"):
                continue
            ids.add(str(eid))
            names = _forms(name, data)
            forms.update(names)
            if typ == "person":  # a surname alone, or a name cut by a snippet, names them too
                forms.update(w for f in names for w in re.findall(r"\w+", f)
                             if len(w) >= NAME_WORD and w.lower() not in titles)
        return cls.of(ids, forms, visible=visible)

    @classmethod
    def of(cls, entity_ids: Iterable[str], forms: Iterable[str], *, visible: bool) -> Redactor:
        kept = sorted({f.strip() for f in forms if len(f.strip()) >= MIN_FORM},
                      key=lambda f: (-len(f), f))
        pattern = re.compile(r"(?<!\w)(?:" + "|".join(re.escape(f) for f in kept) + r")(?!\w)",
                             re.IGNORECASE) if kept else None
        return cls(visible, frozenset(entity_ids), tuple(kept), pattern)

    @classmethod
    def everything(cls) -> Redactor:
        """A reader who sees everything (nothing to redact)."""
        return cls(True)

    @property
    def active(self) -> bool:
        """Whether anything is redacted for this reader."""
        return not self.visible

    def hides_entity(self, entity_id: str | None) -> bool:
        return not self.visible and entity_id in self.entity_ids

    def is_protected(self, entity_id: str | None) -> bool:
        """Whether the entity is protected (whoever reads): for marking it in exports."""
        return entity_id in self.entity_ids

    def spans(self, text: str) -> list[tuple[int, int]]:
        """[start, end) of every protected name in ``text``."""
        if self.pattern is None or not text:
            return []
        return [m.span() for m in self.pattern.finditer(text)]

    def names_protected(self, text: str) -> bool:
        """Whether ``text`` (a search query, say) names a protected person, in full or by one
        of the words of a name ("Sarabi" for "Kazem Sarabi")."""
        if self.spans(text):
            return True
        words = {w.casefold() for f in self.forms for w in re.findall(r"\w+", f)
                 if len(w) >= MIN_FORM}
        return any(w.casefold() in words for w in re.findall(r"\w+", text))

    def text(self, text: str) -> str:
        """``text`` with every protected name masked by a bar of the same length (for readers
        who may not see them; unchanged for the others)."""
        if self.visible or self.pattern is None or not text:
            return text
        return self.pattern.sub(lambda m: MASK * len(m.group(0)), text)

    def value(self, value: Any) -> Any:
        """A protected key's value: ``[protected]`` (None stays None: nothing to hide)."""
        if self.visible or value is None:
            return value
        if isinstance(value, list):
            return [None if v is None else PLACEHOLDER for v in value]
        return PLACEHOLDER

    def json(self, value: Any) -> Any:
        """``value`` (JSON-like: dicts, lists, strings, numbers) as this reader may see it:
        protected keys' values replaced, protected names masked in every string (and dict
        key), and any object whose ``id`` is a hidden entity left out of its list."""
        if self.visible:
            return value
        return self._walk(value)

    def _walk(self, value: Any) -> Any:
        if isinstance(value, Markup):  # built by us from escaped text: mask, keep it markup
            return Markup(self.text(str(value))) if self.pattern is not None else value
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(k) if isinstance(k, str) else k:
                    self.value(v) if k in PROTECTED_KEYS else self._walk(v)
                    for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self._walk(v) for v in value
                    if not (isinstance(v, dict) and self.hides_entity(_id(v)))]
        return value


def _title_words() -> set[str]:
    from factfinder.entities.context import vocab

    return {w for t in vocab().feature for w in t.split()}


def _id(item: dict[str, Any]) -> str | None:
    v = item.get("id")
    return v if isinstance(v, str) else None


def _forms(name: str, data: dict[str, Any]) -> set[str]:
    forms = {name, *(data.get("forms") or {}), *(data.get("aliases") or [])}
    if data.get("canonical"):
        forms.add(str(data["canonical"]))
    return {f for f in forms if isinstance(f, str)}
