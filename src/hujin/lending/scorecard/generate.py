"""A synthetic population of credit applicants, drawn by a stated process, so a scorecard can be
trained and demonstrated offline. Deterministic per seed.

The generating process (every draw is independent unless a formula links it):

1. A latent financial strain ``u ~ N(0, 1)``, never observed: it links the characteristics to one
   another the way real files are linked (a strained household has less cash, more failed
   payments, more bureau inquiries, higher utilisation).
2. What Hujin itself knows about the applicant:

   - ``age`` = 18 + round(Gamma(shape 4, scale 4.5)), capped at 70 (mean about 36 years);
   - ``kyc_age_days`` ~ Exponential(mean 500), capped at 2,500 (days since identity verification);
   - ``risk_level``: C1..C5 from round(3 − 0.03·(age − 35) + 0.3·u + N(0, 1)), clipped to 1..5
     (younger and more strained applicants declare a higher risk tolerance);
   - ``monthly_income`` (declared, yuan): exp(8.6 + 0.012·(age − 35) − 0.25·u + N(0, 0.45)),
     to the nearest 100, at least 500 (median about 5,400); missing for 2 % (not declared);
   - ``debt_to_income``: exp(−1.5 + 0.35·u + N(0, 0.5)), capped at 3, 2 decimals (median about
     0.22); missing where the income is;
   - ``wallet_balance_avg_90d`` (yuan): income × exp(−0.3 − 0.4·u + N(0, 0.9)), 2 decimals
     (for a missing income the median income is used);
   - ``wallet_inflow_90d`` (yuan): 3 × income × Beta(1.5, 2) (the share of pay routed through
     the wallet; the median income again for a missing one), 2 decimals;
   - ``payments_failed_90d`` ~ Poisson(exp(−1.8 + 0.6·u));
   - ``past_loans`` ~ Poisson(0.3 + kyc_age_days / 800);
   - ``past_max_dpd`` (days): missing without a past loan; otherwise 0 with probability
     sigmoid(1.5 − 0.9·u), else ceil(Exponential(mean 15·exp(0.4·u))), capped at 180;
   - ``security_events_90d`` ~ Poisson(0.15 + 0.25·[kyc_age_days < 30] + 0.1·max(u, 0)).

3. What the credit bureau reports (all four missing for a thin file, 5 % of applicants, and
   ``bureau_utilisation`` also missing without an open account):

   - ``bureau_inquiries_6m`` ~ Poisson(exp(0.2 + 0.45·u));
   - ``bureau_open_accounts`` ~ Poisson(exp(0.9 + 0.01·(age − 35) + 0.15·u));
   - ``bureau_delinquencies_24m`` ~ Poisson(exp(−1.9 + 0.8·u));
   - ``bureau_utilisation`` = sigmoid(−0.6 + 0.9·u + N(0, 0.8)), 3 decimals.

4. The probability of default within 12 months, from a few observed characteristics plus noise
   (a missing value enters as stated in brackets)::

       logit p = −3.1
                 + 0.6·delinquencies_24m [0] + 0.2·inquiries_6m [0]
                 + 2.0·(utilisation [0.5] − 0.4) + 1.5·max(utilisation − 0.8, 0)
                 + 0.45·payments_failed_90d + 0.02·min(past_max_dpd [0], 90)
                 + 1.5·(debt_to_income [0.35] − 0.25) − 0.3·ln(income [5,400] / 5,000)
                 + 0.5·[age < 25] − 0.01·(age − 35)
                 − 0.0006·min(kyc_age_days, 1,000) + 0.4·security_events_90d
                 + 0.6·[thin file] + 0.3·N(0, 1)

   and ``bad`` (1 = defaulted within 12 months) ~ Bernoulli(p). The bad rate comes out near 10 %.

The simulated credit bureau (``hujin.lending.bureau``) draws its four fields with the same
formulas, so live reports look like the training population.
"""

import numpy as np
import pandas as pd

# The characteristics a model may use, in the order the scorecard lists them. The live feature
# builder assembles exactly these names for an application.
HUJIN_FEATURES = (
    "age",
    "kyc_age_days",
    "risk_level",
    "wallet_balance_avg_90d",
    "wallet_inflow_90d",
    "payments_failed_90d",
    "past_loans",
    "past_max_dpd",
    "security_events_90d",
    "monthly_income",
    "debt_to_income",
)
BUREAU_FEATURES = (
    "bureau_inquiries_6m",
    "bureau_open_accounts",
    "bureau_delinquencies_24m",
    "bureau_utilisation",
)
FEATURES = HUJIN_FEATURES + BUREAU_FEATURES
CATEGORICAL = ("risk_level",)
TARGET = "bad"  # 1 = defaulted within 12 months
BAD_VALUE = 1

THIN_FILE_SHARE = 0.05
INCOME_MISSING_SHARE = 0.02
MEDIAN_INCOME = 5400.0
INTERCEPT = -3.1


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def bureau_draw(rng: np.random.Generator, u: np.ndarray, age: np.ndarray) -> dict:
    """The four bureau fields for strains ``u`` and ages (step 3 of the process; thin files
    are applied by the caller)."""
    open_accounts = rng.poisson(np.exp(0.9 + 0.01 * (age - 35) + 0.15 * u)).astype(float)
    utilisation = np.round(_sigmoid(-0.6 + 0.9 * u + rng.normal(0, 0.8, len(u))), 3)
    utilisation[open_accounts == 0] = np.nan
    return {
        "bureau_inquiries_6m": rng.poisson(np.exp(0.2 + 0.45 * u)).astype(float),
        "bureau_open_accounts": open_accounts,
        "bureau_delinquencies_24m": rng.poisson(np.exp(-1.9 + 0.8 * u)).astype(float),
        "bureau_utilisation": utilisation,
    }


def applicants(n: int, seed: int = 42) -> pd.DataFrame:
    """``n`` applicants drawn by the process above: the FEATURES columns and ``bad`` (0/1)."""
    rng = np.random.default_rng(seed)
    u = rng.normal(0.0, 1.0, n)

    age = np.minimum(18 + np.round(rng.gamma(4.0, 4.5, n)), 70)
    kyc_age_days = np.minimum(np.floor(rng.exponential(500.0, n)), 2500)
    level = np.clip(np.round(3 - 0.03 * (age - 35) + 0.3 * u + rng.normal(0, 1, n)), 1, 5)
    risk_level = np.array([f"C{int(v)}" for v in level], dtype=object)

    income = np.round(np.exp(8.6 + 0.012 * (age - 35) - 0.25 * u + rng.normal(0, 0.45, n)), -2)
    income = np.maximum(income, 500.0)
    dti = np.round(np.minimum(np.exp(-1.5 + 0.35 * u + rng.normal(0, 0.5, n)), 3.0), 2)
    undeclared = rng.random(n) < INCOME_MISSING_SHARE
    income_known = np.where(undeclared, MEDIAN_INCOME, income)

    balance = np.round(income_known * np.exp(-0.3 - 0.4 * u + rng.normal(0, 0.9, n)), 2)
    inflow = np.round(3 * income_known * rng.beta(1.5, 2.0, n), 2)
    failed = rng.poisson(np.exp(-1.8 + 0.6 * u)).astype(float)
    past_loans = rng.poisson(0.3 + kyc_age_days / 800.0).astype(float)
    clean = rng.random(n) < _sigmoid(1.5 - 0.9 * u)
    dpd = np.minimum(np.ceil(rng.exponential(15.0 * np.exp(0.4 * u))), 180)
    past_max_dpd = np.where(past_loans == 0, np.nan, np.where(clean, 0.0, dpd))
    security = rng.poisson(0.15 + 0.25 * (kyc_age_days < 30) + 0.1 * np.maximum(u, 0)).astype(float)

    bureau = bureau_draw(rng, u, age)
    thin = rng.random(n) < THIN_FILE_SHARE
    for values in bureau.values():
        values[thin] = np.nan

    def known(values, default):
        return np.where(np.isnan(values), default, values)

    utilisation = known(bureau["bureau_utilisation"], 0.5)
    logit = (
        INTERCEPT
        + 0.6 * known(bureau["bureau_delinquencies_24m"], 0)
        + 0.2 * known(bureau["bureau_inquiries_6m"], 0)
        + 2.0 * (utilisation - 0.4)
        + 1.5 * np.maximum(utilisation - 0.8, 0)
        + 0.45 * failed
        + 0.02 * np.minimum(known(past_max_dpd, 0), 90)
        + 1.5 * (np.where(undeclared, 0.35, dti) - 0.25)
        - 0.3 * np.log(income_known / 5000.0)
        + 0.5 * (age < 25)
        - 0.01 * (age - 35)
        - 0.0006 * np.minimum(kyc_age_days, 1000)
        + 0.4 * security
        + 0.6 * thin
        + 0.3 * rng.normal(0, 1, n)
    )
    bad = (rng.random(n) < _sigmoid(logit)).astype(int)

    frame = pd.DataFrame(
        {
            "age": age,
            "kyc_age_days": kyc_age_days,
            "risk_level": risk_level,
            "wallet_balance_avg_90d": balance,
            "wallet_inflow_90d": inflow,
            "payments_failed_90d": failed,
            "past_loans": past_loans,
            "past_max_dpd": past_max_dpd,
            "security_events_90d": security,
            "monthly_income": np.where(undeclared, np.nan, income),
            "debt_to_income": np.where(undeclared, np.nan, dti),
            **bureau,
            TARGET: bad,
        }
    )
    return frame
