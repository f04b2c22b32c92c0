"""Pictures of an estimate (matplotlib, Agg backend; PNG or SVG by the file's extension).

* a model search: each candidate model's estimate with its interval (log-normal from its
  standard error; the chosen model with the interval actually reported) and its weight;
* a Bayesian method (dga, lcmcr) that puts a posterior in ``details`` — ``posterior``
  ({"N": [...], "posterior": [...]}, or "probability"/"density"/"p"), or draws under
  ``samples`` /
  ``N_samples`` — : the posterior of N;
* a named model with a profile interval: the profile log likelihood of N;
* strata: each stratum's estimate and interval, and the total.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from factfinder.estimate.intervals import lognormal_interval
from factfinder.estimate.result import Estimate

FORMATS = (".png", ".svg")


def _posterior(details: dict[str, Any]) -> tuple[list[float], list[float]] | list[float] | None:
    post = details.get("posterior")
    if isinstance(post, dict):
        xs = post.get("N") or post.get("n") or post.get("values") or post.get("grid")
        ps = (post.get("probability") or post.get("posterior") or post.get("density")
              or post.get("p") or post.get("prob"))
        if xs is not None and ps is not None and len(xs) == len(ps):
            return [float(x) for x in xs], [float(p) for p in ps]
    for key in ("samples", "N_samples", "draws"):
        draws = details.get(key)
        if isinstance(draws, list) and draws and isinstance(draws[0], list):
            draws = [v for chain in draws for v in chain]  # one list per chain
        if isinstance(draws, list) and draws and isinstance(draws[0], int | float):
            return [float(v) for v in draws]
    return None


def plot(results: Estimate | Sequence[Estimate], path: str | Path, title: str | None = None
         ) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise ValueError(f"--plot wants a .png or .svg file, not {path.name}")
    items = [results] if isinstance(results, Estimate) else list(results)
    fig, ax = plt.subplots(figsize=(8, max(3.0, 0.45 * max(len(items), 6) + 1.5)))
    if len(items) > 1:
        _intervals(ax, [(r.stratum or "total", r.estimate, r.lower, r.upper, None)
                        for r in items], "estimate by stratum")
    else:
        r = items[0]
        post = _posterior(r.details)
        if post is not None:
            if isinstance(post, tuple):
                ax.plot(post[0], post[1], color="C0")
                ax.fill_between(post[0], post[1], alpha=0.3, color="C0")
            else:
                ax.hist(post, bins=60, color="C0", alpha=0.7, density=True)
            for v, style in ((r.estimate, "-"), (r.lower, "--"), (r.upper, "--")):
                if v is not None:
                    ax.axvline(v, color="k", linestyle=style, linewidth=1)
            ax.set_xlabel("N (total population)")
            ax.set_ylabel("posterior")
            ax.set_title(title or f"{r.method}: posterior of N")
        elif len(r.models) > 1:
            rows = []
            for m in r.models:
                est, se = m.get("estimate"), m.get("se")
                lo = hi = None
                if m.get("model") == r.model:
                    lo, hi = r.lower, r.upper
                elif m.get("lower") is not None and m.get("upper") is not None:
                    lo, hi = m["lower"], m["upper"]
                elif est is not None and math.isfinite(est):
                    lo, hi = lognormal_interval(r.observed, est, se, r.level)
                w = m.get("weight")
                label = _short(str(m.get("model"))) + (f"  (w {w:.2f})" if w is not None
                                                       else "")
                rows.append((label, est, lo, hi, m.get("model") == r.model))
            crit = str(r.details.get("criterion", "")).upper()
            _intervals(ax, rows, title or f"{r.method}: candidate models"
                       + (f" ({crit})" if crit else ""))
        elif r.details.get("profile", {}).get("curve"):
            curve = r.details["profile"]["curve"]
            ax.plot([c[0] for c in curve], [c[1] for c in curve], color="C0")
            from scipy.stats import chi2

            ax.axhline(-chi2.ppf(r.level, 1) / 2, color="grey", linestyle=":")
            for v in (r.lower, r.upper):
                if v is not None:
                    ax.axvline(v, color="k", linestyle="--", linewidth=1)
            ax.set_xlabel("N (total population)")
            ax.set_ylabel("profile log likelihood (relative)")
            ax.set_title(title or f"{r.model}: profile likelihood")
        else:
            _intervals(ax, [(_short(r.model or r.method), r.estimate, r.lower, r.upper, True)],
                       title or r.method)
        left = ax.get_xlim()[0]
        width = ax.get_xlim()[1] - left
        if r.observed and r.observed >= left - 0.5 * width:  # not when it would squash the plot
            ax.axvline(r.observed, color="red", linestyle=":", linewidth=1,
                       label=f"observed {r.observed:,}")
            ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return path


def _short(text: str, width: int = 48) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def _intervals(ax: Any, rows: list[tuple[str, float | None, float | None, float | None,
                                         bool | None]], title: str) -> None:
    for i, (label, est, lo, hi, chosen) in enumerate(rows):
        y = len(rows) - 1 - i
        color = "C3" if chosen else "C0"
        if est is None or not math.isfinite(est):
            ax.text(0.01, y, f"{label}: no estimate", transform=ax.get_yaxis_transform(),
                    va="center", fontsize=8, color="grey")
            continue
        if lo is not None and hi is not None:
            ax.plot([lo, hi], [y, y], color=color, linewidth=2)
        elif lo is not None:
            ax.annotate("", xy=(est * 3, y), xytext=(lo, y),
                        arrowprops={"arrowstyle": "->", "color": color})
        ax.plot([est], [y], "o", color=color)
    ax.set_yticks(range(len(rows)))
    ax.set_yticklabels([r[0] for r in reversed(rows)], fontsize=8)
    ax.set_xlabel("N (total population)")
    ax.set_title(title)
