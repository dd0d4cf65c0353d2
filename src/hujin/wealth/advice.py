"""Robo-advice: a suggested allocation for each risk tolerance, over the products on sale at or
below it, from their published history. Pure: ``selectors.advice_for`` feeds it.

1. **Returns.** For each open-ended product (money-market funds and NAV funds; a fixed-term
   product has no daily value and cannot be sold before maturity, so it is left out) the daily
   returns of the last ``HISTORY_DAYS`` business dates: a NAV fund's change of cumulative NAV
   (dividends included), a money-market fund's income per 10,000 units ÷ 10,000. Only dates on
   which every product published count; at least ``MIN_DAYS`` of them are needed.
2. **Estimates.** Expected return: the mean daily return × 365 (business dates are calendar
   days). Risk: each product's own volatility from its daily returns, and the **correlations**
   between them shrunk by Ledoit and Wolf's rule (scikit-learn's ``LedoitWolf`` on the
   standardised returns): with a few products over half a year the sample correlations are
   noisy, and the shrunk ones are always well-conditioned. Shrinking the covariance itself
   would pull a money-market fund's tiny variance towards an equity fund's; shrinking the
   correlations leaves every product's own risk as measured. A product whose return never
   varied (a money-market fund with the same income every day) has no risk and no
   correlation.
3. **The mix.** Mean-variance with a risk budget: the weights with the highest expected return
   whose volatility stays within the customer's level's budget (``TARGET_VOLATILITY``: 2 % a
   year for C1 up to 18 % for C5), long only, summing to 1, none above ``MAX_WEIGHT``
   (diversification). When no mix is that calm, the calmest one (least variance). A budget is
   what a person can read ("a conservative mix should not move more than about 2 % in a usual
   year") and bounds the risk however noisy the expected returns are. SciPy's SLSQP solves it
   from equal weights, deterministic, in milliseconds for a catalogue's few products.
4. **In words.** Weights as whole percentages that add up to 100 (the largest remainders get
   the spare points); the mix's expected return and volatility, and the range a year falls in
   about two times out of three (expected return ± one volatility).

Floats are right here: these are statistics about the past shown as percentages, never money.
"""

import itertools
from dataclasses import dataclass
from datetime import date

MAX_WEIGHT = 0.6
HISTORY_DAYS = 180
MIN_DAYS = 30
DAYS_A_YEAR = 365
TARGET_VOLATILITY = {"C1": 0.02, "C2": 0.04, "C3": 0.08, "C4": 0.12, "C5": 0.18}


@dataclass(frozen=True, slots=True)
class History:
    """One product's daily values: ``values[date]`` is a NAV fund's cumulative NAV or a
    money-market fund's return of that day (``returns=True``)."""

    key: str
    values: dict[date, float]
    returns: bool


@dataclass(frozen=True, slots=True)
class Mix:
    keys: tuple[str, ...]
    percents: tuple[int, ...]  # whole percentages adding up to 100
    expected_return: float  # a year, as a fraction (0.031 is 3.1 %)
    volatility: float  # a year, as a fraction
    days: int  # the business dates the estimates come from


def _daily_returns(histories: list[History]) -> tuple[list[date], list[list[float]]]:
    """The dates every product has (and, for NAVs, the day before too) and each product's
    return on them."""
    common = set.intersection(*(set(h.values) for h in histories))
    days = sorted(common)
    if all(h.returns for h in histories):  # every day is a return already
        return days, [[h.values[day] for h in histories] for day in days]
    rows = []
    for previous, day in itertools.pairwise(days):
        row = []
        for h in histories:
            if h.returns:
                row.append(h.values[day])
            else:
                row.append(h.values[day] / h.values[previous] - 1.0)
        rows.append(row)
    return days[1:], rows


def whole_percents(weights) -> tuple[int, ...]:
    """Weights (summing to 1) as whole percentages summing to 100: floors, then the largest
    remainders get the spare points (ties to the earlier product)."""
    raw = [w * 100 for w in weights]
    floors = [int(r) for r in raw]
    spare = 100 - sum(floors)
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - floors[i]), i))
    for i in order[:spare]:
        floors[i] += 1
    return tuple(floors)


def _covariance(returns):
    """The daily returns' covariance: the sample volatilities with Ledoit-Wolf shrunk
    correlations (see the module)."""
    import numpy as np
    from sklearn.covariance import LedoitWolf

    sd = returns.std(axis=0, ddof=1)
    varies = sd > 1e-12
    correlation = np.eye(returns.shape[1])
    if varies.sum() > 1:
        z = (returns[:, varies] - returns[:, varies].mean(axis=0)) / sd[varies]
        shrunk = LedoitWolf(assume_centered=True).fit(z).covariance_
        scale = np.sqrt(np.diag(shrunk))
        correlation[np.ix_(varies, varies)] = shrunk / np.outer(scale, scale)
    sd = np.where(varies, sd, 0.0)
    return correlation * np.outer(sd, sd)


def suggested_mix(histories: list[History], level: str) -> Mix | None:
    """The mix for a customer of ``level`` over ``histories``; None when there is no product
    or fewer than ``MIN_DAYS`` common dates."""
    import numpy as np
    from scipy.optimize import minimize

    if not histories:
        return None
    days, rows = _daily_returns(histories)
    if len(days) < MIN_DAYS:
        return None
    returns = np.array(rows, dtype=float)
    mu = returns.mean(axis=0) * DAYS_A_YEAR
    sigma = _covariance(returns) * DAYS_A_YEAR
    n = len(histories)
    cap = max(MAX_WEIGHT, 1.0 / n)
    budget = TARGET_VOLATILITY[level] ** 2
    start = np.full(n, 1.0 / n)
    bounds = [(0.0, cap)] * n
    whole = {"type": "eq", "fun": lambda w: w.sum() - 1.0, "jac": lambda w: np.ones(n)}
    options = {"ftol": 1e-12, "maxiter": 300}

    def variance(w):
        return w @ sigma @ w

    calmest = minimize(variance, start, jac=lambda w: 2 * sigma @ w, method="SLSQP",
                       bounds=bounds, constraints=[whole], options=options)  # fmt: skip
    solved = calmest
    if variance(calmest.x) < budget:
        within = {"type": "ineq", "fun": lambda w: budget - variance(w),
                  "jac": lambda w: -2 * sigma @ w}  # fmt: skip
        best = minimize(lambda w: -(mu @ w), calmest.x, jac=lambda w: -mu, method="SLSQP",
                        bounds=bounds, constraints=[whole, within], options=options)  # fmt: skip
        if best.success:
            solved = best
    weights = np.clip(solved.x, 0.0, None)
    weights = weights / weights.sum()
    percents = whole_percents(weights)
    chosen = np.array(percents, dtype=float) / 100
    return Mix(
        keys=tuple(h.key for h in histories),
        percents=percents,
        expected_return=float(mu @ chosen),
        volatility=float(np.sqrt(chosen @ sigma @ chosen)),
        days=len(days),
    )
