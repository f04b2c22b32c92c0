"""Romanisation-equivalence keys, skeletons and blocking keys."""

from __future__ import annotations

import pytest

from factfinder.names import name_keys, skeleton, token_key

SAME_KEY = [
    ["Hossein", "Hosein", "Hussein", "Husain", "Husayn", "Hosseyn"],
    ["Mohammad", "Mohammed", "Muhammad", "Mohamad", "Muhammed"],
    ["Ebrahim", "Ibrahim"],
    ["Pourmohammadi", "Poormohammadi", "Pour-Mohammadi", "Pour Mohammadi", "Purmohammadi"],
    ["Ghasemi", "Qasemi", "Ghassemi"],
    ["Ghaffari", "Qaffari"],
    ["Ghasem", "Qasem"],
    ["Davoud", "Davood", "Dawud", "Davud"],
    ["Nouri", "Nuri", "Noori"],
    ["Shafiee", "Shafii", "Shafie", "Shafiei"],
    ["Khamenei", "Khamene'i", "Khamene’i"],
    ["Massoud", "Masud", "Masoud", "Mas'ud"],
    ["Reza", "Rezā"],
    ["Hosseini", "Hoseini", "Husaini"],
    ["Mossadegh", "Mosadegh", "Mosaddeq", "Mossadeq"],
    ["Vahid", "Wahid"],
    ["Hossein-Ali", "Hossein Ali", "Hosseinali", "Husain-Ali"],
    ["Alireza", "Ali Reza", "Ali-Reza"],
    ["Hosseinzadeh", "Hosseinzade", "Hossein-Zadeh", "Hossein Zadeh", "Hosseinzada"],
    ["Abdolreza", "Abdulreza", "Abd-ol-Reza", "Abdelreza", "Abdol Reza", "Abd al-Reza"],
    ["Abdollah", "Abdullah", "Abdallah"],
    ["Khomeini", "al-Khomeini", "el-Khomeini"],
    ["Kharrazi", "Xarazi"],
    ["Raisi", "Raeesi", "Reisi", "Raeissi"],
    ["Saeed", "Saeid", "Said", "Sa'id"],
    ["Nayyeri", "Nayeri"],
    ["Mostafa", "Mustafa"],
    ["Ahmad", "Ahmed"],
    ["Ruhollah", "Rouhollah", "Ruhullah"],
    ["Rouhani", "Rohani", "Rowhani"],
    ["Hanifnejad", "Hanif-Nezhad", "Hanifnezhad"],
]


@pytest.mark.parametrize("forms", SAME_KEY, ids=lambda forms: forms[0])
def test_variants_share_a_key(forms: list[str]) -> None:
    keys = {form: token_key(form) for form in forms}
    assert len(set(keys.values())) == 1, keys


DIFFERENT_KEY = [
    ("Hassan", "Hossein"),
    ("Maryam", "Massoud"),
    ("Kazem", "Massoud"),
    ("Khomeini", "Khamenei"),
    ("Khamenei", "Khatami"),
    ("Abbasi", "Rouhani"),
    ("Hanifnejad", "Mossadegh"),
    ("Ali", "Alireza"),
    ("Mohammadi", "Mohammad"),
]


@pytest.mark.parametrize("a, b", DIFFERENT_KEY)
def test_different_names_have_different_keys(a: str, b: str) -> None:
    assert token_key(a) != token_key(b)


def test_persian_script_skeleton() -> None:
    assert skeleton("محمد رضا") == skeleton("Mohammad Reza") == skeleton("Mohammadreza")
    assert skeleton("پورمحمدی") == skeleton("Pour-Mohammadi")
    assert skeleton("ابراهیم") == skeleton("Ebrahim")
    assert skeleton("رئیسی") == skeleton("Raisi")
    assert skeleton("داوود") == skeleton("Davoud")
    assert skeleton("خامنه‌ای") == skeleton("Khamenei")
    assert skeleton("روح‌الله") == skeleton("Ruhollah")
    assert skeleton("قاسمی") == skeleton("Ghasemi") == skeleton("Qasemi")
    assert skeleton("موسوی") == skeleton("Mousavi")


def test_name_keys() -> None:
    keys = name_keys("Mostafa Pour Mohammadi")
    assert keys.family == name_keys("Mostafa Pour-Mohammadi").family
    assert keys.family == name_keys("Mustafa Pourmohammadi").family
    assert keys.full == name_keys("Mustafa Poor-Mohammadi").full
    assert keys.given == (token_key("Mostafa"),)
    assert keys.full.split() == [token_key("Mostafa"), token_key("Pourmohammadi")]
    assert name_keys("Raisi Ebrahim").sorted_full == name_keys("Ebrahim Raisi").sorted_full
    assert name_keys("Grand Ayatollah Hossein Ali Montazeri").full == name_keys(
        "Hossein-Ali Montazeri"
    ).full.replace(token_key("Hossein-Ali"), f"{token_key('Hossein')} {token_key('Ali')}")


@pytest.mark.parametrize(
    "a, b",
    [
        ("Ebrahim Raisi", "Ibrahim Raeesi"),
        ("Ebrahim Raisi", "Raisi"),
        ("Ebrahim Raisi", "Raisi Ebrahim"),
        ("Ebrahim Raisi", "ابراهیم رئیسی"),
        ("Mostafa Pour-Mohammadi", "محمد رضا پورمحمدی"),
        ("Nahid Shaqaqi", "Nahid Shaghaghi"),
        ("Davoud Ghasemi", "Dawud Qasemi"),
        ("Hossein Ali Montazeri", "Montazeri"),
    ],
)
def test_variants_share_a_blocking_key(a: str, b: str) -> None:
    assert set(name_keys(a).blocking) & set(name_keys(b).blocking)


@pytest.mark.parametrize("text", ["Raisi", "Ali", "Ai", "محمد", "Ebrahim Raisi", "O"])
def test_blocking_keys_non_empty(text: str) -> None:
    assert name_keys(text).blocking


def test_empty_name() -> None:
    keys = name_keys("")
    assert keys.full == "" and keys.blocking == ()
