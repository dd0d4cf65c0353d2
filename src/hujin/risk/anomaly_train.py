"""Training and measuring the behaviour model on the synthetic history (``risk.synthetic``).

- **Training**: an IsolationForest (scikit-learn, fixed ``random_state``, 1,024 days a tree)
  over the ordinary customers' days of one seed's history, each day with its full 30-day
  baseline (days 30-59).
- **Threshold**: each training customer's most unusual day; the threshold is the score above
  which ``NORMAL_SHARE`` (0.5 %) of them fall. On a fresh history that is 0.3-1 % of ordinary
  customers, so the model adds at most about 1 % to the rules' alerts (half a per cent of
  margin: the rules alone flag up to 1.2 %, and the issue allows 2 % in all).
- **Measurement**, on a fresh seed: per typology, the share of its customers the model alone
  flags (a day of the injected stretch, days 40-53, at or above the threshold), the rules alone
  (their own rules, as ``synthetic.measure`` counts), and rules + model; and the share of
  ordinary customers each flags over the whole history.
- **Artefact**: the fitted forest as ``skops`` bytes with their SHA-256; loading checks the
  digest first and trusts only the types listed in ``TRUSTED``.

The same seed gives the same forest and the same scores."""

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import skops.io as sio
from sklearn.ensemble import IsolationForest

from hujin.core.dates import business_time_zone
from hujin.risk.anomaly_features import (
    FEATURES,
    HISTORY_DAYS,
    DayFeatures,
    Row,
    baseline_of,
    day_features,
    local_date,
    model_vector,
)
from hujin.risk.errors import AnomalyArtefactInvalid, AnomalyTrainingInvalid
from hujin.risk.synthetic import CAUGHT_BY, NORMAL, START, TYPOLOGIES, Labelled, synthetic_history
from hujin.risk.windows import replay

INJECTED = range(40, 54)  # the days every typology is injected on (synthetic.py)
NORMAL_SHARE = 0.005
N_ESTIMATORS = 200
MAX_SAMPLES = 1024  # more than the default 256: a day extreme in one feature stands out
MIN_CUSTOMERS, MAX_CUSTOMERS = 50, 20_000
PER_TYPOLOGY = 20
# What skops may build when it loads an artefact, beyond its own safe defaults.
TRUSTED = ["sklearn.tree._tree.Tree"]


@dataclass(frozen=True, slots=True)
class CustomerDay:
    customer: str
    typology: str
    day: int  # days since the history's start
    features: DayFeatures


@dataclass(frozen=True, slots=True)
class Trained:
    forest: IsolationForest
    threshold: float
    baseline: dict
    params: dict
    data_summary: dict
    metrics: dict


def _rows_of(history: list[Labelled]) -> dict[str, list[Row]]:
    by_customer: dict[str, list[Row]] = defaultdict(list)
    zone = business_time_zone()
    for labelled in history:
        e = labelled.event
        by_customer[labelled.customer].append(Row(
            kind=e.kind, direction=e.direction, amount=e.amount, counterparty=e.counterparty,
            hour=e.occurred_at.astimezone(zone).hour, occurred_at=e.occurred_at,
        ))  # fmt: skip
    return by_customer


def customer_days(history: list[Labelled], *, first_day: int = HISTORY_DAYS) -> list[CustomerDay]:
    """Every customer's active days from ``first_day`` on, each with its features against the
    customer's 30 days before."""
    typology = {labelled.customer: labelled.typology for labelled in history}
    zone = business_time_zone()
    local_start = local_date(START, zone)
    days: list[CustomerDay] = []
    for customer, rows in _rows_of(history).items():
        by_day: dict[int, list[Row]] = defaultdict(list)
        for row in rows:
            by_day[(local_date(row.occurred_at, zone) - local_start).days].append(row)
        for day in sorted(d for d in by_day if d >= first_day):
            past = [r for d in range(day - HISTORY_DAYS, day) for r in by_day.get(d, ())]
            features = day_features(by_day[day], past)
            days.append(CustomerDay(customer, typology[customer], day, features))
    return days


def _matrix(days: Iterable[CustomerDay]) -> np.ndarray:
    return np.array([model_vector(d.features.values) for d in days], dtype=float)


def anomaly_scores(forest: IsolationForest, matrix: np.ndarray) -> np.ndarray:
    """The anomaly score of each row, in (0, 1]: the higher, the more unusual (about 0.5 and
    below is ordinary)."""
    return -forest.score_samples(matrix)


def _rules_caught(history: list[Labelled], rules) -> set[str]:
    """The customers the rules catch as ``synthetic.measure`` counts them: a typology's
    customer by one of its own rules, an ordinary one by any live rule."""
    caught: set[str] = set()
    by_event = iter(history)
    for _, decision in replay(((x.event, x.values) for x in history), rules):
        labelled = next(by_event)
        wanted = CAUGHT_BY.get(labelled.typology)
        if decision.fired and (wanted is None or wanted & set(decision.fired)):
            caught.add(labelled.customer)
    return caught


def _share(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def measure(forest: IsolationForest, threshold: float, history: list[Labelled], rules) -> dict:
    """Recall per typology (model alone, rules alone, rules + model) and the share of ordinary
    customers flagged, on ``history``."""
    days = customer_days(history)
    scores = anomaly_scores(forest, _matrix(days))
    model: set[str] = set()
    for d, score in zip(days, scores, strict=True):
        if score >= threshold and (d.typology == NORMAL or d.day in INJECTED):
            model.add(d.customer)
    rules_caught = _rules_caught(history, rules)
    members: dict[str, set[str]] = defaultdict(set)
    for labelled in history:
        members[labelled.typology].add(labelled.customer)
    recall = {}
    for typology in TYPOLOGIES:
        names = members[typology]
        recall[typology] = {
            "customers": len(names), "model": _share(len(names & model), len(names)),
            "rules": _share(len(names & rules_caught), len(names)),
            "combined": _share(len(names & (model | rules_caught)), len(names)),
        }  # fmt: skip
    normal = members[NORMAL]
    return {
        "recall": recall,
        "normal_customers": len(normal),
        "normal_flagged": {
            "model": _share(len(normal & model), len(normal)),
            "rules": _share(len(normal & rules_caught), len(normal)),
            "combined": _share(len(normal & (model | rules_caught)), len(normal)),
        },
    }


def train(*, seed: int, customers: int, per_typology: int = PER_TYPOLOGY, rules=()) -> Trained:
    """Train on ``customers`` ordinary customers of the history of ``seed``; measure on the
    history of ``seed + 1`` (``customers`` ordinary ones and ``per_typology`` of each typology)
    against ``rules`` too. Raises AnomalyTrainingInvalid (a size out of range)."""
    if type(customers) is not int or not MIN_CUSTOMERS <= customers <= MAX_CUSTOMERS:
        raise AnomalyTrainingInvalid(details={"field": "customers", "min": MIN_CUSTOMERS,
                                              "max": MAX_CUSTOMERS})  # fmt: skip
    if type(per_typology) is not int or not 1 <= per_typology <= 1_000:
        raise AnomalyTrainingInvalid(details={"field": "per_typology", "min": 1, "max": 1_000})
    if type(seed) is not int or not 0 <= seed < 2**31:
        raise AnomalyTrainingInvalid(details={"field": "seed"})
    days = customer_days(synthetic_history(seed=seed, normal=customers, per_typology=0))
    matrix = _matrix(days)
    forest = IsolationForest(n_estimators=N_ESTIMATORS, max_samples=min(MAX_SAMPLES, len(days)),
                             random_state=seed, n_jobs=1)  # fmt: skip
    forest.fit(matrix)
    scores = anomaly_scores(forest, matrix)
    worst: dict[str, float] = defaultdict(float)
    for d, score in zip(days, scores, strict=True):
        worst[d.customer] = max(worst[d.customer], float(score))
    threshold = float(np.quantile(sorted(worst.values()), 1 - NORMAL_SHARE, method="higher"))
    fresh = synthetic_history(seed=seed + 1, normal=customers, per_typology=per_typology)
    metrics = measure(forest, threshold, fresh, rules)
    return Trained(
        forest=forest, threshold=round(threshold, 6),
        baseline=baseline_of(matrix.tolist(), FEATURES),
        params={"algorithm": "IsolationForest", "n_estimators": N_ESTIMATORS,
                "max_samples": min(MAX_SAMPLES, len(days)), "random_state": seed,
                "normal_share": NORMAL_SHARE, "history_days": HISTORY_DAYS},
        data_summary={"source": "synthetic", "seed": seed, "customers": customers,
                      "rows": len(days), "days": f"{HISTORY_DAYS}-59",
                      "measured_on_seed": seed + 1, "per_typology": per_typology},
        metrics={**metrics, "seed": seed + 1},
    )  # fmt: skip


def artefact_dump(forest: IsolationForest) -> tuple[bytes, str]:
    """The forest as ``skops`` bytes, and their SHA-256 (hex)."""
    data = sio.dumps(forest)
    return data, hashlib.sha256(data).hexdigest()


def artefact_load(data: bytes, sha256: str) -> IsolationForest:
    """The forest from its artefact, once its SHA-256 is the one registered. Raises
    AnomalyArtefactInvalid (another digest, or types beyond ``TRUSTED``)."""
    data = bytes(data)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise AnomalyArtefactInvalid(details={"reason": "sha256"})
    untrusted = set(sio.get_untrusted_types(data=data)) - set(TRUSTED)
    if untrusted:
        raise AnomalyArtefactInvalid(details={"reason": "untrusted",
                                              "types": sorted(untrusted)})  # fmt: skip
    return sio.loads(data, trusted=TRUSTED)
