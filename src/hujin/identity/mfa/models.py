"""Second factors: one TOTP device per user (RFC 6238) and single-use recovery codes."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.crypto import EncryptedTextField
from hujin.core.ids import new_id


class TotpDevice(models.Model):
    """A user's authenticator app. Unconfirmed until the user proves it with a first code.

    The shared secret is encrypted at rest (AES-256-GCM). ``last_used_step`` is the 30-second
    time step of the last accepted code: a code for that step or an earlier one is refused, so a
    code seen over someone's shoulder cannot be used again.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = EncryptedTextField()
    created_at = models.DateTimeField(_("created"))
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    last_used_step = models.BigIntegerField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("TOTP device")
        verbose_name_plural = _("TOTP devices")
        default_permissions = ()
        constraints = [
            models.CheckConstraint(condition=~Q(secret=""), name="mfa_totpdevice_secret_set"),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True)
                | Q(confirmed_at__gte=models.F("created_at")),
                name="mfa_totpdevice_confirmed_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"TOTP device of {self.user_id}"


class RecoveryCode(models.Model):
    """One single-use recovery code. Only a keyed HMAC of the code is stored."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["user", "used_at"], name="mfa_recovery_user_used")]

    def __str__(self) -> str:
        return f"recovery code {self.id}"
