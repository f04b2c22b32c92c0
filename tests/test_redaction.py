"""The Redactor on its own: masks keep offsets, keys, lists of entities, markup."""

from __future__ import annotations

from markupsafe import Markup

from factfinder.redaction import MASK, PLACEHOLDER, Redactor

R = Redactor.of({"e1"}, ["Kazem Sarabi", "Sarabi", "کاظم سرابی", "Al"], visible=False)


def test_text_masked_with_the_same_length():
    text = "Witness Kazem Sarabi (کاظم سرابی) said; sarabi again; Sarabian is another word."
    out = R.text(text)
    assert len(out) == len(text)
    assert "Sarabi" not in out.replace("Sarabian", "") and "سرابی" not in out
    assert "Sarabian" in out  # whole words only
    assert out.count(MASK * 6) >= 2
    assert " Al " not in R.forms  # too short to mask
    assert R.spans("Kazem Sarabi") == [(0, 12)]


def test_json_walk():
    value = {"author": "Kazem Sarabi", "collector": None, "actor": ["a", None],
             "text": "Sarabi spoke", "items": [{"id": "e1", "name": "x"}, {"id": "e2"}],
             "counts": {"Sarabi": 2}, "n": 3, "chart": Markup("<text>Sarabi</text>")}
    out = R.json(value)
    assert out["author"] == PLACEHOLDER and out["collector"] is None
    assert out["actor"] == [PLACEHOLDER, None]
    assert out["text"] == MASK * 6 + " spoke"
    assert out["items"] == [{"id": "e2"}]
    assert list(out["counts"]) == [MASK * 6]
    assert out["n"] == 3
    assert isinstance(out["chart"], Markup) and "Sarabi" not in out["chart"]


def test_visible_readers_see_everything():
    v = Redactor.of({"e1"}, ["Kazem Sarabi"], visible=True)
    value = {"author": "x", "text": "Kazem Sarabi", "items": [{"id": "e1"}]}
    assert v.json(value) == value
    assert v.is_protected("e1") and not v.hides_entity("e1")
    assert R.hides_entity("e1") and not R.hides_entity("e2")


def test_query_naming_a_protected_person():
    assert R.names_protected("sarabi") and R.names_protected("where is Kazem Sarabi")
    assert not R.names_protected("prison massacre")
    assert not Redactor.everything().active


def test_protected_document_mark():
    from factfinder.documents import is_protected_meta

    assert is_protected_meta('{"protected": true, "reviewed": false}')
    assert is_protected_meta({"protected": True})
    assert not is_protected_meta('{"protected": false}') and not is_protected_meta(None)
    assert is_protected_meta("{not json")  # unreadable: hidden, never shown
