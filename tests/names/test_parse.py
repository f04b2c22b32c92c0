"""Title stripping and parsing into given names and family name."""

from __future__ import annotations

import pytest

from factfinder.names import ParsedName, parse_name, strip_titles


def test_strip_titles() -> None:
    assert strip_titles("Grand Ayatollah Hossein Ali Montazeri") == (
        "Hossein Ali Montazeri",
        ["Grand Ayatollah"],
    )
    assert strip_titles("Hojjat-ol-Eslam Seyed Ebrahim Raisi") == (
        "Ebrahim Raisi",
        ["Hojjat-ol-Eslam", "Seyed"],
    )
    assert strip_titles("Mrs. Maryam Rajavi") == ("Maryam Rajavi", ["Mrs."])
    assert strip_titles("dr. Ali Shariati") == ("Ali Shariati", ["dr."])
    assert strip_titles("Hojatoleslam Pour-Mohammadi")[0] == "Pour-Mohammadi"
    assert strip_titles("Sayyid Ali Khamenei")[0] == "Ali Khamenei"
    assert strip_titles("Ebrahim Raisi") == ("Ebrahim Raisi", [])
    # whole words only: "Imami" and "Drake" are not titles
    assert strip_titles("Imami Drake")[0] == "Imami Drake"


def test_strip_persian_titles() -> None:
    rest, titles = strip_titles("آیت‌الله روح‌الله خمینی")
    assert rest == "روحالله خمینی"
    assert len(titles) == 1
    assert strip_titles("سید ابراهیم رئیسی")[0] == "ابراهیم رئیسی"


def test_parse_montazeri() -> None:
    parsed = parse_name("Grand Ayatollah Hossein Ali Montazeri")
    assert parsed.titles == ("Grand Ayatollah",)
    assert parsed.given in {("Hossein", "Ali"), ("Hossein Ali",)}
    assert parsed.family == ("Montazeri",)
    assert parsed.full() == "Hossein Ali Montazeri"
    assert parse_name("Hossein-Ali Montazeri").given == ("Hossein-Ali",)


@pytest.mark.parametrize(
    "text, family",
    [
        ("Mostafa Pour-Mohammadi", "Pour-Mohammadi"),
        ("Mostafa Pour Mohammadi", "Pour Mohammadi"),
        ("Mostafa Pourmohammadi", "Pourmohammadi"),
        ("Mostafa Poor Mohammadi", "Poor Mohammadi"),
        ("Leila Hossein Zadeh", "Hossein Zadeh"),
        ("Leila Hossein-Zadeh", "Hossein-Zadeh"),
        ("Ali al-Sistani", "al-Sistani"),
        ("Ali al Sistani", "al Sistani"),
    ],
)
def test_family_compounds_are_one_part(text: str, family: str) -> None:
    parsed = parse_name(text)
    assert parsed.family == (family,)
    assert len(parsed.given) == 1


def test_given_compounds() -> None:
    assert parse_name("Abdol Karim Soroush").given == ("Abdol Karim",)
    assert parse_name("Ali Reza Avaei").given == ("Ali", "Reza")
    assert parse_name("محمد رضا پورمحمدی") == ParsedName(
        "محمد رضا پورمحمدی", (), ("محمد", "رضا"), ("پورمحمدی",)
    )


def test_single_word_comma_and_asides() -> None:
    assert parse_name("Raisi") == ParsedName("Raisi", (), (), ("Raisi",))
    assert parse_name("Mrs. Rajavi").family == ("Rajavi",)
    assert parse_name("Mrs. Rajavi").given == ()
    comma = parse_name("Raisi, Ebrahim")
    assert (comma.given, comma.family) == (("Ebrahim",), ("Raisi",))
    assert parse_name("Hamid Noury (Abbasi)").full() == "Hamid Noury"
    assert parse_name("").full() == ""
    assert parse_name("Ayatollah").full() == ""
