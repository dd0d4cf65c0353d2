"""The daily reconciliation's records: one ``ReconciliationRun`` per reading of a channel's file
for a business date (a replay is another run), and the ``Break``s it found.

A break's id is a function of its channel, the channel's reference and its kind
(``break_key``), so the same difference found by the next run is the same row (persisting) and
one no longer found is resolved by that run. History is never edited: a resolution posts
correcting ledger transfers and records what it did on the break.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.ids import new_id

RUN_COMPLETE = "complete"
RUN_INCOMPLETE = "incomplete"
RUN_STATUSES = (RUN_COMPLETE, RUN_INCOMPLETE)

# Why a run could not conclude.
REASON_FILE_MISSING = "file_missing"
REASON_FILE_CHANGED = "file_changed"
REASON_SEQUENCE_GAP = "sequence_gap"
REASON_FILE_MALFORMED = "file_malformed"

MISSING_IN_HUJIN = "missing_in_hujin"
MISSING_AT_CHANNEL = "missing_at_channel"
AMOUNT_MISMATCH = "amount_mismatch"
STATUS_MISMATCH = "status_mismatch"
DUPLICATE = "duplicate"
BREAK_KINDS = (MISSING_IN_HUJIN, MISSING_AT_CHANNEL, AMOUNT_MISMATCH, STATUS_MISMATCH, DUPLICATE)

BREAK_OPEN = "open"
BREAK_PROPOSED = "proposed"  # a resolution waits for its checker
BREAK_RESOLVED = "resolved"
BREAK_STATUSES = (BREAK_OPEN, BREAK_PROPOSED, BREAK_RESOLVED)

# How a break was resolved.
RESOLVED_CLEARED = "cleared"  # a later run no longer found it (a late callback, a new file)
RESOLVED_CORRECTED = "corrected"  # a correcting transfer with the wallet or withdrawals in flight
RESOLVED_SUSPENSE = "suspense"  # the amount moved to the suspense account with a note

RECONCILIATION_PERMISSIONS = [
    ("view_reconciliation", _("Can see reconciliation runs and breaks")),
    ("reconcile", _("Can run the reconciliation of a channel for a business date")),
    ("resolve_breaks", _("Can propose and approve the resolution of reconciliation breaks")),
]


class ReconciliationRun(models.Model):
    """One reading of a channel's file for a business date, matched three ways (the file,
    Hujin's payments, the ledger), with the clearing account's statement: ``opening_minor`` +
    what the file says the channel collected (``flows_minor``) + timing differences
    (``in_transit_minor``) + the day's breaks (``breaks_minor``) + corrections posted that day
    (``corrections_minor``) = ``closing_minor``, and ``residual_minor`` what nothing explains
    (0 on a green run). ``incomplete`` with a ``reason`` when it could not conclude."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    channel = models.CharField(max_length=32)
    business_date = models.DateField()
    status = models.CharField(max_length=16, choices=[(s, s) for s in RUN_STATUSES])
    reason = models.CharField(max_length=32, blank=True, default="")
    file_sha256 = models.CharField(max_length=64, blank=True, default="")
    file_sequence = models.BigIntegerField(null=True, blank=True)
    file_lines = models.PositiveIntegerField(default=0)
    opening_minor = models.BigIntegerField(default=0)
    flows_minor = models.BigIntegerField(default=0)  # what the file says the channel collected
    in_transit_minor = models.BigIntegerField(default=0)
    breaks_minor = models.BigIntegerField(default=0)
    corrections_minor = models.BigIntegerField(default=0)
    ledger_flows_minor = models.BigIntegerField(default=0)  # closing - opening
    closing_minor = models.BigIntegerField(default=0)
    residual_minor = models.BigIntegerField(default=0)
    matched_count = models.PositiveIntegerField(default=0)
    in_flight_count = models.PositiveIntegerField(default=0)
    breaks_new = models.PositiveIntegerField(default=0)
    breaks_persisting = models.PositiveIntegerField(default=0)
    breaks_resolved = models.PositiveIntegerField(default=0)
    replay = models.BooleanField(default=False)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        permissions = RECONCILIATION_PERMISSIONS
        ordering = ["-business_date", "-started_at"]
        indexes = [
            models.Index(fields=["channel", "business_date"], name="payments_recon_run_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=RUN_STATUSES), name="payments_recon_run_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=RUN_INCOMPLETE) | Q(reason=""),
                name="payments_recon_run_reason_only_when_incomplete",
            ),
        ]

    def __str__(self) -> str:
        return f"reconciliation {self.channel} {self.business_date}"

    @property
    def green(self) -> bool:
        return self.status == RUN_COMPLETE and self.residual_minor == 0 and not self.open_breaks

    @property
    def open_breaks(self) -> int:
        return self.breaks_new + self.breaks_persisting


class Break(models.Model):
    """A difference between the channel's file, Hujin's payments and the ledger.

    Amounts in fen: what the channel says (``channel_amount_minor``), what Hujin's payment says
    (``hujin_amount_minor``), each None where that side has nothing. A resolution records the
    correcting transfer (``resolution_transfer_id``), its business date and its effect on the
    clearing account (``correction_clearing_minor``, signed: + the channel owes Hujin more)."""

    id = models.UUIDField(primary_key=True, editable=False)  # break_key(channel, reference, kind)
    channel = models.CharField(max_length=32)
    business_date = models.DateField()
    reference = models.CharField(max_length=64)
    kind = models.CharField(max_length=24, choices=[(k, k) for k in BREAK_KINDS])
    status = models.CharField(max_length=16, default=BREAK_OPEN)
    direction = models.CharField(max_length=8, blank=True, default="")  # in | out
    channel_amount_minor = models.BigIntegerField(null=True, blank=True)
    hujin_amount_minor = models.BigIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3, default="CNY")
    channel_status = models.CharField(max_length=16, blank=True, default="")
    hujin_status = models.CharField(max_length=16, blank=True, default="")
    payment = models.ForeignKey(
        "payments.Payment", on_delete=models.PROTECT, related_name="breaks", null=True,
        blank=True,
    )  # fmt: skip
    first_run = models.ForeignKey(ReconciliationRun, on_delete=models.PROTECT, related_name="+")
    last_run = models.ForeignKey(ReconciliationRun, on_delete=models.PROTECT, related_name="+")
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    times_seen = models.PositiveIntegerField(default=1)
    approval_request_id = models.UUIDField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=16, blank=True, default="")
    resolution_note = models.CharField(max_length=500, blank=True, default="")
    resolution_transfer_id = models.UUIDField(null=True, blank=True)
    resolution_business_date = models.DateField(null=True, blank=True)
    correction_clearing_minor = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        ordering = ["business_date", "first_seen_at"]
        indexes = [
            models.Index(fields=["status", "business_date"], name="payments_break_queue"),
            models.Index(fields=["channel", "business_date"], name="payments_break_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=BREAK_KINDS), name="payments_break_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=BREAK_STATUSES), name="payments_break_status_known"
            ),
            models.CheckConstraint(
                condition=Q(status=BREAK_RESOLVED) | Q(resolved_at__isnull=True),
                name="payments_break_resolved_at_only_when_resolved",
            ),
        ]

    def __str__(self) -> str:
        return f"break {self.kind} {self.reference}"
