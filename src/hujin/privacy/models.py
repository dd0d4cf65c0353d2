"""Consents to versioned documents, and data-subject requests under PIPL arts. 44–47."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hujin.core.crypto import EncryptedTextField
from hujin.core.ids import new_id


class ConsentDocument(models.Model):
    """One version of a document a customer agrees to. The highest version of a kind is current."""

    class Kind(models.TextChoices):
        PRIVACY_POLICY = "privacy_policy", _("Privacy policy")
        SERVICE_AGREEMENT = "service_agreement", _("Service agreement")
        CREDIT_CHECK = "credit_check", _("Credit report authorisation")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    version = models.PositiveIntegerField()
    title_en = models.CharField(max_length=200)
    title_zh = models.CharField(max_length=200)
    body_en = models.TextField()
    body_zh = models.TextField()
    effective_from = models.DateTimeField()
    withdrawable = models.BooleanField()
    withdrawal_consequence_en = models.TextField(blank=True)
    withdrawal_consequence_zh = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "-version"]
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="privacy_document_version"),
            models.CheckConstraint(
                condition=Q(kind__in=["privacy_policy", "service_agreement", "credit_check"]),
                name="privacy_document_kind_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} v{self.version}"


class ConsentRecord(models.Model):
    """A customer accepted one document version. Withdrawal is recorded, never deleted."""

    class Channel(models.TextChoices):
        WEB = "web", _("Web")
        APP = "app", _("App")
        API = "api", _("API")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="consents"
    )
    document = models.ForeignKey(ConsentDocument, on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField()
    channel = models.CharField(max_length=8, choices=Channel.choices)
    ip = models.GenericIPAddressField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-accepted_at"]
        default_permissions = ()
        constraints = [
            # One standing acceptance per person and document version.
            models.UniqueConstraint(
                fields=["user", "document"],
                condition=Q(withdrawn_at__isnull=True),
                name="privacy_consent_one_standing",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gte=F("accepted_at")),
                name="privacy_consent_withdrawn_after_accepted",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["web", "app", "api"]), name="privacy_consent_channel"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_id} by {self.user_id} at {self.accepted_at:%Y-%m-%d %H:%M}"


class DataSubjectRequest(models.Model):
    """A customer's request to see, correct or delete their personal data."""

    class Kind(models.TextChoices):
        ACCESS = "access", _("Access (download)")
        CORRECTION = "correction", _("Correction")
        DELETION = "deletion", _("Deletion")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        COMPLETED = "completed", _("Completed")
        REJECTED = "rejected", _("Rejected")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="data_requests"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    field = models.CharField(max_length=32, blank=True)  # correction: which item is wrong
    details = EncryptedTextField(blank=True, default="")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField()
    due_at = models.DateTimeField()
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handled_by_label = models.CharField(max_length=150, blank=True)
    resolution = EncryptedTextField(blank=True, default="")
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        default_permissions = ()
        permissions = [
            ("handle_requests", _("Can work customers' personal-data requests")),
        ]
        indexes = [
            models.Index(fields=["status", "due_at"], name="privacy_dsr_status_due"),
            models.Index(fields=["user", "-created_at"], name="privacy_dsr_user_created"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(due_at__gt=F("created_at")), name="privacy_dsr_due_after_created"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["access", "correction", "deletion"]),
                name="privacy_dsr_kind_known",
            ),
            models.CheckConstraint(
                condition=(
                    Q(status__in=["open", "in_progress"], closed_at__isnull=True)
                    | Q(status__in=["completed", "rejected"], closed_at__isnull=False)
                ),
                name="privacy_dsr_closed_iff_final",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.status} (due {self.due_at:%Y-%m-%d})"
