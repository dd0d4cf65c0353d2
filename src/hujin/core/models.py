from django.core.serializers.json import DjangoJSONEncoder
from django.db import models


class AuditEntry(models.Model):
    """One write by someone: append-only."""

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

    class Meta:
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["actor_kind", "actor_id"]),
            models.Index(fields=["action"]),
        ]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id} by {self.actor_label}"


class OutboxEvent(models.Model):
    """A domain event written in the same transaction as the change it describes."""

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
    # After a failed delivery: not retried (and its aggregate held back) before this instant.
    next_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["id"],
                name="outbox_undispatched_idx",
                condition=models.Q(dispatched_at__isnull=True),
            ),
            models.Index(fields=["aggregate_type", "aggregate_id", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.aggregate_type}:{self.aggregate_id}"


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
