"""One entry point for every estimation method: ``estimate(table, method, **options)``.

Methods:

* ``lincoln-petersen``, ``chapman`` — two lists (:mod:`factfinder.estimate.twolist`);
  options ``level``, ``interval`` (lognormal | wald).
* ``loglinear`` — log-linear models (:mod:`factfinder.estimate.loglinear`); options
  ``model``, ``criterion`` (bic | aic | stepwise), ``bic_n``, ``heterogeneity`` (chao |
  darroch | poisson | gamma | normal | search), ``equal_lists``, ``theta``, ``interval``
  (profile | bootstrap | bca | lognormal | none), ``bootstrap``, ``resample`` (observed |
  multinomial | fitted), ``seed``, ``level``, ``max_order``, ``starts``.
* ``loglinear-chao``, ``loglinear-darroch``, ``loglinear-poisson``, ``loglinear-gamma``,
  ``loglinear-normal`` — shorthands for ``loglinear`` with that ``heterogeneity``.
* ``dga`` — Bayesian model averaging over decomposable graphs
  (:mod:`factfinder.estimate.dga`), ``lcmcr`` — latent class model
  (:mod:`factfinder.estimate.lcmcr`); their options pass through unchanged.
"""

from __future__ import annotations

from typing import Any

from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable

METHODS = ("lincoln-petersen", "chapman", "loglinear", "loglinear-chao", "loglinear-darroch",
           "loglinear-poisson", "loglinear-gamma", "loglinear-normal", "dga", "lcmcr")
ALIASES = {"lp": "lincoln-petersen", "petersen": "lincoln-petersen",
           "lincoln_petersen": "lincoln-petersen", "log-linear": "loglinear"}


class MethodError(ValueError):
    """An unknown method, or options the method does not take."""


def estimate(table: CaptureTable, method: str = "loglinear", **options: Any) -> Estimate:
    """Estimate the total population of ``table`` with ``method``."""
    name = ALIASES.get(method.lower(), method.lower())
    options = {k: v for k, v in options.items() if v is not None}
    if name in ("lincoln-petersen", "chapman"):
        from factfinder.estimate import twolist

        allowed = {"level", "interval"}
        _check(name, options, allowed)
        if options.get("interval") in ("profile", "bootstrap", "bca", "none"):
            options.pop("interval")
        fn = twolist.lincoln_petersen if name == "lincoln-petersen" else twolist.chapman
        return fn(table, **options)
    if name.startswith("loglinear"):
        from factfinder.estimate.loglinear import estimate_loglinear

        if name != "loglinear":
            kind = name.split("-", 1)[1]
            if options.get("heterogeneity") not in (None, kind):
                raise MethodError(f"{name} and heterogeneity={options['heterogeneity']} "
                                  "disagree")
            options["heterogeneity"] = kind
        allowed = {"model", "criterion", "bic_n", "heterogeneity", "equal_lists", "theta",
                   "interval", "bootstrap", "seed", "level", "max_order", "starts", "top",
                   "resample"}
        _check(name, options, allowed)
        return estimate_loglinear(table, **options)
    if name == "dga":
        from factfinder.estimate.dga import estimate_dga  # written alongside; loaded lazily

        return estimate_dga(table, **options)
    if name == "lcmcr":
        from factfinder.estimate.lcmcr import estimate_lcmcr

        return estimate_lcmcr(table, **options)
    raise MethodError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def _check(name: str, options: dict[str, Any], allowed: set[str]) -> None:
    extra = sorted(set(options) - allowed)
    if extra:
        raise MethodError(f"{name} does not take {', '.join(extra)} (it takes "
                          f"{', '.join(sorted(allowed))})")
