"""Per group: the spread of values, contradictions, and the UCDP- and ACLED-style views.

None of these is "the answer". The spread lists every distinct bound with who asserts it; a
contradiction is a pair of bounds that cannot both hold; the UCDP view (low / best / high) and
the ACLED view (the most conservative figure, with the dispute noted) are offered as views,
never instead of the spread; "best" is taken over the independent claims only, so a figure
repeated by thirty reposts weighs as one.
"""

from __future__ import annotations

import statistics
from typing import Any

from factfinder.ledger.entries import Entry
from factfinder.ledger.independence import Standing

APPROX = 0.1  # "about 3,000" holds anything within 10 % of 3,000 when checking contradictions


def fmt(v: float | None) -> str:
    if v is None:
        return "?"
    return f"{int(v):,}" if float(v).is_integer() else f"{v:,}"


def words(low: float | None, high: float | None, approximate: bool = False) -> str:
    """A bound pair in words: "more than 30,000", "5,000–7,000", "about 3,000"."""
    if low is not None and high is None:
        return f"at least {fmt(low)}"
    if low is None and high is not None:
        return f"at most {fmt(high)}"
    if low == high:
        return ("about " if approximate else "") + fmt(low)
    return f"{fmt(low)}–{fmt(high)}"


def interval(e: Entry) -> tuple[float, float]:
    lo = e.low if e.low is not None else 0.0
    hi = e.high if e.high is not None else float("inf")
    if e.approximate or e.qualifier == "approximate":
        lo, hi = lo * (1 - APPROX), hi * (1 + APPROX)
    return lo, hi


def values(entries: list[Entry], st: dict[str, Standing]) -> list[dict[str, Any]]:
    """Distinct bounds, each with its claims and claimants (all and independent)."""
    by: dict[tuple[float | None, float | None, bool], list[Entry]] = {}
    for e in entries:
        if e.numeric:
            approx = e.low == e.high and (e.approximate or e.qualifier == "approximate")
            by.setdefault((e.low, e.high, approx), []).append(e)
    out = []
    for (lo, hi, approx), es in by.items():
        first: dict[str, str] = {}
        for e in es:  # one name per origin (the first entry's spelling)
            first.setdefault(st[e.id].origin, st[e.id].origin_name)
        claimants = sorted(first.values())
        named = sorted({e.claimant or e.publisher for e in es})
        out.append({"low": lo, "high": hi, "approximate": approx,
                    "words": words(lo, hi, approx),
                    "as_written": sorted({e.original.replace("\n", " ") for e in es})[:5],
                    "claims": len(es), "claimants": claimants, "as_named": named,
                    "claimant_count": len(named),
                    "independent_claimants": len(claimants)})
    out.sort(key=lambda v: (v["low"] if v["low"] is not None else -1,
                            v["high"] if v["high"] is not None else float("inf")))
    return out


def contradictions(entries: list[Entry], st: dict[str, Standing]) -> list[dict[str, Any]]:
    """Pairs of distinct bounds that cannot both hold (disjoint intervals)."""
    seen: dict[tuple[Any, ...], dict[str, Any]] = {}
    nums = [e for e in entries if e.numeric]
    for i, a in enumerate(nums):
        for b in nums[i + 1:]:
            (alo, ahi), (blo, bhi) = interval(a), interval(b)
            if alo <= bhi and blo <= ahi:
                continue
            if (alo, ahi) > (blo, bhi):
                a, b = b, a
            key = (a.low, a.high, b.low, b.high)
            item = seen.setdefault(key, {
                "lower": words(a.low, a.high, a.approximate and a.low == a.high),
                "higher": words(b.low, b.high, b.approximate and b.low == b.high),
                "lower_claimants": {}, "higher_claimants": {}})
            item["lower_claimants"][st[a.id].origin] = st[a.id].origin_name
            item["higher_claimants"][st[b.id].origin] = st[b.id].origin_name
    out = []
    for item in seen.values():
        out.append({**item, "lower_claimants": sorted(item["lower_claimants"].values()),
                    "higher_claimants": sorted(item["higher_claimants"].values())})
    return out


def _point(e: Entry) -> float:
    if e.low is not None and e.high is not None:
        return (e.low + e.high) / 2
    return float(e.low if e.low is not None else e.high or 0.0)


def ucdp(entries: list[Entry], st: dict[str, Standing]) -> dict[str, Any] | None:
    """UCDP GED-style low / best / high: low is the lowest bound any claim gives, high the
    highest figure any claim gives (an open "more than N" gives N), best the median of the
    central figures of the independent claims (one per source). A view, not a finding."""
    nums = [e for e in entries if e.numeric]
    ind = [e for e in nums if st[e.id].independent]
    if not nums or not ind:
        return None
    low = min(e.low if e.low is not None else e.high or 0.0 for e in nums)
    high = max(e.high if e.high is not None else e.low or 0.0 for e in nums)
    best = statistics.median(_point(e) for e in ind)
    return {"low": low, "best": best, "high": high, "sources": len(ind),
            "rule": "UCDP-style: low = lowest bound, high = highest figure, best = median of "
                    "the independent sources' central figures"}


def acled(entries: list[Entry], st: dict[str, Standing]) -> dict[str, Any] | None:
    """ACLED's rule: the most conservative figure any source gives ("dozens" = 12, "more
    than N" = N), with the dispute noted when the sources disagree."""
    nums = [e for e in entries if e.numeric]
    if not nums:
        return None

    def cons(e: Entry) -> float:
        if e.conservative is not None:
            return e.conservative
        return float(e.low if e.low is not None else e.high or 0.0)

    pick = min(nums, key=lambda e: (cons(e), e.id))
    figures = {(e.low, e.high) for e in nums}
    return {"figure": cons(pick), "from": st[pick.id].origin_name, "claim_id": pick.id,
            "disputed": len(figures) > 1,
            "rule": "ACLED: the most conservative figure; the dispute is noted"}
