from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

AUDIT_CHAINS = 16  # parallel hash chains; see hujin.core.audit
GENESIS_HASH = "0" * 64  # the "previous hash" of every chain's first entry


class AuditEntry(models.Model):
    """One write by someone: append-only, and linked into one of ``AUDIT_CHAINS`` hash chains.

    ``entry_hash`` covers ``prev_hash``, ``position`` and every other field (see
    ``hujin.core.audit.entry_hash_of``), so a changed, removed or inserted entry breaks its chain.
    The database refuses UPDATE and DELETE of these rows (migration 0003).
    """

    id = models.BigAutoField(primary_key=True)
    occurred_at = models.DateTimeField()
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    ip = models.CharField(max_length=45, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    chain = models.SmallIntegerField()
    position = models.BigIntegerField()  # 1, 2, 3... within the chain
    prev_hash = models.CharField(max_length=64)
    entry_hash = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()
        permissions = [("view_audit", _("Can read the audit trail"))]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor_kind", "actor_id"]),
            models.Index(fields=["action"]),
            models.Index(fields=["request_id"], name="core_audit_request_idx"),
            models.Index(fields=["occurred_at"], name="core_audit_occurred_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["chain", "position"], name="core_audit_chain_position"),
            models.CheckConstraint(
                name="core_audit_chain_valid",
                condition=models.Q(chain__gte=0, chain__lt=AUDIT_CHAINS, position__gte=1),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id} by {self.actor_label}"


class AuditChainHead(models.Model):
    """The end of one audit chain: the position and hash of its last entry.

    A writer locks this row for the rest of its transaction (one UPDATE), so entries of one
    chain get consecutive positions; ``prev_hash`` keeps the hash before the last entry so that
    the same UPDATE ... RETURNING hands the writer both ends of the new link.
    """

    chain = models.SmallIntegerField(primary_key=True)
    last_seq = models.BigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    prev_hash = models.CharField(max_length=64, default=GENESIS_HASH)
    length = models.BigIntegerField(default=0)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                name="core_auditchainhead_chain_valid",
                condition=models.Q(chain__gte=0, chain__lt=AUDIT_CHAINS, last_seq__gte=0),
            ),
        ]

    def __str__(self) -> str:
        return f"audit chain {self.chain}: {self.length} entries"


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it describes.

    The dispatcher hands it to every subscriber once (``fanned_out_at``); a subscriber that fails
    gets its own ``EventDelivery`` row and is retried on its own. The other columns sum up those
    deliveries: ``dispatched_at`` once every subscriber has it (delivered or discarded),
    ``attempts`` the most tries any subscriber needed, ``last_error`` the latest failure and
    ``next_attempt_at`` the next retry of any of them. Rows dispatched before core migration
    0006 have no ``fanned_out_at``.
    """

    id = models.BigAutoField(primary_key=True)
    event_id = models.UUIDField(unique=True)
    aggregate_type = models.CharField(max_length=64)
    aggregate_id = models.CharField(max_length=64)
    event_type = models.CharField(max_length=100)
    payload = models.JSONField()
    occurred_at = models.DateTimeField()
    dispatched_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    fanned_out_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            # What the dispatcher has not handed out yet: a few rows, however long the history.
            models.Index(
                fields=["id"],
                name="outbox_to_fan_out_idx",
                condition=models.Q(dispatched_at__isnull=True, fanned_out_at__isnull=True),
            ),
            models.Index(fields=["aggregate_type", "aggregate_id", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.aggregate_type}:{self.aggregate_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("event delivery", "Pending")  # first open one of its lane
    WAITING = "waiting", pgettext_lazy("event delivery", "Waiting")  # behind an earlier one
    PARKED = "parked", pgettext_lazy("event delivery", "Parked")  # a person retries or discards
    DELIVERED = "delivered", pgettext_lazy("event delivery", "Delivered")
    DISCARDED = "discarded", pgettext_lazy("event delivery", "Discarded")


OPEN_DELIVERY_STATUSES = ("pending", "waiting", "parked")


class EventDelivery(models.Model):
    """One subscriber's delivery of one event, written only when it did not go through at once.

    A subscriber's events of one aggregate form a lane (subscriber, aggregate_type,
    aggregate_id) delivered in event order: the lane's first open delivery is pending (or
    parked) and every later one waits behind it. See ``hujin.core.deliveries``.
    """

    id = models.BigAutoField(primary_key=True)
    event = models.ForeignKey(
        OutboxEvent, on_delete=models.PROTECT, related_name="deliveries", db_index=False
    )
    subscriber = models.CharField(max_length=100)
    aggregate_type = models.CharField(max_length=64)  # the event's, copied for the lane index
    aggregate_id = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()
    parked_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(null=True, blank=True)  # delivered or discarded

    class Meta:
        default_permissions = ()
        permissions = [
            ("manage_events", _("Can retry or discard event deliveries that keep failing"))
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "subscriber"], name="core_eventdelivery_one_per_subscriber"
            ),
            models.CheckConstraint(
                name="core_eventdelivery_status_valid",
                condition=models.Q(
                    status__in=["pending", "waiting", "parked", "delivered", "discarded"]
                ),
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="core_delivery_due_idx",
                condition=models.Q(status="pending"),
            ),
            models.Index(
                fields=["aggregate_id", "aggregate_type", "subscriber", "event"],
                name="core_delivery_lane_idx",
                condition=models.Q(status__in=OPEN_DELIVERY_STATUSES),
            ),
            models.Index(
                fields=["id"], name="core_delivery_parked_idx", condition=models.Q(status="parked")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} <- event {self.event_id}: {self.status}"


class BusinessDate(models.Model):
    """The business date, moved forward only by the close of business."""

    name = models.CharField(max_length=32, primary_key=True, default="default")
    current_date = models.DateField()
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name}: {self.current_date}"


class CobStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    RUNNING = "running", "Running"
    DONE = "done", "Done"
    FAILED = "failed", "Failed"


class CobRun(models.Model):
    """The close of business for one business date: created once, resumed until done."""

    id = models.BigAutoField(primary_key=True)
    business_date = models.DateField(unique=True)
    status = models.CharField(max_length=16, choices=CobStatus.choices)
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.CharField(max_length=150, blank=True)

    # Not stored: set by cob_run when it found this date already closed and did nothing.
    was_already_completed = False

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="core_cobrun_status_valid",
                condition=models.Q(status__in=["running", "done", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"COB {self.business_date}: {self.status}"


class CobStepRun(models.Model):
    """One step of one close of business: its status, timing and result."""

    id = models.BigAutoField(primary_key=True)
    run = models.ForeignKey(CobRun, on_delete=models.PROTECT, related_name="steps")
    name = models.CharField(max_length=100)
    order = models.IntegerField()
    status = models.CharField(max_length=16, choices=CobStatus.choices, default="pending")
    attempts = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["run", "name"], name="core_cobsteprun_one_per_run"),
            models.CheckConstraint(
                name="core_cobsteprun_status_valid",
                condition=models.Q(status__in=["pending", "running", "done", "failed"]),
            ),
        ]

    def __str__(self) -> str:
        return f"COB {self.run_id} {self.name}: {self.status}"

    @property
    def duration_ms(self) -> int | None:
        if self.started_at is None or self.finished_at is None:
            return None
        return int((self.finished_at - self.started_at).total_seconds() * 1000)


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalRequest(models.Model):
    """A sensitive action asked for by one person (the maker), done only once another approves.

    ``payload`` holds what the action needs to run (ids, codes, amounts), never personal data:
    it is shown in the console inbox and copied to the audit trail.
    """

    id = models.UUIDField(primary_key=True)
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=64)
    target_id = models.CharField(max_length=64)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=16, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    maker_kind = models.CharField(max_length=16)
    maker_id = models.CharField(max_length=64)
    maker_label = models.CharField(max_length=150, blank=True)
    maker_reason = models.TextField()
    requested_at = models.DateTimeField()
    checker_kind = models.CharField(max_length=16, blank=True)
    checker_id = models.CharField(max_length=64, blank=True)
    checker_label = models.CharField(max_length=150, blank=True)
    checker_reason = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        permissions = [("view_approvals", _("Can see the approvals inbox"))]
        indexes = [
            models.Index(fields=["status", "action", "requested_at"]),
            models.Index(fields=["maker_kind", "maker_id", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "target_type", "target_id"],
                condition=models.Q(status="pending"),
                name="core_approval_one_pending_per_target",
            ),
            models.CheckConstraint(
                name="core_approval_status_valid",
                condition=models.Q(status__in=["pending", "approved", "rejected", "cancelled"]),
            ),
            # The four-eyes rule, in the database too: whoever decides is not the maker.
            models.CheckConstraint(
                name="core_approval_checker_not_maker",
                condition=models.Q(checker_id="")
                | ~models.Q(checker_id=models.F("maker_id"))
                | ~models.Q(checker_kind=models.F("maker_kind")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id} ({self.status})"


def _register_sqlite_functions(sender, connection, **kwargs) -> None:
    """SQLite: ``hujin_audit_wipe_allowed()``, read by the audit table's DELETE trigger.

    True only on a Django test database, which the test runner wipes with DELETE between tests;
    everywhere else audit entries cannot be deleted.
    """
    if connection.vendor != "sqlite":
        return

    def wipe_allowed() -> bool:
        name = connection.settings_dict.get("NAME")
        return bool(name) and name == connection.creation._get_test_db_name()

    connection.connection.create_function("hujin_audit_wipe_allowed", 0, wipe_allowed)


connection_created.connect(_register_sqlite_functions, dispatch_uid="hujin_sqlite_functions")
