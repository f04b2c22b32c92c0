"""Dates: every date expression of a document as a Gregorian interval with a precision.

Why rules and not spaCy's DATE entities: the model tags durations ("eight years", "15-year"),
ages and slogans as dates, splits "21, 2019" off its month, misses "1988massacre" and every Solar
Hijri date, and gives no value. Here regular expressions over the clean text find the
expressions and small functions turn each into an interval; the spaCy ``Doc`` is not needed.
For speed, one cheap pass finds the triggers (numbers, months, weekdays, relative words) and
each pattern only reads the stretches around the triggers it needs (``calendar.windows``);
where expressions overlap the longest wins, and neighbours joined by "to"/"and"/"–" become
one range.

Precisions: day, week, month, season, year, decade, approximate (a part of a unit, "the early
1990s", or a span counted back, "the past eight months"), and "relative" for an expression
whose anchor is missing (its dates are then null). ``relative`` in the data is true for every
expression that needed an anchor; ``anchor`` says which one resolved it ("published",
"context") or is null.

What is marked (span conventions, also those of ``tests/extract/gold/seeds_dates.json``):

* absolute dates, with a weekday written before them ("Saturday, 22 July 2017", "June 20,
  1981", "July 1988", "1988", "the 1980s", "the early 1990s", "the summer of 1988", "mid-2019",
  "the beginning of 2017"); a leading "the" and modifiers belong to the span, prepositions
  ("in", "on", "since") do not;
* ranges as one item, "between"/"from" included ("between July and September 1988", "from 2013
  to 2019", "2013-2019", "20–25 July 1988", "Mordad and Shahrivar 1367");
* Solar Hijri dates ("30 Khordad 1360", "Mordad 1367", "۱۳۶۷/۰۶/۰۵", a bare 13xx/14xx year when
  the document is Iranian: see ``iranian_cues`` in ``vocab/dates.yaml``);
* dates without a year ("July 18", "9 Shahrivar", "in August"): their year comes from the
  text around them or from the publication date (see ``resolve_year``); otherwise they stay
  unresolved;
* expressions relative to the publication date ("Thursday", "last month", "yesterday", "this
  week", "two years ago", "earlier this year", "the past eight months"); without a publication
  date they are kept with precision "relative" and null dates.

Not marked: durations ("eight years", "a 15-year sentence", "four decades"), ages, counts that
look like years ("more than 2000", "2000 people"), reference numbers ("EDM 2333", "page 1988"),
numbers inside URLs, centuries, recurring days ("every Friday", "Friday prayers"), lunar months
("the month of Ramadan"), anaphora without a calendar anchor ("that summer", "a week later").

Modifiers: of a month, early = days 1–10, mid = 11–20, late/end = 21–last; of a year, early =
months 1–4, mid = 5–8, late = 9–12; of a decade, early = years 0–3, mid = 3–6, late = 6–9; all
with precision "approximate". Seasons: see ``seasons`` in ``vocab/dates.yaml`` (northern
hemisphere; a Solar Hijri season is three whole months). Weeks run Monday to Sunday.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from factfinder.extract import calendar as cal
from factfinder.extract.base import Context, Item

Interval = cal.Interval
GREG, SH = cal.GREG, cal.SH
PRECISIONS = ("day", "week", "month", "season", "year", "decade", "approximate")
_RANK = {p: i for i, p in enumerate(PRECISIONS)}
D = cal.DIGIT_CLASS
S = r"(?:[ \t\u00a0]+\n?[ \t\u00a0]*|\n[ \t\u00a0]*)"  # spaces, at most one line break
S0 = r"[ \t\u00a0]*\n?[ \t\u00a0]*"
HY = r"(?:[ \t\u00a0]+|[ \t\u00a0]*[-–][ \t\u00a0]*)"
CONTEXT_WINDOW = {GREG: 1500, SH: 6000}  # how far back a yearless date looks for its year


@dataclass
class Cand:
    """One expression found in the text, before its year or its anchor is known."""

    start: int
    end: int
    calendar: str
    precision: str
    fixed: Interval | None = None  # absolute: the interval
    by_year: Callable[[int], Interval] | None = None  # yearless: interval given the year
    by_now: Callable[[dt.date], Interval] | None = None  # relative to the publication date
    year: int | None = None  # the calendar year the words name, when they name one
    weekday: int | None = None
    md: tuple[int, int] | None = None  # (month, day) of a day in its calendar
    weak: bool = False  # a bare month name without a cue: kept only inside a range
    confidence: float = 1.0


# -- patterns -------------------------------------------------------------------------------------

Handler = Callable[[re.Match[str], "Scan"], Cand | None]
DIGIT, MONTH, WEEKDAY, RELATIVE = cal.DIGIT, cal.MONTH, cal.WEEKDAY, cal.RELATIVE


@dataclass
class Scan:
    """What a handler may look at: the text and whether the document is Iranian."""

    text: str
    iranian: bool


def g(m: re.Match[str], group: str) -> str:
    """A group's text, "" when the pattern has no such group or it did not take part."""
    return m.groupdict().get(group) or ""


def _year(m: re.Match[str], group: str = "y") -> int:
    return int(cal.ascii_digits(m[group]))


def _cal_of_month(name: str) -> tuple[str, int]:
    sh = cal.solar_hijri_month(name)
    return (SH, sh) if sh is not None else (GREG, cal.gregorian_month(name) or 0)


def _valid_year(calendar: str, y: int) -> bool:
    return cal.MIN_YEAR <= y <= cal.MAX_YEAR if calendar == SH else 1000 <= y <= 2199


def _year_cal(y: int, scan: Scan) -> str | None:
    """The calendar of a bare year: 1850–2099 Gregorian; 1300–1499 Solar Hijri in Iranian text."""
    if 1850 <= y <= 2099:
        return GREG
    if 1300 <= y <= 1499 and scan.iranian:
        return SH
    return None


def _span(m: re.Match[str]) -> tuple[int, int]:
    return m.start("x"), m.end("x")


def h_full(m: re.Match[str], scan: Scan) -> Cand | None:
    calendar, month = _cal_of_month(g(m, "m"))
    y, d = _year(m), int(cal.ascii_digits(re.sub(r"\D", "", g(m, "d"))))
    if not _valid_year(calendar, y):
        return None
    iv = cal.day_iv(calendar, y, month, d)
    wd = cal.words().weekdays.get(g(m, "wd").lower().rstrip(".")) if g(m, "wd") else None
    conf = 0.6 if wd is not None and iv[0].weekday() != wd else 1.0
    return Cand(*_span(m), calendar, "day", fixed=iv, year=y, md=(month, d), confidence=conf)


def h_numeric(m: re.Match[str], scan: Scan) -> Cand | None:
    y, mo, d = _year(m), int(cal.ascii_digits(g(m, "m"))), int(cal.ascii_digits(g(m, "d")))
    calendar = SH if 1200 <= y <= 1499 else GREG
    if calendar == GREG and not 1850 <= y <= 2099:
        return None
    iv = cal.day_iv(calendar, y, mo, d)
    return Cand(*_span(m), calendar, "day", fixed=iv, year=y, md=(mo, d))


def h_day_range(m: re.Match[str], scan: Scan) -> Cand | None:
    calendar, month = _cal_of_month(g(m, "m"))
    d1, d2 = (int(cal.ascii_digits(re.sub(r"\D", "", m[k]))) for k in ("d", "d2"))
    if d2 <= d1:
        return None

    def by_year(y: int) -> Interval:
        return cal.day_iv(calendar, y, month, d1)[0], cal.day_iv(calendar, y, month, d2)[1]

    if g(m, "y"):
        return Cand(*_span(m), calendar, "day", fixed=by_year(_year(m)), year=_year(m))
    return Cand(*_span(m), calendar, "day", by_year=by_year)


def h_month_year(m: re.Match[str], scan: Scan) -> Cand | None:
    calendar, month = _cal_of_month(g(m, "m"))
    y, mod = _year(m), cal.modifier(g(m, "mod"))
    if not _valid_year(calendar, y):
        return None
    iv = cal.modified(cal.month_iv(calendar, y, month), mod, "month", calendar, y)
    return Cand(*_span(m), calendar, "approximate" if mod else "month", fixed=iv, year=y)


def h_day(m: re.Match[str], scan: Scan) -> Cand | None:
    calendar, month = _cal_of_month(g(m, "m"))
    d = int(cal.ascii_digits(re.sub(r"\D", "", g(m, "d"))))
    if not 1 <= d <= 31:
        return None
    wd = cal.words().weekdays.get(g(m, "wd").lower().rstrip(".")) if g(m, "wd") else None
    return Cand(*_span(m), calendar, "day", weekday=wd, md=(month, d),
                by_year=lambda y: cal.day_iv(calendar, y, month, d))


_MONTH_CUE = re.compile(
    r"(?i)\b(?:the|in|of|since|until|till|during|from|to|by|between|and|through"
    r"|throughout|before|after|late|early|mid|last|next|this)\s+$"
)


def h_month(m: re.Match[str], scan: Scan) -> Cand | None:
    calendar, month = _cal_of_month(g(m, "m"))
    after = scan.text[m.end("m") : m.end("m") + 3]
    if calendar == SH and re.match(r"\s+[A-Z]", after) or re.match(r"['’]s\b", after):
        return None  # "Mehr News Agency", "August's"
    if re.search(r"(?i)\b(?:every|each)(?:\s+year\s+in)?\s+$", scan.text[max(0, m.start() - 20):
                                                                     m.start()]):
        return None  # recurring: "every year in Shahrivar"
    mod = cal.modifier(g(m, "mod"))
    weak = not (mod or g(m, "mo") or _MONTH_CUE.search(scan.text, max(0, m.start() - 12),
                                                        m.start()))
    return Cand(*_span(m), calendar, "approximate" if mod else "month", weak=weak,
                by_year=lambda y: cal.modified(cal.month_iv(calendar, y, month), mod, "month",
                                               calendar, y))


def h_year(m: re.Match[str], scan: Scan) -> Cand | None:
    y, mod = _year(m), cal.modifier(g(m, "mod"))
    calendar = _year_cal(y, scan)
    if calendar is None:
        return None
    before = scan.text[max(0, m.start("y") - 40) : m.start("y")]
    after = scan.text[m.end("y") : m.end("y") + 30]
    prev = re.search(r"(\S*)\s*$", before)
    prev_word = prev[1].lower() if prev else ""
    nxt = re.match(r"\s*([A-Za-z]+)", after)
    if (prev_word in cal.words().not_year_after or (prev_word and prev_word[-1] in "$€£/#")
            or re.match(r"\s*(?:%|per\s*cent|-year|:\d|/\d)", after)):
        return None  # "EDM 2333", "$2000", "2000%", "a 2000-year-old", "2019/20"
    if not mod and cal.words().qualifiers.search(before):
        return None  # "more than 2000"
    if (nxt and nxt[1].lower() in cal.words().count_nouns and not mod and not re.search(
            r"(?i)(?:\b(?:the|in|of|since|during|from|until|by|this|that|its|their|his|her)"
            r"|['’]s)\s*$", before)):
        return None  # "2000 people", but "the 2009 protests", "Iran's 1988 massacre"
    iv = cal.modified(cal.year_iv(calendar, y), mod, "year", calendar, y)
    return Cand(*_span(m), calendar, "approximate" if mod else "year", fixed=iv, year=y,
                confidence=0.8 if calendar == SH else 1.0)


def h_year_range(m: re.Match[str], scan: Scan) -> Cand | None:
    y1, raw = _year(m), cal.ascii_digits(g(m, "y2"))
    y2 = int(raw) if len(raw) == 4 else y1 // 100 * 100 + int(raw)
    calendar = _year_cal(y1, scan)
    if calendar is None or not y1 < y2 < y1 + 100 or _year_cal(y2, scan) != calendar:
        return None
    iv = cal.year_iv(calendar, y1)[0], cal.year_iv(calendar, y2)[1]
    return Cand(*_span(m), calendar, "year", fixed=iv, year=y2)


def h_season(m: re.Match[str], scan: Scan) -> Cand | None:
    y = _year(m)
    calendar = _year_cal(y, scan)
    if calendar is None:
        return None
    spec = cal.words().seasons[g(m, "season").lower()]
    # "the summer of 1988", but "the [summer 1988] massacre": there "the" is the massacre's
    start = m.start("core") if g(m, "the") and not g(m, "of") else m.start("x")
    return Cand(start, m.end("x"), calendar, "season", fixed=cal.season_iv(calendar, y, spec),
                year=y)


def h_decade(m: re.Match[str], scan: Scan) -> Cand | None:
    raw = cal.ascii_digits(g(m, "dec")).lstrip("'’")
    mod = cal.modifier(g(m, "mod"))
    if len(raw) == 2:
        if not (g(m, "the") or mod or g(m, "dec")[0] in "'’"):
            return None
        raw = ("19" if int(raw) >= 30 else "20") + raw
    y = int(raw)
    calendar = _year_cal(y, scan) or (GREG if 1000 <= y < 1850 else None)
    if calendar is None:
        return None
    decade = cal.year_iv(calendar, y)[0], cal.year_iv(calendar, y + 9)[1]
    iv = cal.modified(decade, mod, "decade", calendar, y)
    return Cand(*_span(m), calendar, "approximate" if mod else "decade", fixed=iv, year=y)


def h_deictic(m: re.Match[str], scan: Scan) -> Cand | None:
    shift = {"yesterday": -1, "tomorrow": 1}.get(g(m, "rel").lower(), 0)
    return Cand(*_span(m), GREG, "day", by_now=lambda now: cal.unit_iv(now, "day", shift)[0])


def h_this_unit(m: re.Match[str], scan: Scan) -> Cand | None:
    rel, unit, side = g(m, "rel").lower(), g(m, "unit").lower(), g(m, "side").lower()
    shift = {"last": -1, "next": 1}.get(rel, 0)

    def by_now(now: dt.date) -> Interval:
        iv = cal.unit_iv(now, unit, shift)[0]
        if side == "earlier":
            return iv[0], min(iv[1], now)
        return (max(iv[0], now), iv[1]) if side == "later" else iv

    prec = "approximate" if side else cal.unit_iv(dt.date(2000, 1, 1), unit, 0)[1]
    return Cand(*_span(m), GREG, prec, by_now=by_now)


def h_ago(m: re.Match[str], scan: Scan) -> Cand | None:
    n, unit = cal.number(g(m, "num")), g(m, "unit").lower()
    prec = {"decade": "approximate"}.get(unit, unit)
    return Cand(*_span(m), GREG, prec, by_now=lambda now: cal.ago(now, unit, n))


def h_past(m: re.Match[str], scan: Scan) -> Cand | None:
    if not g(m, "num") and (g(m, "last") or g(m, "pl")):
        return None  # "the last day of …", "the past years": not counted back from now
    n, unit = cal.number(g(m, "num")) if g(m, "num") else 1, g(m, "unit").lower()
    return Cand(*_span(m), GREG, "approximate", by_now=lambda now: (cal.back(now, unit, n), now))


def h_weekday(m: re.Match[str], scan: Scan) -> Cand | None:
    text = scan.text
    if not (g(m, "rel") or re.match(r"['’]s\b", text[m.end(): m.end() + 3])  # "Friday’s panel"
            or re.search(r"(?i)\b(?:on|since|until|till|by|from|before|after)\s+$",
                         text[max(0, m.start() - 8): m.start()])):
        return None  # "Friday prayers", "every Friday": not one day
    wd, rel = cal.words().weekdays[g(m, "wd").lower()], g(m, "rel").lower()
    return Cand(*_span(m), GREG, "day", weekday=wd,
                by_now=lambda now: cal.weekday_near(now, wd, rel))


def h_rel_month(m: re.Match[str], scan: Scan) -> Cand | None:
    month = cal.gregorian_month(g(m, "m")) or 0
    rel, of_year = (g(m, "rel") or g(m, "rel2")).lower(), bool(g(m, "rel2"))
    return Cand(*_span(m), GREG, "month",
                by_now=lambda now: cal.named_month(now, month, rel, of_year))


def h_rel_season(m: re.Match[str], scan: Scan) -> Cand | None:
    spec, rel = cal.words().seasons[g(m, "season").lower()], g(m, "rel").lower()
    return Cand(*_span(m), GREG, "season", by_now=lambda now: cal.season_near(now, spec, rel))


@lru_cache(maxsize=1)
def patterns() -> list[tuple[re.Pattern[str], Handler, int]]:
    """(pattern, handler, triggers) triples: every pattern's group ``x`` is the span of the
    expression; it is only tried where all its kinds of trigger occur (see ``windows``)."""
    v = cal.words()
    wdp = rf"(?:(?P<wd>{v.wd_all})\.?,?{S})?"
    day = rf"[{D}]{{1,2}}(?:st|nd|rd|th)?(?![{D}])"
    y = rf"(?<![{D}_,.$€£/])[{D}]{{4}}(?![{D}]|[,.][{D}])"  # "in1988": a typo, still a year
    mod = (
        rf"(?:(?P<mod>(?:[Tt]he{S})?(?:[Bb]eginning|[Ss]tart|[Ee]nd|[Mm]iddle"
        rf"|(?:[Ff]irst|[Ss]econd|[Tt]hird|[Ff]ourth|[Ll]ast|[Ff]inal){S}(?:week|half)){S}of"
        rf"|[Ee]arly|[Mm]id|[Ll]ate){HY})?"
    )
    anym = rf"(?:{v.gm_all}|{v.shm})"
    unit = r"(?i:day|week|month|year|decade)"
    b = r"(?<!\w)"
    md, rel = MONTH | DIGIT, RELATIVE
    table: list[tuple[str, Handler, int]] = [
        (rf"{wdp}(?:[Tt]he{S})?(?P<d>{day})(?:{S}of)?{S}(?P<m>{anym})\.?,?{S}(?P<y>{y})",
         h_full, md),
        (rf"{wdp}(?P<m>{v.gm_all})\.?{S}(?P<d>{day}),?{S}(?P<y>{y})", h_full, md),
        (rf"(?<![{D}/.\-])(?P<y>[{D}]{{4}})(?P<sep>[-/.])(?P<m>[{D}]{{1,2}})(?P=sep)"
         rf"(?P<d>[{D}]{{1,2}})(?![{D}/]|[.\-][{D}])", h_numeric, DIGIT),
        (rf"(?P<d>{day}){S0}[-–—]{S0}(?P<d2>{day}){S}(?P<m>{anym})(?!\w)\.?"
         rf"(?:,?{S}(?P<y>{y}))?", h_day_range, md),
        (rf"(?P<m>{v.gm_all})\.?{S}(?P<d>{day}){S0}[-–—]{S0}(?P<d2>{day})"
         rf"(?:,?{S}(?P<y>{y}))?", h_day_range, md),
        (rf"{mod}(?P<m>{anym})\.?,?(?:{S}of)?{S}(?P<y>{y})", h_month_year, md),
        (rf"{wdp}(?:[Tt]he{S})?(?P<d>{day})(?:{S}of)?{S}(?P<m>{anym})(?!\w)", h_day, md),
        (rf"{wdp}(?P<m>{v.gm_all})\.?{S}(?P<d>{day})(?!\w)(?!,?{S0}[{D}])", h_day, md),
        (rf"{mod}(?:(?P<mo>[Tt]he{S}month{S}of){S})?(?P<m>{v.gm_full}|{v.shm})(?!\w)"
         rf"(?!{S}[{D}])", h_month, MONTH),
        (rf"{mod}(?P<y>{y})", h_year, DIGIT),
        (rf"(?P<y>{y}){S0}[-–—/]{S0}(?P<y2>[{D}]{{4}}|[{D}]{{2}})(?!\w|[,.][{D}])",
         h_year_range, DIGIT),
        (rf"(?:(?P<the>[Tt]he){S})?(?P<core>(?:(?P<mod>[Ee]arly|[Ll]ate|[Mm]id){HY})?"
         rf"(?P<season>{v.season_alt})(?P<of>{S}of)?,?{S}(?P<y>{y}))", h_season, DIGIT),
        (rf"(?:(?P<the>[Tt]he){S})?(?:(?P<mod>[Ee]arly|[Mm]id|[Ll]ate){HY})?"
         rf"(?P<dec>{b}(?:[{D}]{{3}}0|['’][{D}]0|[{D}]0))s(?!\w)", h_decade, DIGIT),
        (rf"{b}(?P<rel>[Tt]oday|TODAY|[Yy]esterday|[Tt]omorrow|[Tt]onight)(?!\w)", h_deictic,
         rel),
        (rf"{b}(?<!the )(?<!The )(?:(?P<side>[Ee]arlier|[Ll]ater){S})?"
         rf"(?P<rel>[Tt]his|[Ll]ast|[Nn]ext){S}(?P<unit>week|weekend|month|year)(?!\w)",
         h_this_unit, rel),
        (rf"{b}(?P<num>(?i:{v.num})){S}(?P<unit>{unit})s?{S}(?i:ago)(?!\w)", h_ago, rel),
        (rf"{b}(?i:the|these){S}(?:(?i:past)|(?P<last>(?i:last))){S}"
         rf"(?:(?P<num>(?i:{v.num})){S})?(?P<unit>{unit})(?P<pl>s)?(?!\w)", h_past, rel),
        (rf"{b}(?:(?P<rel>[Ll]ast|[Nn]ext|[Tt]his){S})?(?P<wd>{v.wd_full})(?!\w)", h_weekday,
         WEEKDAY),
        (rf"{b}(?P<rel>[Ll]ast|[Tt]his|[Nn]ext){S}(?P<m>{v.gm_full})(?!\w)", h_rel_month,
         MONTH | rel),
        (rf"{b}(?P<m>{v.gm_full}){S}(?P<rel2>last|this|next){S}year(?!\w)", h_rel_month,
         MONTH | rel),
        (rf"{b}(?P<rel>[Tt]his|[Ll]ast|[Nn]ext){S}(?P<season>{v.season_alt})(?!\w)",
         h_rel_season, rel),
    ]
    # a word boundary before every expression, except a digit glued to a lower-case letter
    start = rf"(?:{b}|(?<=[a-z])(?=[{D}]))"
    return [(re.compile(rf"(?P<x>{start}{p})"), h, k) for p, h, k in table]


# -- scanning, ranges, anchors --------------------------------------------------------------------

_RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|until|till|through|and)\s*")
_RANGE_LEAD = re.compile(r"(?i)\b(between|from)\s+$")
def candidates(text: str) -> list[Cand]:
    """Every expression, the longest where they overlap, ranges joined, in text order."""
    scan = Scan(text, bool(cal.words().iranian.search(text)))
    found: list[tuple[int, int, Cand]] = []
    spans = cal.windows(text)
    for rank, (pattern, handler, needs) in enumerate(patterns()):
        for a, z, kinds in spans:
            if kinds & needs != needs:
                continue
            for m in pattern.finditer(text, a, z):
                if cal.in_url(text, m.start()):
                    continue
                try:
                    c = handler(m, scan)
                except (ValueError, KeyError):  # impossible dates, unsupported years
                    continue
                if c is not None:
                    found.append((-(c.end - c.start), rank, c))
    found.sort(key=lambda t: (t[0], t[1], t[2].start))
    taken: list[Cand] = []
    used = bytearray(len(text))  # longest first: a character belongs to one expression
    for _, _, c in found:
        if used.find(1, c.start, c.end) < 0:
            used[c.start : c.end] = b"\x01" * (c.end - c.start)
            taken.append(c)
    taken.sort(key=lambda c: c.start)
    return [c for c in join_ranges(text, taken) if not c.weak]


def join_ranges(text: str, cands: list[Cand]) -> Iterator[Cand]:
    """Ranges ("between July and September 1988", "from 2013 to 2019", "Mordad and Shahrivar
    1367"): two neighbours joined by a connector become one interval; the first borrows the
    year of the second when it has none. A bare month name ("Mordad", weak) survives only so."""
    i = 0
    while i < len(cands):
        joined = _join(text, cands[i], cands[i + 1]) if i + 1 < len(cands) else None
        yield joined or cands[i]
        i += 2 if joined else 1


def _join(text: str, c1: Cand, c2: Cand) -> Cand | None:
    between = text[c1.end : c2.start]
    if (not _RANGE_JOIN.fullmatch(between) or c1.calendar != c2.calendar or c1.by_now
            or c2.by_now or (c1.fixed and not c2.fixed)):
        return None
    lead = _RANGE_LEAD.search(text, max(0, c1.start - 10), c1.start)
    if between.strip() == "and" and not lead and not (c1.by_year and c2.fixed):
        return None
    start = lead.start(1) if lead else c1.start
    prec = max(c1.precision, c2.precision, key=_RANK.__getitem__)
    conf = min(c1.confidence, c2.confidence)
    if c2.fixed is not None and c2.year is not None:
        iv1, iv2 = c1.fixed, c2.fixed
        if iv1 is None and c1.by_year is not None:
            iv1 = c1.by_year(c2.year)
            if iv1[0] > iv2[1]:
                iv1 = c1.by_year(c2.year - 1)
        if iv1 is None or iv1[0] > iv2[1]:
            return None
        return Cand(start, c2.end, c1.calendar, prec, fixed=(iv1[0], iv2[1]), year=c2.year,
                    confidence=conf)
    f1, f2 = c1.by_year, c2.by_year
    if f1 is None or f2 is None:
        return None
    return Cand(start, c2.end, c1.calendar, prec, confidence=conf,
                by_year=lambda y: (f1(y)[0], f2(y)[1]))


def _published(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def _cal_year(calendar: str, d: dt.date) -> int:
    return cal.from_gregorian(d)[0] if calendar == SH else d.year


def _distance(iv: Interval, d: dt.date) -> int:
    return 0 if iv[0] <= d <= iv[1] else min(abs((iv[0] - d).days), abs((iv[1] - d).days))


@dataclass
class Anchor:
    """An explicit date of at most a season, which dates without a year may borrow from."""

    start: int
    end: int
    calendar: str
    iv: Interval


def _anchors(c: Cand, iv: Interval) -> bool:
    """Whether a date may lend its year to later dates without one: a Gregorian day (datelines;
    "the September 1992 assassination" or "the summer of 1988" are topics, not the narrative's
    time), or a Solar Hijri date of at most a season."""
    return c.precision == "day" if c.calendar == GREG else (iv[1] - iv[0]).days <= 100


def resolve_year(c: Cand, anchors: list[Anchor], later: list[Anchor],
                 known: dict[tuple[str, int, int], int], now: dt.date | None
                 ) -> tuple[Interval, str, float] | None:
    """The interval of a date without a year. The year comes, in this order, from: the nearest
    explicit date before it in the same calendar (within ``CONTEXT_WINDOW``), or the date it
    directly follows in the other calendar ("9 Shahrivar (31 August)"); the same day written
    with its year elsewhere in the text; for a Solar Hijri date, the nearest one after it (such
    dates are seldom far from their year); the publication date; any explicit date before it.
    Of the three years around that reference, the one that puts the date nearest to it wins; a
    weekday written with the date may pick another of the three when the reference is the
    publication date or a far anchor, and next to a near one only lowers the confidence."""
    assert c.by_year is not None
    window = CONTEXT_WINDOW[c.calendar]
    near = None  # anchors come in text order, all before c
    for a in reversed(anchors):
        if c.start - a.end > window:
            break
        if a.calendar == c.calendar or c.start - a.end <= 3:
            near = a
            break
    year = known.get((c.calendar, *c.md)) if c.md else None
    k = bisect.bisect_left(later, c.end, key=lambda a: a.start) if c.calendar == SH else len(later)
    after = later[k] if k < len(later) and later[k].start - c.end <= window else None
    if near:
        ref, how, conf = near.iv[0], "context", 0.75
    elif year is not None:
        ref, how, conf = c.by_year(year)[0], "context", 0.75
    elif after and after.calendar == SH:
        ref, how, conf = after.iv[0], "context", 0.7
    elif now is not None:
        ref, how, conf = now, "published", 0.85
    elif anchors:
        ref, how, conf = anchors[-1].iv[0], "context", 0.6
    else:
        return None
    base = _cal_year(c.calendar, ref)
    options: list[Interval] = []
    for y in (base, base - 1, base + 1):
        try:
            options.append(c.by_year(y))
        except ValueError:
            continue
    if not options:
        return None
    options.sort(key=lambda iv: _distance(iv, ref))
    if c.weekday is not None:
        fits = [iv for iv in options if iv[0].weekday() == c.weekday]
        if fits and (how == "published" or conf < 0.7 or fits[0] == options[0]):
            return fits[0], how, conf
        conf = 0.5
    return options[0], how, conf


class DateExtractor:
    """Dates of one document (see the module docstring for what is marked and how)."""

    name = "dates"
    version = "1"

    def __call__(self, doc: Doc | None, ctx: Context, found: dict[str, list[Item]]) -> list[Item]:
        return list(self.items(ctx.text, ctx.published))

    def items(self, text: str, published: str | None = None) -> Iterator[Item]:
        now = _published(published)
        cands = candidates(text)
        years: dict[tuple[str, int, int], set[int]] = {}
        for c in cands:
            if c.md and c.year is not None:
                years.setdefault((c.calendar, *c.md), set()).add(c.year)
        known = {k: min(v) for k, v in years.items() if len(v) == 1}  # unambiguous days only
        anchors: list[Anchor] = []
        fixed = [Anchor(c.start, c.end, c.calendar, c.fixed) for c in cands
                 if c.fixed and _anchors(c, c.fixed)]
        for c in cands:
            iv, how, conf = c.fixed, None, c.confidence
            if iv is None and c.by_year is not None:
                got = resolve_year(c, anchors, fixed, known, now)
                if got is not None:
                    iv, how, conf = got[0], got[1], min(conf, got[2])
            elif iv is None and c.by_now is not None and now is not None:
                iv, how, conf = c.by_now(now), "published", min(conf, 0.9)
            if iv is not None and c.by_now is None and conf >= 0.75 and _anchors(c, iv):
                anchors.append(Anchor(c.start, c.end, c.calendar, iv))
            prec = c.precision if iv is not None else "relative"
            words = text[c.start : c.end]
            data = {"date_start": iv[0].isoformat() if iv else None,
                    "date_end": iv[1].isoformat() if iv else None, "precision": prec,
                    "calendar": c.calendar, "original": words, "relative": c.fixed is None,
                    "anchor": how}
            yield Item("date", c.start, c.end, words, prec, data,
                       conf if iv is not None else 0.5)


def parse(text: str, published: str | None = None) -> list[Item]:
    """The date items of a text, without spaCy (for scripts, tests and other extractors)."""
    return list(EXTRACTOR.items(text, published))


EXTRACTOR = DateExtractor()
