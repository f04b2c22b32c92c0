"""The resolution algorithm over hand-made mentions (no model, no database)."""

from __future__ import annotations

from factfinder.entities.cluster import Mention, cluster_mentions


def mentions(doc: str, text: str, names: list[tuple[str, str]],
             source: str = "rule") -> list[Mention]:
    """Mentions of each (name, label) at its first occurrence after the previous one."""
    out, pos = [], 0
    for name, label in names:
        start = text.index(name, pos)
        pos = start + len(name)
        out.append(Mention(f"{doc}-{start}", doc, start, pos, name, label, name, source))
    return out


def groups(ms: list[Mention], texts: dict[str, str]) -> list[set[str]]:
    by_id = {m.id: m.text for m in ms}
    return [{by_id[i] for i in c.members} for c in cluster_mentions(ms, texts)]


def together(gs: list[set[str]], *forms: str) -> bool:
    return any(set(forms) <= g for g in gs)


def test_short_form_joins_the_full_name_in_its_document():
    text = "Ebrahim Raisi was on the commission. Later Raisi became president."
    ms = mentions("d1", text, [("Ebrahim Raisi", "PERSON"), ("Raisi", "PERSON")])
    assert together(groups(ms, {"d1": text}), "Ebrahim Raisi", "Raisi")


def test_relatives_sharing_a_surname_stay_apart():
    t1 = ("Hossein-Ali Montazeri protested. His son Ahmad Montazeri published the tape. "
          "Montazeri was dismissed.")
    t2 = "Hamed Montazeri, another relative, spoke. Hossein Ali Montazeri wrote letters."
    ms = mentions("d1", t1, [("Hossein-Ali Montazeri", "PERSON"), ("Ahmad Montazeri", "PERSON"),
                             ("Montazeri", "PERSON")])
    ms += mentions("d2", t2, [("Hamed Montazeri", "PERSON"), ("Hossein Ali Montazeri", "PERSON")])
    gs = groups(ms, {"d1": t1, "d2": t2})
    assert together(gs, "Hossein-Ali Montazeri", "Hossein Ali Montazeri")
    assert not together(gs, "Ahmad Montazeri", "Hossein-Ali Montazeri")
    assert not together(gs, "Hamed Montazeri", "Ahmad Montazeri")
    assert not together(gs, "Hamed Montazeri", "Hossein Ali Montazeri")
    # the bare surname goes to the nearest full name before it
    assert together(gs, "Ahmad Montazeri", "Montazeri")


def test_spelling_variants_join_across_documents():
    t1, t2 = "Mostafa Pour-Mohammadi sat there.", "Mostafa Pourmohammadi denied it."
    ms = mentions("d1", t1, [("Mostafa Pour-Mohammadi", "PERSON")])
    ms += mentions("d2", t2, [("Mostafa Pourmohammadi", "PERSON")])
    assert len(groups(ms, {"d1": t1, "d2": t2})) == 1


def test_parenthetical_alias_joins():
    text = "Hamid Noury (Abbasi) was arrested in Stockholm. Witnesses recognised Abbasi."
    ms = mentions("d1", text, [("Hamid Noury", "PERSON"), ("Abbasi", "PERSON")])
    gs = groups(ms, {"d1": text})
    assert together(gs, "Hamid Noury", "Abbasi")


def test_also_known_as_joins():
    text = "Mohammad Moghiseh, also known as Nasserian, was a judge. Nasserian ruled."
    ms = mentions("d1", text, [("Mohammad Moghiseh", "PERSON"), ("Nasserian", "PERSON")])
    assert together(groups(ms, {"d1": text}), "Mohammad Moghiseh", "Nasserian")


def test_acronym_spelt_out_in_a_document_joins_its_name():
    text = "The Kurdistan Green Association (KGA) said so. KGA added more."
    ms = mentions("d1", text, [("Kurdistan Green Association", "ORG"), ("KGA", "ORG"),
                               ("KGA", "ORG")], source="ner")
    gs = groups(ms, {"d1": text})
    assert len(gs) == 1


def test_a_surname_the_model_took_for_an_organisation_is_the_person():
    text = "Antonio Guterres spoke. Guterres said the report was due."
    ms = mentions("d1", text, [("Antonio Guterres", "PERSON"), ("Guterres", "ORG")],
                  source="ner")
    gs = groups(ms, {"d1": text})
    assert together(gs, "Antonio Guterres", "Guterres")


def test_different_given_names_never_join():
    t1, t2 = "Maryam Rajavi spoke.", "Massoud Rajavi founded it. Kazem Rajavi was killed."
    ms = mentions("d1", t1, [("Maryam Rajavi", "PERSON")])
    ms += mentions("d2", t2, [("Massoud Rajavi", "PERSON"), ("Kazem Rajavi", "PERSON")])
    assert len(groups(ms, {"d1": t1, "d2": t2})) == 3
