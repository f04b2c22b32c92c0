"""Two lists: Lincoln–Petersen and Chapman.

With n₁ people on list 1, n₂ on list 2 and m on both:

* **Lincoln–Petersen** N̂ = n₁n₂/m, variance n₁n₂(n₁ − m)(n₂ − m)/m³ (Seber 1982) — the
  maximum likelihood estimate under independence; undefined when m = 0.
* **Chapman** N̂ = (n₁ + 1)(n₂ + 1)/(m + 1) − 1, variance
  (n₁ + 1)(n₂ + 1)(n₁ − m)(n₂ − m)/((m + 1)²(m + 2)) — nearly unbiased, finite when m = 0
  (but then it only says the lists are too small to overlap).

The interval is the log-normal one of Chao (1987) on the unrecorded count (never below the
number observed); ``interval="wald"`` gives N̂ ± z·se. Both assume the two lists are
independent and everyone is equally likely to be on each: positive dependence (the same
people are easy to find for both) biases N̂ down.
"""

from __future__ import annotations

import math

from scipy.stats import norm

from factfinder.estimate.intervals import lognormal_interval
from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable


def _counts(table: CaptureTable) -> tuple[int, int, int]:
    if table.k != 2:
        raise ValueError(f"two-list estimators need exactly 2 lists, the table has {table.k} "
                         f"({', '.join(table.lists)}); use --method loglinear")
    n1 = sum(n for p, n in table.counts.items() if p[0])
    n2 = sum(n for p, n in table.counts.items() if p[1])
    m = table.counts.get((1, 1), 0)
    return n1, n2, m


def _interval(table: CaptureTable, est: float, se: float, level: float,
              interval: str) -> tuple[float | None, float | None, str]:
    if interval == "wald":
        z = float(norm.ppf(1 - (1 - level) / 2))
        return max(est - z * se, table.observed), est + z * se, "Wald (normal)"
    lo, hi = lognormal_interval(table.observed, est, se, level)
    return lo, hi, "log-normal (Chao 1987)"


def _warnings(table: CaptureTable, n1: int, n2: int, m: int) -> list[str]:
    out = []
    if m == 0:
        out.append("the two lists share nobody: the data say nothing about how many were "
                   "missed (the Lincoln–Petersen estimate is infinite)")
    elif m < 7:
        out.append(f"only {m} people are on both lists: the estimate is unstable and "
                   "biased (Chapman's estimator is preferred below about 7 matches)")
    return out


def lincoln_petersen(table: CaptureTable, level: float = 0.95,
                     interval: str = "lognormal") -> Estimate:
    n1, n2, m = _counts(table)
    warnings = _warnings(table, n1, n2, m)
    fit: dict[str, float | None] = {"n1": float(n1), "n2": float(n2), "m": float(m)}
    if m == 0:
        return Estimate("lincoln-petersen", None, level=level, observed=table.observed,
                        model="independence", fit=fit, warnings=warnings)
    est = n1 * n2 / m
    var = n1 * n2 * (n1 - m) * (n2 - m) / m ** 3
    se = math.sqrt(var)
    lo, hi, how = _interval(table, est, se, level, interval)
    fit["se"] = round(se, 4)
    return Estimate("lincoln-petersen", round(est, 4), _r(lo), _r(hi), level, table.observed,
                    "independence", fit=fit, warnings=warnings, interval=how)


def chapman(table: CaptureTable, level: float = 0.95, interval: str = "lognormal") -> Estimate:
    n1, n2, m = _counts(table)
    warnings = _warnings(table, n1, n2, m)
    est = (n1 + 1) * (n2 + 1) / (m + 1) - 1
    var = (n1 + 1) * (n2 + 1) * (n1 - m) * (n2 - m) / ((m + 1) ** 2 * (m + 2))
    se = math.sqrt(var)
    lo, hi, how = _interval(table, est, se, level, interval)
    if m == 0:
        warnings.append("with no overlap Chapman's estimate is a lower bound set by the list "
                        "sizes, not an estimate of the total")
    fit: dict[str, float | None] = {"n1": float(n1), "n2": float(n2), "m": float(m),
                                    "se": round(se, 4)}
    return Estimate("chapman", round(est, 4), _r(lo), _r(hi), level, table.observed,
                    "independence", fit=fit, warnings=warnings, interval=how)


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 4)
