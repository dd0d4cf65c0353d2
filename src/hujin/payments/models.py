"""Bank cards bound to customers, payments (top-ups and withdrawals), and the sandbox channel's
verification codes and instructions.

The card number, the holder's name and the reserved mobile are personal data, encrypted at rest;
``number_index`` is the number's keyed blind index, for "this card is already bound". The BIN
(first six digits) names the issuer and is kept in clear, as masking does everywhere.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.crypto import EncryptedTextField
from hujin.core.ids import new_id
from hujin.payments.models_channels import PaymentChannel  # noqa: F401 -- this app's model
from hujin.payments.models_reconciliation import Break, ReconciliationRun  # noqa: F401
from hujin.payments.models_rules import (  # noqa: F401 -- this app's models
    RULE_PERMISSIONS,
    FeeRule,
    LimitRule,
    LimitUsage,
    Screening,
)
from hujin.payments.types import (
    CARD_ACTIVE,
    CARD_FAILED,
    CARD_PENDING,
    CARD_UNBOUND,
    PAYMENT_CREATED,
    PAYMENT_CURRENCY,
    PAYMENT_KINDS,
    PAYMENT_STATUSES,
    TRANSFER,
)

NUMBER_INDEX_PURPOSE = "payments.card_number"


class CardStatus(models.TextChoices):
    PENDING = CARD_PENDING, _("Waiting for the code")
    ACTIVE = CARD_ACTIVE, _("Bound")
    UNBOUND = CARD_UNBOUND, _("Unbound")
    FAILED = CARD_FAILED, _("Failed")


class Card(models.Model):
    """One binding of a bank card to a customer: pending until the bank's code is confirmed,
    then active until unbound. A card bound again later is a new row."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="bank_cards"
    )
    number = EncryptedTextField()
    number_index = models.CharField(max_length=64, db_index=True)
    bin = models.CharField(max_length=6)
    last4 = models.CharField(max_length=4)
    bank_code = models.CharField(max_length=16, blank=True, default="")
    card_type = models.CharField(max_length=16, blank=True, default="")
    luhn_ok = models.BooleanField()
    holder_name = EncryptedTextField()
    reserved_mobile = EncryptedTextField()
    status = models.CharField(max_length=24, choices=CardStatus.choices, default=CardStatus.PENDING)
    is_default = models.BooleanField(default=False)
    channel = models.CharField(max_length=32)
    channel_reference = models.CharField(max_length=64)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    bound_at = models.DateTimeField(null=True, blank=True)
    unbound_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        permissions = [("view_cards", _("Can see customers' bank cards (masked)"))]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "number_index"],
                condition=Q(status=CARD_ACTIVE),
                name="payments_card_one_active_binding_per_card",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(is_default=True),
                name="payments_card_one_default_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(is_default=False) | Q(status=CARD_ACTIVE),
                name="payments_card_default_is_active",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[CARD_PENDING, CARD_ACTIVE, CARD_UNBOUND, CARD_FAILED]),
                name="payments_card_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"card {self.id}"


class SandboxCode(models.Model):
    """A verification code the sandbox channel "texted" to a card's reserved mobile. The
    sandbox sends nothing: staff read the codes on the development page (never in production).
    The mobile is kept masked only."""

    reference = models.CharField(max_length=64, primary_key=True)
    code = models.CharField(max_length=8)
    last4 = models.CharField(max_length=4)
    mobile_masked = models.CharField(max_length=32)
    created_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sandbox code {self.reference}"


class Payment(models.Model):
    """A top-up (card → wallet) or a withdrawal (wallet → card) through a channel, or a
    transfer (wallet → another customer's wallet, ``payee``; no card, posted at once).

    ``created`` (the ledger's hold is placed) → ``pending`` (the channel took the instruction)
    → ``succeeded`` / ``failed`` on its signed callback; ``unknown`` when the channel's answer to
    the instruction never came (the recovery job asks it). ``idempotency_key`` is the client's:
    the same key of the same customer is the same payment."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="payments"
    )
    idempotency_key = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, choices=[(k, k) for k in PAYMENT_KINDS])
    card = models.ForeignKey(
        Card, on_delete=models.PROTECT, related_name="payments", null=True, blank=True
    )
    payee = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="transfers_received",
        null=True, blank=True,
    )  # fmt: skip
    amount = models.BigIntegerField()
    fee = models.BigIntegerField(default=0)
    currency = models.CharField(max_length=3, default=PAYMENT_CURRENCY)
    status = models.CharField(max_length=16, default=PAYMENT_CREATED)
    channel = models.CharField(max_length=32)
    channel_reference = models.CharField(max_length=64, blank=True, default="")
    hold_transfer_id = models.UUIDField()
    resolution_transfer_id = models.UUIDField(null=True, blank=True)
    failure_code = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    screening = models.ForeignKey(
        Screening, on_delete=models.PROTECT, related_name="payments", null=True, blank=True
    )
    # The fee's pending transfer when the payment moved to another channel (None: the first
    # one's, derived from the payment's id).
    fee_transfer_id = models.UUIDField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        permissions = RULE_PERMISSIONS
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "updated_at"], name="payments_payment_open")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"], name="payments_payment_idempotency_key"
            ),
            models.UniqueConstraint(
                fields=["channel", "channel_reference"],
                condition=~Q(channel_reference=""),
                name="payments_payment_channel_reference",
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="payments_payment_amount"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="payments_payment_fee"),
            models.CheckConstraint(
                condition=Q(kind__in=PAYMENT_KINDS), name="payments_payment_kind_known"
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind=TRANSFER, card__isnull=True, payee__isnull=False)
                    | (~Q(kind=TRANSFER) & Q(card__isnull=False, payee__isnull=True))
                ),
                name="payments_payment_card_or_payee",
            ),
            models.CheckConstraint(
                condition=Q(status__in=PAYMENT_STATUSES), name="payments_payment_status_known"
            ),
        ]

    def __str__(self) -> str:
        return f"payment {self.id}"


class SandboxInstruction(models.Model):
    """A pay-in or pay-out the sandbox "bank" took: what it will call back, when, how often."""

    reference = models.CharField(max_length=64, primary_key=True)
    payment_id = models.UUIDField(unique=True)
    channel = models.CharField(max_length=32, default="sandbox")  # the sandbox's name that took it
    direction = models.CharField(max_length=8)  # in | out
    amount = models.BigIntegerField()
    outcome = models.CharField(max_length=16)  # succeeded | failed
    failure_code = models.CharField(max_length=64, blank=True, default="")
    due_at = models.DateTimeField()
    deliveries_left = models.PositiveSmallIntegerField(default=1)
    created_at = models.DateTimeField()
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        indexes = [models.Index(fields=["due_at"], name="payments_sandbox_due")]

    def __str__(self) -> str:
        return f"sandbox instruction {self.reference}"
