"""The casework's tables: cases that group a customer's escalated alerts, their timeline and
attachments, and the reports to the authority (suspicious-transaction and large-value).

A customer has at most one open case (a database rule): an alert escalated while one is open
joins it. A case's timeline (``CaseEntry``) is written once and only ever grows: opening,
alerts joining, notes, attachments, assignment, a freeze requested, closing. An attachment's
bytes are kept encrypted at rest (they are evidence about a person).

A report (``Report``) is a draft until a compliance officer other than its maker approves it
(maker-checker); it is then exported in the documented file format and marked filed. A
suspicious-transaction report (``str``) comes from a case closed as suspicious; a large-value
report (``lv``) from a decision in which a large-value rule fired: one per decision (a database
rule), so the close-of-business step that writes them can run again and duplicate nothing.
``due_on`` is the last working day it may be filed (PBoC Order 〔2016〕 No. 3, art. 5 and 13:
five working days).
"""

from django.db import models
from django.db.models import Q

from hujin.core.crypto import EncryptedTextField
from hujin.core.ids import new_id

CASE_OPEN, CASE_CLOSED = "open", "closed"
CASE_STATES = (CASE_OPEN, CASE_CLOSED)
SUSPICIOUS, NOT_SUSPICIOUS = "suspicious", "not_suspicious"
CONCLUSIONS = (SUSPICIOUS, NOT_SUSPICIOUS)
ENTRY_KINDS = (
    "opened", "alert", "note", "attachment", "assigned", "freeze", "closed", "report",
)  # fmt: skip

STR, LV = "str", "lv"
REPORT_KINDS = (STR, LV)
R_DRAFT, R_PROPOSED, R_APPROVED, R_FILED = "draft", "proposed", "approved", "filed"
REPORT_STATES = (R_DRAFT, R_PROPOSED, R_APPROVED, R_FILED)


class Case(models.Model):
    """An investigation of one customer: the alerts that led to it, who works it, by when, and
    what was concluded (``suspicious`` leads to a suspicious-transaction report)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    number = models.CharField(max_length=20, unique=True)  # CASE-2026-000123
    customer_id = models.UUIDField()
    state = models.CharField(max_length=8, default=CASE_OPEN)
    title = models.CharField(max_length=200)
    typology = models.CharField(max_length=64, blank=True, default="")
    assignee = models.UUIDField(null=True, blank=True)  # a user
    opened_by = models.UUIDField(null=True, blank=True)
    opened_at = models.DateTimeField()
    due_at = models.DateTimeField()  # the SLA: by when the case should be concluded
    conclusion = models.CharField(max_length=16, blank=True, default="")
    narrative = models.TextField(blank=True, default="")
    closed_by = models.UUIDField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_id"], condition=Q(state=CASE_OPEN), name="risk_case_one_open"
            ),
            models.CheckConstraint(condition=Q(state__in=CASE_STATES), name="risk_case_state"),
            models.CheckConstraint(
                condition=Q(conclusion__in=("", *CONCLUSIONS)), name="risk_case_conclusion"
            ),
            models.CheckConstraint(
                condition=Q(state=CASE_OPEN, conclusion="")
                | Q(state=CASE_CLOSED, closed_at__isnull=False) & ~Q(conclusion=""),
                name="risk_case_closed_concluded",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="risk_case_state_ix"),
            models.Index(fields=["customer_id", "opened_at"], name="risk_case_customer_ix"),
            models.Index(fields=["assignee", "state"], name="risk_case_assignee_ix"),
        ]

    def __str__(self) -> str:
        return f"case {self.number} ({self.state})"


class CaseEntry(models.Model):
    """One line of a case's timeline: who, when, what (``kind``), the text and the details
    (the alert's id, the assignee, the attachment's id, the report's number)."""

    id = models.BigAutoField(primary_key=True)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="entries")
    kind = models.CharField(max_length=12)
    at = models.DateTimeField()
    by = models.UUIDField(null=True, blank=True)  # a user; None: the system
    text = models.TextField(blank=True, default="")
    details = models.JSONField(default=dict)

    class Meta:
        default_permissions = ()
        ordering = ["at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ENTRY_KINDS), name="risk_case_entry_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class CaseAttachment(models.Model):
    """A file attached to a case (a statement, a screenshot, a letter): its name, type, size
    and SHA-256 in clear, its bytes (base64) in the project's encrypted column, which
    ``hujin keys rotate`` re-encrypts with the other personal data."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="attachments")
    file_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = EncryptedTextField()  # base64 of the file's bytes
    uploaded_by = models.UUIDField(null=True, blank=True)
    uploaded_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.file_name}"


class Report(models.Model):
    """A report to the authority: what it says (``content``: the institution, the customer, the
    transactions, the typology and the narrative), its clock (``due_on``), its maker and checker
    and its filing."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    number = models.CharField(max_length=24, unique=True)  # STR-20261207-0001, LV-...
    kind = models.CharField(max_length=3)
    state = models.CharField(max_length=10, default=R_DRAFT)
    customer_id = models.UUIDField()
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="reports")  # fmt: skip
    decision = models.ForeignKey("risk.Decision", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="reports")  # fmt: skip
    occurred_on = models.DateField()  # judged suspicious (str) or the transaction's day (lv)
    due_on = models.DateField()
    content = models.JSONField(default=dict)
    made_by = models.UUIDField(null=True, blank=True)  # None: written by the COB step
    made_at = models.DateTimeField()
    approved_by = models.UUIDField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    export_name = models.CharField(max_length=100, blank=True, default="")
    export_sha256 = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        default_permissions = ()
        ordering = ["due_on", "number"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=REPORT_KINDS), name="risk_report_kind"),
            models.CheckConstraint(condition=Q(state__in=REPORT_STATES), name="risk_report_state"),
            models.UniqueConstraint(
                fields=["decision"], condition=Q(kind=LV), name="risk_report_lv_once"
            ),
            models.UniqueConstraint(
                fields=["case"], condition=Q(kind=STR), name="risk_report_str_once"
            ),
            models.CheckConstraint(
                condition=Q(kind=LV, decision__isnull=False) | Q(kind=STR, case__isnull=False),
                name="risk_report_source",
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "state", "due_on"], name="risk_report_queue_ix"),
            models.Index(fields=["customer_id"], name="risk_report_customer_ix"),
        ]

    def __str__(self) -> str:
        return f"report {self.number} ({self.state})"
