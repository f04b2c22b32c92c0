"""Script normalisation and transliteration."""

from __future__ import annotations

from factfinder.names import normalize_script, transliterate


def test_arabic_letters_become_persian() -> None:
    assert normalize_script("علي") == "علی"
    assert normalize_script("كاظم") == "کاظم"
    assert normalize_script("فاطمة") == "فاطمه"
    assert normalize_script("أحمد") == "احمد"
    assert normalize_script("إبراهيم") == "ابراهیم"
    assert normalize_script("آقا") == "اقا"


def test_harakat_tatweel_zwnj_digits_spaces() -> None:
    assert normalize_script("مُحَمَّد") == "محمد"
    assert normalize_script("محـــمد") == "محمد"
    assert normalize_script("روح\u200cالله") == "روحالله"
    assert normalize_script("۱۳۶۷ و ١٩٨٨") == "1367 و 1988"
    assert normalize_script("  Ali \t  Reza ") == "Ali Reza"
    assert normalize_script("ﻣﺤﻤﺪ") == "محمد"  # presentation forms (NFKC)


def test_transliterate_persian() -> None:
    assert transliterate("محمد") == "mhmd"
    assert transliterate("داوود") == "davud"
    assert transliterate("موسوی") == "musvi"
    assert transliterate("وحید") == "vhid"
    assert transliterate("زاده") == "zade"
    assert transliterate("قاسم") == "qasm"
    assert transliterate("خامنه‌ای").startswith("khamne")


def test_transliterate_latin() -> None:
    assert transliterate("António Guterres") == "antonio guterres"
    assert transliterate("Khamene’i") == "khamenei"
    assert transliterate("Ḥusayn") == "husayn"
    assert transliterate("Hojjat-ol-Eslam") == "hojjat-ol-eslam"
