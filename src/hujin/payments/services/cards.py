"""Binding a bank card, confirming it with the bank's code, the default card, unbinding.

Each write is keyword-only, takes the customer's ``actor`` and ``now``, runs in one transaction
and records an audit entry and an outbox event in it (references only: no number, no name).

Default rule: the first card to become active is the default; unbinding the default makes the
newest remaining active card (latest bound) the default, so a customer with cards always has one.
"""

import unicodedata
import uuid
from datetime import datetime

import phonenumbers
from django.db import transaction
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.crypto import blind_index
from hujin.core.events import event_emit
from hujin.core.masking import mask_mobile
from hujin.customers.selectors import own_standing
from hujin.payments import events
from hujin.payments.cardnumbers import bank_for, card_number_normalise, luhn_ok
from hujin.payments.channels import card_channel
from hujin.payments.errors import (
    BindingNotPending,
    CardAlreadyBound,
    CardNotActive,
    CardNotFound,
    CustomerFrozen,
    CustomerNotActive,
    CustomerNotVerified,
    HolderNameMismatch,
    NotAnIndividual,
    ReservedMobileInvalid,
    VerificationAttemptsExhausted,
    VerificationCodeWrong,
)
from hujin.payments.models import NUMBER_INDEX_PURPOSE, Card
from hujin.payments.presenters import card_view
from hujin.payments.types import (
    CARD_ACTIVE,
    CARD_FAILED,
    CARD_PENDING,
    CARD_UNBOUND,
    MAX_CODE_ATTEMPTS,
    BindStarted,
    CardView,
)

TARGET = "payments.card"
_MIDDLE_DOTS = str.maketrans({"•": "·", "‧": "·", "・": "·", "．": "·", ".": "·"})


def holder_name_normalise(name: str) -> str:
    """A name as compared: full-width forms folded (NFKC), no spaces, middle dots made one,
    case ignored (``Zhang San`` = ``ZHANGSAN``; ``阿依古丽•买买提`` = ``阿依古丽·买买提``)."""
    text = unicodedata.normalize("NFKC", name or "").translate(_MIDDLE_DOTS)
    return "".join(text.split()).casefold()


def reserved_mobile_normalise(raw: str) -> str:
    """The E.164 form of a mainland mobile number (the card's reserved mobile)."""
    text = (raw or "").strip()
    if not text or len(text) > 32:
        raise ReservedMobileInvalid()
    try:
        number = phonenumbers.parse(text, "CN")
    except NumberParseException:
        raise ReservedMobileInvalid() from None
    if (
        phonenumbers.region_code_for_number(number) != "CN"
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != PhoneNumberType.MOBILE
    ):
        raise ReservedMobileInvalid()
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _customer_may_bind(actor: Actor):
    standing = own_standing(actor=actor)
    if standing is None or not standing.verified:
        raise CustomerNotVerified()
    if standing.type != "individual":
        raise NotAnIndividual()
    if standing.status == "frozen":
        raise CustomerFrozen()
    if standing.status != "active":
        raise CustomerNotActive()
    return standing


def _payload(card: Card, **extra) -> dict:
    return {
        "card_id": str(card.id),
        "customer_id": str(card.customer_id),
        "user_id": str(card.customer.user_id),
        **extra,
    }


def _record(card: Card, *, actor: Actor, action: str, event: str, now: datetime, before=None,
            after=None, **extra) -> None:  # fmt: skip
    audit_record(
        actor=actor, action=action, target_type=TARGET, target_id=str(card.id),
        occurred_at=now, before=before, after=after,
    )  # fmt: skip
    event_emit(
        aggregate_type=TARGET, aggregate_id=str(card.id), event_type=event,
        payload=_payload(card, **extra), occurred_at=now,
    )  # fmt: skip


def _own_card(actor: Actor, card_id: uuid.UUID) -> tuple[Card, list[Card]]:
    """The card ``card_id`` of the customer ``actor`` acts as, and every card of that customer
    (itself included), all locked in key order: two changes of one customer's cards (two codes
    confirmed at once, an unbind beside a new default) run one after the other, and the default
    is decided on what the other committed. CardNotFound for anyone else's card."""
    if actor.kind != "customer":
        raise CardNotFound()
    customer_id = (
        Card.objects.filter(id=card_id, customer__user_id=actor.id)
        .values_list("customer_id", flat=True)
        .first()
    )
    if customer_id is None:
        raise CardNotFound()
    cards = list(
        Card.objects.select_for_update(of=("self",))
        .select_related("customer")
        .filter(customer_id=customer_id)
        .order_by("pk")
    )
    card = next(c for c in cards if c.pk == card_id)
    return card, [c for c in cards if c.pk != card_id]


def card_bind_begin(
    *, number: str, holder_name: str, reserved_mobile: str, actor: Actor, now: datetime
) -> BindStarted:
    """Start binding a debit card for the customer ``actor`` acts as: the channel texts a code
    to the card's reserved mobile; ``card_bind_confirm`` takes it back.

    A number failing the Luhn check is bound with a warning (some real cards fail it). Raises
    CardNumberInvalid, ReservedMobileInvalid, CustomerNotVerified, NotAnIndividual,
    CustomerFrozen, CustomerNotActive, HolderNameMismatch, CardAlreadyBound,
    CardVerificationDeclined.
    """
    digits = card_number_normalise(number)
    mobile = reserved_mobile_normalise(reserved_mobile)
    standing = _customer_may_bind(actor)
    if holder_name_normalise(holder_name) != holder_name_normalise(standing.legal_name):
        raise HolderNameMismatch()
    index = blind_index(digits, purpose=NUMBER_INDEX_PURPOSE)
    if Card.objects.filter(
        customer_id=standing.customer_id, number_index=index, status=CARD_ACTIVE
    ).exists():
        raise CardAlreadyBound()
    bank = bank_for(digits)
    channel = card_channel()
    with transaction.atomic():
        reference = channel.card_verify_begin(
            card_number=digits, holder_name=standing.legal_name, reserved_mobile=mobile, now=now
        )
        card = Card.objects.create(
            customer_id=standing.customer_id,
            number=digits,
            number_index=index,
            bin=digits[:6],
            last4=digits[-4:],
            bank_code=bank.code if bank else "",
            card_type=bank.card_type if bank else "",
            luhn_ok=luhn_ok(digits),
            holder_name=standing.legal_name,
            reserved_mobile=mobile,
            status=CARD_PENDING,
            channel=channel.name,
            channel_reference=reference,
            created_at=now,
        )
        card = Card.objects.select_related("customer").get(pk=card.pk)
        _record(
            card, actor=actor, action="payments.card_bind_started",
            event=events.CARD_BIND_STARTED, now=now,
            after={"status": CARD_PENDING, "bank_code": card.bank_code, "luhn_ok": card.luhn_ok},
            bank_code=card.bank_code,
        )  # fmt: skip
    return BindStarted(
        card=card_view(card),
        luhn_warning=not card.luhn_ok,
        reserved_mobile_masked=mask_mobile(mobile),
    )


def _make_default(card: Card) -> None:
    Card.objects.filter(customer_id=card.customer_id, is_default=True).exclude(pk=card.pk).update(
        is_default=False
    )
    card.is_default = True
    card.save(update_fields=["is_default"])


def card_bind_confirm(*, card_id: uuid.UUID, code: str, actor: Actor, now: datetime) -> CardView:
    """Confirm a pending binding with the code the bank texted: the card becomes active (the
    customer's default when it is their only active card). A wrong code counts; the fifth
    wrong code fails the binding.

    Raises CardNotFound, BindingNotPending, CardAlreadyBound, VerificationCodeWrong (with
    ``attempts_left``), VerificationAttemptsExhausted.
    """
    channel = card_channel()
    failure: Exception | None = None
    with transaction.atomic():
        card, siblings = _own_card(actor, card_id)
        if card.status != CARD_PENDING:
            raise BindingNotPending()
        if not channel.card_verify_confirm(reference=card.channel_reference, code=code, now=now):
            card.code_attempts += 1
            if card.code_attempts >= MAX_CODE_ATTEMPTS:
                card.status, card.failed_at = CARD_FAILED, now
                card.save(update_fields=["code_attempts", "status", "failed_at"])
                _record(
                    card, actor=actor, action="payments.card_bind_failed",
                    event=events.CARD_BIND_FAILED, now=now,
                    before={"status": CARD_PENDING}, after={"status": CARD_FAILED},
                    reason="code_attempts_exhausted",
                )  # fmt: skip
                failure = VerificationAttemptsExhausted()
            else:
                card.save(update_fields=["code_attempts"])
                failure = VerificationCodeWrong(
                    details={"attempts_left": MAX_CODE_ATTEMPTS - card.code_attempts}
                )
        else:
            others = [c for c in siblings if c.status == CARD_ACTIVE]
            if any(other.number_index == card.number_index for other in others):
                raise CardAlreadyBound()
            card.status, card.bound_at = CARD_ACTIVE, now
            card.save(update_fields=["status", "bound_at"])
            if not others:
                _make_default(card)
            _record(
                card, actor=actor, action="payments.card_bound", event=events.CARD_BOUND,
                now=now, before={"status": CARD_PENDING},
                after={"status": CARD_ACTIVE, "is_default": card.is_default},
                bank_code=card.bank_code, is_default=card.is_default,
            )  # fmt: skip
    if failure is not None:
        # Raised after the commit: the attempt (or the failed binding) stays recorded.
        raise failure
    return card_view(card)


def card_set_default(*, card_id: uuid.UUID, actor: Actor, now: datetime) -> CardView:
    """Make an active card the customer's default (a frozen customer may too).
    Raises CardNotFound, CardNotActive."""
    with transaction.atomic():
        card, _siblings = _own_card(actor, card_id)
        if card.status != CARD_ACTIVE:
            raise CardNotActive()
        if not card.is_default:
            _make_default(card)
            _record(
                card, actor=actor, action="payments.card_default_set",
                event=events.CARD_DEFAULT_SET, now=now, after={"is_default": True},
            )  # fmt: skip
    return card_view(card)


def card_unbind(*, card_id: uuid.UUID, actor: Actor, now: datetime) -> CardView:
    """Unbind an active card (a frozen customer may too). Unbinding the default makes the
    newest remaining active card the default. Raises CardNotFound, CardNotActive."""
    with transaction.atomic():
        card, siblings = _own_card(actor, card_id)
        if card.status != CARD_ACTIVE:
            raise CardNotActive()
        others = [c for c in siblings if c.status == CARD_ACTIVE]
        was_default = card.is_default
        card.status, card.unbound_at, card.is_default = CARD_UNBOUND, now, False
        card.save(update_fields=["status", "unbound_at", "is_default"])
        new_default = None
        if was_default and others:
            new_default = max(others, key=lambda other: (other.bound_at, other.pk))
            _make_default(new_default)
        _record(
            card, actor=actor, action="payments.card_unbound", event=events.CARD_UNBOUND,
            now=now, before={"status": CARD_ACTIVE, "is_default": was_default},
            after={"status": CARD_UNBOUND, "is_default": False},
            new_default_card_id=str(new_default.pk) if new_default else None,
        )  # fmt: skip
    return card_view(card)
