"""The resolution algorithm: extracted mentions → clusters of mentions, one per entity.

Pure functions over in-memory mentions (no database), in four passes:

1. Organisations and places named in the vocabularies (``vocab/organisations.yaml``,
   ``vocab/places.yaml``) join by their canonical name: acronyms, aliases and synonyms
   ("PMOI", "MEK", "Mujahedin-e Khalq"; "Rajaei Shahr" = "Gohardasht Prison") are one entity.
   Other organisations and places join by their case-folded name; within a document an
   acronym joins the name whose initials it spells, and "Name (ACR)" makes ACR an alias.
2. Within a document, persons: full names join when their name keys agree or they are near
   spellings of each other (never a "Mr." and a "Mrs."); a bare surname ("Raisi") joins the full
   name it shortens (when several share the surname, the one its gendered title allows, else the
   nearest one before it); "Name (Alias)" and "Name, also known as
   Alias" join the alias. A one-word organisation or place that is the surname of a person
   named in the same document is that person (the model often tags bare surnames as ORG).
3. Across documents, full names join when ``factfinder.names.similarity`` is high, or fairly high
   and they share context: the other entities their documents mention, plus what is said beside
   the mentions (``factfinder.entities.context``: titles and descriptors, event roles, places
   and dates in the same sentence; a clerical title against a lay one counts against). Never
   when two given names conflict (Hossein-Ali, Ahmad and Hamed Montazeri stay three people) or
   when gendered titles do ("Mr." against "Mrs.").
4. A document's bare surnames with no full name join the one cross-document person with that
   surname (whose gendered title does not conflict), or the one whose context fits best;
   otherwise they stay a surname-only entity.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from factfinder.entities import context, names
from factfinder.entities.context import Span

TYPES = {"PERSON": "person", "ORG": "organisation", "PLACE": "place", "GPE": "place",
         "LOC": "place", "FAC": "place"}
SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "to", "a", "an", "&", "de"})
SIM_SAME_DOC = 0.85  # near spellings of a full name within one document
SIM_CROSS = 0.92  # full names across documents, on the name alone
SIM_CROSS_CONTEXT = 0.82  # … and with shared context (two or more co-mentioned entities)
SIM_CONFLICT = 0.6  # complete linkage: no two names of a cluster may score below this
SURNAME_SIM = 0.85
PAREN = re.compile(r"\s*\((?:also |a\.?k\.?a\.? |aka |alias )?"
                   r"([A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*){0,3})\)")
AKA = re.compile(r",?\s*(?:also known as|a\.k\.a\.|aka|alias|known as)\s+[\"“]?"
                 r"([A-Z][\w’'\-]*(?: [A-Z][\w’'\-]*){0,3})")
_WORDS = re.compile(r"[^\W_]+")


@dataclass
class Mention:
    id: str
    document_id: str
    start: int
    end: int
    text: str
    label: str
    normalized: str
    source: str
    type: str = ""

    @property
    def form(self) -> str:
        return self.text


@dataclass
class Cluster:
    type: str
    members: dict[str, tuple[str, float]] = field(default_factory=dict)  # id → (how, score)
    aliases: set[str] = field(default_factory=set)
    canonical: str | None = None  # vocabulary name, when the entity is in one


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    text = re.sub(r"^the\s+", "", text.strip())
    return " ".join(_WORDS.findall(text))


def initials(name: str) -> str:
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w’'\-]*", name)
                   if w.lower() not in SMALL_WORDS).upper()


class _Doc:
    """The person groups of one document."""

    def __init__(self) -> None:
        self.groups: list[Cluster] = []
        self.full: list[list[Mention]] = []  # full-name mentions of each group
        self.surname: list[str] = []  # part key, for surname-only groups ("" otherwise)


def _family_keys(form: str) -> set[str]:
    given, family = names.parts(form)
    fam = family or given[-1:]
    keys = {names.part_key(p) for p in fam}
    if len(fam) > 1:
        keys.add(names.part_key("".join(fam)))
        keys.add(names.part_key("-".join(fam)))
    return {k for k in keys if k}


def _surname_keys(form: str) -> set[str]:
    return {k for k in (names.part_key(form), names.part_key(form.replace("-", ""))) if k}


def _is_full(m: Mention) -> bool:
    given, family = names.parts(m.normalized or m.text)
    return bool(given) and bool(family)


def _aliases_after(m: Mention, text: str) -> list[str]:
    tail = text[m.end:m.end + 80]
    found = []
    for rx in (PAREN, AKA):
        hit = rx.match(tail)
        if hit:
            found.append(hit.group(1))
    return found


def _persons_in_doc(ms: list[Mention], text: str,
                    near: dict[str, frozenset[str]] | None = None) -> _Doc:
    doc = _Doc()
    near = near or {}
    ms = sorted(ms, key=lambda m: (m.start, m.end))
    fulls = [m for m in ms if _is_full(m)]
    # full names: by key, then near spellings (complete linkage)
    by_key: dict[str, list[Mention]] = defaultdict(list)
    for m in fulls:
        by_key[names.full_key(m.normalized)].append(m)
    blocks: list[list[Mention]] = list(by_key.values())

    def said(block: list[Mention]) -> set[str]:
        return {f for m in block for f in near.get(m.id, ())}

    merged = True
    while merged:
        merged = False
        for i in range(len(blocks)):
            for j in range(i + 1, len(blocks)):
                forms_i = {m.normalized for m in blocks[i]}
                forms_j = {m.normalized for m in blocks[j]}
                scores = [names.similarity(a, b) for a in forms_i for b in forms_j]
                if min(scores) >= SIM_SAME_DOC and not context.conflict(  # "Mr." / "Mrs."
                        said(blocks[i]), said(blocks[j])):
                    blocks[i].extend(blocks.pop(j))
                    merged = True
                    break
            if merged:
                break
    owner: dict[str, int] = {}
    for block in blocks:
        c = Cluster("person")
        first_key = names.full_key(block[0].normalized)
        for m in block:
            exact = names.full_key(m.normalized) == first_key
            c.members[m.id] = ("name-key", 1.0) if exact else (
                "near-spelling", names.similarity(m.normalized, block[0].normalized))
            owner[m.id] = len(doc.groups)
        doc.groups.append(c)
        doc.full.append(block)
        doc.surname.append("")
    # aliases written beside a full name
    alias_of: dict[str, int] = {}
    for m in fulls:
        for alias in _aliases_after(m, text):
            doc.groups[owner[m.id]].aliases.add(alias)
            for k in _surname_keys(alias) | {names.full_key(alias)}:
                alias_of.setdefault(k, owner[m.id])
    # bare surnames (and aliases) within the document
    fam_index: dict[str, set[int]] = defaultdict(set)
    for gi, block in enumerate(doc.full):
        for m in block:
            for k in _family_keys(m.normalized):
                fam_index[k].add(gi)
    for m in ms:
        if m.id in owner:
            continue
        form = m.normalized or m.text
        keys = _surname_keys(form)
        picked, how, score = _pick_short(m, keys, fam_index, doc, alias_of, near)
        if picked is not None:
            gi = picked
        else:
            key = min(keys) if keys else fold(form)
            for gj, sk in enumerate(doc.surname):
                if sk == key:
                    gi, how, score = gj, "surname", 1.0
                    break
            else:
                doc.groups.append(Cluster("person"))
                doc.full.append([])
                doc.surname.append(key)
                gi, how, score = len(doc.groups) - 1, "surname", 1.0
        doc.groups[gi].members[m.id] = (how, score)
        owner[m.id] = gi
    return doc


def _pick_short(m: Mention, keys: set[str], fam_index: dict[str, set[int]], doc: _Doc,
                alias_of: dict[str, int],
                near: dict[str, frozenset[str]]) -> tuple[int | None, str, float]:
    for k in keys | {names.full_key(m.normalized or m.text)}:
        if k in alias_of:
            return alias_of[k], "alias", 1.0
    cands = set().union(*(fam_index.get(k, set()) for k in keys)) if keys else set()
    how, score = "short-form", 1.0
    if not cands:  # a misspelt surname: the nearest family name, when clearly one
        form = m.normalized or m.text
        best: dict[int, float] = {}
        for gi, block in enumerate(doc.full):
            for f in block:
                _, fam = names.parts(f.normalized)
                if fam:
                    s = names.part_similarity(form, fam[-1])
                    best[gi] = max(best.get(gi, 0.0), s)
        good = [gi for gi, s in best.items() if s >= SURNAME_SIM]
        if len(good) != 1:
            return None, "", 0.0
        cands, how, score = set(good), "short-form-similar", best[good[0]]
    if len(cands) == 1:
        return next(iter(cands)), how, score
    # "Mrs. Kamali" among a Mr. and a Mrs. Kamali: only those whose titles do not say otherwise
    fits = {gi for gi in cands if not context.conflict(near.get(m.id, frozenset()), set().union(
        *(near.get(f.id, frozenset()) for f in doc.full[gi])))}
    if len(fits) == 1:
        return next(iter(fits)), "short-form-title", 0.8 * score
    cands = fits or cands

    def distance(gi: int) -> tuple[int, int]:
        before = [m.start - f.end for f in doc.full[gi] if f.end <= m.start]
        after = [f.start - m.end for f in doc.full[gi] if f.start >= m.end]
        return (0, min(before)) if before else (1, min(after) if after else 10**9)

    return min(sorted(cands), key=distance), "short-form-nearest", 0.8 * score


def _retype(by_doc: dict[str, list[Mention]], texts: dict[str, str]) -> None:
    """A one-word ORG/PLACE the model guessed that is a person's surname in the same document
    (or, for an ORG, the surname of a person named in full anywhere in the case)."""
    everywhere: set[str] = set()
    for ms in by_doc.values():
        for m in ms:
            if m.type == "person" and _is_full(m):
                everywhere |= _family_keys(m.normalized)
    for doc_id, ms in by_doc.items():
        fam: set[str] = set()
        fam_forms: list[str] = []
        for m in ms:
            if m.type == "person" and _is_full(m):
                fam |= _family_keys(m.normalized)
                fam_forms.append(names.parts(m.normalized)[1][-1])
                for alias in _aliases_after(m, texts.get(doc_id, "")):
                    fam |= _surname_keys(alias)
        for m in ms:
            if m.type == "person" or m.source == "vocab" or len(m.text.split()) != 1:
                continue
            if not m.text[:1].isupper() or m.text.isupper():
                continue
            if _surname_keys(m.text) & fam or any(
                    names.part_similarity(m.text, f) >= SURNAME_SIM for f in fam_forms) or (
                    m.type == "organisation" and _surname_keys(m.text) & everywhere):
                m.type = "person"


def _non_person(mentions: list[Mention], texts: dict[str, str]) -> list[Cluster]:
    clusters: dict[tuple[str, str], Cluster] = {}

    def add(key: tuple[str, str], m: Mention, how: str, canonical: str | None = None) -> None:
        c = clusters.setdefault(key, Cluster(m.type, canonical=canonical))
        c.members[m.id] = (how, 1.0)

    by_doc: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        if m.source == "vocab":
            add((m.type, "vocab:" + m.normalized), m, "vocabulary", m.normalized)
        else:
            by_doc[m.document_id].append(m)
    known_acronyms: dict[tuple[str, str], tuple[str, str]] = {}
    for doc_id, ms in by_doc.items():
        text = texts.get(doc_id, "")
        longs = {initials(m.normalized): m for m in ms if len(m.normalized.split()) > 1}
        for m in ms:
            alias = _aliases_after(m, text)
            if alias and len(m.normalized.split()) > 1:
                longs.setdefault(alias[0], m)
                known_acronyms[(m.type, alias[0])] = (m.type, "name:" + fold(m.normalized))
        for m in sorted(ms, key=lambda m: m.start):
            key = (m.type, "name:" + fold(m.normalized))
            if m.text.isupper() and 2 <= len(m.text) <= 8 and m.text in longs:
                long = longs[m.text]
                key = (long.type, "name:" + fold(long.normalized))
                known_acronyms.setdefault((m.type, m.text), key)
                add(key, m, "acronym")
            else:
                add(key, m, "name")
    # a name written differently (in capitals, say) from a vocabulary's canonical name
    canon = {(t, "name:" + fold(k[len("vocab:"):])): (t, k) for t, k in clusters
             if k.startswith("vocab:")}
    for key in [k for k in clusters if k in canon]:
        for mid, (_, score) in clusters.pop(key).members.items():
            clusters[canon[key]].members[mid] = ("name", score)
    # an acronym spelt out in one document joins the same acronym in another
    for (typ, acr), key in known_acronyms.items():
        loose = clusters.get((typ, "name:" + fold(acr)))
        if loose is not None and key in clusters and loose is not clusters[key]:
            for mid, (_, score) in loose.members.items():
                clusters[key].members[mid] = ("acronym", score)
            clusters[key].aliases.add(acr)
            del clusters[(typ, "name:" + fold(acr))]
    return list(clusters.values())


def _context(by_doc: dict[str, list[Mention]]) -> dict[str, set[str]]:
    """Per document, what it mentions besides persons' given names: canonical organisations and
    places, and persons' family keys."""
    out: dict[str, set[str]] = {}
    for doc_id, ms in by_doc.items():
        feats: set[str] = set()
        for m in ms:
            if m.type == "person":
                feats |= {"p:" + k for k in _family_keys(m.normalized or m.text)}
            else:
                feats.add(m.type[0] + ":" + fold(m.normalized))
        out[doc_id] = feats
    return out


class _Sets:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, i: int, j: int) -> int:
        a, b = sorted((self.find(i), self.find(j)))
        self.parent[b] = a
        return a


def _link_persons(docs: dict[str, _Doc], ctx: dict[str, set[str]],
                  near: dict[str, frozenset[str]] | None = None) -> list[Cluster]:
    near = near or {}
    units: list[tuple[str, Cluster, list[Mention], str]] = []
    for doc_id in sorted(docs):
        d = docs[doc_id]
        units.extend((doc_id, c, f, s) for c, f, s in zip(d.groups, d.full, d.surname,
                                                          strict=True))
    full = [i for i, u in enumerate(units) if u[2]]
    sets = _Sets(len(units))
    forms: dict[int, set[str]] = {i: {m.normalized for m in units[i][2]} for i in full}
    feats: dict[int, Counter[str]] = {}
    for i, u in enumerate(units):
        own = {"p:" + k for f in ({m.normalized for m in u[2]} or {u[3]}) for k in _family_keys(f)}
        feats[i] = Counter(ctx.get(u[0], set()) - own)
    # what is said beside the unit's mentions: titles, roles, nearby places and dates
    beside: dict[int, set[str]] = {
        i: set().union(*(near.get(mid, frozenset()) for mid in u[1].members))
        for i, u in enumerate(units)}
    index: dict[str, list[int]] = defaultdict(list)
    for i in full:
        for f in forms[i]:
            for bk in names.blocking(f):
                index[bk].append(i)
    pairs: set[tuple[int, int]] = set()
    for block in index.values():
        if len(block) > 200:  # a very common key: its pairs come from the other keys
            continue
        pairs.update((a, b) for a in block for b in block
                     if a < b and units[a][0] != units[b][0])
    edges = []
    for a, b in pairs:
        score = max(names.similarity(x, y) for x in forms[a] for y in forms[b])
        if score >= SIM_CROSS_CONTEXT:
            edges.append((-score, a, b))
    how: dict[int, tuple[str, float]] = {}
    for neg, a, b in sorted(edges):
        score = -neg
        ra, rb = sets.find(a), sets.find(b)
        if ra == rb or context.conflict(beside[ra], beside[rb]):  # "Mr." and "Mrs."
            continue
        if score < SIM_CROSS and len(set(feats[ra]) & set(feats[rb])) + context.evidence(
                beside[ra], beside[rb]) < 2:
            continue
        if min(names.similarity(x, y) for x in forms[ra] for y in forms[rb]) < SIM_CONFLICT:
            continue
        root = sets.union(ra, rb)
        other = rb if root == ra else ra
        forms[root] |= forms.pop(other)
        feats[root] = feats[root] + feats.pop(other)
        beside[root] |= beside.pop(other)
        how[other] = ("name-across" if score >= SIM_CROSS else "name-context", score)
    # bare surnames of documents without the full name
    fam_of: dict[str, set[int]] = defaultdict(set)
    size: Counter[int] = Counter()
    for i in full:
        r = sets.find(i)
        size[r] += len(units[i][1].members)
        for f in forms.get(r, set()):
            for k in _family_keys(f):
                fam_of[k].add(r)
    loose: dict[str, int] = {}
    for i, u in enumerate(units):
        if u[2]:
            continue
        cands = sorted(set().union(*(fam_of.get(k, set()) for k in _surname_keys(u[3]) | {u[3]})))
        fits = [r for r in cands if not context.conflict(beside[i], beside[r])]
        pick: int | None = None
        if len(cands) == 1 and fits:
            pick, h = cands[0], ("surname-across", 0.8)
        elif len(fits) == 1:  # "Mrs. Kamali" when the other Kamalis are men
            pick, h = fits[0], ("surname-context", 0.7)
        elif fits:
            fit = sorted(((sum((feats[i] & feats[r]).values())
                           + context.evidence(beside[i], beside[r]), size[r], r) for r in fits),
                         reverse=True)
            if fit[0][0] > 0 and fit[0][0] > fit[1][0]:
                pick, h = fit[0][2], ("surname-context", 0.7)
            elif fit[0][1] >= 3 * max(f[1] for f in fit[1:]):
                pick, h = max(fit, key=lambda f: f[1])[2], ("surname-frequent", 0.6)
        if pick is None:
            if u[3] in loose:
                pick, h = loose[u[3]], ("surname", 1.0)
            else:
                loose[u[3]] = i
                continue
        sets.parent[i] = sets.find(pick)
        how[i] = h
    out: dict[int, Cluster] = {}
    for i, u in enumerate(units):
        r = sets.find(i)
        c = out.setdefault(r, Cluster("person"))
        c.aliases |= u[1].aliases
        for mid, (h0, s0) in u[1].members.items():
            h1 = how.get(i)
            c.members[mid] = (h0, s0) if h1 is None or i == r else (
                h1[0] if h0 in ("name-key", "surname") else h0, min(s0, h1[1]))
    return [out[r] for r in sorted(out)]


def cluster_mentions(mentions: list[Mention], texts: dict[str, str],
                     spans: list[Span] | None = None) -> list[Cluster]:
    """Cluster extracted mentions into entities (see the module's description).

    ``spans``: the documents' events and dates, read for the persons' context
    (``factfinder.entities.context``); titles and nearby places are read from ``texts``."""
    for m in mentions:
        m.type = TYPES.get(m.label, "")
        m.normalized = (m.normalized or m.text).strip()
    mentions = [m for m in mentions if m.type and m.normalized]
    by_doc: dict[str, list[Mention]] = defaultdict(list)
    for m in mentions:
        by_doc[m.document_id].append(m)
    _retype(by_doc, texts)
    ctx = _context(by_doc)
    near = context.features(by_doc, texts, spans or [], fold)
    docs = {doc_id: _persons_in_doc([m for m in ms if m.type == "person"], texts.get(doc_id, ""),
                                    near)
            for doc_id, ms in by_doc.items()}
    persons = _link_persons(docs, ctx, near)
    others = _non_person([m for m in mentions if m.type != "person"], texts)
    return persons + others
