"""Training a credit scorecard: weight-of-evidence binning of every candidate characteristic
(``optbinning.BinningProcess``), a logistic regression on the WoE values, and points scaled so
that every ``PDO`` points double the good:bad odds, with odds of ``ODDS``:1 at ``BASE_SCORE``
points (higher score = better).

The figures come from a stratified hold-out split (``HOLD_OUT`` of the rows, fixed seed): AUC,
KS and Gini of the integer score, a 5-fold stratified cross-validated AUC (the whole pipeline
refitted per fold, on the training part only), and — for comparison — the hold-out AUC of a
plain logistic regression (one-hot categoricals, median-imputed and standardised numerics).

This module imports pandas, scikit-learn and optbinning; scoring an application does not (see
``artefact.score``)."""

import time
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from optbinning import BinningProcess, Scorecard
from pandas.api.types import is_bool_dtype, is_numeric_dtype
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score, roc_curve
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from hujin.lending.errors import ScorecardDataInvalid
from hujin.lending.scorecard.artefact import artefact_build

PDO = 20  # points to double the odds
ODDS = 50  # good:bad odds at the base score
BASE_SCORE = 600
HOLD_OUT = 0.3
FOLDS = 5
SEED = 42
# Characteristics whose binned information value is below this are dropped ("not predictive"
# in the usual reading of IV: < 0.02).
MIN_IV = 0.02
MIN_ROWS = 100
MIN_BADS = 10  # per class, so every fold of the cross-validation has both


@dataclass(frozen=True)
class TrainingResult:
    """A trained scorecard and its figures. ``scorecard`` (optbinning's object) and
    ``hold_out`` (features, bad flags) stay in memory for checks; only ``artefact``,
    ``metrics`` and ``summary`` are stored."""

    artefact: dict[str, Any]
    metrics: dict[str, float]  # auc, ks, gini, cv_auc, logistic_auc (hold-out)
    summary: dict[str, Any]  # rows, bad_rate, target, seed, hold_out_share, candidates...
    characteristics: tuple[str, ...]  # kept by the binning selection
    seconds: float
    scorecard: Any = field(repr=False, compare=False, default=None)
    hold_out: tuple[Any, Any] | None = field(repr=False, compare=False, default=None)


def _invalid(reason: str, **details) -> ScorecardDataInvalid:
    return ScorecardDataInvalid(details={"reason": reason, **details})


def _bad_flags(column: pd.Series, bad_value) -> np.ndarray:
    """1 where the target equals ``bad_value``: compared as numbers when both are numeric
    (so "1" matches 1 and 1.0), as text otherwise."""
    if is_numeric_dtype(column) and not is_bool_dtype(column):
        try:
            wanted = float(bad_value)
        except (TypeError, ValueError):
            raise _invalid("bad_value_absent", bad_value=str(bad_value)) from None
        flags = column.astype(float).to_numpy() == wanted
    else:
        flags = column.astype(str).str.strip().to_numpy() == str(bad_value).strip()
    if not flags.any():
        raise _invalid("bad_value_absent", bad_value=str(bad_value))
    return flags.astype(int)


def _category(value):
    """A category as the scorer reads it: stripped text; blank text is missing."""
    text = "" if value is None else str(value).strip()
    return text or np.nan


def prepare(frame: pd.DataFrame, *, target: str, bad_value) -> tuple[pd.DataFrame, np.ndarray]:
    """The candidate characteristics (numbers as float, anything else as stripped text, blank
    text and missing values as missing) and the 0/1 bad flags. Rows without a target are
    dropped, as are columns with a single value. Raises ScorecardDataInvalid."""
    if target not in frame.columns:
        raise _invalid("unknown_target", target=target)
    frame = frame[frame[target].notna()]
    y = _bad_flags(frame[target], bad_value)
    if len(frame) < MIN_ROWS:
        raise _invalid("too_few_rows", rows=len(frame), minimum=MIN_ROWS)
    if y.min() == y.max():
        raise _invalid("one_class", target=target)
    if min(int(y.sum()), int(len(y) - y.sum())) < MIN_BADS:
        raise _invalid("too_few_of_a_class", minimum=MIN_BADS)
    columns = {}
    for name in frame.columns:
        if name == target:
            continue
        column = frame[name]
        if column.nunique(dropna=True) < 2:
            continue
        if is_numeric_dtype(column) and not is_bool_dtype(column):
            columns[str(name)] = pd.Series(column.astype(float).to_numpy())
        else:
            text = column.astype(object).where(column.notna(), None)
            columns[str(name)] = pd.Series([_category(v) for v in text], dtype=object)
    if not columns:
        raise _invalid("no_characteristics")
    return pd.DataFrame(columns), y


def _categorical(X: pd.DataFrame) -> list[str]:
    return [c for c in X.columns if not is_numeric_dtype(X[c])]


def _scorecard(X: pd.DataFrame, y: np.ndarray) -> Scorecard:
    names = list(X.columns)
    binning = BinningProcess(
        variable_names=names,
        categorical_variables=_categorical(X),
        selection_criteria={"iv": {"min": MIN_IV}},
    )
    scorecard = Scorecard(
        binning_process=binning,
        estimator=LogisticRegression(max_iter=1000),
        scaling_method="pdo_odds",
        scaling_method_params={"pdo": PDO, "odds": ODDS, "scorecard_points": BASE_SCORE},
        intercept_based=True,
        rounding=True,
    )
    with warnings.catch_warnings():
        # optbinning 1.0 still uses pandas idioms pandas 3 deprecates (the results are
        # unchanged), and warns when nothing is selected, which is refused below
        for category in (FutureWarning, DeprecationWarning, UserWarning):
            warnings.filterwarnings("ignore", category=category, module=r"optbinning\.")
        try:
            # a missing value scores with the WoE of the rows that lacked it (0 when none did)
            return scorecard.fit(X, y, metric_missing="empirical", metric_special="empirical")
        except ValueError:
            process = getattr(scorecard, "binning_process_", None)
            if process is not None and not process.get_support().any():
                raise _invalid("no_information", minimum_iv=MIN_IV) from None
            raise


def _plain_logistic(X: pd.DataFrame, y: np.ndarray):
    categorical = _categorical(X)
    numeric = [c for c in X.columns if c not in categorical]
    columns = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
             numeric),
            ("categorical", make_pipeline(
                SimpleImputer(strategy="constant", fill_value="(missing)"),
                OneHotEncoder(handle_unknown="ignore"),
            ), categorical),
        ]
    )  # fmt: skip
    return make_pipeline(columns, LogisticRegression(max_iter=2000)).fit(X, y)


def _auc_ks(y: np.ndarray, score: np.ndarray) -> tuple[float, float]:
    """AUC and KS of a score where higher means better (so the bads score low)."""
    risk = -np.asarray(score, dtype=float)
    fpr, tpr, _ = roc_curve(y, risk)
    return float(roc_auc_score(y, risk)), float(np.max(tpr - fpr))


def _score_bands(scores: np.ndarray, bands: int = 10) -> dict[str, list]:
    """Edges at the training score's deciles (duplicates merged) and the share in each band;
    band i holds the scores s with edges[i-1] <= s < edges[i]."""
    edges = sorted({float(e) for e in np.quantile(scores, np.linspace(0, 1, bands + 1)[1:-1])})
    index = np.searchsorted(np.asarray(edges), scores, side="right")
    counts = np.bincount(index, minlength=len(edges) + 1)
    return {"edges": edges, "shares": [float(c) / len(scores) for c in counts]}


def train(
    frame: pd.DataFrame,
    *,
    target: str,
    bad_value,
    seed: int = SEED,
    hold_out: float = HOLD_OUT,
    folds: int = FOLDS,
) -> TrainingResult:
    """Train and measure a scorecard on ``frame``: every column but ``target`` is a candidate
    characteristic. Raises ScorecardDataInvalid (unknown target, ``bad_value`` absent, one
    class only, too few rows, no usable column, no column with information)."""
    started = time.perf_counter()
    X, y = prepare(frame, target=target, bad_value=bad_value)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=hold_out, stratify=y, random_state=seed
    )
    X_train, X_test = X_train.reset_index(drop=True), X_test.reset_index(drop=True)

    scorecard = _scorecard(X_train, y_train)
    auc, ks = _auc_ks(y_test, scorecard.score(X_test))

    cv_aucs = []
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for fit_rows, check_rows in splitter.split(X_train, y_train):
        fold = _scorecard(X_train.iloc[fit_rows].reset_index(drop=True), y_train[fit_rows])
        cv_aucs.append(_auc_ks(y_train[check_rows], fold.score(X_train.iloc[check_rows]))[0])

    plain = _plain_logistic(X_train, y_train)
    logistic_auc = float(roc_auc_score(y_test, plain.predict_proba(X_test)[:, 1]))

    kept = tuple(str(n) for n in scorecard.binning_process_.get_support(names=True))
    artefact = artefact_build(
        scorecard,
        scaling={"pdo": PDO, "odds": ODDS, "base_score": BASE_SCORE},
        score_bands=_score_bands(scorecard.score(X_train)),
    )
    metrics = {
        "auc": round(auc, 4),
        "ks": round(ks, 4),
        "gini": round(2 * auc - 1, 4),
        "cv_auc": round(float(np.mean(cv_aucs)), 4),
        "cv_auc_std": round(float(np.std(cv_aucs)), 4),
        "logistic_auc": round(logistic_auc, 4),
    }
    summary = {
        "rows": len(X),
        "bad_rate": round(float(y.mean()), 4),
        "target": target,
        "bad_value": str(bad_value),
        "seed": seed,
        "hold_out_share": hold_out,
        "folds": folds,
        "candidates": list(X.columns),
        "characteristics": list(kept),
    }
    return TrainingResult(
        artefact=artefact,
        metrics=metrics,
        summary=summary,
        characteristics=kept,
        seconds=round(time.perf_counter() - started, 2),
        scorecard=scorecard,
        hold_out=(X_test, y_test),
    )
