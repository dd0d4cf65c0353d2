"""What happens to loans over time, kept as history: the closes of business that recognised
interest, changes of bucket and class, collectors' notes, and each day's penalty per instalment."""

from django.db import models
from django.db.models import Q


class AccrualRun(models.Model):
    """A business date whose interest the close of business recognised on every active loan:
    what a loan's counters, exact as of its ``accrued_through``, have earned since is read from
    the runs after it (recognition.py), so the daily accrual writes no loan or instalment row."""

    id = models.BigAutoField(primary_key=True)
    part = models.CharField(max_length=8)  # interest
    business_date = models.DateField()
    loans = models.PositiveIntegerField()
    total_minor = models.BigIntegerField()
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["part", "business_date"]
        constraints = [
            models.UniqueConstraint(fields=["part", "business_date"], name="lending_run_once"),
        ]

    def __str__(self) -> str:
        return f"{self.part} {self.business_date}"


class LoanStatusChange(models.Model):
    """A change of a loan's bucket or classification, as the close of business (or an analyst's
    downgrade) made it: the loan page's DPD history."""

    id = models.BigAutoField(primary_key=True)
    loan = models.ForeignKey(
        "lending.Loan", on_delete=models.PROTECT, related_name="status_changes"
    )
    business_date = models.DateField()
    dpd = models.PositiveIntegerField()
    bucket = models.CharField(max_length=4)
    classification = models.CharField(max_length=16)
    previous_bucket = models.CharField(max_length=4)
    previous_classification = models.CharField(max_length=16)
    reason = models.CharField(max_length=32, default="cob")  # cob | downgrade | restructure

    class Meta:
        default_permissions = ()
        ordering = ["loan", "business_date", "id"]
        indexes = [models.Index(fields=["loan", "business_date"], name="lending_status_loan")]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.business_date} {self.bucket}"


class CollectionNote(models.Model):
    """A collector's note on an overdue loan, with a promise to pay when the customer made one;
    a promise is kept when the loan's overdue amount is paid by its date."""

    id = models.BigAutoField(primary_key=True)
    loan = models.ForeignKey(
        "lending.Loan", on_delete=models.PROTECT, related_name="collection_notes"
    )
    channel = models.CharField(max_length=16)  # phone, sms, visit, letter, other
    note = models.TextField()
    promise_date = models.DateField(null=True, blank=True)
    promise_amount_minor = models.BigIntegerField(null=True, blank=True)
    author_id = models.CharField(max_length=64)
    author_label = models.CharField(max_length=150)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["loan", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(promise_date__isnull=True, promise_amount_minor__isnull=True)
                | Q(promise_date__isnull=False, promise_amount_minor__gt=0),
                name="lending_note_promise_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.loan_id} {self.created_at:%Y-%m-%d}"


class PenaltyAccrual(models.Model):
    """One business date's penalty on one instalment, as the close of business accrued it: the
    history a repayment dated earlier than the accrual (a late-arriving callback) recomputes."""

    id = models.BigAutoField(primary_key=True)
    instalment = models.ForeignKey("lending.Instalment", on_delete=models.CASCADE, related_name="+")
    loan = models.ForeignKey("lending.Loan", on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField()
    amount_minor = models.BigIntegerField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["loan", "business_date"], name="lending_penalty_day")]

    def __str__(self) -> str:
        return f"{self.instalment_id} {self.business_date}"
