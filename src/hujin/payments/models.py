"""Bank cards bound to customers, and the sandbox channel's verification codes.

The card number, the holder's name and the reserved mobile are personal data, encrypted at rest;
``number_index`` is the number's keyed blind index, for "this card is already bound". The BIN
(first six digits) names the issuer and is kept in clear, as masking does everywhere.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.crypto import EncryptedTextField
from hujin.core.ids import new_id
from hujin.payments.types import CARD_ACTIVE, CARD_FAILED, CARD_PENDING, CARD_UNBOUND

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
