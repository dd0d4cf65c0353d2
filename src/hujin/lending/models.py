"""Lending's rows (private to the app): loan products and their admission, score models,
applications and their decisions, loans with their schedules, and every money event of a loan.

Money in integer fen, rates in Decimal (annual, 6 decimals: 0.060000 is 6 %); the invariants
are CHECK constraints."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hujin.core.ids import new_id
from hujin.lending import types as t
from hujin.lending.models_scoring import CreditPolicy, ModelStability, ScoreModel, choices_of


class LoanProduct(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.CharField(max_length=32, unique=True)
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    currency = models.CharField(max_length=3, default="CNY")
    min_amount_minor = models.BigIntegerField()
    max_amount_minor = models.BigIntegerField()
    term_unit = models.CharField(max_length=8, choices=choices_of(t.TERM_UNITS))
    min_term = models.PositiveIntegerField()
    max_term = models.PositiveIntegerField()
    method = models.CharField(max_length=20, choices=choices_of(t.METHODS))
    day_count = models.CharField(max_length=8, choices=choices_of(t.DAY_COUNTS))
    min_rate = models.DecimalField(max_digits=7, decimal_places=6)
    max_rate = models.DecimalField(max_digits=7, decimal_places=6)
    upfront_fee_rate = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    instalment_fee_rate = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    penalty_rate = models.DecimalField(max_digits=7, decimal_places=6)
    grace_days = models.PositiveSmallIntegerField(default=0)
    prepayment_allowed = models.BooleanField(default=True)
    prepayment_fee_rate = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    allocation_order = models.JSONField(default=list)  # a permutation of types.PARTS
    min_age = models.PositiveSmallIntegerField(default=18)
    max_age = models.PositiveSmallIntegerField(default=60)
    min_score = models.PositiveSmallIntegerField(default=0)
    max_debt_to_income = models.DecimalField(max_digits=5, decimal_places=2, default=0.5)
    description_zh = models.TextField(blank=True, default="")
    description_en = models.TextField(blank=True, default="")
    # The highest APR the terms allow (pricing.worst_apr), worked out when they are saved.
    worst_apr = models.DecimalField(max_digits=7, decimal_places=4, default=0)
    state = models.CharField(
        max_length=16, default=t.PRODUCT_DRAFT, choices=choices_of(t.PRODUCT_STATES)
    )
    approval_request_id = models.UUIDField(null=True, blank=True)
    created_by = models.CharField(max_length=64)
    approved_by = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["code"]
        permissions = [
            ("view_lending", _("Can see loan products, applications and loans")),
            ("manage_loan_products", _("Can create, edit and submit loan products")),
            ("review_loan_products", _("Can admit loan products (the checker)")),
            ("decide_applications", _("Can decide referred loan applications")),
            ("manage_collections", _("Can work the collections queue")),
            ("manage_loans", _("Can restructure, downgrade and write off loans (maker)")),
            ("manage_models", _("Can register and promote credit score models")),
            ("fund_lending", _("Can record the lender's funds arriving at the custodian")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_amount_minor__gt=0, max_amount_minor__gte=F("min_amount_minor"))
                & Q(min_term__gt=0, max_term__gte=F("min_term"))
                & Q(min_rate__gte=0, max_rate__gte=F("min_rate"), max_rate__lt=1)
                & Q(penalty_rate__gte=0, penalty_rate__lt=1)
                & Q(upfront_fee_rate__gte=0, upfront_fee_rate__lt=1)
                & Q(instalment_fee_rate__gte=0, instalment_fee_rate__lt=1)
                & Q(prepayment_fee_rate__gte=0, prepayment_fee_rate__lt=1),
                name="lending_product_ranges",
            ),
            models.CheckConstraint(
                condition=Q(term_unit=t.TERM_MONTHS) | Q(method=t.BULLET),
                name="lending_product_day_terms_bullet",
            ),
            models.CheckConstraint(
                condition=Q(state__in=t.PRODUCT_STATES), name="lending_product_state"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class LoanApplication(models.Model):
    """A customer's application and its decision: the features, the score with the points per
    characteristic and the reason codes, the hard rules that failed, the policy's outcome and,
    when approved, the offer (limit and rate from the pricing table)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="applications")
    amount_minor = models.BigIntegerField()
    term = models.PositiveIntegerField()
    purpose = models.CharField(max_length=32, choices=choices_of(t.PURPOSES))
    repayment_day = models.PositiveSmallIntegerField(null=True, blank=True)
    monthly_income_minor = models.BigIntegerField(default=0)  # declared by the customer
    idempotency_key = models.CharField(max_length=64)
    consent_id = models.UUIDField(null=True, blank=True)  # the credit-check consent
    state = models.CharField(max_length=12, choices=choices_of(t.APP_STATES))
    outcome = models.CharField(max_length=12, blank=True, default="")  # the policy's
    score = models.IntegerField(null=True, blank=True)
    points = models.JSONField(default=dict, blank=True)  # characteristic -> points
    reasons = models.JSONField(default=list, blank=True)  # reason codes, most costly first
    hard_rules = models.JSONField(default=list, blank=True)  # codes of the rules that failed
    features = models.JSONField(default=dict, blank=True)  # what was scored (no personal data)
    model = models.ForeignKey(
        ScoreModel, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    challengers = models.JSONField(default=list, blank=True)  # [{"version", "score"}]
    bureau_reference = models.CharField(max_length=64, blank=True, default="")
    offer_amount_minor = models.BigIntegerField(null=True, blank=True)
    offer_rate = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    offer_apr = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(max_length=64, blank=True, default="")  # "policy" or staff id
    decided_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True, default="")
    approval_request_id = models.UUIDField(null=True, blank=True)  # an analyst's large approval
    submitted_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-submitted_at"]
        indexes = [models.Index(fields=["state", "submitted_at"], name="lending_app_state")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"], name="lending_app_idempotency"
            ),
            models.CheckConstraint(
                condition=Q(amount_minor__gt=0, term__gt=0), name="lending_app_positive"
            ),
            models.CheckConstraint(condition=Q(state__in=t.APP_STATES), name="lending_app_state"),
        ]

    def __str__(self) -> str:
        return str(self.id)


class Loan(models.Model):
    """A signed contract and the loan it becomes: the terms copied from the offer (a product
    edited later changes nothing here), the signed document, and the running figures the close
    of business keeps (accrued interest and penalty, days past due, bucket, classification)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    number = models.CharField(max_length=20, unique=True)
    application = models.OneToOneField(
        LoanApplication, on_delete=models.PROTECT, related_name="loan"
    )
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey(LoanProduct, on_delete=models.PROTECT, related_name="loans")
    currency = models.CharField(max_length=3, default="CNY")
    principal_minor = models.BigIntegerField()
    annual_rate = models.DecimalField(max_digits=7, decimal_places=6)
    term = models.PositiveIntegerField()
    term_unit = models.CharField(max_length=8, choices=choices_of(t.TERM_UNITS))
    method = models.CharField(max_length=20, choices=choices_of(t.METHODS))
    day_count = models.CharField(max_length=8, choices=choices_of(t.DAY_COUNTS))
    repayment_day = models.PositiveSmallIntegerField(null=True, blank=True)
    upfront_fee_minor = models.BigIntegerField(default=0)
    instalment_fee_minor = models.BigIntegerField(default=0)
    penalty_rate = models.DecimalField(max_digits=7, decimal_places=6)
    grace_days = models.PositiveSmallIntegerField(default=0)
    prepayment_allowed = models.BooleanField(default=True)
    prepayment_fee_rate = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    allocation_order = models.JSONField()
    apr = models.DecimalField(max_digits=7, decimal_places=4)
    contract_version = models.PositiveSmallIntegerField()
    contract_text = models.TextField()
    contract_sha256 = models.CharField(max_length=64)
    signed_at = models.DateTimeField()
    signed_with = models.CharField(max_length=8)  # "sms" or "totp"
    state = models.CharField(max_length=12, choices=choices_of(t.LOAN_STATES))
    start_date = models.DateField()  # the schedule's start: the disbursement's business date
    disbursed_at = models.DateTimeField(null=True, blank=True)
    disburse_to = models.CharField(max_length=8, default="wallet")
    # The bound card the customer chose at signing (``disburse_to`` "card"); kept when the
    # disbursement found it gone and paid the wallet instead (``disburse_to`` then "wallet").
    disburse_card_id = models.UUIDField(null=True, blank=True)
    schedule_version = models.PositiveSmallIntegerField(default=1)
    # Interest recognised since disbursement, exact as of the close of business ``accrued_through``
    # (the last one before the loan's last event); later closes are read, not written here
    # (recognition.py).
    interest_accrued_minor = models.BigIntegerField(default=0)
    accrued_through = models.DateField(null=True, blank=True)
    penalty_accrued_minor = models.BigIntegerField(default=0)
    penalty_through = models.DateField(null=True, blank=True)  # the last date penalty accrued
    # The loan's receivable accounts (accounts.loan_account_id), kept for set-based accrual and
    # verification.
    principal_account_id = models.UUIDField(null=True, blank=True)
    interest_account_id = models.UUIDField(null=True, blank=True)
    penalty_account_id = models.UUIDField(null=True, blank=True)
    # collected so far, over every version of the schedule
    principal_paid_minor = models.BigIntegerField(default=0)
    interest_paid_minor = models.BigIntegerField(default=0)
    fees_paid_minor = models.BigIntegerField(default=0)
    penalty_paid_minor = models.BigIntegerField(default=0)
    dpd = models.PositiveIntegerField(default=0)
    bucket = models.CharField(max_length=4, default="M0")
    classification = models.CharField(max_length=16, default="normal")
    classification_manual = models.CharField(max_length=16, blank=True, default="")
    settled_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "dpd"], name="lending_loan_state_dpd")]
        constraints = [
            models.CheckConstraint(
                condition=Q(principal_minor__gt=0, term__gt=0)
                & Q(upfront_fee_minor__gte=0, upfront_fee_minor__lt=F("principal_minor"))
                & Q(instalment_fee_minor__gte=0)
                & Q(interest_accrued_minor__gte=0, penalty_accrued_minor__gte=0)
                & Q(principal_paid_minor__gte=0, principal_paid_minor__lte=F("principal_minor"))
                & Q(
                    interest_paid_minor__gte=0, interest_paid_minor__lte=F("interest_accrued_minor")
                )
                & Q(penalty_paid_minor__gte=0, penalty_paid_minor__lte=F("penalty_accrued_minor"))
                & Q(fees_paid_minor__gte=0),
                name="lending_loan_amounts",
            ),
            models.CheckConstraint(condition=Q(state__in=t.LOAN_STATES), name="lending_loan_state"),
        ]

    def __str__(self) -> str:
        return self.number


class Instalment(models.Model):
    """One instalment of a loan's schedule as it will be collected, and what has been paid of
    each part. A restructuring or a partial prepayment writes a new ``schedule_version`` of
    the unpaid instalments and marks the old ones ``superseded``; the history keeps them."""

    id = models.BigAutoField(primary_key=True)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="instalments")
    schedule_version = models.PositiveSmallIntegerField()
    number = models.PositiveSmallIntegerField()
    period_start = models.DateField()
    due_date = models.DateField()
    principal_minor = models.BigIntegerField()
    interest_minor = models.BigIntegerField()
    fee_minor = models.BigIntegerField()
    penalty_minor = models.BigIntegerField(default=0)  # accrued on it while overdue
    # of interest_minor, as of the loan's accrued_through (recognition.py)
    interest_recognised_minor = models.BigIntegerField(default=0)
    principal_paid_minor = models.BigIntegerField(default=0)
    interest_paid_minor = models.BigIntegerField(default=0)
    fee_paid_minor = models.BigIntegerField(default=0)
    penalty_paid_minor = models.BigIntegerField(default=0)
    paid_on = models.DateField(null=True, blank=True)  # when the last part was paid
    superseded = models.BooleanField(default=False)

    class Meta:
        default_permissions = ()
        ordering = ["loan", "schedule_version", "number"]
        indexes = [models.Index(fields=["due_date", "paid_on"], name="lending_inst_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "schedule_version", "number"], name="lending_inst_number"
            ),
            models.CheckConstraint(
                condition=Q(principal_minor__gte=0, interest_minor__gte=0, fee_minor__gte=0)
                & Q(penalty_minor__gte=0)
                & Q(principal_paid_minor__gte=0, principal_paid_minor__lte=F("principal_minor"))
                & Q(interest_paid_minor__gte=0, interest_paid_minor__lte=F("interest_minor"))
                & Q(fee_paid_minor__gte=0, fee_paid_minor__lte=F("fee_minor"))
                & Q(penalty_paid_minor__gte=0, penalty_paid_minor__lte=F("penalty_minor"))
                & Q(interest_recognised_minor__gte=0)
                & Q(interest_recognised_minor__lte=F("interest_minor")),
                name="lending_inst_paid_within_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} #{self.number}"


class LoanEvent(models.Model):
    """A money event of a loan, in the order of its value date: the disbursement, each
    repayment with its allocation, write-off and recovery. A repayment with an earlier value
    date than later ones is replayed in order (repayments.py)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    loan = models.ForeignKey(Loan, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16)
    value_date = models.DateField()
    amount_minor = models.BigIntegerField()
    allocation = models.JSONField(default=list, blank=True)  # [[instalment, part, amount]]
    idempotency_key = models.CharField(max_length=64)
    source = models.CharField(max_length=16, blank=True, default="")  # portal, api, auto_debit...
    actor_id = models.CharField(max_length=64)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["loan", "value_date", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["loan", "idempotency_key"], name="lending_event_idempotency"
            ),
            models.CheckConstraint(condition=Q(amount_minor__gt=0), name="lending_event_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.kind}"


# The loans' histories: closes of business, status changes, collectors' notes, penalty per day.
from hujin.lending.models_history import (  # noqa: E402
    AccrualRun,
    CollectionNote,
    LoanStatusChange,
    PenaltyAccrual,
)

__all__ = [
    "AccrualRun",
    "CollectionNote",
    "CreditPolicy",
    "Instalment",
    "Loan",
    "LoanApplication",
    "LoanEvent",
    "LoanProduct",
    "LoanStatusChange",
    "ModelStability",
    "PenaltyAccrual",
    "ScoreModel",
]
