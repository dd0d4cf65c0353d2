import uuid

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hujin.core.crypto import EncryptedTextField, blind_index
from hujin.core.ids import new_id
from hujin.core.masking import mask_mobile

MOBILE_INDEX_PURPOSE = "identity.mobile"
EMAIL_INDEX_PURPOSE = "identity.email"


def email_normalise(email: str) -> str:
    """The form of an e-mail address its blind index is computed from."""
    return (email or "").strip().lower()


class User(AbstractUser):
    """Everyone who logs in: staff (console) and customers (portal).

    Customers log in with their mobile number; their ``username`` is an opaque generated value
    (never the mobile). ``mobile`` (E.164) and ``email`` are encrypted at rest; ``mobile_index``
    and ``email_index`` are their blind indexes, kept in step by ``save()``.
    """

    class Kind(models.TextChoices):
        STAFF = "staff", _("Staff")
        CUSTOMER = "customer", _("Customer")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.STAFF)
    mobile = EncryptedTextField(_("mobile number"), blank=True, default="")
    mobile_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    email = EncryptedTextField(_("email address"), blank=True, default="")
    email_index = models.CharField(
        max_length=64, blank=True, default="", db_index=True, editable=False
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"
        constraints = [
            models.UniqueConstraint(
                fields=["mobile_index"],
                condition=~Q(mobile_index=""),
                name="identity_user_mobile_index_unique",
            ),
        ]

    def save(self, *args, **kwargs):
        self.mobile_index = (
            blind_index(self.mobile, purpose=MOBILE_INDEX_PURPOSE) if self.mobile else ""
        )
        normalised = email_normalise(self.email)
        self.email_index = (
            blind_index(normalised, purpose=EMAIL_INDEX_PURPOSE) if normalised else ""
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            fields = set(update_fields)
            if "mobile" in fields:
                fields.add("mobile_index")
            if "email" in fields:
                fields.add("email_index")
            kwargs["update_fields"] = fields
        super().save(*args, **kwargs)

    @property
    def display_label(self) -> str:
        """How pages name the signed-in user: staff by username, customers by masked mobile."""
        if self.kind == self.Kind.CUSTOMER and self.mobile:
            return mask_mobile(self.mobile)
        return self.get_username()


class ApiKey(models.Model):
    """An integrator's key to the JSON API.

    The key itself (``hk_<prefix>_<secret>``) is shown once, when it is created; the database
    keeps only ``prefix``, to find the row, and the SHA-256 of the whole key, to check it.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    secret_sha256 = models.CharField(max_length=64)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created"))
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=150, blank=True)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_by_label = models.CharField(max_length=150, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        default_permissions = ()
        permissions = [("manage_api_keys", _("Can create, list and revoke API keys"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=F("created_at")),
                name="identity_apikey_expires_after_created",
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="identity_apikey_revoked_after_created",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="identity_apikey_name_not_empty"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (hk_{self.prefix})"


class OtpChallenge(models.Model):
    """One SMS code sent to one mobile number for one purpose.

    The code itself is never stored: ``code_hash`` is an HMAC-SHA256 of it under the secret key.
    A challenge is *verified* when the right code is typed, and *consumed* by the step it
    unlocks (sign-up, password reset), so a code opens one door once. A newer code for the same
    number and purpose supersedes the older one.
    """

    class Purpose(models.TextChoices):
        SIGNUP = "signup", _("Sign-up")
        LOGIN = "login", _("Log-in")
        RESET = "reset", _("Password reset")
        STEP_UP = "step_up", _("Confirmation of a sensitive action")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    purpose = models.CharField(max_length=16, choices=Purpose.choices)
    # For a step-up code: a digest of what the code confirms (the payment's kind, amount and
    # counterparty), so a code sent for one action cannot confirm another.
    binding = models.CharField(max_length=64, blank=True, default="")
    mobile_index = models.CharField(max_length=64)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    consumed_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["mobile_index", "created_at"], name="identity_otp_mobile_idx"),
            models.Index(fields=["ip", "created_at"], name="identity_otp_ip_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=F("created_at")), name="identity_otp_expires_after"
            ),
            models.CheckConstraint(
                condition=Q(consumed_at__isnull=True) | Q(verified_at__isnull=False),
                name="identity_otp_consumed_only_when_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} code {self.id}"


class DevSmsMessage(models.Model):
    """A text message the development SMS sender "sent": kept here instead of going out."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    to = EncryptedTextField()
    to_index = models.CharField(max_length=64, db_index=True)
    text = EncryptedTextField()
    purpose = models.CharField(max_length=32)
    sent_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-sent_at", "-id"]

    def __str__(self) -> str:
        return f"SMS {self.purpose} at {self.sent_at:%Y-%m-%d %H:%M:%S}"


class UserSession(models.Model):
    """A logged-in browser session, as the user sees it in their list of sessions.

    Django's session row holds the data; this row holds what the user recognises (device, IP,
    when) and whether it was revoked. ``session_key_hash`` is the SHA-256 of the session key, so
    a copy of this table cannot be used to take over a session.
    """

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="user_sessions")
    session_key_hash = models.CharField(max_length=64, db_index=True)
    user_agent = models.CharField(max_length=300, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    mfa_verified = models.BooleanField(default=False)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["user", "created_at"], name="identity_session_user_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="identity_session_revoked_after_created",
            ),
        ]

    def __str__(self) -> str:
        return f"session {self.id} of {self.user_id}"


class SecurityEvent(models.Model):
    """Something about an account's security the customer, staff and the risk module should
    know: a log-in from a new device or IP, a lock-out, a password reset, a revoked session."""

    class Kind(models.TextChoices):
        NEW_DEVICE_OR_IP = "new_device_or_ip", _("Log-in from a new device or IP address")
        ACCOUNT_LOCKED = "account_locked", _("Account locked after failed log-ins")
        IP_LOCKED = "ip_locked", _("IP address blocked after failed log-ins")
        PASSWORD_RESET = "password_reset", _("Password reset")
        SESSION_REVOKED = "session_revoked", _("Session ended")
        REFRESH_TOKEN_REUSED = "refresh_token_reused", _("A spent app log-in token was used again")

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="security_events"
    )
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)
    details = models.JSONField(default=dict, blank=True)
    occurred_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["user", "occurred_at"], name="identity_secevent_user_idx")]

    def __str__(self) -> str:
        return f"{self.kind} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class AccountThrottle(models.Model):
    """Consecutive failed log-ins of one account, and the lock they led to."""

    user = models.OneToOneField(
        User, primary_key=True, on_delete=models.CASCADE, related_name="login_throttle"
    )
    failures = models.PositiveIntegerField(default=0)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"{self.failures} failed log-ins of {self.user_id}"


class LoginFailure(models.Model):
    """One failed log-in from one IP address (the per-IP lock counts these in a window)."""

    id = models.BigAutoField(primary_key=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    occurred_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["ip", "occurred_at"], name="identity_loginfail_ip_idx")]

    def __str__(self) -> str:
        return f"failed log-in at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


class RateLimitHit(models.Model):
    """One use of a rate-limited action (sign-up, password reset) by one key (an IP, an account).

    ``key_hash`` is a blind index of the key, so the table holds no IP address or number.
    """

    id = models.BigAutoField(primary_key=True)
    bucket = models.CharField(max_length=32)
    key_hash = models.CharField(max_length=64)
    occurred_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(
                fields=["bucket", "key_hash", "occurred_at"], name="identity_ratelimit_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.bucket} at {self.occurred_at:%Y-%m-%d %H:%M:%S}"


# The mobile app's tokens live in their own file; imported here so Django finds the models.
from hujin.identity.models_tokens import CustomerToken, CustomerTokenFamily  # noqa: E402, F401
