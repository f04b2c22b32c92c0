"""Capture tables from linked lists in the case database, overall and by stratum.

A *person* is a cluster of the latest linkage run (``factfinder link``); the person's capture
pattern is the set of chosen lists with a record in the cluster. For ``--strata FIELD`` each
person takes the value of FIELD most common among their records:

* ``year`` — the event year (``event_year``, Gregorian, parsed from the list's date — Solar
  Hijri dates included);
* ``province`` / ``place`` / ``prison`` — the place or prison; spellings with the same
  consonant skeleton, once words like "province" or "prison" are dropped, are one stratum
  (Ghasr-e Sorkh Prison = Qasr-e Sorkh), named by its commonest spelling;
* any other stored column (``prison``, ``affiliation``, ``sex`` …) or a header of the original
  list file.

People whose records disagree take the most common value (ties: the first list's) and are
counted as conflicts; people with no value go to the stratum ``unknown``. Estimating by stratum
matters when capture probabilities differ between strata (heterogeneity the model cannot see);
the strata estimates need not add up to the overall one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable

UNKNOWN = "unknown"


class StrataError(ValueError):
    """The case database cannot give the requested tables."""


@dataclass
class CaseTables:
    total: CaptureTable
    strata: dict[str, CaptureTable] = field(default_factory=dict)
    field: str | None = None
    run_id: str | None = None
    conflicts: int = 0
    unknown: int = 0


PLACE_FIELDS = ("province", "place", "prison")
_STOP = {"province", "ostan", "ostan-e", "prison", "zendan", "zendan-e", "central", "city",
         "the", "of"}


def _place(value: str) -> str:
    words = [w for w in re.split(r"\s+", value.strip())
             if w and w.casefold() not in _STOP]
    return " ".join(w[:1].upper() + w[1:] for w in words)


def value_key(name: str, value: str) -> str:
    """Values that name the same stratum get the same key: for places and prisons the
    consonant skeleton of the words that are not "prison", "province" … (Ghasr-e Sorkh Prison
    = Qasr-e Sorkh); otherwise the value without regard to case."""
    if name.lower() in PLACE_FIELDS:
        cleaned = _place(value)
        try:
            from factfinder.names import skeleton
        except ImportError:  # pragma: no cover - names is part of factfinder
            return cleaned.casefold()
        return str(skeleton(cleaned)) or cleaned.casefold()
    return value.strip().casefold()


def record_value(rec: dict[str, Any], name: str) -> str | None:
    """The stratum value of one stored record (None when it has none)."""
    key = name.lower()
    value: Any
    if key == "year":
        value = rec.get("event_year")
    elif key in ("province", "place"):
        value = rec.get("province") or _raw(rec, "province") or rec.get("place")
        return _place(str(value)) or None if value not in (None, "") else None
    elif key == "prison":
        value = rec.get("prison") or _raw(rec, "prison")
        return _place(str(value)) or None if value not in (None, "") else None
    else:
        value = rec.get(name)
        if value in (None, ""):
            value = _raw(rec, name)
    if value in (None, ""):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip() or None


def _raw(rec: dict[str, Any], name: str) -> Any:
    row = rec.get("data") or {}
    for k, v in row.items():
        if str(k).strip().lower() == name.lower():
            return v
    return None


def case_tables(conn: Connection, lists: Sequence[str], strata: str | None = None,
                run_id: str | None = None) -> CaseTables:
    from factfinder.linkage.store import latest_run, load_clusters, load_records

    lists = list(dict.fromkeys(lists))
    if len(lists) < 2:
        raise StrataError("estimation needs at least two lists")
    run = latest_run(conn) if run_id is None else {"id": run_id}
    if run is None:
        raise StrataError("no linkage run in this case database: link the lists first "
                          "(factfinder link LIST... --db …)")
    members = load_clusters(conn, run["id"])
    if not members:
        raise StrataError(f"linkage run {run['id']} has no clusters")
    linked = {m["list"] for m in members}
    missing = [n for n in lists if n not in linked]
    if missing:
        raise StrataError(f"not in linkage run {run['id']}: {', '.join(missing)} (linked: "
                          f"{', '.join(sorted(linked))})")
    people: dict[str, list[tuple[str, str]]] = {}
    for m in members:
        if m["list"] in lists:
            people.setdefault(m["cluster_id"], []).append((m["list"], m["record_id"]))
    total = CaptureTable.from_memberships(lists, ([n for n, _ in recs]
                                                  for recs in people.values()))
    out = CaseTables(total, field=strata, run_id=run["id"])
    if not strata:
        return out
    records: dict[tuple[str, str], dict[str, Any]] = {}
    for name in lists:
        for rec in load_records(conn, name):
            records[(name, str(rec["record_id"]))] = rec
    groups: dict[str, list[list[str]]] = {}
    spellings: dict[str, Counter[str]] = {}
    for recs in people.values():
        values = [v for v in (record_value(records.get((n, r), {}), strata) for n, r in recs)
                  if v is not None]
        if values:
            keys = [value_key(strata, v) for v in values]
            for k, v in zip(keys, values, strict=True):
                spellings.setdefault(k, Counter())[v] += 1
            counts = Counter(keys)
            key = counts.most_common(1)[0][0]
            if len(counts) > 1:
                out.conflicts += 1
        else:
            key = UNKNOWN
            out.unknown += 1
        groups.setdefault(key, []).append([n for n, _ in recs])
    if not spellings:
        raise StrataError(f"no record of {', '.join(lists)} has a value for {strata!r}")
    # each stratum is named by its commonest spelling
    named = {(spellings[k].most_common(1)[0][0] if k in spellings else UNKNOWN): people_
             for k, people_ in groups.items()}
    for value in sorted(named, key=lambda v: (v == UNKNOWN, v)):
        out.strata[value] = CaptureTable.from_memberships(lists, named[value])
    return out


def estimate_table(table: CaptureTable, method: str, stratum: str | None = None,
                   **options: Any) -> Estimate:
    """Estimate one (stratum's) table, dropping lists that record nobody in it."""
    from factfinder.estimate.methods import estimate

    totals = table.list_totals()
    empty = [n for n, c in totals.items() if c == 0]
    warnings: list[str] = []
    if empty:
        keep = [n for n in table.lists if n not in empty]
        warnings.append(f"{', '.join(empty)} record nobody here: estimated from "
                        f"{', '.join(keep) or 'no list'}")
        if len(keep) < 2 or (method in ("lincoln-petersen", "chapman") and len(keep) != 2):
            return Estimate(method, None, observed=table.observed, stratum=stratum,
                            warnings=warnings + ["too few lists left to estimate"])
        table = table.subset(keep)
        if options.get("model"):
            warnings.append("the named model is not used: it refers to a dropped list")
            options = {k: v for k, v in options.items() if k != "model"}
    try:
        result = estimate(table, method, **options)
    except (ValueError, ArithmeticError) as exc:
        if stratum is None:
            raise  # a usage error (bad model, bad option) for the whole table
        return Estimate(method, None, observed=table.observed, stratum=stratum,
                        warnings=warnings + [f"no estimate: {exc}"])
    result.stratum = stratum
    result.warnings = warnings + result.warnings
    return result
