"""Reads of bank cards and of the customer's own payments, scoped by the Actor who asks: the
customer themselves, or staff holding ``payments.view_cards``. Masked values out (``6222 ****
**** 1234``), never querysets; the bank's name in the viewer's language."""

import uuid

from django.utils.translation import gettext as _

from hujin.core.actors import Actor
from hujin.core.sql import Dialect, hot_rows
from hujin.customers.selectors import own_standing
from hujin.payments.channels_selectors import (  # noqa: F401 -- re-exported: the public face
    BankChoice,
    ChannelNotFound,
    ChannelRow,
    ChannelsPage,
    bank_choices,
    payment_channel_get,
    payment_channels,
)
from hujin.payments.errors import CardNotFound, NotPermitted, PaymentNotFound
from hujin.payments.models import Card, Payment
from hujin.payments.monitor import (  # noqa: F401 -- re-exported: the public face
    AGE_BUCKETS,
    UNRESOLVED,
    MonitorMatrix,
    MonitorPage,
    PaymentFilters,
    PaymentListPage,
    PaymentRow,
    payments_list,
    payments_matrix,
    payments_monitor,
    payments_unresolved,
    payments_waiting_count,
)
from hujin.payments.monitor_detail import (  # noqa: F401 -- re-exported: the public face
    CustomerPayments,
    PaymentDetail,
    customer_payments,
    customer_payments_section,
    payment_detail,
)
from hujin.payments.payout_selectors import card_label, payout_get  # noqa: F401 -- re-exported
from hujin.payments.permissions import VIEW_CARDS
from hujin.payments.presenters import card_view, payment_view
from hujin.payments.quotes import limits_of, payment_quote  # noqa: F401 -- re-exported
from hujin.payments.rules_selectors import (  # noqa: F401 -- re-exported: the public face
    FeeRuleNotFound,
    FeeRuleRow,
    HeldPayment,
    HeldPaymentDetail,
    LimitRuleNotFound,
    LimitRuleRow,
    PaymentRules,
    ReviewQueue,
    ScreeningReason,
    fee_rule_get,
    held_payment,
    limit_rule_get,
    payment_rules,
    review_queue,
    review_waiting_count,
)
from hujin.payments.statements import (  # noqa: F401 -- re-exported: the public face
    STATEMENT_KINDS,
    StatementEntry,
    StatementFilterInvalid,
    StatementFilters,
    StatementPage,
    my_statement_entry,
    my_statement_page,
    my_statement_rows,
    statement_filters,
)
from hujin.payments.statements_monthly import (  # noqa: F401 -- re-exported: the public face
    MonthlyStatement,
    StatementLine,
    StatementMonthInvalid,
    StatementMonthNotFound,
    my_monthly_statement,
    my_statement_months,
    statement_month,
)
from hujin.payments.types import CARD_ACTIVE, CARD_PENDING, CardView, MyCards, PaymentView


def _active(customer_id) -> list[CardView]:
    cards = Card.objects.filter(customer_id=customer_id, status=CARD_ACTIVE)
    return [card_view(card) for card in cards.order_by("-is_default", "-bound_at", "-pk")]


def cards_of(*, actor: Actor, customer_id: uuid.UUID) -> list[CardView]:
    """A customer's bound cards, the default first. The customer sees their own; staff need
    ``payments.view_cards``; anyone else's customer is not found (CardNotFound)."""
    if actor.kind == "customer":
        standing = own_standing(actor=actor)
        if standing is None or standing.customer_id != customer_id:
            raise CardNotFound()
    elif not (actor.kind == "staff" and actor.has_scope(VIEW_CARDS)):
        raise NotPermitted(details={"required_permission": VIEW_CARDS})
    return _active(customer_id)


def my_cards(*, actor: Actor) -> MyCards:
    """The customer's own cards page: their bound cards and whether they may bind another."""
    standing = own_standing(actor=actor)
    if standing is None:
        return MyCards(customer_id=None, bind_refusal=_("Verify your identity first."))
    refusal = ""
    if not standing.verified:
        refusal = _("Verify your identity before you bind a bank card.")
    elif standing.type != "individual":
        refusal = _("Only a personal account can bind a debit card in the holder's own name.")
    elif standing.status == "frozen":
        refusal = _(
            "Your account is frozen: you can still see and unbind your bank cards, but you "
            "cannot bind a new one."
        )
    elif standing.status != "active":
        refusal = _("Your account is closed: you cannot bind a bank card.")
    return MyCards(
        customer_id=standing.customer_id,
        cards=_active(standing.customer_id),
        may_bind=not refusal,
        bind_refusal=refusal,
        holder_name=standing.legal_name,
    )


def card_of(*, actor: Actor, card_id: uuid.UUID, pending: bool = False) -> CardView:
    """One of the customer's own cards (``pending=True``: one waiting for its code, the code
    page). CardNotFound for any other card."""
    if actor.kind != "customer":
        raise CardNotFound()
    card = Card.objects.filter(
        id=card_id, customer__user_id=actor.id, status=CARD_PENDING if pending else CARD_ACTIVE
    ).first()
    if card is None:
        raise CardNotFound()
    return card_view(card)


def card_owner_user_id(*, card_id: uuid.UUID) -> uuid.UUID | None:
    """The login a card belongs to (for messages about it)."""
    return Card.objects.filter(id=card_id).values_list("customer__user_id", flat=True).first()


def cards_export(*, user_id: uuid.UUID) -> list[dict]:
    """Every binding of the person's cards, for their own data download: the full number (it
    is theirs, as customers exports their ID number), the bank, the states and times."""
    rows = Card.objects.filter(customer__user_id=user_id).order_by("created_at", "pk")
    return [
        {
            "number": card.number,
            "last4": card.last4,
            "bank_code": card.bank_code,
            "holder_name": card.holder_name,
            "reserved_mobile": card.reserved_mobile,
            "status": card.status,
            "is_default": card.is_default,
            "created_at": card.created_at.isoformat(),
            "bound_at": card.bound_at.isoformat() if card.bound_at else None,
            "unbound_at": card.unbound_at.isoformat() if card.unbound_at else None,
        }
        for card in rows
    ]


def my_payment(*, actor: Actor, payment_id: uuid.UUID) -> PaymentView:
    """One of the customer's own payments, or a transfer they received (seen as incoming, with
    the payer's masked name); anyone else's is PaymentNotFound."""
    standing = own_standing(actor=actor)
    payment = (
        Payment.objects.select_related("card", "customer", "payee").filter(id=payment_id).first()
        if standing is not None
        else None
    )
    if payment is None or standing.customer_id not in (payment.customer_id, payment.payee_id):
        raise PaymentNotFound()
    return payment_view(payment, viewer_customer_id=standing.customer_id)


def my_recent_payments(*, actor: Actor, limit: int = 10) -> list[PaymentView]:
    """The customer's latest top-ups, withdrawals and transfers sent, newest first."""
    standing = own_standing(actor=actor)
    if standing is None:
        return []
    rows = Payment.objects.select_related("card", "customer", "payee").filter(
        customer_id=standing.customer_id
    )
    return [payment_view(p) for p in rows.order_by("-created_at", "-pk")[:limit]]


def payments_failed_count(*, customer_id: uuid.UUID, since) -> int:
    """How many of a customer's payments failed since ``since``: a credit assessment's view of
    payment behaviour (counts only, no details)."""
    from hujin.payments.types import PAYMENT_FAILED

    d = Dialect()
    rows = hot_rows(d, _FAILED_SQL, [d.uuid_in(uuid.UUID(str(customer_id))), PAYMENT_FAILED,
                                     d.datetime_in(since)])  # fmt: skip
    return int(rows[0][0])


_FAILED_SQL = (
    "SELECT COUNT(*) FROM payments_payment "
    "WHERE customer_id = %s AND status = %s AND created_at >= %s"
)
