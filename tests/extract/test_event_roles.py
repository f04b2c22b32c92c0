"""Events: the roles and places of single sentences, one case per rule of the role reader.

Each case runs the whole extractor chain (mentions, dates, quotes and claims first, as the
runner does) over a short text and checks one field of the one event of the given type.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language
from spacy.tokens import Doc

from factfinder.extract.base import Context, Item
from factfinder.extract.event_parse import Found, Reader
from factfinder.extract.nlp import load_nlp
from factfinder.extract.registry import extractors


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def events(nlp: Language, text: str) -> list[Item]:
    doc = nlp(text)
    ctx = Context("d", text, published="2019-09-01", publisher="PUB")
    found: dict[str, list[Item]] = {}
    for kind, extractor in extractors():
        found[kind] = extractor(doc, ctx, found)
    return found["event"]


def event(nlp: Language, text: str, label: str) -> dict[str, Any]:
    got = [i for i in events(nlp, text) if i.label == label]
    assert len(got) == 1, [(i.label, i.data.get("victims")) for i in events(nlp, text)]
    return got[0].data


def words(value: Any) -> str:
    return " ".join(value).casefold() if isinstance(value, list) else str(value).casefold()


# (text, event type, field, words the field must hold; "!words": must not hold; None: the
# field must be empty)
CASES = [
    # an active verb with an object, even when the parser calls it passive
    ("In the summer of 1988, the Iranian regime summarily and extra-judicially executed tens "
     "of thousands of political prisoners across Iran.", "execution", "perpetrators",
     "iranian regime"),
    # a clause with its own subject under "the fact that" is not a description of a noun
    ("Here the interviewer is referring to the fact that many MEK members and supporters were "
     "arrested, and eventually executed, for having a newspaper.", "arbitrary_arrest",
     "victims", "mek members"),
    # "it" stands for the last acting body
    ("Impunity for crimes emboldened the regime over the years to the extent that it is "
     "leveling the graves of the same victims.", "desecration_of_graves", "perpetrators",
     "regime"),
    # "their" in a clause controlled by an object: the object
    ("Three decades later, the efforts placed by the Iranian opposition have forced the "
     "mullahs to literally confess to their role in these killings.", "execution",
     "perpetrators", "mullahs"),
    # a verbless line: "X, activist currently detained in Y" is X's detention
    ("Mohammad Najafi, a lawyer, and activist currently detained in Arak Prison, in protest "
     "of being held in quarantine;", "arbitrary_arrest", "victims", "mohammad najafi"),
    # "International Women's Day" names the gathering, it does not take part in it
    ("She was also part of the International Women’s Day gathering in Tehran this spring.",
     "protest", "victims", "!day"),
    # a plural group named before the trigger in the singular
    ("Following a wave of student protests, many Iranian students were imprisoned.",
     "protest", "victims", "students"),
    # "along with" and the names in apposition to a group
    ("On May 25, 1972, the founders of the MEK along with two members of its leadership, "
     "Mahmoud Asgarizadeh, and Rassoul Meshkinfam, were executed by firing squad.",
     "execution", "victims", "mahmoud asgarizadeh"),
    # an age to the right of a victim belongs to the victim
    ("Children as young as 13 were hanged from cranes in a purge of Iran’s prisons.",
     "execution", "victims", "children as young as 13"),
    # "them" is not the subject of its own verb
    ("Eyewitnesses report limited ventilation. They recount that guards beat them with metal "
     "bars.", "torture", "victims", "eyewitnesses"),
    # "you" in a quote: whom the speaker told it
    ("President Meta told the MEK members: “I had no idea about the extent of your sacrifice "
     "and the genocide you have endured.”", "execution", "victims", "mek members"),
    # a subject the parser cut off into a sentence of its own
    ("Esrin Derkaleh, a women’s rights activist\n\nVoice of Iranian Women Association member "
     "Esrin Derkaleh has been detained in Ward 209 of Evin Prison for more than 40 days.",
     "arbitrary_arrest", "victims", "esrin derkaleh"),
    # orders: "the orders for X came from Y", "based on a decree issued by Y", one prep deeper
    ("The orders for the barbaric and brutal murders came from the Supreme Leader Ruhollah "
     "Musavi Khomeini.", "execution", "perpetrators", "khomeini"),
    ("The slaughter had been launched based on a religious decree issued by Khomeini, the "
     "founder of the regime.", "execution", "perpetrators", "khomeini"),
    ("Children as young as 13 were hanged from cranes, six at a time, in a barbaric purge of "
     "Iran’s prisons on the direct orders of Ayatollah Khomeini.", "execution",
     "perpetrators", "khomeini"),
    # "the regime's then-Supreme Leader X": the person, not the regime
    ("The massacre was carried out based on a fatwa by the regime’s then-Supreme Leader "
     "Ruhollah Khomeini.", "execution", "perpetrators", "ruhollah khomeini"),
    # "tried before X's tribunals and sentenced": the tribunals sentenced
    ("He, like his colleagues, was tried before the Shah’s military tribunals and sentenced "
     "to death.", "sentencing", "perpetrators", "military tribunals"),
    # "the government's use of torture on its prisoners"
    ("Iran’s denial of due process is well documented, as is the government’s use of "
     "systematic torture on its prisoners.", "torture", "perpetrators", "government"),
    # "the abduction and execution of X": both acts have X
    ("Goodenough laments that many of the regime’s death commissions responsible for the "
     "abduction and execution of political dissidents in 1988 still hold positions.",
     "execution", "victims", "political dissidents"),
    # "against X" hung on the place of a nominal act
    ("The Iranian regime launched a nationwide massacre in its prisons throughout the country "
     "against political prisoners.", "execution", "victims", "political prisoners"),
    # places
    ("Tens of thousands of MEK supporters held major rallies in five major European capitals, "
     "Paris, Brussels and Berlin.", "protest", "place", "paris"),
    ("The protesters gathered outside the Bank Pension Fund Office- October 2018", "protest",
     "place", "bank pension fund office"),
    ("She was arrested on July 8, 2019, in the city of Garmsar and placed in solitary "
     "confinement in Ward 209 in Evin Prison.", "arbitrary_arrest", "place", "garmsar"),
    ("Fallahian is known for his role in a series of chain murders across the country.",
     "execution", "place", "country"),
    ("Tens of thousands of MEK supporters in Berlin Free Iran Rally", "protest", "place",
     "berlin"),
    ("Thousands were dragged into the regime’s prisons, where they were subjected to "
     "inhumane methods of torture.", "torture", "place", "prisons"),
    ("The group published its second report about Iran’s 1988 massacre of political "
     "prisoners.", "execution", "place", "iran"),
    ("The 1988 massacre of over 30,000 political prisoners has in the past year inside Iran "
     "become a major issue for the public.", "execution", "place", None),
    ("An Iranian diplomat based in Vienna was arrested with three other individuals.",
     "arbitrary_arrest", "place", None),
    ("He outlined the regime’s involvement in murders on European soil.", "execution",
     "place", "european soil"),
    ("The regime is leveling the graves of the same victims all over Iran.",
     "desecration_of_graves", "place", "iran"),
    ("Retired Iranian bank employees from all over Iran came to Tehran to protest their low "
     "pension.", "protest", "place", "tehran"),  # (a guard: "from all over" is an origin)
    ("She was placed in solitary confinement in Ward 209. Ward 209 is operated by the regime’s "
     "Intelligence Ministry. Political prisoners who are sent to this ward are interrogated and "
     "frequently tortured.", "torture", "place", "ward 209"),
]


@pytest.mark.parametrize("text, label, field, want", CASES)
def test_role(nlp: Language, text: str, label: str, field: str, want: str | None) -> None:
    got = event(nlp, text, label)[field]
    if want is None:
        assert not got, got
    elif want.startswith("!"):
        assert got and want[1:] not in words(got), got
    else:
        assert want in words(got), got


def test_a_conjoined_act_is_not_under_the_cue_of_its_partner(nlp: Language) -> None:
    """"tried" is a cue ("tried to kill") only over its own complement, not over an act
    coordinated with it."""
    data = event(nlp, "He, like his colleagues, was tried before the Shah’s military tribunals "
                      "and sentenced to death.", "sentencing")
    assert not data["hypothetical"]


@pytest.mark.parametrize("text, label", [
    ("The MEK is the only opposition truly threatening their rule.", "threat"),
    ("Iran is holding the world hostage with its human rights violations", "arbitrary_arrest"),
    ("More recently, the rise of technology has offered a glimpse into the regime’s use of "
     "torture.", "torture"),  # (a guard: "X's use of torture" needs a victim to be an act)
])
def test_not_acts(nlp: Language, text: str, label: str) -> None:
    assert not [i for i in events(nlp, text) if i.label == label]


def test_a_person_inside_a_groups_phrase_does_not_stand_for_the_group(nlp: Language) -> None:
    """A title-case head the tagger calls a proper noun ("Members of Khomeini's death squads")
    is the group, not the person named inside its phrase."""
    doc = Doc(nlp.vocab, words=["Members", "of", "Khomeini", "’s", "death", "squads"],
              spaces=[True, True, False, True, True, False],
              pos=["PROPN", "ADP", "PROPN", "PART", "NOUN", "NOUN"],
              deps=["ROOT", "prep", "poss", "case", "compound", "pobj"], heads=[0, 0, 5, 2, 5, 1])
    text = doc.text
    at = text.index("Khomeini")
    person = Item("mention", at, at + 8, "Khomeini", "PERSON", {})
    reader = Reader(doc, Context("d", text), Found([person], [], [], []))
    assert reader.phrase(doc[0]) == "Members of Khomeini’s death squads"
