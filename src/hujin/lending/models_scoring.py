"""Credit scoring's records: the registered scorecards, their monthly stability, and the
decision policy's versions."""

from django.db import models
from django.db.models import F, Q

from hujin.core.ids import new_id
from hujin.lending import types as t


def choices_of(values) -> list[tuple[str, str]]:
    return [(v, v) for v in values]


class ScoreModel(models.Model):
    """A registered version of a credit scorecard: what it was trained on, how well it did on a
    hold-out split, and the artefact that scores (bins and points per characteristic).

    One champion decides; challengers are scored beside it and never decide."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)
    role = models.CharField(
        max_length=12, default=t.MODEL_CHALLENGER, choices=choices_of(t.MODEL_ROLES)
    )
    # {"rows", "bad_rate", "source", "target", "seed", "hold_out_share"}
    data_summary = models.JSONField(default=dict)
    # {"auc", "ks", "gini", "cv_auc"} on the hold-out split, as numbers
    metrics = models.JSONField(default=dict)
    artefact = models.JSONField()  # the scorecard: characteristics, bins, points
    # per characteristic (and "score"): the training distribution over its bins, for the PSI
    baseline = models.JSONField(default=dict)
    trained_by = models.CharField(max_length=64)
    trained_at = models.DateTimeField()
    promoted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"],
                condition=Q(role=t.MODEL_CHAMPION),
                name="lending_one_champion",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.name}"


class ModelStability(models.Model):
    """A month's population stability index of a model: per characteristic and for the score,
    against its training distribution (PSI > 0.25 is flagged)."""

    id = models.BigAutoField(primary_key=True)
    model = models.ForeignKey(ScoreModel, on_delete=models.PROTECT, related_name="stability")
    month = models.DateField()  # the first day of the month measured
    psi = models.JSONField()  # {"score": 0.03, "<characteristic>": 0.01, ...}
    applications = models.PositiveIntegerField()
    flagged = models.JSONField(default=list)  # the names above the threshold
    computed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["model", "month"], name="lending_psi_month"),
        ]

    def __str__(self) -> str:
        return f"{self.model_id} {self.month}"


class CreditPolicy(models.Model):
    """The decision policy as data, one version in force (the newest): score cut-offs and the
    risk-based pricing table. ``pricing``: ``[[from_score, annual_rate, max_amount_minor], ...]``
    from the highest band down; an approved application gets the rate of its band (within the
    product's range) and at most that amount. A decision by an analyst above
    ``checker_above_minor`` needs a second person (maker-checker)."""

    id = models.BigAutoField(primary_key=True)
    version = models.PositiveIntegerField(unique=True)
    approve_from = models.PositiveSmallIntegerField()
    refer_from = models.PositiveSmallIntegerField()
    pricing = models.JSONField()
    checker_above_minor = models.BigIntegerField()
    offer_valid_hours = models.PositiveSmallIntegerField(default=72)
    created_by = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refer_from__lte=F("approve_from")), name="lending_policy_cutoffs"
            ),
        ]

    def __str__(self) -> str:
        return f"policy v{self.version}"
