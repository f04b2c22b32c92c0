"""Events from the parts of a page that are tables and lists rather than sentences.

Monthly protest reports are tables in prose: "Total number of protests: 83" with the block's
"Locations: 29 cities …" and "Protesters: …" lines under a category heading (or none), "BY GROUP"
sections of "Workers (unpaid wages): 9" lines, "BY CITY" lines of "Sarvand 10; Golvar 5". They
become aggregate events whose data carry ``tally`` ("total", "category" or "place"),
``category`` (an id from the vocabulary's protest categories), ``count`` and the report's period,
so a later feature can tally by category, place and month without counting a total twice.

A sentence that ends with ':' and opens a bullet list ("Prisoners who embarked on hunger strikes
included:") hands its act to the bullets: short bullets (names) are its victims, long bullets
(name, place, reason) are one act each.
"""

from __future__ import annotations

import re
from typing import Any

from factfinder.extract.base import Context, Item
from factfinder.extract.event_vocab import (
    MONTHS,
    category_of,
    date_bounds,
    noun_type,
    read_count,
    read_date,
)

PROTEST_LIKE = ("protest", "strike", "hunger_strike")
PLACE_LABELS = {"PLACE", "GPE", "LOC", "FAC", "PRISON", "CEMETERY", "CITY", "PROVINCE"}
Name = tuple[int, int, str, str]  # start, end, text, label

BULLET = re.compile(r"^[ \t]*(?:[•·*\-–—]|\d{1,2}[.)])[ \t]+\S")
HEADINGISH = re.compile(r"^[^.:;,!?]{2,60}$")
KEYVAL = re.compile(
    r"^[ \t]*[-•*]?[ \t]*(?P<key>[A-Za-z][^:\n]{1,80}?)[ \t]*:[ \t]*(?P<q>at least|more than|"
    r"over|about|some)?[ \t]*(?P<n>\d[\d,]*)(?:[ \t]+(?P<what>[A-Za-z][A-Za-z -]{2,30}))?"
    r"[ \t]*\.?[ \t]*$", re.I | re.M)
SECTION = re.compile(r"^[ \t]*by[ \t]+(?P<dim>group|groups|category|categories|sector|sectors|"
                     r"city|cities|province|provinces|place|places|location|locations)"
                     r"[ \t]*:?[ \t]*$", re.I | re.M)
PLACE_COUNT = re.compile(r"(?P<place>[A-Z][^;\d\n]*?)[ \t]+(?P<n>\d[\d,]*)")
LOCATIONS = re.compile(r"^[ \t]*locations?[ \t]*:[ \t]*(?P<loc>.+?)[ \t]*$", re.I | re.M)
PARTICIPANTS = re.compile(r"^[ \t]*(?:protesters|participants)[ \t]*:[ \t]*(?P<p>.+)$",
                          re.I | re.M)
BLOCK_END = re.compile(r"\n[ \t]*\n(?=[ \t]*[A-Z][A-Z ]{3,}\n)|\n[ \t]*\n[ \t]*\n")
NEXT_TOTAL = re.compile(r"^[ \t]*total number of", re.I | re.M)
OVERVIEW = re.compile(r"summary|total|overview", re.I)


def expand_lists(ctx: Context, names: list[Name], items: list[Item]) -> list[Item]:
    """Hand a colon sentence's act to the bullet list that follows it."""
    text = ctx.text
    out: list[Item] = []
    for it in items:
        bullets = _bullets_after(text, it) if text[it.start:it.end].rstrip().endswith(
            ":") else []
        if not bullets:
            out.append(it)
            continue
        names_of = [_bullet_names(text, names, s, e) for s, e in bullets]
        if max(len(re.sub(r"\([^)]*\)", "", text[s:e]).split()) for s, e in bullets) <= 6:
            end = bullets[-1][1]
            victims = [n for ns in names_of for n in ns]
            data = dict(it.data, victims=list(it.data.get("victims", [])) + victims)
            out.append(Item("event", it.start, end, text[it.start:end], it.label, data,
                            it.confidence))
            continue
        for (s, e), ns in zip(bullets, names_of, strict=True):  # the header is their sum
            body = text[s:e].rstrip(" ;,.")
            data = dict(it.data, victims=ns, place=_first_place(text, names, s, e),
                        list_item=True)
            if it.label in PROTEST_LIKE:
                data["participants"] = ns
            out.append(Item("event", s, s + len(body), body, it.label, data,
                            round(it.confidence - 0.1, 2)))
    return out


def _bullets_after(text: str, it: Item) -> list[tuple[int, int]]:
    bullets: list[tuple[int, int]] = []
    pos = text.find("\n", it.end)
    while pos >= 0:
        nxt = text.find("\n", pos + 1)
        line_end = len(text) if nxt < 0 else nxt
        line = text[pos + 1:line_end]
        if line.strip() and not BULLET.match(line):
            break
        if line.strip():
            bullets.append((pos + 1 + len(line) - len(line.lstrip()), line_end))
        pos = nxt
    return bullets


def _bullet_names(text: str, names: list[Name], s: int, e: int) -> list[str]:
    """The people a bullet names: the persons before its first comma or parenthesis (or
    before "in protest of"), else that leading phrase itself."""
    body = re.sub(r"^\W*(?:\d{1,2}[.)])?\s*", "", text[s:e])
    b0 = s + len(text[s:e]) - len(body)
    lead = re.split(r",|;|\(| in protest| currently", body)[0].strip()
    cut = b0 + (body.find(" in protest") if " in protest" in body else len(lead))
    persons = [n for ns, _ne, n, lab in names if b0 <= ns < cut and lab == "PERSON"]
    return persons or [lead]


def _first_place(text: str, names: list[Name], start: int, end: int) -> str | None:
    places = [n for s, _e, n, lab in names if start <= s < end and lab in PLACE_LABELS
              and n.lower() not in ("iran", "tehran")]
    m = re.search(r"\b((?:[A-Z][\w’'-]*\s+){1,3}(?:Prison|Penitentiary|Jail))\b",
                  text[start:end])
    if m:
        return m.group(1)
    return places[0] if places else None


# -- tables -------------------------------------------------------------------------------------


def tallies(ctx: Context, dates: list[Item]) -> list[Item]:
    """Aggregate events from a report's tables (see the module docstring)."""
    text = ctx.text
    out: list[Item] = []
    period = report_period(ctx, dates)
    sections = [(s, s.end(), _block_end(text, s.end())) for s in SECTION.finditer(text)]
    last_type = "protest"

    def add(start: int, end: int, typ: str, n: str, q: str | None, **extra: Any) -> None:
        count = int(n.replace(",", ""))
        data: dict[str, Any] = {
            "type": typ, "trigger": None, "perpetrators": [], "victims": [], "place": None,
            "date_start": period[0], "date_end": period[1], "date_text": period[2],
            "count": count, "count_high": None if q else count, "count_text": text[start:end],
            "count_of": "events", "claimant": ctx.publisher, "negated": False,
            "hypothetical": False, "aggregate": True}
        data.update(extra)
        out.append(Item("event", start, end, text[start:end], typ, data, 0.9))

    for m in KEYVAL.finditer(text):
        if any(a <= m.start() < b for _s, a, b in sections):
            continue
        key, what = m.group("key").strip(), m.group("what") or ""
        typ = noun_type(key + " " + what)
        if typ is None or re.match(r"locations?\b", key, re.I):
            continue
        if what and re.fullmatch(r"1[3-9]\d\d|20\d\d", m.group("n")):
            continue  # "By: 1988 Massacre": a year and a name, not a tally
        total = key.lower().startswith("total")
        if total:
            last_type = typ
        block = text[m.end():min(_next(NEXT_TOTAL, text, m.end()), m.end() + 600)]
        heading = _heading_before(text, m.start()) if total else None
        category = category_of(heading or "") if heading else None
        if total and not category and not (heading and OVERVIEW.search(heading)):
            part = PARTICIPANTS.search(block)
            first = next((ln for ln in block.splitlines()
                          if ln.strip() and not LOCATIONS.match(ln)), "")
            category = category_of(part.group("p") if part else first)
        elif not total:
            category = category_of(key)
        loc = LOCATIONS.search(block) if total else None
        loc_n = read_count(loc.group("loc")) if loc else None
        add(m.start("key"), m.end(), typ, m.group("n"), m.group("q"),
            tally="category" if category else "total", category=category,
            category_text=heading if total else key,
            locations=loc.group("loc") if loc else None,
            location_count=loc_n[0] if loc_n else None)
    for sec, start, end in sections:
        by_place = not sec.group("dim").lower().startswith(("group", "categor", "sector"))
        for line in re.finditer(r"^.+$", text[start:end], re.M):
            ls = start + line.start()
            if by_place:
                for m in PLACE_COUNT.finditer(line.group()):
                    add(ls + m.start("place"), ls + m.end(), last_type, m.group("n"), None,
                        tally="place", place=m.group("place").strip())
                continue
            row = KEYVAL.match(line.group())
            if row:
                key = row.group("key").strip()
                add(ls + row.start("key"), ls + row.end(), last_type, row.group("n"),
                    row.group("q"),
                    tally="category", category=category_of(key),
                    category_text=re.sub(r"\s*\(.*", "", key))
    return out


def _next(pattern: re.Pattern[str], text: str, pos: int) -> int:
    m = pattern.search(text, pos)
    return m.start() if m else len(text)


def _block_end(text: str, pos: int) -> int:
    return _next(BLOCK_END, text, pos)


def _heading_before(text: str, pos: int) -> str | None:
    """The short title line just above a table block, if there is one."""
    lines = [ln.strip() for ln in text[max(0, pos - 300):pos].splitlines() if ln.strip()]
    if lines and HEADINGISH.match(lines[-1]) and len(lines[-1].split()) <= 6:
        return lines[-1]
    return None


def report_period(ctx: Context, dates: list[Item]) -> tuple[str | None, str | None, str | None]:
    """The period a report covers: its first date item of more than a day near the top, else a
    month named there ("during the month of August")."""
    for d in dates:
        lo, hi = date_bounds(d)
        if d.start < 800 and lo and hi and lo != hi:
            return lo, hi, d.text
    if dates:
        return None, None, None
    m = re.search(r"(?:month of |during |in )((?:" + "|".join(MONTHS) + r")(?: \d{4})?)",
                  ctx.text[:800], re.I)
    got = read_date(m.group(1), ctx.published) if m else None
    return (got[0], got[1], m.group(1)) if got and m else (None, None, None)
