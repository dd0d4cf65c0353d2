"""Operations configure the payment channels (``payments.manage_payment_rules``): add one (an
adapter under a name), enable or disable it, order them, say which banks and amounts each takes
and what it costs. Each change is one transaction with its audit entry (before and after) and
``payments.rules_changed``. A channel is never deleted (its payments and files refer to it):
it is disabled."""

from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from hujin.core.actors import Actor, require_scope
from hujin.payments.errors import RuleInvalid
from hujin.payments.models import PaymentChannel
from hujin.payments.permissions import MANAGE_PAYMENT_RULES
from hujin.payments.services.requests import MAX_AMOUNT_MINOR
from hujin.payments.services.rules import record_rule_change, snapshot

NEEDS = ("pay_in", "pay_out", "query", "card_verify_begin", "card_verify_confirm")


def _invalid(field: str) -> RuleInvalid:
    return RuleInvalid(details={"field": field})


def _adapter(path: str) -> str:
    path = (path or "").strip()
    try:
        adapter = import_string(path)
    except ImportError:
        raise _invalid("adapter") from None
    if not all(callable(getattr(adapter, method, None)) for method in NEEDS):
        raise _invalid("adapter")
    if getattr(adapter, "development_only", False) and settings.PROD:
        raise _invalid("adapter")
    return path


def _banks(banks) -> list[str]:
    if not isinstance(banks, (list, tuple)):
        raise _invalid("banks")
    codes = sorted({str(code).strip().upper() for code in banks if str(code).strip()})
    if any(len(code) > 16 or not code.isalnum() for code in codes):
        raise _invalid("banks")
    return codes


def _cost_rate(rate) -> Decimal:
    try:
        value = Decimal(str(rate).strip())
    except InvalidOperation:
        raise _invalid("cost_rate") from None
    if not value.is_finite() or not 0 <= value < 1 or value != value.quantize(Decimal("1e-6")):
        raise _invalid("cost_rate")
    return value


def channel_configure(
    *, actor: Actor, name: str, adapter: str, enabled: bool = True, priority: int = 100,
    banks=(), max_amount_minor: int | None = None, cost_rate="0", cost_fixed_minor: int = 0,
    now: datetime,
) -> PaymentChannel:  # fmt: skip
    """Create or change the channel ``name`` (a slug). Raises PermissionDenied, RuleInvalid."""
    require_scope(actor, MANAGE_PAYMENT_RULES)
    name = (name or "").strip()
    if not name or len(name) > 32 or not all(c.isalnum() or c in "-_" for c in name):
        raise _invalid("name")
    if type(priority) is not int or not 0 <= priority <= 1000:
        raise _invalid("priority")
    if max_amount_minor is not None and (
        type(max_amount_minor) is not int or not 0 < max_amount_minor <= MAX_AMOUNT_MINOR
    ):
        raise _invalid("max_amount_minor")
    if type(cost_fixed_minor) is not int or not 0 <= cost_fixed_minor <= 100_00:
        raise _invalid("cost_fixed_minor")
    values = {
        "adapter": _adapter(adapter), "enabled": bool(enabled), "priority": priority,
        "banks": _banks(banks), "max_amount_minor": max_amount_minor,
        "cost_rate": _cost_rate(cost_rate), "cost_fixed_minor": cost_fixed_minor,
    }  # fmt: skip
    with transaction.atomic():
        channel = PaymentChannel.objects.select_for_update().filter(name=name).first()
        before = snapshot(channel) if channel else None
        channel = channel or PaymentChannel(name=name)
        for field, value in values.items():
            setattr(channel, field, value)
        channel.updated_at = now
        channel.save()
        record_rule_change(actor, "payments.channel", name, before, snapshot(channel), now)
    return channel
