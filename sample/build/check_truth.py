#!/usr/bin/env python3
"""Check that the ground truth of the sample agrees with the corpus text.

    python sample/build/check_truth.py            # run all checks
    python sample/build/check_truth.py --dump DIR # also write the extracted texts

Extracts the text of every corpus file (and of every unit inside the tag page,
the mbox and the WARC) with ordinary libraries (lxml, pypdf, python-docx,
email, warcio), then verifies that:

* every quoted string in claims.json, events.json and quotes.json occurs in the
  text of its file (and unit);
* every surface form in entities.json occurs in at least one of the entity's
  documents, and every listed document contains at least one of its forms;
* documents.json lists every corpus file, with the right units, and its
  duplicate groups point at existing files/units;
* every "D Month YYYY (D Month YYYY)" pair of Solar Hijri and Gregorian dates
  in the texts is a correct conversion;
* events have ISO dates and types from the vocabulary; claims have low <= high;
* the lists and list_membership.csv agree.

Whitespace is collapsed before matching (PDF extraction breaks lines).
Exit status 0 when everything passes.
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import email
import email.policy
import io
import json
import mailbox
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import jalali  # noqa: E402

SAMPLE = HERE.parent
CORPUS = SAMPLE / "corpus"
TRUTH = SAMPLE / "truth"

EVENT_TYPES = {"execution", "arbitrary_arrest", "torture", "enforced_disappearance",
               "sentencing", "flogging", "desecration_of_graves", "attack", "threat",
               "protest", "strike", "hunger_strike"}


def norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


# --------------------------------------------------------------------------- extraction
def html_text(data: bytes | str) -> str:
    import lxml.html
    if isinstance(data, bytes):
        data = data.decode("utf-8")
    doc = lxml.html.document_fromstring(data)
    for bad in doc.xpath("//script|//style"):
        bad.drop_tree()
    body = doc.find("body")
    return norm((body if body is not None else doc).text_content())


def html_units(data: bytes) -> dict[str, str]:
    import lxml.html
    doc = lxml.html.document_fromstring(data.decode("utf-8"))
    return {a.get("id"): norm(a.text_content()) for a in doc.xpath("//article")}


def message_text(msg) -> str:
    parts = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
            parts.append(html_text(payload) if part.get_content_subtype() == "html" else payload)
    return norm(" ".join([str(msg["Subject"] or "")] + parts))


def extract(path: Path) -> tuple[str, dict[str, str]]:
    """(whole text, {unit key: unit text})"""
    suf = "".join(path.suffixes[-2:]) if path.name.endswith(".warc.gz") else path.suffix
    data = path.read_bytes()
    if suf in (".txt", ".md"):
        return norm(data.decode("utf-8")), {}
    if suf == ".html":
        units = html_units(data)
        return html_text(data), (units if len(units) > 1 else {})
    if suf == ".pdf":
        from pypdf import PdfReader
        r = PdfReader(io.BytesIO(data))
        return norm("\n".join(p.extract_text() for p in r.pages)), {}
    if suf == ".docx":
        import docx
        d = docx.Document(io.BytesIO(data))
        return norm("\n".join(p.text for p in d.paragraphs)), {}
    if suf == ".eml":
        msg = email.message_from_bytes(data, policy=email.policy.default)
        return message_text(msg), {}
    if suf == ".mbox":
        units = {}
        for msg in mailbox.mbox(str(path), factory=lambda f: email.message_from_binary_file(
                f, policy=email.policy.default)):
            units[msg["Message-ID"].strip()] = message_text(msg)
        return norm(" ".join(units.values())), units
    if suf == ".warc.gz":
        from warcio.archiveiterator import ArchiveIterator
        units = {}
        with open(path, "rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response":
                    units[rec.rec_headers.get_header("WARC-Target-URI")] = html_text(
                        rec.content_stream().read())
        return norm(" ".join(units.values())), units
    raise ValueError(f"unknown format: {path}")


# --------------------------------------------------------------------------- checks
class Checker:
    def __init__(self):
        self.errors: list[str] = []
        self.texts: dict[str, tuple[str, dict[str, str]]] = {}

    def err(self, msg: str) -> None:
        self.errors.append(msg)

    def text(self, file: str, unit: str | None = None) -> str | None:
        if file not in self.texts:
            self.err(f"unknown file {file!r}")
            return None
        whole, units = self.texts[file]
        if unit is None:
            return whole
        if unit not in units:
            self.err(f"{file}: unknown unit {unit!r}")
            return None
        return units[unit]

    def occurs(self, what: str, s: str, file: str, unit: str | None = None) -> None:
        t = self.text(file, unit)
        if t is not None and norm(s) not in t:
            self.err(f"{what}: {s!r} not found in {file}{'#' + unit if unit else ''}")


def check_documents(c: Checker, docs) -> None:
    files = {p.name for p in CORPUS.iterdir() if p.is_file()}
    listed = {d["file"] for d in docs["documents"]}
    for f in files - listed:
        c.err(f"documents.json does not list {f}")
    for f in listed - files:
        c.err(f"documents.json lists missing file {f}")
    for d in docs["documents"]:
        if d["file"] not in c.texts:
            continue
        units = c.texts[d["file"]][1]
        want = {u["key"] for u in d.get("units", [])}
        if want != set(units):
            c.err(f"{d['file']}: units {sorted(want)} != extracted {sorted(units)}")
    for g in docs["duplicates"]:
        for m in g["members"]:
            c.text(m["file"], m.get("unit"))


def check_entities(c: Checker, ents) -> None:
    ids = set()
    for e in ents["entities"]:
        ids.add(e["id"])
        texts = []
        for d in e["documents"]:
            t = c.text(d)
            if t is None:
                continue
            texts.append(t)
            if not any(f in t for f in e["forms"]):
                c.err(f"entity {e['id']}: no form occurs in {d}")
        for f in e["forms"]:
            if not any(f in t for t in texts):
                c.err(f"entity {e['id']}: form {f!r} occurs in none of its documents")
        if e["preferred"] not in e["forms"] and e["type"] != "person":
            pass
    for pair in ents["different"]:
        for side in ("a", "b"):
            if pair[side] not in ids:
                c.err(f"different: unknown entity {pair[side]}")


def check_claims(c: Checker, claims, entity_ids: set) -> None:
    for i, k in enumerate(claims["claims"]):
        c.occurs(f"claim {i}", k["quote"], k["file"], k.get("unit"))
        lo, hi = k["low"], k["high"]
        if lo is not None and hi is not None and lo > hi:
            c.err(f"claim {i}: low > high")
        if k.get("claimant_id") and k["claimant_id"] not in entity_ids:
            c.err(f"claim {i}: unknown claimant_id {k['claimant_id']}")
        for key in ("counted", "predicate", "claimant", "group", "qualifier"):
            if not k.get(key):
                c.err(f"claim {i}: missing {key}")


def check_events(c: Checker, events) -> None:
    for i, e in enumerate(events["events"]):
        c.occurs(f"event {i}", e["sentence"], e["file"], e.get("unit"))
        if e["type"] not in EVENT_TYPES:
            c.err(f"event {i}: bad type {e['type']}")
        for key in ("date_start", "date_end"):
            if e.get(key):
                dt.date.fromisoformat(e[key])
        if e.get("date_start") and e.get("date_end") and e["date_start"] > e["date_end"]:
            c.err(f"event {i}: date_start > date_end")


def check_quotes(c: Checker, quotes, entity_ids: set) -> None:
    for i, q in enumerate(quotes["quotes"]):
        c.occurs(f"quote {i}", q["text"], q["file"], q.get("unit"))
        if q.get("text_continued"):
            c.occurs(f"quote {i} (continued)", q["text_continued"], q["file"], q.get("unit"))
        if q.get("speaker_id") and q["speaker_id"] not in entity_ids:
            c.err(f"quote {i}: unknown speaker_id {q['speaker_id']}")
        if q.get("cue"):
            c.occurs(f"quote {i} cue", q["cue"], q["file"], q.get("unit"))


MONTHS_G = ["January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"]
SH = "|".join(jalali.MONTHS)
G = "|".join(MONTHS_G + [m[:3] for m in MONTHS_G])


def _g(day, month, year):
    names = [m.lower() for m in MONTHS_G]
    m = month.lower()
    idx = names.index(m) if m in names else [n[:3] for n in names].index(m)
    return dt.date(int(year), idx + 1, int(day))


def check_dates(c: Checker) -> int:
    n = 0
    pat1 = re.compile(rf"(\d{{1,2}}) ({SH}) (\d{{4}}) [\(\[](\d{{1,2}}) ({G}) (\d{{4}})[\)\]]")
    pat2 = re.compile(rf"(\d{{1,2}}) ({G}) (\d{{4}}) [\(\[](\d{{1,2}}) ({SH}) (\d{{4}})[\)\]]")
    for f, (t, _) in c.texts.items():
        for m in pat1.finditer(t):
            n += 1
            sh = jalali.to_gregorian(int(m[3]), jalali.MONTHS.index(m[2]) + 1, int(m[1]))
            if sh != _g(m[4], m[5], m[6]):
                c.err(f"{f}: date pair {m[0]!r} wrong (SH -> {sh})")
        for m in pat2.finditer(t):
            n += 1
            sh = jalali.to_gregorian(int(m[6]), jalali.MONTHS.index(m[5]) + 1, int(m[4]))
            if sh != _g(m[1], m[2], m[3]):
                c.err(f"{f}: date pair {m[0]!r} wrong (SH -> {sh})")
    return n


def check_lists(c: Checker) -> dict:
    members = list(csv.DictReader(open(TRUTH / "list_membership.csv", encoding="utf-8")))
    pop = {r["person_id"] for r in csv.DictReader(open(TRUTH / "population.csv", encoding="utf-8"))}
    stats = {}
    for name in ("list_a", "list_b", "list_c"):
        rows = list(csv.DictReader(open(SAMPLE / "lists" / f"{name}.csv", encoding="utf-8")))
        rids = {r["record_id"] for r in rows}
        mids = {m["record_id"] for m in members if m["list"] == name}
        if rids != mids:
            c.err(f"{name}: records and membership differ")
        stats[name] = len(rows)
    for m in members:
        if m["person_id"] not in pop:
            c.err(f"membership: unknown person {m['person_id']}")
    return stats


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--dump", type=Path, help="write extracted texts to this folder")
    args = ap.parse_args()
    c = Checker()
    for p in sorted(CORPUS.iterdir()):
        if p.is_file():
            c.texts[p.name] = extract(p)
    if args.dump:
        args.dump.mkdir(parents=True, exist_ok=True)
        for f, (t, units) in c.texts.items():
            (args.dump / f"{f}.txt").write_text(t + "\n", encoding="utf-8")
            for k, u in units.items():
                safe = re.sub(r"[^A-Za-z0-9]+", "_", k)[:60]
                (args.dump / f"{f}#{safe}.txt").write_text(u + "\n", encoding="utf-8")
    load = lambda n: json.loads((TRUTH / n).read_text(encoding="utf-8"))  # noqa: E731
    docs, ents, claims = load("documents.json"), load("entities.json"), load("claims.json")
    events, quotes = load("events.json"), load("quotes.json")
    check_documents(c, docs)
    check_entities(c, ents)
    check_claims(c, claims, {e['id'] for e in ents['entities']})
    check_events(c, events)
    check_quotes(c, quotes, {e['id'] for e in ents['entities']})
    ndates = check_dates(c)
    stats = check_lists(c)
    for e in c.errors:
        print("FAIL", e)
    print(f"{len(c.texts)} documents, {len(ents['entities'])} entities, "
          f"{len(claims['claims'])} claims, {len(events['events'])} events, "
          f"{len(quotes['quotes'])} quotes, {ndates} date pairs checked, lists {stats}")
    print("OK" if not c.errors else f"{len(c.errors)} problem(s)")
    return 1 if c.errors else 0


if __name__ == "__main__":
    sys.exit(main())
