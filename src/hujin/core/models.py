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
