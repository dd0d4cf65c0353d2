"""The rules money moves under, as data operations edit: limits per transaction, day and month
(by customer tier and verification level), fees, and the running totals that make a limit hold
under concurrency; and the screening decision recorded with each movement.

A limit is enforced on ``LimitUsage``: one row per customer, kind and period (a calendar day or
month in the business time zone), locked and raised in the same transaction as the movement's
ledger transfer, so two requests can never both fit under what is left.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.ids import new_id
from hujin.payments.types import PAYMENT_KINDS

ANY = "*"  # a rule's tier or level that matches every customer


class LimitRule(models.Model):
    """What one kind of movement may add up to for customers of a tier and verification level.
    ``tier`` and ``level`` are ``*`` for any; the most specific active rule wins (level before
    tier). A limit left empty does not apply."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(max_length=16, choices=[(k, k) for k in PAYMENT_KINDS])
    tier = models.CharField(max_length=32, default=ANY)
    level = models.CharField(max_length=32, default=ANY)
    per_transaction_minor = models.BigIntegerField(null=True, blank=True)
    per_day_minor = models.BigIntegerField(null=True, blank=True)
    per_month_minor = models.BigIntegerField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True, default="")
    updated_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["kind", "tier", "level"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "tier", "level"], name="payments_limit_rule"),
            models.CheckConstraint(
                condition=(
                    (Q(per_transaction_minor__isnull=True) | Q(per_transaction_minor__gt=0))
                    & (Q(per_day_minor__isnull=True) | Q(per_day_minor__gt=0))
                    & (Q(per_month_minor__isnull=True) | Q(per_month_minor__gt=0))
                ),
                name="payments_limit_rule_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"limit {self.kind} {self.tier}/{self.level}"


class LimitUsage(models.Model):
    """How much of one kind a customer has moved in one period: the amount and the number of
    movements, counted when the movement is asked for and given back when it fails."""

    DAY = "day"
    MONTH = "month"

    id = models.BigAutoField(primary_key=True)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16)
    period = models.CharField(max_length=8)  # day | month
    starts_on = models.DateField()
    amount_minor = models.BigIntegerField(default=0)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "kind", "period", "starts_on"], name="payments_limit_usage"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gte=0), name="payments_usage_amount"),
        ]

    def __str__(self) -> str:
        return f"usage {self.kind} {self.period} {self.starts_on}"


class FeeRule(models.Model):
    """The fee of one kind of movement: the first ``free_per_month`` of a calendar month are
    free, then ``rate`` of the amount (rounded half up to the fen) plus ``fixed_minor``, kept
    between ``minimum_minor`` and ``maximum_minor`` (when set)."""

    kind = models.CharField(
        max_length=16, primary_key=True, choices=[(k, k) for k in PAYMENT_KINDS]
    )
    free_per_month = models.PositiveIntegerField(default=0)
    rate = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    fixed_minor = models.BigIntegerField(default=0)
    minimum_minor = models.BigIntegerField(default=0)
    maximum_minor = models.BigIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["kind"]
        constraints = [
            models.CheckConstraint(
                condition=Q(rate__gte=0, rate__lt=1, fixed_minor__gte=0, minimum_minor__gte=0)
                & (Q(maximum_minor__isnull=True) | Q(maximum_minor__gte=models.F("minimum_minor"))),
                name="payments_fee_rule_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"fee {self.kind}"


class Screening(models.Model):
    """The screening decision on one movement asked for: allow, review (held until someone
    decides) or refuse, with the reasons of every screen that spoke. A refused movement has no
    payment; the decision is kept all the same."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16)
    amount_minor = models.BigIntegerField()
    outcome = models.CharField(max_length=8)  # allow | review | refuse
    reasons = models.JSONField(default=list)  # [{"screen", "code", "message"}]
    decided_at = models.DateTimeField()
    reviewed_by = models.CharField(max_length=150, blank=True, default="")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        default_permissions = ()
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["outcome", "decided_at"], name="payments_screening_out")]

    def __str__(self) -> str:
        return f"screening {self.id}"


RULE_PERMISSIONS = [
    ("view_payments", _("Can see customers' payments")),
    ("manage_payment_rules", _("Can change payment limits, fees and channels")),
    ("review_payments", _("Can release or reject payments held for review")),
]
