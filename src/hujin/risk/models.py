"""The risk module's tables: the rules' versions and the rule set in force, the window
aggregates' events, the decisions and the alerts.

A rule is a code with versions. A version is written (``draft``), proposed for ``shadow`` or
``live`` and put there by a checker; at most one version of a rule is live and one in shadow at
a time, and a version that leaves is ``retired``. ``RuleSet`` is one row whose ``generation``
rises with every change of what is in force: every process keeps the rule set it parsed for a
generation and reads the number (one small row) to know it is still the one in force.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.ids import new_id

DRAFT, PROPOSED, SHADOW, LIVE, RETIRED, REJECTED = (
    "draft", "proposed", "shadow", "live", "retired", "rejected",
)  # fmt: skip
VERSION_STATES = (DRAFT, PROPOSED, SHADOW, LIVE, RETIRED, REJECTED)
IN_FORCE = (SHADOW, LIVE)

PERMISSIONS = [
    ("view_risk", _("Can see risk rules, decisions, alerts and cases")),
    ("edit_rules", _("Can write risk rules and propose them")),
    ("approve_rules", _("Can put a risk rule in force (checker)")),
    ("work_alerts", _("Can triage risk alerts and work cases")),
]


class RuleVersion(models.Model):
    """One version of a rule: what it says and where it stands. Written once; only its state,
    and who moved it, change."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.CharField(max_length=64)
    number = models.PositiveIntegerField()
    name_en = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200)
    condition = models.TextField()
    outcome = models.CharField(max_length=8)  # allow | review | block | alert
    score = models.PositiveSmallIntegerField(default=0)
    reason_en = models.CharField(max_length=300)
    reason_zh = models.CharField(max_length=300)
    source = models.CharField(max_length=300, blank=True, default="")
    state = models.CharField(max_length=10, default=DRAFT)
    proposed_state = models.CharField(max_length=10, blank=True, default="")  # shadow | live
    note = models.CharField(max_length=500, blank=True, default="")
    written_by = models.UUIDField(null=True, blank=True)  # a user; None: shipped with Hujin
    written_at = models.DateTimeField()
    decided_by = models.UUIDField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        permissions = PERMISSIONS
        ordering = ["code", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["code", "number"], name="risk_rule_version_number"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state=LIVE), name="risk_rule_one_live"
            ),
            models.UniqueConstraint(
                fields=["code"], condition=Q(state=SHADOW), name="risk_rule_one_shadow"
            ),
            models.CheckConstraint(
                condition=Q(state__in=VERSION_STATES), name="risk_rule_version_state"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=("allow", "review", "block", "alert")),
                name="risk_rule_version_outcome",
            ),
            models.CheckConstraint(condition=Q(score__lte=100), name="risk_rule_version_score"),
        ]
        indexes = [models.Index(fields=["state"], name="risk_rule_version_state_ix")]

    def __str__(self) -> str:
        return f"{self.code} v{self.number} ({self.state})"


class RuleSet(models.Model):
    """One row: the generation of the rules in force, raised by every change of it."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    generation = models.BigIntegerField(default=0)
    # New with every raise: a generation number raised in a transaction that rolled back comes
    # again, its token never does (what a process's parsed rules are keyed on).
    token = models.CharField(max_length=32, blank=True, default="")
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [models.CheckConstraint(condition=Q(id=1), name="risk_rule_set_one_row")]

    def __str__(self) -> str:
        return f"rule set generation {self.generation}"


class WindowEntry(models.Model):
    """One event under one of its keys (``per``: customer, device, counterparty, ip), kept while
    the longest window in force may still read it. ``subject`` and ``counterparty`` are a
    customer's id or a blind index (a device, an address, a card), never the value itself."""

    id = models.BigAutoField(primary_key=True)
    per = models.CharField(max_length=12)
    subject = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()
    kind = models.CharField(max_length=16)
    direction = models.CharField(max_length=3, blank=True, default="")
    amount = models.BigIntegerField(default=0)
    counterparty = models.CharField(max_length=64, blank=True, default="")
    hour = models.PositiveSmallIntegerField(default=0)  # in the business time zone, 0-23
    event = models.UUIDField()  # the entries of one event share it

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["per", "subject", "occurred_at"], name="risk_window_subject_ix"),
            models.Index(fields=["per", "subject", "counterparty"], name="risk_window_paid_ix"),
            models.Index(fields=["occurred_at"], name="risk_window_time_ix"),
            models.Index(fields=["event"], name="risk_window_event_ix"),  # forgetting one
        ]

    def __str__(self) -> str:
        return f"{self.per}:{self.subject} {self.kind} {self.occurred_at:%Y-%m-%d %H:%M}"


class Decision(models.Model):
    """What the rules in force said about one event, with every rule's finding (fired or not,
    failed, and the values it read)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer_id = models.UUIDField(null=True, blank=True)
    event = models.UUIDField()  # the window entries' event id
    kind = models.CharField(max_length=16)
    direction = models.CharField(max_length=3, blank=True, default="")
    amount = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, blank=True, default="")
    channel = models.CharField(max_length=32, blank=True, default="")
    occurred_at = models.DateTimeField()
    outcome = models.CharField(max_length=8)
    score = models.PositiveSmallIntegerField(default=0)
    fired = models.JSONField(default=list)  # live rules that fired, by code
    shadow_fired = models.JSONField(default=list)  # shadow rules that would have
    findings = models.JSONField(default=list)
    generation = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["occurred_at"], name="risk_decision_time_ix"),
            models.Index(fields=["customer_id", "occurred_at"], name="risk_decision_customer_ix"),
            models.Index(fields=["outcome", "occurred_at"], name="risk_decision_outcome_ix"),
        ]

    def __str__(self) -> str:
        return f"decision {self.kind} {self.outcome} {self.occurred_at:%Y-%m-%d %H:%M}"


OPEN, DISMISSED, ESCALATED = "open", "dismissed", "escalated"


class Alert(models.Model):
    """Something an analyst must look at: a rule that fired with ``alert`` or ``review``, a
    watch-list hit, an anomaly. Triaged as a false positive (with the reason) or escalated."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer_id = models.UUIDField(null=True, blank=True)
    source = models.CharField(max_length=12)  # rule | watchlist | anomaly
    code = models.CharField(max_length=64)  # the rule's code, the list's, the model's
    decision = models.ForeignKey(Decision, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="alerts")  # fmt: skip
    score = models.PositiveSmallIntegerField(default=0)
    details = models.JSONField(default=dict)
    raised_at = models.DateTimeField()
    state = models.CharField(max_length=10, default=OPEN)
    triaged_by = models.UUIDField(null=True, blank=True)
    triaged_at = models.DateTimeField(null=True, blank=True)
    triage_reason = models.CharField(max_length=500, blank=True, default="")
    case = models.ForeignKey("risk.Case", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="alerts")  # fmt: skip

    class Meta:
        default_permissions = ()
        ordering = ["-raised_at", "-id"]
        indexes = [
            models.Index(fields=["state", "raised_at"], name="risk_alert_state_ix"),
            models.Index(fields=["customer_id", "raised_at"], name="risk_alert_customer_ix"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=(OPEN, DISMISSED, ESCALATED)), name="risk_alert_state"
            ),
        ]

    def __str__(self) -> str:
        return f"alert {self.source}:{self.code} {self.state}"


from hujin.risk.models_anomaly import *  # noqa: E402, F403 -- the anomaly model's tables
from hujin.risk.models_cases import *  # noqa: E402, F403 -- cases and reports
from hujin.risk.models_lists import *  # noqa: E402, F403 -- the screening lists' tables
