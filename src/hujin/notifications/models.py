"""Messages to customers, their deliveries by channel, the customers' preferences, and the
development e-mail outbox. Private to the app: other modules use services and selectors."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from hujin.core.crypto import EncryptedTextField
from hujin.core.ids import new_id
from hujin.notifications.types import CATEGORIES, CHANNELS, DELIVERY_STATUSES


def _choices(values) -> list[tuple[str, str]]:
    return [(value, value) for value in values]


class Recipient(models.Model):
    """Who receives messages: the language to write to them in ("" until they choose one)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, primary_key=True, on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(max_length=16, blank=True, default="")

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"recipient {self.user_id}"


class Message(models.Model):
    """One message to one customer, written in their language when it was sent.

    The title is the kind's text with its placeholders filled; it carries no personal data. The
    body may carry masked values and a reason a person wrote, so it is encrypted at rest and
    dropped when the customer's data is anonymised."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=64)
    category = models.CharField(max_length=16, choices=_choices(CATEGORIES))
    language = models.CharField(max_length=16)
    title = models.CharField(max_length=200)
    body = EncryptedTextField(blank=True, default="")
    url_name = models.CharField(max_length=100, blank=True, default="")
    url_args = models.JSONField(default=list, blank=True)
    # Makes a send idempotent per recipient (an event's id: a redelivered event sends nothing).
    dedupe_key = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "-created_at", "-id"], name="notif_msg_inbox"),
            # The top bar's unread count, on every portal page: one index-only count.
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notif_msg_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notif_msg_dedupe_unique",
            ),
            models.CheckConstraint(
                condition=Q(category__in=list(CATEGORIES)), name="notif_msg_category_known"
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(read_at__gte=F("created_at")),
                name="notif_msg_read_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} at {self.created_at:%Y-%m-%d %H:%M}"


class Delivery(models.Model):
    """How one message went out on one channel: sent, failed, skipped (and why), or pending
    while a worker sends it. ``error`` holds a code, never a provider's text."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="deliveries")
    channel = models.CharField(max_length=8, choices=_choices(CHANNELS))
    status = models.CharField(max_length=8, choices=_choices(DELIVERY_STATUSES))
    provider_message_id = models.CharField(max_length=100, blank=True, default="")
    error = models.CharField(max_length=100, blank=True, default="")
    created_at = models.DateTimeField()
    attempted_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(status="pending"),
                name="notif_delivery_pending",
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["message", "channel"], name="notif_delivery_once"),
            models.CheckConstraint(
                condition=Q(channel__in=list(CHANNELS)), name="notif_delivery_channel_known"
            ),
            models.CheckConstraint(
                condition=Q(status__in=list(DELIVERY_STATUSES)),
                name="notif_delivery_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="sent") | Q(sent_at__isnull=False),
                name="notif_delivery_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.status}"


class Preference(models.Model):
    """A customer's switch for one category on one channel (absent: the default)."""

    id = models.BigAutoField(primary_key=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    category = models.CharField(max_length=16, choices=_choices(CATEGORIES))
    channel = models.CharField(max_length=8, choices=_choices(CHANNELS))
    enabled = models.BooleanField()
    updated_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["user", "category", "channel"], name="notif_preference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category}/{self.channel}: {'on' if self.enabled else 'off'}"


class DevEmail(models.Model):
    """An e-mail the development sender "sent": kept here instead of going out (never in
    production, see ``channels.DevEmailSender``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    to = EncryptedTextField()
    subject = models.CharField(max_length=200)
    text = EncryptedTextField()
    sent_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"e-mail at {self.sent_at:%Y-%m-%d %H:%M:%S}"
