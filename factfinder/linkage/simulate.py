"""Synthetic Persian victim lists with known truth, for tests and benchmarks.

``simulate(n_people, n_lists)`` draws a population of victims (families of brothers and sisters
who share a family name and a father's name, namesakes from a skewed name distribution) and
writes each person onto some of the lists, the way different compilers would: romanisation
variants (Hossein/Hosein/Hussein, Mohammad/Mohammed/Muhammad, gh/q, ou/u/oo, ei/ey,
-zadeh/-zade, Pour/Poor), compounds joined, hyphenated or spaced, family name first, names in
Persian script, typos, missing fields and birth years off by one. The truth says which records
are the same person. Everything is drawn from one ``random.Random(seed)``: same seed, same lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import pandas as pd

# canonical Latin spelling → Persian script; a skewed choice makes namesakes realistic
MALE = {
    "Mohammad": "محمد", "Ali": "علی", "Hossein": "حسین", "Reza": "رضا", "Hassan": "حسن",
    "Mehdi": "مهدی", "Mahmoud": "محمود", "Ahmad": "احمد", "Abbas": "عباس", "Mostafa": "مصطفی",
    "Morteza": "مرتضی", "Masoud": "مسعود", "Davoud": "داوود", "Ghasem": "قاسم", "Jafar": "جعفر",
    "Saeed": "سعید", "Behrouz": "بهروز", "Farhad": "فرهاد", "Kamran": "کامران", "Parviz": "پرویز",
    "Majid": "مجید", "Hamid": "حمید", "Akbar": "اکبر", "Asghar": "اصغر", "Nasser": "ناصر",
    "Abolfazl": "ابوالفضل", "Rahim": "رحیم", "Karim": "کریم", "Ebrahim": "ابراهیم",
    "Esmaeil": "اسماعیل", "Yousef": "یوسف", "Taghi": "تقی", "Siavash": "سیاوش",
    "Bijan": "بیژن", "Houshang": "هوشنگ", "Manouchehr": "منوچهر", "Khosrow": "خسرو",
    "Rouhollah": "روح‌الله", "Nourollah": "نورالله", "Gholam": "غلام", "Heidar": "حیدر",
}
COMPOUNDS = [("Mohammad", "Reza"), ("Mohammad", "Ali"), ("Gholam", "Hossein"),
             ("Mohammad", "Taghi"), ("Ali", "Akbar"), ("Gholam", "Reza"), ("Hossein", "Ali"),
             ("Ali", "Asghar"), ("Mohammad", "Hassan"), ("Mohammad", "Javad")]
MALE["Javad"] = "جواد"
FEMALE = {
    "Fatemeh": "فاطمه", "Zahra": "زهرا", "Maryam": "مریم", "Mahin": "مهین", "Shirin": "شیرین",
    "Parvin": "پروین", "Zeinab": "زینب", "Leila": "لیلا", "Monireh": "منیره",
    "Soheila": "سهیلا", "Roghieh": "رقیه", "Ashraf": "اشرف", "Azam": "اعظم", "Mojgan": "مژگان",
}
FAMILY = {
    "Mohammadi": "محمدی", "Hosseini": "حسینی", "Ahmadi": "احمدی", "Rezaei": "رضایی",
    "Jafari": "جعفری", "Ghasemi": "قاسمی", "Karimi": "کریمی", "Mousavi": "موسوی",
    "Hashemi": "هاشمی", "Rahimi": "رحیمی", "Heidari": "حیدری", "Sadeghi": "صادقی",
    "Pour-Mohammadi": "پورمحمدی", "Hossein-Zadeh": "حسین‌زاده", "Ali-Zadeh": "علیزاده",
    "Ghorbani": "قربانی", "Azarnoush": "آذرنوش", "Sheikhi": "شیخی", "Abdollahi": "عبداللهی",
    "Nouri": "نوری", "Kazemi": "کاظمی", "Rostami": "رستمی", "Jalali": "جلالی", "Amini": "امینی",
    "Akbari": "اکبری", "Soltani": "سلطانی", "Farahani": "فراهانی", "Eshaghi": "اسحاقی",
    "Sheikh-Ahmadi": "شیخ احمدی", "Ghasem-Zadeh": "قاسم‌زاده", "Pour-Jafari": "پورجعفری",
    "Mirzaei": "میرزایی", "Keivani": "کیوانی", "Tavakoli": "توکلی", "Bagheri": "باقری",
    "Mahmoudi": "محمودی", "Ghaffari": "غفاری", "Moradi": "مرادی", "Naderi": "نادری",
    "Yazdani": "یزدانی", "Shirazi": "شیرازی", "Tabrizi": "تبریزی", "Esfahani": "اصفهانی",
    "Dehghan": "دهقان", "Zamani": "زمانی", "Sharifi": "شریفی", "Rahmani": "رحمانی",
    "Ghanbari": "قنبری", "Golzari": "گلزاری", "Hosseinpour": "حسین‌پور", "Alipour": "علی‌پور",
    "Safari": "صفری", "Behzadi": "بهزادی", "Kermani": "کرمانی", "Yeganeh": "یگانه",
    "Faraji": "فرجی", "Ebrahimi": "ابراهیمی", "Mousavi-Zadeh": "موسوی‌زاده", "Taheri": "طاهری",
    "Asadi": "اسدی", "Bahrami": "بهرامی", "Nazari": "نظری", "Ranjbar": "رنجبر",
    "Abbasi": "عباسی", "Gholami": "غلامی", "Nikpour": "نیک‌پور", "Vaezi": "واعظی",
}
# more family names, made the way many are: a given name or a town plus a suffix
# (Karim-Zadeh, Ali-Pour, Rahim-Nejad, Tabrizi); compounds keep the hyphen the renderer varies
_SUFFIXES = {"Zadeh": "زاده", "Pour": "پور", "Nejad": "نژاد", "Far": "فر", "Abadi": "آبادی",
             "Lou": "لو"}
_ROOTS = {"Karim": "کریم", "Rahim": "رحیم", "Hassan": "حسن", "Ahmad": "احمد", "Jafar": "جعفر",
          "Ghasem": "قاسم", "Akbar": "اکبر", "Asghar": "اصغر", "Ebrahim": "ابراهیم",
          "Yousef": "یوسف", "Heidar": "حیدر", "Abbas": "عباس", "Mahmoud": "محمود",
          "Masoud": "مسعود", "Davoud": "داوود", "Kazem": "کاظم", "Nasser": "ناصر",
          "Saleh": "صالح", "Mehr": "مهر", "Shahr": "شهر", "Nour": "نور", "Golshan": "گلشن",
          "Bahram": "بهرام", "Rostam": "رستم", "Esfandiar": "اسفندیار", "Kamal": "کمال",
          "Jamal": "جمال", "Sohrab": "سهراب", "Farrokh": "فرخ", "Nik": "نیک", "Khosrow": "خسرو",
          "Amir": "امیر", "Soltan": "سلطان", "Mir": "میر", "Shir": "شیر", "Bagher": "باقر",
          "Sadegh": "صادق", "Hashem": "هاشم", "Javad": "جواد", "Majid": "مجید"}
for _root, _fa in _ROOTS.items():
    for _suffix, _sfa in _SUFFIXES.items():
        FAMILY.setdefault(f"{_root}-{_suffix}", _fa + "\u200c" + _sfa)
    FAMILY.setdefault(_root + "i", _fa + "ی")
PLACES = ["Tehran", "Tabriz", "Mashhad", "Shiraz", "Isfahan", "Rasht", "Ahvaz", "Kermanshah"]
PRISONS = ["Evin", "Gohardasht", "Ghezel Hesar", "Adelabad", "Vakilabad", "Dizelabad"]
AFFILIATIONS = ["PMOI", "Fadaian", "Tudeh", "Peykar", "Komala", "Rah-e Kargar", None]

# spelling variation a compiler might produce (the simulator's data, not a matching rule)
_SUBS = [("Mohammad", ["Mohammed", "Muhammad", "Mohamad"]), ("Hossein", ["Hosein", "Hussein",
         "Hosseyn", "Husain"]), ("ss", ["s"]), ("ou", ["u", "oo"]), ("Gh", ["Q"]),
         ("gh", ["q"]), ("ei", ["ey"]), ("zadeh", ["zade"]), ("Zadeh", ["Zade", "zadeh"]),
         ("Pour", ["Poor"]), ("pour", ["poor"]), ("ae", ["a"]), ("ee", ["i"]), ("eh", ["e"]),
         ("aei", ["aee", "ai"]), ("Saeed", ["Said", "Saiid"]), ("Jafar", ["Ja'far", "Jaafar"]),
         ("Abol", ["Abul"]), ("Ebrahim", ["Ibrahim"]), ("Esmaeil", ["Esmail", "Ismail"]),
         ("Mostafa", ["Mustafa"]), ("Taghi", ["Taqi"]), ("Zeinab", ["Zeynab"]),
         ("Fatemeh", ["Fatima", "Fateme"]), ("Mehdi", ["Mahdi"]), ("Ahmad", ["Ahmed"])]


def _zipf_choice(rng: random.Random, items: list[str], skew: float = 0.9) -> str:
    weights = [1.0 / (i + 1) ** skew for i in range(len(items))]
    return rng.choices(items, weights)[0]


def vary(rng: random.Random, text: str, p: float = 0.5) -> str:
    """One compiler's romanisation of a canonical Latin name."""
    for old, news in _SUBS:
        if old in text and rng.random() < p:
            text = text.replace(old, rng.choice(news))
    return text


def compound(rng: random.Random, parts: list[str]) -> str:
    """A compound written joined, hyphenated or spaced."""
    if len(parts) == 1:
        return parts[0]
    style = rng.random()
    if style < 0.4:
        return "-".join(parts)
    if style < 0.7:
        return " ".join(parts)
    return parts[0] + "".join(p.lower() for p in parts[1:])


def typo(rng: random.Random, text: str) -> str:
    letters = [i for i, c in enumerate(text) if c.isalpha()]
    if len(letters) < 4:
        return text
    i = rng.choice(letters[1:])
    kind = rng.random()
    if kind < 0.35:
        return text[:i] + text[i + 1:]
    if kind < 0.7 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2:]
    return text[:i] + rng.choice("aeiourns") + text[i + 1:]


@dataclass
class Person:
    person_id: str
    given: list[str]  # canonical parts of the given name, e.g. ["Mohammad", "Reza"]
    family: str  # canonical, hyphen marks a compound
    father: list[str]
    sex: str
    birth_year: int
    place: str
    prison: str
    affiliation: str | None
    date: str


@dataclass
class Simulation:
    lists: dict[str, pd.DataFrame]
    truth: pd.DataFrame  # list, record_id, person_id
    people: list[Person]

    def true_pairs(self) -> set[tuple[str, str, str, str]]:
        """Every cross-list pair of records of the same person, as (list, id, list, id)."""
        pairs: set[tuple[str, str, str, str]] = set()
        for _, group in self.truth.groupby("person_id"):
            recs = sorted(zip(group["list"], group["record_id"], strict=True))
            for i, a in enumerate(recs):
                for b in recs[i + 1:]:
                    if a[0] != b[0]:
                        pairs.add((a[0], a[1], b[0], b[1]))
        return pairs


def _given(rng: random.Random, sex: str) -> list[str]:
    if sex == "F":
        return [_zipf_choice(rng, list(FEMALE))]
    if rng.random() < 0.25:
        return list(rng.choice(COMPOUNDS))
    return [_zipf_choice(rng, list(MALE))]


def population(n: int, rng: random.Random) -> list[Person]:
    people: list[Person] = []
    families = list(FAMILY)
    while len(people) < n:
        family = _zipf_choice(rng, families, 0.6)
        father = [_zipf_choice(rng, list(MALE))]
        size = rng.choices([1, 2, 3], [0.7, 0.22, 0.08])[0]
        base = rng.randint(1940, 1970)
        place, prison = rng.choice(PLACES), rng.choice(PRISONS)
        used: set[str] = set()
        for _ in range(size):
            sex = "F" if rng.random() < 0.12 else "M"
            given = _given(rng, sex)
            while " ".join(given) in used:  # siblings never share a given name
                given = _given(rng, sex)
            used.add(" ".join(given))
            day = rng.randint(1, 28)
            people.append(Person(
                f"P{len(people) + 1:06d}", given, family, father, sex,
                base + rng.randint(-6, 6), place if rng.random() < 0.8 else rng.choice(PLACES),
                prison if rng.random() < 0.7 else rng.choice(PRISONS), rng.choice(AFFILIATIONS),
                f"1988-{rng.choice([7, 8, 9]):02d}-{day:02d}"))
    return people[:n]


def _persian(person: Person, family_first: bool) -> str:
    given = " ".join({**MALE, **FEMALE}[g] for g in person.given)
    family = FAMILY[person.family]
    return f"{family} {given}" if family_first else f"{given} {family}"


def render(rng: random.Random, person: Person, full_name: bool, noise: float = 1.0
           ) -> dict[str, object]:
    """One record of ``person`` as one compiler writes it."""
    given = vary(rng, compound(rng, person.given))
    family = vary(rng, compound(rng, person.family.split("-")))
    if rng.random() < 0.06 * noise:
        given = typo(rng, given)
    if rng.random() < 0.06 * noise:
        family = typo(rng, family)
    rec: dict[str, object] = {}
    persian = rng.random() < 0.06 * noise
    if full_name:
        family_first = rng.random() < 0.12 * noise
        if persian:
            rec["full_name"] = _persian(person, family_first)
        else:
            rec["full_name"] = f"{family} {given}" if family_first else f"{given} {family}"
    elif persian:
        rec["given_name"] = " ".join({**MALE, **FEMALE}[g] for g in person.given)
        rec["family_name"] = FAMILY[person.family]
    else:
        rec["given_name"], rec["family_name"] = given, family
    father = vary(rng, compound(rng, person.father))
    rec["father_name"] = None if rng.random() < 0.3 * noise else father
    rec["sex"] = None if rng.random() < 0.2 * noise else person.sex
    year: int | None = person.birth_year
    if rng.random() < 0.2 * noise:
        year = None
    elif rng.random() < 0.12 * noise:
        year = person.birth_year + rng.choice([-1, 1])
    rec["birth_year"] = year
    rec["date"] = None if rng.random() < 0.4 * noise else person.date
    rec["place"] = None if rng.random() < 0.3 * noise else person.place
    rec["prison"] = None if rng.random() < 0.3 * noise else person.prison
    rec["affiliation"] = None if rng.random() < 0.4 * noise else person.affiliation
    return rec


def simulate(n_people: int = 1000, n_lists: int = 2, coverage: float = 0.6, seed: int = 1367,
             noise: float = 1.0, full_name_lists: tuple[int, ...] | None = None) -> Simulation:
    """Lists named ``list_1``…; list *i* holds each person with probability ``coverage``.

    ``full_name_lists`` picks the lists written with one ``full_name`` column (default: all but
    the second, which uses ``given_name`` + ``family_name``)."""
    rng = random.Random(seed)
    people = population(n_people, rng)
    if full_name_lists is None:
        full_name_lists = tuple(i for i in range(n_lists) if i != 1)
    lists: dict[str, pd.DataFrame] = {}
    truth: list[dict[str, str]] = []
    for i in range(n_lists):
        name = f"list_{i + 1}"
        rows = []
        members = [p for p in people if rng.random() < coverage]
        rng.shuffle(members)
        for k, person in enumerate(members):
            rid = f"{name[-1]}-{k + 1:06d}"
            rec = {"record_id": rid, **render(rng, person, i in full_name_lists, noise)}
            rows.append(rec)
            truth.append({"list": name, "record_id": rid, "person_id": person.person_id})
        lists[name] = pd.DataFrame(rows)
    return Simulation(lists, pd.DataFrame(truth), people)
