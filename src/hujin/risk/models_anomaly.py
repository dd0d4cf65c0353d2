"""The anomaly model's tables: its registered versions and the scores the close-of-business
step gives each customer.

A version is trained by a command over the customers' daily behaviour (volumes,
counterparties, hours, devices), measured on the synthetic labelled history, and kept as a
``skops`` artefact with its SHA-256 (checked before loading). At most one version is
``active`` (a database rule): it is the one the COB step scores with. A score row is one
customer on one business date under one version (a database rule), so the step can run again
and write nothing twice; the highest become alerts that name the features that made them
unusual.
"""

from django.db import models
from django.db.models import Q

from hujin.core.ids import new_id

M_CANDIDATE, M_ACTIVE, M_RETIRED = "candidate", "active", "retired"
MODEL_STATES = (M_CANDIDATE, M_ACTIVE, M_RETIRED)


class AnomalyModel(models.Model):
    """A registered version of the behaviour model: what it reads, how it was trained, how
    well it did, and the artefact that scores."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=100)
    state = models.CharField(max_length=10, default=M_CANDIDATE)
    features = models.JSONField(default=list)  # the names, in the artefact's column order
    params = models.JSONField(default=dict)  # n_estimators, contamination, seed, ...
    data_summary = models.JSONField(default=dict)  # rows, customers, days, source
    metrics = models.JSONField(default=dict)  # recall by typology, share of normal flagged
    baseline = models.JSONField(default=dict)  # per feature: median and spread, to explain
    threshold = models.FloatField()  # a score at or above it is an anomaly
    artefact = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    trained_by = models.CharField(max_length=64)
    trained_at = models.DateTimeField()
    activated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["state"], condition=Q(state=M_ACTIVE), name="risk_anomaly_one_active"
            ),
            models.CheckConstraint(
                condition=Q(state__in=MODEL_STATES), name="risk_anomaly_model_state"
            ),
        ]

    def __str__(self) -> str:
        return f"anomaly model v{self.version} ({self.state})"


class AnomalyScore(models.Model):
    """One customer's score on one business date: the features' values, the score, and the
    features that made it unusual (``reasons``, most unusual first)."""

    id = models.BigAutoField(primary_key=True)
    model = models.ForeignKey(AnomalyModel, on_delete=models.PROTECT, related_name="scores")
    customer_id = models.UUIDField()
    business_date = models.DateField()
    score = models.FloatField()
    anomalous = models.BooleanField(default=False)
    values = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    alert = models.ForeignKey("risk.Alert", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")  # fmt: skip
    scored_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-business_date", "-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["model", "customer_id", "business_date"], name="risk_anomaly_score_once"
            ),
        ]
        indexes = [
            models.Index(fields=["business_date", "score"], name="risk_anomaly_date_ix"),
            models.Index(fields=["customer_id", "business_date"], name="risk_anomaly_cust_ix"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.business_date} {self.score:.3f}"
