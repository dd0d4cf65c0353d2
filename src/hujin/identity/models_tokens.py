"""A customer's own tokens for the JSON API under /api/v1/me/ (the mobile app).

One log-in with mobile + password is a ``CustomerTokenFamily``: the row the customer sees among
their login devices, and can end there. Each family holds short-lived access tokens and one
live refresh token at a time; each refresh spends the refresh token it presents and issues a
new pair. Only the SHA-256 of a token is stored: a copy of these tables opens nothing.
"""

from django.db import models
from django.db.models import F, Q

from hujin.core.ids import new_id
from hujin.identity.models import User


class CustomerTokenFamily(models.Model):
    """The tokens one log-in of the mobile app issued, and whether that log-in still stands."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="token_families")
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    # A family lives as long as its latest refresh token: each refresh moves this forward.
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_reason = models.CharField(max_length=40, blank=True)
    mfa_verified = models.BooleanField(default=False)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["user", "created_at"], name="identity_tokfam_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="identity_tokfam_revoked_after_created",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="identity_tokfam_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"token family {self.id} of {self.user_id}"


class CustomerToken(models.Model):
    """One access or refresh token: its hash, its lifetime, and when it stopped counting
    (``spent_at``: a refresh token that was exchanged, or a token ended with its family)."""

    class Kind(models.TextChoices):
        ACCESS = "access", "access"
        REFRESH = "refresh", "refresh"

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    family = models.ForeignKey(CustomerTokenFamily, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    token_sha256 = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    spent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["access", "refresh"]), name="identity_token_kind_known"
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")),
                name="identity_token_expires_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} token {self.id}"
