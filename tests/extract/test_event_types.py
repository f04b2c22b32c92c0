"""Events: which acts a sentence reports, one case per rule that decides whether a trigger is a
report and of which type (false friends, retyping by context, nominal acts that happen,
sentences carried out, commemorations, negative disclosures).

Each case runs the whole extractor chain over one or two sentences written for the rule.
"""

from __future__ import annotations

from typing import Any

import pytest
from spacy.language import Language

from factfinder.extract.nlp import load_nlp

from .test_event_roles import events


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def words(value: Any) -> str:
    return " ".join(value).casefold() if isinstance(value, list) else str(value or "").casefold()


# (text, a type that must be reported, a type that must not be)
TYPES = [
    # a plot of land is no plot against anyone
    ("Relatives gathered at the cemetery, a walled plot on the edge of the town.", "protest",
     "attack"),
    # beating the participants of a gathering is an attack; in custody it stays torture
    ("Witnesses said police surrounded the square, seized banners and beat several protesters "
     "with batons.", "attack", "torture"),
    ("The guards beat the protesters with cables in their cells.", "torture", "attack"),
    # hung from the wrists: no hanging
    ("The interrogators beat him and hung him from his wrists for hours.", "torture",
     "execution"),
    # a nominal act that begins at a place on a date is reported though no one is named
    ("The executions began at Evin Prison on 28 July 1988 and continued for weeks.",
     "execution", None),
    # "none of … was told where": the negation is in the subject
    ("None of the relatives was told where the bodies were buried.", "enforced_disappearance",
     None),
    ("No family was told where the bodies were buried.", "enforced_disappearance", None),
    ("The families were never given the bodies of their sons.", "enforced_disappearance", None),
    # a sentence carried out is the act of its punishment, not a sentencing
    ("His death sentence was carried out in Qezel Hesar Prison on Monday.", "execution",
     "sentencing"),
    ("The flogging sentence was carried out in Evin Prison in May 2023.", "flogging", None),
    # numbers with thousands separators are no line of tags
    ("The three worst crimes include the massacre of 30,000 prisoners in Iran, the death-march "
     "of 7,000 soldiers, and the massacre of over 8,000 men at Srebrenica.", "execution", None),
    # an agent's "if …, … would …" is a threat; "level the ground" of a burial site
    ("The agent told him that if his sister continues to give interviews, his father would "
     "lose his job.", "threat", None),
    ("Municipal machines escorted by police entered the valley, levelled the ground and "
     "planted saplings.", "desecration_of_graves", None),
    # "serving their prison sentences" is a condition, not a sentencing
    ("The mullahs hanged 30,000 political prisoners who were serving their prison sentences.",
     "execution", "sentencing"),
    # a commemorated act is named, not reported
    ("Thousands rallied in Paris to mark the anniversary of the massacre of political "
     "prisoners.", "protest", "execution"),
]


@pytest.mark.parametrize("text, wanted, unwanted", TYPES)
def test_types(nlp: Language, text: str, wanted: str, unwanted: str | None) -> None:
    got = [i.label for i in events(nlp, text) if not i.data.get("negated")]
    assert wanted in got, got
    if unwanted:
        assert unwanted not in got, got


def test_a_probe_into_an_act_is_not_the_act_called_for(nlp: Language) -> None:
    got = [i for i in events(nlp, "In a petition, 30,000 citizens called for a probe into the "
                                  "mass murder of political prisoners in 1988.")
           if i.label == "execution"]
    assert got and not got[0].data["hypothetical"]


@pytest.mark.parametrize("text", [
    "She received a flogging sentence last year.",  # handed down, not carried out
    "Officials admit that the protests continue in every city.",  # a state of affairs
    "One case they cited to demonstrate this was the plot.",  # "demonstrate X": show X
    "The minister told reporters that if the UN acted, the regime would fall.",  # no agent
    "By: 1988 Massacre",  # a byline: a year and a name, not a tally of 1988
    "The regime has taken advantage of it to threaten those countries.",  # not people
])
def test_not_reported(nlp: Language, text: str) -> None:
    got = [i.label for i in events(nlp, text)]
    assert not {"flogging", "protest", "threat", "execution"} & set(got), got


# (text, type, role, words the role must hold)
ROLES = [
    # "X had taken part in the executions": X did them
    ("The court found that Nouri had taken part in the executions at Gohardasht.", "execution",
     "perpetrators", "nouri"),
    # "ordered in a decree of X"
    ("The killings were ordered in a written decree of the Supreme Leader in July 1988.",
     "execution", "perpetrators", "supreme leader"),
    ("Montazeri warned those taking part in the executions that they were committing a "
     "crime.", "execution", "perpetrators", "those taking part"),
    # "their" with no plural subject before it: the plural object it follows, not one that
    # "their" itself owns
    ("The report found that the regime targeted members of the opposition, keeping their "
     "families in the dark about their whereabouts and ultimate execution.", "execution",
     "victims", "members of the opposition"),
    # verbs the parser hung one by one under "said": the subject of the first
    # a shared object of coordinated verbs: "carried out and defended the executions"
    ("The tape named the officials who had carried out and defended the executions.",
     "execution", "perpetrators", "officials"),
    # "they" / "them": not the noun "their" owns; an object before "them" when the subject
    # is the verb's own; an existential "there were …"; a group when no plural precedes
    ("The victims were never told. Their families were only notified once they had been "
     "executed.", "execution", "victims", "victims"),
    ("The guards took blood from the prisoners before executing them.", "execution", "victims",
     "prisoners"),
    ("“There were thousands of people who were subjected to it,” she said. “They were put to "
     "death in public.”", "execution", "victims", "thousands"),
    ("In 1975 a separatist group tried to seize the organisation. They went on to arrest its "
     "leaders.", "arbitrary_arrest", "perpetrators", "group"),
    # "her" is not the "Mr." who speaks; "he" is not the father named to identify him
    ("Mr. Karimi said Ms. Behzadi had spent 47 days in a detention centre after her arrest.",
     "arbitrary_arrest", "victims", "behzadi"),
    ("1. Farhad Azarnoush, son of Gholam-Reza, born in 1960. He was a student. He was arrested "
     "in 1981.", "arbitrary_arrest", "victims", "farhad"),
    # "There, …": the place the sentence before names
    ("The students were taken to Kahrizak Detention Centre. There, many were raped and "
     "tortured.", "torture", "place", "kahrizak"),
    # "a commotion in prisons across Iran to massacre …": the place of what the act is for
    ("In 1988 there was a commotion in prisons across Iran to massacre the political "
     "prisoners.", "execution", "place", "iran"),
    # a participle that says which group: "officials serving in X's cabinet"
    ("Evidence suggests senior officials serving in President Hassan Rouhani’s cabinet were "
     "involved with the 1988 mass murder.", "execution", "perpetrators", "cabinet"),
    # a plural possessive in a title-case headline the parser left loose
    ("Silence Of The World On Mullahs’ 1988 Massacre Of Political Prisoners In Iran",
     "execution", "perpetrators", "mullahs"),
    # "set up a committee to exterminate …": the committee; "dispatched their forces to kill":
    # the owner of the forces
    ("Khomeini hastily set up a committee to exterminate the prisoners.", "execution",
     "perpetrators", "committee"),
    ("The regime dispatched their forces to kill the protesters.", "execution", "perpetrators",
     "regime"),
    # an act ordered: "having ordered opponents to be killed"
    ("The rulers were condemned by a court for having ordered opponents to be killed abroad.",
     "execution", "perpetrators", "rulers"),
    ("Witnesses said riot police and plain-clothes agents surrounded the square shortly after "
     "noon, seized banners and photographs, and beat several participants with batons.",
     "attack", "perpetrators", "riot police"),
]


@pytest.mark.parametrize("text, label, field, want", ROLES)
def test_roles(nlp: Language, text: str, label: str, field: str, want: str) -> None:
    got = [i.data for i in events(nlp, text) if i.label == label]
    assert got and want in words(got[0][field]), [(i.label, i.data[field])
                                                   for i in events(nlp, text)]


@pytest.mark.parametrize("text, label", [
    # the place of the reason, not of the arrest
    ("The two women were arrested in April 2019 for giving speeches in Tehran.",
     "arbitrary_arrest"),
    # where they were heading, not where they were caught
    ("The couple were apprehended by the police en route to Paris.", "arbitrary_arrest"),
    # a prison term is no place
    ("He was arrested in 1981 and sentenced to ten years in prison.", "sentencing"),
])
def test_places_that_are_not_the_acts(nlp: Language, text: str, label: str) -> None:
    got = [i.data for i in events(nlp, text) if i.label == label]
    assert got and not got[0]["place"], got


def test_a_first_person_act_is_reported_by_the_narrator(nlp: Language) -> None:
    text = ("Witness testimony - Reza Sheikhvand\nInterviewer: Babak Tavassoli\n"
            "The interrogators beat me with a cable until I could not stand.")
    got = [i.data for i in events(nlp, text) if i.label == "torture"]
    assert got and got[0]["claimant"] == "Reza Sheikhvand", got
