"""Context beside a person's mention (titles, descriptors, event roles, nearby places and dates)
changing the cross-document decision, over small hand-made documents."""

from __future__ import annotations

from factfinder.entities.cluster import Mention, cluster_mentions
from factfinder.entities.context import Span, descriptor_after, titles_before


def mentions(doc: str, text: str, names: list[tuple[str, str]]) -> list[Mention]:
    """Mentions of each (name, label) at its first occurrence after the previous one."""
    out, pos = [], 0
    for name, label in names:
        start = text.index(name, pos)
        pos = start + len(name)
        out.append(Mention(f"{doc}-{start}", doc, start, pos, name, label, name, "rule"))
    return out


def groups(ms: list[Mention], texts: dict[str, str],
           spans: list[Span] | None = None) -> list[set[str]]:
    by_id = {m.id: m.text for m in ms}
    return [{by_id[i] for i in c.members} for c in cluster_mentions(ms, texts, spans)]


def together(gs: list[set[str]], *forms: str) -> bool:
    return any(set(forms) <= g for g in gs)


def event(doc: str, text: str, sentence: str, type_: str, perpetrators: tuple[str, ...] = (),
          victims: tuple[str, ...] = ()) -> Span:
    start = text.index(sentence)
    return Span(doc, "event", start, start + len(sentence),
                {"type": type_, "perpetrators": list(perpetrators), "victims": list(victims)})


def date(doc: str, text: str, written: str, first: str, last: str) -> Span:
    start = text.index(written)
    return Span(doc, "date", start, start + len(written),
                {"date_start": first, "date_end": last})


def test_titles_and_descriptors_are_read_beside_the_name() -> None:
    text = ("The memoirs of the late Ayatollah Nasrollah Kashefi. Mr. Pourjafari, the "
            "prosecutor, came. Political prisoner Reza Sarabi (Reza S.), a teacher, wrote.")
    assert titles_before(text, text.index("Nasrollah")) == ["ayatollah"]
    assert titles_before(text, text.index("Pourjafari")) == ["mr."]
    assert descriptor_after(text, text.index(", the prosecutor")) == "prosecutor"
    assert titles_before(text, text.index("Reza Sarabi")) == ["political prisoner"]
    assert descriptor_after(text, text.index(" (Reza S.)")) == "teacher"
    assert titles_before("He saw the judge Ali Razini.", 18) == ["judge"]
    # a capitalised title only: "major" in running text is not a rank
    assert titles_before("five major Paris", 11) == []


def test_mr_and_mrs_are_not_merged() -> None:
    t1 = "Mr. Hossein Kamali was arrested at his home."
    t2 = "Mrs. Hosseini Kamali told reporters she had no news."
    ms = mentions("d1", t1, [("Hossein Kamali", "PERSON")])
    ms += mentions("d2", t2, [("Hosseini Kamali", "PERSON")])
    assert not together(groups(ms, {"d1": t1, "d2": t2}), "Hossein Kamali", "Hosseini Kamali")
    # without the titles the two spellings are one person
    u1, u2 = t1.replace("Mr. ", ""), t2.replace("Mrs. ", "")
    ms = mentions("d1", u1, [("Hossein Kamali", "PERSON")])
    ms += mentions("d2", u2, [("Hosseini Kamali", "PERSON")])
    assert together(groups(ms, {"d1": u1, "d2": u2}), "Hossein Kamali", "Hosseini Kamali")


def test_a_titled_bare_surname_joins_the_person_of_that_gender() -> None:
    t1 = "Mr. Ahmad Kamali and Mrs. Maryam Kamali were arrested in Shiraz."
    t2 = "Mrs. Kamali was released on bail last week."
    ms = mentions("d1", t1, [("Ahmad Kamali", "PERSON"), ("Maryam Kamali", "PERSON")])
    ms += mentions("d2", t2, [("Kamali", "PERSON")])
    gs = groups(ms, {"d1": t1, "d2": t2})
    assert together(gs, "Maryam Kamali", "Kamali")
    assert not together(gs, "Ahmad Kamali", "Kamali")


# "Ali Razini" and "Ali Razani" score between SIM_CROSS_CONTEXT and SIM_CROSS: borderline, they
# join only with two pieces of shared context.

def test_a_shared_descriptor_joins_a_borderline_spelling() -> None:
    t1 = "Ali Razini, a political prisoner, wrote to his family. Evin was overcrowded."
    t2 = "The letters of political prisoner Ali Razani were smuggled out. Evin is notorious."
    ms = mentions("d1", t1, [("Ali Razini", "PERSON"), ("Evin", "PLACE")])
    ms += mentions("d2", t2, [("Ali Razani", "PERSON"), ("Evin", "PLACE")])
    assert together(groups(ms, {"d1": t1, "d2": t2}), "Ali Razini", "Ali Razani")
    # one shared place alone is not enough
    u1 = t1.replace(", a political prisoner,", "")
    u2 = t2.replace("political prisoner ", "")
    ms = mentions("d1", u1, [("Ali Razini", "PERSON"), ("Evin", "PLACE")])
    ms += mentions("d2", u2, [("Ali Razani", "PERSON"), ("Evin", "PLACE")])
    assert not together(groups(ms, {"d1": u1, "d2": u2}), "Ali Razini", "Ali Razani")


def test_clerical_against_lay_title_weighs_against_a_borderline_merge() -> None:
    t1 = "Hojatoleslam Ali Razini spoke. Evin and Tehran were named."
    t2 = "Dr. Ali Razani spoke. Evin and Tehran were named."
    names1 = [("Ali Razini", "PERSON"), ("Evin", "PLACE"), ("Tehran", "PLACE")]
    names2 = [("Ali Razani", "PERSON"), ("Evin", "PLACE"), ("Tehran", "PLACE")]
    ms = mentions("d1", t1, names1) + mentions("d2", t2, names2)
    assert not together(groups(ms, {"d1": t1, "d2": t2}), "Ali Razini", "Ali Razani")
    # two shared co-mentions join them when the titles agree (or say nothing)
    u2 = t2.replace("Dr.", "Hojatoleslam")
    ms = mentions("d1", t1, names1) + mentions("d2", u2, names2)
    assert together(groups(ms, {"d1": t1, "d2": u2}), "Ali Razini", "Ali Razani")


def test_a_shared_event_role_joins_a_borderline_spelling() -> None:
    s1 = "Ali Razini ordered the execution of the prisoners."
    t1 = s1 + " The families gathered in Evin."
    s2 = "Ali Razani ordered the executions."
    t2 = "Evin was closed. " + s2
    texts = {"d1": t1, "d2": t2}
    ms = mentions("d1", t1, [("Ali Razini", "PERSON"), ("Evin", "PLACE")])
    ms += mentions("d2", t2, [("Evin", "PLACE"), ("Ali Razani", "PERSON")])
    assert not together(groups(ms, texts), "Ali Razini", "Ali Razani")
    spans = [event("d1", t1, s1, "execution", perpetrators=("Ali Razini",)),
             event("d2", t2, s2, "execution", perpetrators=("Ali Razani",))]
    assert together(groups(ms, texts, spans), "Ali Razini", "Ali Razani")


def test_victim_in_one_document_and_perpetrator_in_another_does_not_block() -> None:
    s1 = "Ali Razini was executed in 1988."
    t1 = s1 + " Evin and Tehran."
    s2 = "Ali Razani ordered executions."
    t2 = s2 + " Evin and Tehran."
    texts = {"d1": t1, "d2": t2}
    ms = mentions("d1", t1, [("Ali Razini", "PERSON"), ("Evin", "PLACE"), ("Tehran", "PLACE")])
    ms += mentions("d2", t2, [("Ali Razani", "PERSON"), ("Evin", "PLACE"), ("Tehran", "PLACE")])
    spans = [event("d1", t1, s1, "execution", victims=("Ali Razini",)),
             event("d2", t2, s2, "execution", perpetrators=("Ali Razani",))]
    assert together(groups(ms, texts, spans), "Ali Razini", "Ali Razani")


def test_a_bare_surname_picks_the_person_with_its_role() -> None:
    t1 = "Ahmad Kamali ordered the executions. Hamid Kamali was executed."
    t2 = "Kamali ordered the executions in the prison."
    texts = {"d1": t1, "d2": t2}
    ms = mentions("d1", t1, [("Ahmad Kamali", "PERSON"), ("Hamid Kamali", "PERSON")])
    ms += mentions("d2", t2, [("Kamali", "PERSON")])
    spans = [event("d1", t1, "Ahmad Kamali ordered the executions.", "execution",
                   perpetrators=("Ahmad Kamali",)),
             event("d1", t1, "Hamid Kamali was executed.", "execution", victims=("Hamid Kamali",)),
             event("d2", t2, t2, "execution", perpetrators=("Kamali",))]
    gs = groups(ms, texts, spans)
    assert together(gs, "Ahmad Kamali", "Kamali")
    assert not together(gs, "Hamid Kamali", "Kamali")


def test_a_place_in_the_same_sentence_counts_beside_the_document() -> None:
    t1 = "Ali Razini was taken to Gohardasht. His mother waited."
    t2 = "In the summer Ali Razani was moved to Gohardasht."
    names1 = [("Ali Razini", "PERSON"), ("Gohardasht", "PLACE")]
    names2 = [("Ali Razani", "PERSON"), ("Gohardasht", "PLACE")]
    ms = mentions("d1", t1, names1) + mentions("d2", t2, names2)
    assert together(groups(ms, {"d1": t1, "d2": t2}), "Ali Razini", "Ali Razani")
    # the same place elsewhere in the document is one piece of context only
    u1 = "Ali Razini was taken away. His mother waited at Gohardasht."
    ms = mentions("d1", u1, names1) + mentions("d2", t2, names2)
    assert not together(groups(ms, {"d1": u1, "d2": t2}), "Ali Razini", "Ali Razani")


def test_a_date_in_the_same_sentence_is_shared_context() -> None:
    t1 = "Ali Razini was hanged in August 1988. Evin was full."
    t2 = "Evin again. In late August 1988 Ali Razani was hanged."
    names1 = [("Ali Razini", "PERSON"), ("Evin", "PLACE")]
    names2 = [("Evin", "PLACE"), ("Ali Razani", "PERSON")]
    ms = mentions("d1", t1, names1) + mentions("d2", t2, names2)
    texts = {"d1": t1, "d2": t2}
    assert not together(groups(ms, texts), "Ali Razini", "Ali Razani")
    spans = [date("d1", t1, "August 1988", "1988-08-01", "1988-08-31"),
             date("d2", t2, "late August 1988", "1988-08-21", "1988-08-31")]
    assert together(groups(ms, texts, spans), "Ali Razini", "Ali Razani")
    # a bare year says too little
    years = [date("d1", t1, "1988", "1988-01-01", "1988-12-31"),
             date("d2", t2, "1988", "1988-01-01", "1988-12-31")]
    assert not together(groups(ms, texts, years), "Ali Razini", "Ali Razani")


def test_a_titled_bare_surname_skips_the_nearer_person_of_the_other_gender() -> None:
    text = "Mrs. Maryam Kamali and Mr. Ahmad Kamali were arrested. Mrs. Kamali was released."
    ms = mentions("d1", text, [("Maryam Kamali", "PERSON"), ("Ahmad Kamali", "PERSON"),
                               ("Kamali", "PERSON")])
    gs = groups(ms, {"d1": text})
    assert together(gs, "Maryam Kamali", "Kamali")
    assert not together(gs, "Ahmad Kamali", "Kamali")


def test_mr_and_mrs_in_one_document_are_two_persons() -> None:
    text = "Mr. Hossein Kamali was arrested. Mrs. Hosseini Kamali, his sister, was not."
    ms = mentions("d1", text, [("Hossein Kamali", "PERSON"), ("Hosseini Kamali", "PERSON")])
    assert not together(groups(ms, {"d1": text}), "Hossein Kamali", "Hosseini Kamali")
