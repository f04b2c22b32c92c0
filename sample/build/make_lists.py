#!/usr/bin/env python3
"""Generate the three overlapping (fictional) victim lists of the sample.

    python sample/build/make_lists.py

Draws a hidden "true" population of 300 victims of the (invented) 1367 prison
killings in Arvestan, then three lists that each capture part of it, with
heterogeneous and dependent capture probabilities, list-specific romanisation,
missing fields and a few typos:

  lists/list_a.csv  AHRDC register           (full_name, birth_year, ISO dates)
  lists/list_b.csv  APFO "martyrs" list       (given_name/family_name, Solar Hijri
                                               dates, a few names in Persian script)
  lists/list_c.csv  Mothers of Sangestan list (full_name, age, free-text dates,
                                               one record entered twice)

and the ground truth:

  truth/population.csv       person_id and true attributes
  truth/list_membership.csv  list, record_id, person_id

Everything is driven by one fixed seed, so the output is byte-identical on
every run.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import jalali  # noqa: E402

SAMPLE = HERE.parent
SEED = 1367
N = 300

MALE = ["Mohammad", "Ali", "Hossein", "Hassan", "Reza", "Ahmad", "Mahmoud", "Mehdi",
        "Mostafa", "Ebrahim", "Javad", "Saeed", "Majid", "Hamid", "Masoud", "Bijan",
        "Behrouz", "Farhad", "Kamran", "Kourosh", "Siavash", "Parviz", "Jamshid",
        "Nasser", "Abbas", "Gholam-Reza", "Hossein-Ali", "Mohammad-Reza", "Ali-Reza",
        "Mohammad-Ali", "Seyed Mohsen", "Morteza", "Asghar", "Akbar", "Yousef",
        "Rasoul", "Davoud", "Manouchehr", "Fereydoun", "Houshang", "Hamid-Reza",
        "Abolfazl", "Ghasem", "Ghodrat", "Seyed Ahmad", "Mohammad-Taghi", "Khosrow"]
FEMALE = ["Zohreh", "Fariba", "Maryam", "Fatemeh", "Shahla", "Mahin", "Parvaneh",
          "Soudabeh", "Azam", "Mitra", "Roya", "Shirin", "Leila", "Nasrin", "Farzaneh",
          "Mahboubeh", "Zahra", "Monireh", "Tahereh", "Effat", "Ashraf", "Sheida"]
FATHERS = ["Mohammad", "Ali", "Hossein", "Hassan", "Reza", "Ahmad", "Mahmoud",
           "Abbas", "Gholam-Reza", "Gholam-Hossein", "Ebrahim", "Esmaeil", "Yousef",
           "Ghasem", "Rahim", "Karim", "Jafar", "Mohammad-Ali", "Asadollah",
           "Nasrollah", "Heidar", "Rasoul", "Mostafa", "Hossein-Ali", "Ghorban"]
FAMILIES = ["Ahmadi", "Akbari", "Alavi", "Amini", "Ansari", "Asadi", "Azizi",
            "Bagheri", "Ebrahimi", "Esmaeili", "Fallahi", "Farahani", "Ghasemi",
            "Gholami", "Habibi", "Heidari", "Hosseini", "Jafari", "Jalali", "Kamali",
            "Kazemi", "Khalili", "Khosravi", "Mahdavi", "Majidi", "Mansouri",
            "Mirzaei", "Mohammadi", "Moradi", "Mousavi", "Nazari", "Nikpour",
            "Rahimi", "Rashidi", "Rezaei", "Rostami", "Sadeghi", "Safari", "Salehi",
            "Shafiei", "Sharifi", "Soltani", "Tabatabaei", "Taheri", "Yousefi",
            "Zamani", "Zarei", "Ghorbani", "Ghanbari", "Shirazi", "Hosseinzadeh",
            "Alizadeh", "Hassanzadeh", "Rezazadeh", "Mohammadzadeh", "Pour-Ahmadi",
            "Pour-Mousavi", "Mir-Hosseini", "Haj-Ebrahimi", "Sheikh-Ahmadi",
            "Nayyeri", "Sayyadi", "Moghaddam", "Eshraghi", "Shaghaghi", "Baghaei",
            "Rouhani", "Tavassoli", "Ghaffari", "Nouri", "Bahrami", "Daneshvar",
            "Golzari", "Eftekhari", "Kermani", "Rahmani", "Ghodsi", "Sadri",
            "Abdollahi", "Beheshti", "Dehghani", "Feizi", "Hejazi", "Jahangiri",
            "Lotfi", "Motamedi", "Najafi", "Owaisi", "Parsa", "Ranjbar", "Sabouri",
            "Sheikhi", "Vaezi", "Yeganeh", "Zandi", "Pourghasem", "Haghighi",
            "Yazdani", "Kheirkhah", "Aghaei", "Seifi"]

PRISONS = {  # prison -> (city, share, canonical name per list)
    "GS": ("Sarvand", 0.55, "Ghasr-e Sorkh Prison", ["Qasr-e Sorkh", "Qasr-e Sorkh", "Ghasr-e Sorkh"],
           ["Ghasre Sorkh", "Ghasr-e Sorkh", "Red Castle (Ghasr-e Sorkh)", "Qasr Sorkh"]),
    "TS": ("Golvar", 0.27, "Tal-e Siah Prison", ["Tal-e Siyah", "Tal-e Siah"],
           ["Tal Siah", "Tal-e Siah prison"]),
    "DZ": ("Dezhkan", 0.18, "Dezhkan Central Prison", ["Dezhkan", "Dezhkan Central"],
           ["Dezhkan prison", "Dezhkan Central Prison"]),
}
AFFIL = [("APFO", 0.68), ("Toilers' Party", 0.20), ("ORW", 0.06), ("", 0.06)]
AFFIL_C = {"APFO": ["Azadi-ye Mardom", "APFO supporter", "Mojahed-e Azadi", ""],
           "Toilers' Party": ["Zahmatkeshan", "leftist", "Toilers", ""],
           "ORW": ["leftist", "ORW", ""], "": ["", ""]}

# Persian script for names used in a few rows of list B (one row uses Arabic yeh/kaf)
PERSIAN = {"Farhad": "فرهاد", "Azarnoush": "آذرنوش", "Mahmoud": "محمود",
           "Ghaffari": "غفاری", "Hossein": "حسین", "Ali": "علی", "Karimi": "کریمی",
           "Mohammad": "محمد", "Reza": "رضا", "Ahmad": "احمد", "Mehdi": "مهدی",
           "Ghodsi": "قدسی", "Zohreh": "زهره", "Eftekhari": "افتخاری",
           "Kourosh": "کورش", "Rahmani": "رحمانی", "Siavash": "سیاوش",
           "Bahrami": "بهرامی", "Akbar": "اکبر", "Nouri": "نوری", "Hassan": "حسن",
           "Ebrahim": "ابراهیم", "Jafari": "جعفری", "Hosseini": "حسینی",
           "Rezaei": "رضایی", "Ahmadi": "احمدی", "Mousavi": "موسوی",
           "Kazemi": "کاظمی", "Rahimi": "رحیمی", "Sadeghi": "صادقی",
           "Moradi": "مرادی", "Majid": "مجید", "Saeed": "سعید", "Javad": "جواد",
           "Abbas": "عباس", "Yousef": "یوسف", "Karim": "کریم", "Rahim": "رحیم"}

# Victims named in the corpus documents: fixed attributes (entity id in truth/entities.json)
FEATURED = [
    # given, family, father, sex, birth, date (ISO, precision), prison, affiliation, entity, force
    ("Farhad", "Azarnoush", "Gholam-Reza", "M", 1960, "1988-08-03", "GS", "APFO", "per_farhad_azarnoush", "ABC"),
    ("Kamran", "Azarnoush", "Gholam-Reza", "M", 1963, "1988-09", "TS", "Toilers' Party", "per_kamran_azarnoush", "AC"),
    ("Kourosh", "Rahmani", "Ebrahim", "M", 1962, "1988-08", "GS", "APFO", "per_kourosh_rahmani", "ABC"),
    ("Zohreh", "Eftekhari", "Hassan", "F", 1961, "1988-07-30", "GS", "APFO", "per_zohreh_eftekhari", "AB"),
    ("Mahmoud", "Ghaffari", "Ahmad", "M", 1955, "1988-08-03", "GS", "APFO", "per_mahmoud_ghaffari", "AB"),
    ("Hossein-Ali", "Yazdanpanah", "Mohammad", "M", 1958, "1988-08", "GS", "APFO", "per_hosseinali_yazdanpanah", "ABC"),
    ("Mehdi", "Ghodsi", "Karim", "M", 1959, "1988-08", "GS", "APFO", "per_mehdi_ghodsi", "AC"),
    ("Parviz", "Nouri", "Esmaeil", "M", 1953, "1988-08-31", "GS", "Toilers' Party", "per_parviz_nouri", "AC"),
    ("Akbar", "Sheikholeslami", "Yousef", "M", 1950, "1988-09", "GS", "Toilers' Party", "per_akbar_sheikholeslami", "A"),
    ("Siavash", "Bahrami", "Ali", "M", 1964, "1988-08-27", "TS", "APFO", "per_siavash_bahrami", "A"),
    ("Fariba", "Daneshvar", "Rahim", "F", 1962, "1988-09", "TS", "APFO", "per_fariba_daneshvar", "A"),
    ("Hossein", "Karimi", "Abbas", "M", 1959, "1988-08-27", "DZ", "APFO", "per_hossein_karimi_1959", "A"),
    ("Mohammad-Javad", "Kermani", "Mohammad-Ali", "M", 1957, "1988-09", "DZ", "Toilers' Party", "per_mohammadjavad_kermani", "A"),
    ("Ahmad", "Golzari", "Jafar", "M", 1966, "1988-09", "DZ", "APFO", "", ""),
    # Hamid Rostami's cellmates: "new to us" for AHRDC -> never on list A
    ("Reza", "Gholami", "", "M", 1961, "1988-08-27", "TS", "APFO", "per_reza_gholami", "-A"),
    ("Naser", "Ahmadi", "", "M", 1960, "1988-08-27", "TS", "APFO", "per_naser_ahmadi", "-A"),
    ("Hassan", "Mirzaei", "", "M", 1958, "1988-08-27", "TS", "", "per_hassan_mirzaei", "-A"),
    ("Yousef", "Tabatabaei", "", "M", 1963, "1988-08-27", "TS", "APFO", "per_yousef_tabatabaei", "-A"),
]


# --------------------------------------------------------------------------- variants
def _sub(s: str, a: str, b: str) -> str:
    return s.replace(a, b).replace(a.capitalize(), b.capitalize())


RULES = {
    "gh_q": lambda s: _sub(s, "gh", "q"),
    "ou_u": lambda s: _sub(s, "ou", "u"),
    "ou_oo": lambda s: _sub(s, "ou", "oo"),
    "ei_ey": lambda s: _sub(s, "ei", "ey"),
    "hossein": lambda s: s.replace("Hossein", "Hosein"),
    "hussein": lambda s: s.replace("Hossein", "Hussein"),
    "mohammed": lambda s: s.replace("Mohammad", "Mohammed"),
    "muhammad": lambda s: s.replace("Mohammad", "Muhammad"),
    "mustafa": lambda s: s.replace("Mostafa", "Mustafa"),
    "ibrahim": lambda s: s.replace("Ebrahim", "Ibrahim"),
    "seyyed": lambda s: s.replace("Seyed ", "Seyyed "),
    "sayed": lambda s: s.replace("Seyed ", "Sayed "),
    "join": lambda s: _join(s, ""),
    "space": lambda s: _join(s, " "),
    "zade": lambda s: s.replace("zadeh", "zade"),
    "single": lambda s: s.replace("yy", "y").replace("ss", "s").replace("ff", "f").replace("dd", "d"),
    "davood": lambda s: s.replace("Davoud", "Davood"),
    "iy": lambda s: s.replace("Siavash", "Siyavash"),
}


def _join(s: str, sep: str) -> str:
    out = []
    for part in s.split(" "):
        if "-" in part:
            a, b = part.split("-", 1)
            part = a + sep + (b.lower() if sep == "" else b)
        out.append(part)
    return " ".join(out)


STYLES = {  # rule -> probability, applied independently to each record
    "A": {"gh_q": 0.03, "ou_u": 0.03, "join": 0.15, "space": 0.05, "mohammed": 0.03},
    "B": {"gh_q": 0.7, "ou_u": 0.6, "mohammed": 0.6, "hossein": 0.5, "join": 0.5,
          "zade": 0.5, "single": 0.3, "ibrahim": 0.3, "seyyed": 0.5, "mustafa": 0.4, "iy": 1.0},
    "C": {"ou_oo": 0.5, "ei_ey": 0.5, "hussein": 0.4, "space": 0.6, "muhammad": 0.2,
          "sayed": 0.5, "davood": 0.8, "zade": 0.3},
}


def romanise(rng: random.Random, s: str, style: str) -> str:
    for rule, p in STYLES[style].items():
        if rng.random() < p:
            s = RULES[rule](s)
    return s


def typo(rng: random.Random, s: str) -> str:
    letters = [i for i, c in enumerate(s) if c.isalpha() and i > 0]
    i = rng.choice(letters[:-1] or letters)
    kind = rng.choice(["swap", "drop", "double"])
    if kind == "swap" and i + 1 < len(s) and s[i + 1].isalpha():
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if kind == "drop":
        return s[:i] + s[i + 1:]
    return s[:i] + s[i] + s[i:]


# --------------------------------------------------------------------------- population
def pick(rng, weighted):
    r = rng.random()
    acc = 0.0
    for v, w in weighted:
        acc += w
        if r < acc:
            return v
    return weighted[-1][0]


def draw_date(rng, prison, affil):
    if prison == "GS":
        lo, hi = ((dt.date(1988, 7, 29), dt.date(1988, 8, 20)) if affil == "APFO"
                  else (dt.date(1988, 8, 27), dt.date(1988, 9, 15)))
    elif prison == "TS":
        lo, hi = dt.date(1988, 8, 20), dt.date(1988, 9, 21)
    else:
        lo, hi = dt.date(1988, 8, 25), dt.date(1988, 9, 21)
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def make_population(rng):
    people = []
    used = set()
    for i, f in enumerate(FEATURED):
        given, family, father, sex, birth, date, prison, affil, ent, force = f
        prec = {10: "day", 7: "month"}[len(date)]
        people.append(dict(given=given, family=family, father=father, sex=sex,
                           birth_year=birth, date=date, precision=prec, sh=sh_of(date),
                           prison=prison,
                           affiliation=affil, entity=ent, force=force))
        used.add((given, family))
    while len(people) < N:
        sex = "F" if rng.random() < 0.10 else "M"
        given = rng.choice(FEMALE if sex == "F" else MALE)
        family = rng.choice(FAMILIES)
        if (given, family) in used and rng.random() < 0.8:
            continue  # allow a few true namesakes, not many
        used.add((given, family))
        prison = pick(rng, [(k, v[1]) for k, v in PRISONS.items()])
        affil = pick(rng, AFFIL)
        d = draw_date(rng, prison, affil).isoformat()
        birth = min(1970, max(1945, int(rng.gauss(1960, 5))))
        people.append(dict(given=given, family=family, father=rng.choice(FATHERS),
                           sex=sex, birth_year=birth, date=d, precision="day", sh=sh_of(d),
                           prison=prison, affiliation=affil, entity="", force=""))
    order = list(range(N))
    rng.shuffle(order)
    people = [people[i] for i in order]
    for n, p in enumerate(people, 1):
        p["person_id"] = f"P{n:04d}"
    return people


def capture(rng, people):
    for p in people:
        city = PRISONS[p["prison"]][0]
        pa = {"Sarvand": 0.54, "Golvar": 0.44, "Dezhkan": 0.37}[city]
        if p["affiliation"] in ("ORW", ""):
            pa -= 0.12
        pb = 0.66 if p["affiliation"] == "APFO" else 0.0
        if city != "Sarvand":
            pb -= 0.08
        inA = rng.random() < pa
        inB = rng.random() < pb
        pc = 0.33 if city == "Sarvand" else 0.08
        if inA:
            pc *= 1.35  # families who talk to AHRDC also give names to the Mothers
        inC = rng.random() < pc
        f = p["force"]
        if f:
            if f.startswith("-"):
                inA = inA and "A" not in f
            else:
                inA, inB, inC = "A" in f, "B" in f, "C" in f
        p["lists"] = ("A" if inA else "") + ("B" if inB else "") + ("C" if inC else "")


# --------------------------------------------------------------------------- lists
def sh_of(iso: str) -> str:
    """True date in the Solar Hijri calendar, 'YYYY/MM/DD', or 'YYYY/MM' for the
    featured victims whose day is unknown: their sources give only the Solar
    Hijri month (Mordad = 1988-08 and Shahrivar = 1988-09 in the ISO column,
    an approximation: Mordad runs 23 July - 22 August 1988)."""
    parts = [int(x) for x in iso.split("-")]
    if len(parts) == 3:
        jy, jm, jd = jalali.from_gregorian(dt.date(*parts))
        return f"{jy}/{jm:02d}/{jd:02d}"
    jy, jm, _ = jalali.from_gregorian(dt.date(parts[0], parts[1], 15))
    return f"{jy}/{jm:02d}"


def free_text_date(rng, p) -> str:
    parts = [int(x) for x in p["sh"].split("/")]
    jy, jm = parts[0], parts[1]
    r = rng.random()
    if len(parts) == 3 and r < 0.35:
        return f"{parts[2]} {jalali.MONTHS[jm - 1]} {jy}"
    if r < 0.75:
        return f"{jalali.MONTHS[jm - 1]} {jy}"
    if r < 0.9 and p["precision"] == "day":
        return dt.date.fromisoformat(p["date"]).strftime("%b %Y")
    return "summer 1367"


def write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    path.write_text(buf.getvalue(), encoding="utf-8")


def main() -> int:
    rng = random.Random(SEED)
    people = make_population(rng)
    capture(rng, people)
    membership = []

    # ---- list A: AHRDC register, sorted by family name
    recs = []
    for p in people:
        if "A" not in p["lists"]:
            continue
        name = romanise(rng, f"{p['given']} {p['family']}", "A")
        if p["entity"] == "per_farhad_azarnoush":
            name = "Farhad Azarnoush"
        if rng.random() < 0.02:
            name = typo(rng, name)
        father = romanise(rng, p["father"], "A") if p["father"] and rng.random() > 0.10 else ""
        birth = p["birth_year"] if rng.random() > 0.15 else ""
        date = p["date"] if rng.random() > 0.08 else p["date"][:7]
        city = PRISONS[p["prison"]][0]
        recs.append((p["family"], p["given"], p, [name, father, p["sex"], birth, date, city,
                                                   PRISONS[p["prison"]][2], p["affiliation"]]))
    recs.sort(key=lambda r: (r[0], r[1]))
    rows = []
    for n, (_, _, p, row) in enumerate(recs, 1):
        rid = f"AHRDC-{n:04d}"
        rows.append([rid] + row)
        membership.append(("list_a", rid, p["person_id"]))
    write_csv(SAMPLE / "lists" / "list_a.csv",
              ["record_id", "full_name", "father_name", "sex", "birth_year", "date",
               "place", "prison", "affiliation"], rows)

    # ---- list B: APFO martyrs list, given/family names, Solar Hijri dates, sorted by date
    recs = []
    persian_budget = 7
    for p in people:
        if "B" not in p["lists"]:
            continue
        given, family = p["given"], p["family"]
        if (persian_budget and given in PERSIAN and family in PERSIAN
                and (rng.random() < 0.5 or p["entity"] == "per_mahmoud_ghaffari")):
            g, f = PERSIAN[given], PERSIAN[family]
            if persian_budget == 7:  # one row in Arabic-encoded letters (ي ك)
                g, f = g.replace("ی", "ي").replace("ک", "ك"), f.replace("ی", "ي").replace("ک", "ك")
            persian_budget -= 1
        else:
            g = romanise(rng, given, "B")
            f = romanise(rng, family, "B")
            if rng.random() < 0.03:
                f = typo(rng, f)
        father = romanise(rng, p["father"], "B") if p["father"] and rng.random() > 0.25 else ""
        if p["entity"] == "per_farhad_azarnoush":  # the error Mina Azarnoush points out
            g, f, father = "Farhad", "Azarnoosh", "Gholam-Hossein"
        birth = p["birth_year"] if rng.random() > 0.30 else ""
        r = rng.random()
        date = p["sh"] if r > 0.15 else (p["sh"][:7] if r > 0.05 else "1367")
        city = PRISONS[p["prison"]][0]
        place = city if rng.random() < 0.7 else f"{city} province"
        prison = rng.choice(PRISONS[p["prison"]][3])
        recs.append((p["date"], p, [g, f, father, p["sex"], birth, date, place, prison, "SAMA"]))
    recs.sort(key=lambda r: (r[0], r[2][1]))
    rows = []
    for n, (_, p, row) in enumerate(recs, 1):
        rid = f"B-{n:03d}"
        rows.append([rid] + row)
        membership.append(("list_b", rid, p["person_id"]))
    write_csv(SAMPLE / "lists" / "list_b.csv",
              ["record_id", "given_name", "family_name", "father_name", "sex", "birth_year",
               "date", "place", "prison", "affiliation"], rows)

    # ---- list C: Mothers of Sangestan, age at death, free-text dates, unsorted
    recs = []
    for p in people:
        if "C" not in p["lists"]:
            continue
        reps = 2 if p["entity"] == "per_kourosh_rahmani" else 1  # entered twice
        for k in range(reps):
            name = romanise(rng, f"{p['given']} {p['family']}", "C")
            if p["entity"] == "per_kourosh_rahmani":
                name = ["Koorosh Rahmani", "Kourosh Rahmani"][k]
            if rng.random() < 0.04:
                name = typo(rng, name)
            father = romanise(rng, p["father"], "C") if p["father"] and rng.random() > 0.40 else ""
            age = ""
            if rng.random() > 0.30:
                age = 1988 - p["birth_year"] + (rng.choice([-1, 1]) if rng.random() < 0.2 else 0)
            date = free_text_date(rng, p) if rng.random() > 0.35 else ""
            city = PRISONS[p["prison"]][0]
            place = city if rng.random() > 0.1 else ""
            prison = rng.choice(PRISONS[p["prison"]][4]) if rng.random() > 0.2 else ""
            affil = rng.choice(AFFIL_C[p["affiliation"]]) if rng.random() > 0.5 else ""
            recs.append((p, [name, father, p["sex"] if rng.random() > 0.1 else "", age,
                             date, place, prison, affil]))
    rng.shuffle(recs)
    rows = []
    for n, (p, row) in enumerate(recs, 1):
        rid = f"MS-{n:03d}"
        rows.append([rid] + row)
        membership.append(("list_c", rid, p["person_id"]))
    write_csv(SAMPLE / "lists" / "list_c.csv",
              ["record_id", "full_name", "father_name", "sex", "age", "date", "place",
               "prison", "affiliation"], rows)

    # ---- truth
    pop_rows = []
    for p in sorted(people, key=lambda p: p["person_id"]):
        pop_rows.append([p["person_id"], f"{p['given']} {p['family']}", p["given"], p["family"],
                         p["father"], p["sex"], p["birth_year"], p["date"], p["sh"],
                         p["precision"],
                         PRISONS[p["prison"]][0], PRISONS[p["prison"]][2], p["affiliation"],
                         int("A" in p["lists"]), int("B" in p["lists"]), int("C" in p["lists"]),
                         p["entity"]])
    write_csv(SAMPLE / "truth" / "population.csv",
              ["person_id", "full_name", "given_name", "family_name", "father_name", "sex",
               "birth_year", "date_of_death", "date_of_death_sh", "date_precision",
               "place", "prison",
               "affiliation", "in_list_a", "in_list_b", "in_list_c", "entity_id"], pop_rows)
    write_csv(SAMPLE / "truth" / "list_membership.csv", ["list", "record_id", "person_id"],
              [list(m) for m in membership])

    # ---- summary
    from collections import Counter
    pat = Counter(p["lists"] for p in people)
    sizes = Counter(m[0] for m in membership)
    print("population", len(people), "| records", dict(sizes))
    print("capture patterns (people):", {k or "none": v for k, v in sorted(pat.items())})
    return 0


if __name__ == "__main__":
    sys.exit(main())
