"""The non-parametric latent class model of Manrique-Vallier (2016), as in the R package LCMCR.

People fall into latent classes; within a class the lists capture independently, list j with
probability λ_jk in class k. Heterogeneity of capture between classes induces the dependence
between lists that the data show. The model, with its priors:

    class weights π ~ truncated stick-breaking(α) with K classes, α ~ Gamma(a, b) (rate b)
    λ_jk ~ Beta(1, 1)
    p(N) ∝ 1/N
    z_i ~ π,  x_ij | z_i = k ~ Bernoulli(λ_jk)

Gibbs sampling with data augmentation of the unobserved people. Each sweep draws

1. n0 | π, λ ~ NegativeBinomial(n, 1 − p0), p0 = Σ_k π_k Π_j (1 − λ_jk) (the class labels of the
   unobserved integrated out), then their classes as counts, Multinomial(n0, π_k Π_j(1−λ_jk)/p0);
2. the classes of the observed people as counts per capture pattern, Multinomial(m_pattern, ·);
3. λ_jk ~ Beta(1 + captured_jk, 1 + n_k − captured_jk);
4. V_k ~ Beta(1 + n_k, α + Σ_{l>k} n_l) (k < K), π from the sticks;
5. α ~ Gamma(a + K − 1, b − Σ_{k<K} log(1 − V_k)).

Counts per class and per pattern (never per person) keep a sweep at a few dozen array
operations whatever the population, and all chains advance together in the same arrays.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
from scipy.special import ndtri

from factfinder.estimate.result import Estimate
from factfinder.estimate.table import CaptureTable

RHAT_LIMIT = 1.1
ESS_PER_CHAIN = 100          # below this many effective draws per chain, warn
MAX_SAMPLES_OUT = 4000       # thinned draws of N kept in ``details`` for plots
TINY = 1e-300


class LcmcrError(ValueError):
    """A table or option the sampler cannot work with; the message says why."""


def _stick(v: np.ndarray) -> np.ndarray:
    """Class weights from stick-breaking fractions (last axis; the last fraction is 1)."""
    rest = np.cumprod(1.0 - v[..., :-1], axis=-1)
    out = v.copy()
    out[..., 1:] *= rest
    return out


def sample_lcmcr(x: np.ndarray, m: np.ndarray, *, K: int, iterations: int, burnin: int,
                 thin: int, chains: int, rng: np.random.Generator, a_alpha: float,
                 b_alpha: float) -> dict[str, np.ndarray]:
    """Run the Gibbs sampler. ``x`` holds the observed capture patterns (M × J, 0/1), ``m``
    their counts. Returns post-burn-in traces (chains × draws) of N, α and the number of
    occupied classes, every sweep (not thinned), and the thinned draws of N."""
    n_obs = int(m.sum())
    J = x.shape[1]
    C = chains
    xf = x.astype(float)
    x_t = xf.T.copy()
    not_x = 1.0 - xf
    # Over-dispersed starting points, a different one per chain.
    lam = rng.beta(1.0, 1.0, size=(C, J, K))
    alpha = rng.gamma(1.0, 1.0, size=C) + 0.1
    v = rng.beta(1.0, alpha[:, None], size=(C, K))
    v[:, -1] = 1.0
    pi = _stick(v)
    kept = iterations - burnin
    n_trace = np.empty((C, kept), dtype=np.int64)
    alpha_trace = np.empty((C, kept))
    occupied_trace = np.empty((C, kept), dtype=np.int64)
    m_b = np.broadcast_to(m, (C, m.size))
    shape_alpha = a_alpha + K - 1
    for it in range(iterations):
        log_lam = np.log(np.maximum(lam, TINY))
        log_1m = np.log(np.maximum(1.0 - lam, TINY))
        # 1. the unobserved: how many, and their classes
        miss_k = pi * np.exp(log_1m.sum(axis=1))                      # C × K
        p0 = np.minimum(miss_k.sum(axis=1), 1.0 - 1e-15)
        n0 = rng.negative_binomial(n_obs, 1.0 - p0)                  # C
        u = rng.multinomial(n0, miss_k / miss_k.sum(axis=1, keepdims=True))
        # 2. the observed: class counts per capture pattern
        logp = xf @ log_lam + not_x @ log_1m                            # C × M × K
        logp += np.log(np.maximum(pi, TINY))[:, None, :]
        logp -= logp.max(axis=2, keepdims=True)
        prob = np.exp(logp)
        prob /= prob.sum(axis=2, keepdims=True)
        z = rng.multinomial(m_b, prob)                                 # C × M × K
        # 3. capture probabilities
        n_k = z.sum(axis=1) + u                                        # C × K
        captured = x_t @ z                                              # C × J × K
        lam = rng.beta(1.0 + captured, 1.0 + n_k[:, None, :] - captured)
        # 4. class weights by stick-breaking
        tail = np.cumsum(n_k[:, ::-1], axis=1)[:, ::-1]                # Σ_{l≥k} n_l
        v = np.empty((C, K))
        v[:, :-1] = rng.beta(1.0 + n_k[:, :-1], alpha[:, None] + tail[:, 1:])
        v[:, :-1] = np.minimum(v[:, :-1], 1.0 - 1e-12)
        v[:, -1] = 1.0
        pi = _stick(v)
        # 5. concentration
        rate = b_alpha - np.log1p(-v[:, :-1]).sum(axis=1)
        alpha = rng.gamma(shape_alpha, 1.0 / rate)
        if it >= burnin:
            i = it - burnin
            n_trace[:, i] = n_obs + n0
            alpha_trace[:, i] = alpha
            occupied_trace[:, i] = (n_k > 0).sum(axis=1)
    return {"N": n_trace, "alpha": alpha_trace, "occupied": occupied_trace,
            "thinned": n_trace[:, ::thin]}


# --- convergence diagnostics (Vehtari, Gelman, Simpson, Carpenter & Bürkner 2021) -----------

def _rank_normalise(draws: np.ndarray) -> np.ndarray:
    flat = draws.reshape(-1)
    order = flat.argsort(kind="stable")
    ranks = np.empty(flat.size)
    ranks[order] = np.arange(1, flat.size + 1)
    # average ranks over ties (N is integer-valued, ties are common)
    _, inverse, counts = np.unique(flat, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=ranks)
    ranks = (sums / counts)[inverse]
    return np.asarray(ndtri((ranks - 0.375) / (flat.size + 0.25)).reshape(draws.shape))


def _split(draws: np.ndarray) -> np.ndarray:
    half = draws.shape[1] // 2
    return np.concatenate([draws[:, :half], draws[:, draws.shape[1] - half:]], axis=0)


def split_rhat(draws: np.ndarray) -> float:
    """Rank-normalised split R-hat of chains × draws (1 when every draw is the same)."""
    z = _split(_rank_normalise(draws))
    n = z.shape[1]
    if n < 2:
        return float("nan")
    w = z.var(axis=1, ddof=1).mean()
    b = n * z.mean(axis=1).var(ddof=1)
    if w <= 0:
        return 1.0
    var_plus = (n - 1) / n * w + b / n
    return float(np.sqrt(var_plus / w))


def _autocov(x: np.ndarray) -> np.ndarray:
    n = x.shape[-1]
    size = 1 << (2 * n - 1).bit_length()
    centred = x - x.mean(axis=-1, keepdims=True)
    f = np.fft.rfft(centred, size, axis=-1)
    return np.fft.irfft(f * np.conj(f), size, axis=-1)[..., :n] / n


def ess(draws: np.ndarray) -> float:
    """Bulk effective sample size (rank-normalised, split chains, Geyer's initial monotone
    sequence), for chains × draws."""
    z = _split(_rank_normalise(draws))
    m, n = z.shape
    if n < 4:
        return float("nan")
    acov = _autocov(z)
    chain_var = acov[:, 0] * n / (n - 1)
    w = chain_var.mean()
    if w <= 0:
        return float(m * n)
    var_plus = w * (n - 1) / n + (z.mean(axis=1).var(ddof=1) if m > 1 else 0.0)
    rho = 1.0 - (w - acov.mean(axis=0)) / var_plus
    rho[0] = 1.0
    # Geyer: sum pairs while positive, forcing them monotone
    total = 0.0
    prev = np.inf
    for t in range(0, n - 1, 2):
        pair = rho[t] + rho[t + 1]
        if pair < 0:
            break
        pair = min(pair, prev)
        prev = pair
        total += pair
    tau = max(-1.0 + 2.0 * total, 1.0 / np.log10(m * n))
    return float(m * n / tau)


def estimate_lcmcr(table: CaptureTable, *, K: int = 10, iterations: int = 10000,
                   burnin: int | None = None, thin: int | None = None, chains: int = 3,
                   seed: int | None = None, a_alpha: float = 0.25, b_alpha: float = 0.25,
                   level: float = 0.95, **_: Any) -> Estimate:
    """Posterior of the total under the latent class model, by Gibbs sampling.

    ``iterations`` sweeps per chain in all, of which the first ``burnin`` (default a quarter)
    are dropped; ``thin`` (default: keep about 1,000 draws per chain) applies to the draws of N
    kept for plots. The estimate is the posterior median; the interval is equal-tailed.
    R-hat and the effective sample size of N, over all kept sweeps of all chains, are in
    ``details``; a warning says when R-hat > 1.1 or fewer than 100 effective draws per chain.
    """
    if K < 2:
        raise LcmcrError("K (the most latent classes) must be at least 2")
    if iterations < 4:
        raise LcmcrError("iterations must be at least 4")
    burnin = iterations // 4 if burnin is None else burnin
    if not 0 <= burnin < iterations:
        raise LcmcrError("burnin must be at least 0 and below iterations")
    kept = iterations - burnin
    thin = max(1, kept // 1000) if thin is None else thin
    if thin < 1:
        raise LcmcrError("thin must be at least 1")
    if chains < 1:
        raise LcmcrError("chains must be at least 1")
    if a_alpha <= 0 or b_alpha <= 0:
        raise LcmcrError("the Gamma prior on alpha needs a_alpha > 0 and b_alpha > 0")
    if not 0 < level < 1:
        raise LcmcrError("level must be between 0 and 1")
    n_obs = table.observed
    if n_obs == 0:
        raise LcmcrError("the table is empty: nobody was observed")
    patterns = [p for p in table.patterns() if table.counts.get(p, 0) > 0]
    x = np.array(patterns, dtype=np.int8)
    m = np.array([table.counts[p] for p in patterns], dtype=np.int64)

    rng = np.random.default_rng(seed)
    started = time.perf_counter()
    out = sample_lcmcr(x, m, K=K, iterations=iterations, burnin=burnin, thin=thin,
                       chains=chains, rng=rng, a_alpha=a_alpha, b_alpha=b_alpha)
    seconds = time.perf_counter() - started

    n_draws = out["N"]
    pooled = n_draws.reshape(-1).astype(float)
    tail = (1 - level) / 2
    lower, median, upper = np.quantile(pooled, [tail, 0.5, 1 - tail])
    rhat = split_rhat(n_draws)
    n_eff = ess(n_draws)
    warnings: list[str] = []
    if not np.isfinite(rhat) or rhat > RHAT_LIMIT:
        warnings.append(f"chains have not converged: R-hat of N is {rhat:.2f} (> {RHAT_LIMIT}); "
                        "run more iterations (or a longer burn-in) before using this estimate")
    if not np.isfinite(n_eff) or n_eff < ESS_PER_CHAIN * chains:
        warnings.append(f"effective sample size of N is only {n_eff:.0f} (fewer than "
                        f"{ESS_PER_CHAIN} per chain): the interval is unreliable; run more "
                        "iterations")
    occupied = out["occupied"].reshape(-1)
    if occupied.mean() >= K - 0.5:
        warnings.append(f"the posterior uses all K = {K} latent classes: raise K")
    isolated = [name for i, name in enumerate(table.lists)
                if not any(p[i] and sum(p) > 1 for p in patterns)]
    if isolated:
        warnings.append(f"list {', '.join(isolated)} overlaps no other list: what it says about "
                        "the unobserved comes from the model, not from the data")
    thinned = out["thinned"]
    if thinned.size > MAX_SAMPLES_OUT:
        step = -(-thinned.size // MAX_SAMPLES_OUT)
        thinned = thinned[:, ::step]
    return Estimate(
        method="lcmcr",
        estimate=float(median),
        lower=float(lower),
        upper=float(upper),
        level=level,
        observed=n_obs,
        model=f"latent class model, at most K = {K} classes (Dirichlet process, stick-breaking)",
        fit={},
        warnings=warnings,
        interval="equal-tailed credible interval (posterior quantiles)",
        details={
            "posterior_median": float(median),
            "posterior_mean": float(pooled.mean()),
            "posterior_sd": float(pooled.std(ddof=1)) if pooled.size > 1 else None,
            "rhat": rhat,
            "ess": n_eff,
            "chain_medians": [float(np.median(c)) for c in n_draws],
            "K": K, "iterations": iterations, "burnin": burnin, "thin": thin,
            "chains": chains, "seed": seed, "a_alpha": a_alpha, "b_alpha": b_alpha,
            "occupied_classes_mean": float(occupied.mean()),
            "alpha_mean": float(out["alpha"].mean()),
            "seconds": seconds,
            "samples": [[int(v) for v in chain] for chain in thinned],
        },
    )
