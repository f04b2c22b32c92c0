"""A small Poisson log-linear GLM fitted by iteratively reweighted least squares (numpy).

statsmodels would do, but model search fits thousands of tiny models (15–63 cells, ≤ 22
parameters) and its per-fit overhead dominates; this is the same algorithm as R's ``glm.fit``
(deviance convergence test, step halving when the deviance goes up) in a few lines.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.special import gammaln, xlogy

EPS = 1e-10
MAX_ITER = 100


@dataclass
class PoissonFit:
    beta: np.ndarray
    mu: np.ndarray
    deviance: float
    loglik: float
    cov: np.ndarray | None      # inverse Fisher information; None when singular
    converged: bool
    iterations: int

    @property
    def n_params(self) -> int:
        return int(self.beta.shape[0])


def deviance(y: np.ndarray, mu: np.ndarray) -> float:
    return float(2.0 * np.sum(xlogy(y, y) - xlogy(y, mu) - (y - mu)))


def loglik(y: np.ndarray, mu: np.ndarray) -> float:
    return float(np.sum(xlogy(y, mu) - mu - gammaln(y + 1.0)))


def fit_poisson(X: np.ndarray, y: np.ndarray, start: np.ndarray | None = None,
                max_iter: int = MAX_ITER, tol: float = EPS) -> PoissonFit:
    """Fit log E[y] = X β. ``X`` includes the intercept column."""
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        return _fit_poisson(X, y, start, max_iter, tol)


def _fit_poisson(X: np.ndarray, y: np.ndarray, start: np.ndarray | None,
                 max_iter: int, tol: float) -> PoissonFit:
    n, p = X.shape
    if start is not None:
        eta = X @ start
        mu = np.exp(np.clip(eta, -700, 700))
    else:
        mu = y + 0.5
        eta = np.log(mu)
    dev = deviance(y, mu)
    beta = np.zeros(p) if start is None else start.copy()
    converged = False
    it = 0
    for it in range(1, max_iter + 1):  # noqa: B007 - the count is reported
        w = mu
        z = eta + (y - mu) / mu
        xw = X * w[:, None]
        xtwx = X.T @ xw
        try:
            new_beta = np.linalg.solve(xtwx, xw.T @ z)
        except np.linalg.LinAlgError:
            new_beta = np.linalg.lstsq(xtwx, xw.T @ z, rcond=None)[0]
        new_eta = X @ new_beta
        new_mu = np.exp(np.clip(new_eta, -700, 700))
        new_dev = deviance(y, new_mu)
        halvings = 0
        while (not math.isfinite(new_dev) or new_dev > dev + 1e-7 * (abs(dev) + 1)) and (
                halvings < 30 and it > 1):
            new_beta = (new_beta + beta) / 2
            new_eta = X @ new_beta
            new_mu = np.exp(np.clip(new_eta, -700, 700))
            new_dev = deviance(y, new_mu)
            halvings += 1
        change = abs(new_dev - dev) / (abs(new_dev) + 0.1)
        beta, eta, mu, dev = new_beta, new_eta, new_mu, new_dev
        if change < tol:
            converged = True
            break
    info = X.T @ (X * mu[:, None])
    cov: np.ndarray | None
    try:
        cov = np.linalg.inv(info)
        if not np.all(np.isfinite(cov)):
            cov = None
    except np.linalg.LinAlgError:
        cov = None
    return PoissonFit(beta, mu, dev, loglik(y, mu), cov, converged, it)


def fit_poisson_batch(X: np.ndarray, y: np.ndarray, max_iter: int = 60,
                      tol: float = EPS) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray,
                                                  np.ndarray]:
    """Fit many models with the same number of parameters at once: ``X`` is (B, cells, p).

    Returns (beta (B, p), mu (B, cells), deviance (B,), converged (B,), cov00 (B,) — the
    intercept's variance). Plain IRLS without step halving: callers refit a model with
    :func:`fit_poisson` when it did not converge here."""
    b, n, p = X.shape
    mu = np.broadcast_to(y + 0.5, (b, n)).copy()
    eta = np.log(mu)
    ylogy = xlogy(y, y)
    dev = 2.0 * np.sum(ylogy - xlogy(y, mu) - (y - mu), axis=1)
    beta = np.zeros((b, p))
    converged = np.zeros(b, dtype=bool)
    active = np.ones(b, dtype=bool)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        for it in range(max_iter):
            idx = np.flatnonzero(active)
            if idx.size == 0:
                break
            xa, mua, etaa = X[idx], mu[idx], eta[idx]
            z = etaa + (y - mua) / mua
            xw = xa * mua[:, :, None]
            xtwx = np.einsum("bnp,bnq->bpq", xw, xa)
            rhs = np.einsum("bnp,bn->bp", xw, z)
            try:
                nb = np.linalg.solve(xtwx, rhs[:, :, None])[:, :, 0]
            except np.linalg.LinAlgError:
                nb = np.stack([np.linalg.lstsq(m, r, rcond=None)[0]
                               for m, r in zip(xtwx, rhs, strict=True)])
            ne = np.einsum("bnp,bp->bn", xa, nb)
            nm = np.exp(np.clip(ne, -700, 700))
            nd = 2.0 * np.sum(ylogy - xlogy(y, nm) - (y - nm), axis=1)
            bad = ~np.isfinite(nd)
            if it > 0:
                bad |= nd > dev[idx] + 1e-7 * (np.abs(dev[idx]) + 1)
            change = np.abs(nd - dev[idx]) / (np.abs(nd) + 0.1)
            beta[idx], eta[idx], mu[idx], dev[idx] = nb, ne, nm, nd
            done = change < tol
            converged[idx[done & ~bad]] = True
            active[idx[done | bad]] = False
    info = np.einsum("bnp,bnq->bpq", X * mu[:, :, None], X)
    cov00 = np.full(b, np.nan)
    with np.errstate(all="ignore"):
        try:
            inv = np.linalg.inv(info)
            cov00 = inv[:, 0, 0]
        except np.linalg.LinAlgError:
            for i in range(b):
                try:
                    cov00[i] = np.linalg.inv(info[i])[0, 0]
                except np.linalg.LinAlgError:
                    cov00[i] = np.nan
    return beta, mu, dev, converged, cov00
