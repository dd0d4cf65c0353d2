"""The console's model registry: each registered scorecard with its hold-out figures, and
the population stability of the champion's score month by month."""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

from hujin.lending import charts
from hujin.lending.models import ModelStability, ScoreModel
from hujin.lending.selectors.console import feature_label, percent


@dataclass(frozen=True, slots=True)
class ModelRow:
    id: uuid.UUID
    version: int
    name: str
    role: str
    auc: str
    ks: str
    gini: str
    cv_auc: str
    trained_at: datetime
    rows: int | None
    bad_rate: str
    stability: list[dict]  # month, applications, psi of the score, flagged names
    psi_chart: charts.LineChart | None


def _metric(metrics: dict, key: str) -> str:
    value = metrics.get(key)
    return "" if value is None else f"{float(value):.3f}"


def models_registry() -> tuple[list[ModelRow], charts.LineChart | None]:
    """Every version, newest first, and the chart of AUC and KS per version."""
    stability = defaultdict(list)
    for s in ModelStability.objects.order_by("month"):
        stability[s.model_id].append(s)
    rows = []
    for m in ScoreModel.objects.order_by("-version"):
        months = stability.get(m.id, [])
        bad_rate = m.data_summary.get("bad_rate")
        psi_chart = charts.lines(
            [(str(_("Score")), [float(s.psi.get("score", 0)) for s in months])],
            [f"{s.month:%Y-%m}" for s in months], low=0.0,
        ) if len(months) > 1 else None  # fmt: skip
        rows.append(ModelRow(
            id=m.id, version=m.version, name=m.name, role=m.role, auc=_metric(m.metrics, "auc"),
            ks=_metric(m.metrics, "ks"), gini=_metric(m.metrics, "gini"),
            cv_auc=_metric(m.metrics, "cv_auc"), trained_at=m.trained_at,
            rows=m.data_summary.get("rows"),
            bad_rate=percent(bad_rate, 1) if bad_rate is not None else "",
            stability=[{"month": s.month, "applications": s.applications,
                        "psi": f"{float(s.psi.get('score', 0)):.3f}",
                        "flagged": [feature_label(f) for f in s.flagged]} for s in months],
            psi_chart=psi_chart,
        ))  # fmt: skip
    ordered = sorted(rows, key=lambda r: r.version)
    chart = charts.lines(
        [("AUC", [float(r.auc) if r.auc else None for r in ordered]),
         ("KS", [float(r.ks) if r.ks else None for r in ordered])],
        [f"v{r.version}" for r in ordered], low=0.0, high=1.0,
    )  # fmt: skip
    return rows, chart
