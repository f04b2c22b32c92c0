import random

from factfinder.intake.normalize import OffsetMap, normalize


def test_folds_persian_letters_invisibles_and_whitespace():
    src = "  علي  كريمي\u200b said:\r\n\r\n\r\n“we  were\tthere”\u200c ok  "
    clean, _ = normalize(src)
    assert clean == "علی کریمی said:\n\n“we were there”\u200c ok"


def test_nfc_and_bidi_controls():
    clean, omap = normalize("Cafe\u0301 \u202eevil\u202c end")
    assert clean == "Café evil end"
    s, e = omap.span_to_source(0, 4)
    assert (s, e) == (0, 5)


def test_every_word_maps_back_to_its_source():
    rng = random.Random(7)
    alphabet = ["a", "b", "ي", "ك", " ", "  ", "\t", "\n", "\r\n", "\n\n\n", "\u200b", "e\u0301",
                "\u00a0", "word", "“q”"]
    for _ in range(300):
        src = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
        clean, omap = normalize(src)
        for token in set(clean.split()):
            start = clean.index(token)
            s, e = omap.span_to_source(start, start + len(token))
            fold = normalize(src[s:e])[0]
            assert fold == token, (src, token, src[s:e])


def test_segments_join_with_a_blank_line_and_map_exactly():
    src = "Title\n\nShare this! Like us!\n\nBody one.\nBody two."
    keep = [(0, 5), (29, len(src))]
    clean, omap = normalize(src, keep)
    assert clean == "Title\n\nBody one.\nBody two."
    i = clean.index("Body one.")
    assert src[slice(*omap.span_to_source(i, i + 9))] == "Body one."
    s, e = omap.span_to_source(0, len(clean))
    assert (s, e) == (0, len(src))


def test_offset_map_round_trips_as_json():
    _, omap = normalize("a  b\u200bc")
    assert OffsetMap.loads(omap.dumps()) == omap
