"""The console's reads of the payment channels (re-exported by ``selectors``): the channels
table with each one's health as people read it ("Up", "Down until 14:32 (3 failures in a
row)", "Disabled"), its banks by name ("every bank" when it serves them all), its maximum, what
it costs Hujin ("0.25 % + ¥0.10") and how many payments it took today and how many of its
payments are still open; one channel (its page).

Staff holding ``payments.view_payments`` read them, staff holding
``payments.manage_payment_rules`` also change them (``may_manage``); anyone else is refused
(PermissionDenied). Values out, never querysets; ``now`` comes in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal
from functools import cache

from django.db.models import Count, Q
from django.utils.translation import get_language, gettext, ngettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone, calendar_date_at
from hujin.core.errors import NotFound, PermissionDenied
from hujin.core.statuses import TONE_DANGER, TONE_MUTED, TONE_SUCCESS, TONE_WARNING
from hujin.payments.cardnumbers import load_bins
from hujin.payments.models import Payment, PaymentChannel
from hujin.payments.monitor import UNRESOLVED
from hujin.payments.permissions import MANAGE_PAYMENT_RULES, VIEW_PAYMENTS
from hujin.payments.rules_selectors import rate_percent
from hujin.payments.types import PAYMENT_CURRENCY

# A channel's health (states of the shared vocabulary, registered by ``navigation``).
HEALTH_UP = "channel_up"
HEALTH_RETRYING = "channel_retrying"  # its cool-down is over after failures: tried again
HEALTH_DOWN = "channel_down"
HEALTH_DISABLED = "channel_disabled"
HEALTH_STATES = (  # key, word, tone
    (HEALTH_UP, pgettext_lazy("status", "Up"), TONE_SUCCESS),
    (HEALTH_RETRYING, pgettext_lazy("status", "Trying again"), TONE_WARNING),
    (HEALTH_DOWN, pgettext_lazy("status", "Down"), TONE_DANGER),
    (HEALTH_DISABLED, pgettext_lazy("status", "Disabled"), TONE_MUTED),
)
_WORDS = {key: word for key, word, _tone in HEALTH_STATES}


class ChannelNotFound(NotFound):
    code = "payment_channel_not_found"
    message = _("No such payment channel.")


@dataclass(frozen=True, slots=True)
class BankChoice:
    code: str
    name: str  # in the viewer's language


@dataclass(frozen=True, slots=True)
class ChannelRow:
    """One channel as the console shows it; amounts in fen."""

    name: str
    adapter: str  # for the technical details only
    enabled: bool
    priority: int
    health: str  # one of the HEALTH_* states
    health_label: str  # "Down until 14:32 (3 failures in a row)"
    down_until: datetime | None
    consecutive_failures: int
    last_failure_at: datetime | None
    banks: list[str]  # the codes it serves ([]: every bank)
    bank_names: list[str]  # their names in the viewer's language
    banks_label: str  # "Every bank", or the names as a list a person reads
    every_bank: bool
    max_amount_minor: int | None
    cost_rate: Decimal  # a fraction
    cost_rate_percent: str  # "0.25"
    cost_fixed_minor: int
    payments_today: int  # payments it took since the business day began
    payments_open: int  # its payments not settled yet (created, pending, unknown)
    updated_at: datetime
    currency: str = PAYMENT_CURRENCY


@dataclass(frozen=True, slots=True)
class ChannelsPage:
    """The "Payment channels" page: the channels by priority, and the banks a form offers."""

    channels: list[ChannelRow]
    may_manage: bool
    banks: list[BankChoice]
    down_count: int


def _require_reader(actor: Actor) -> None:
    if actor.kind != "staff" or not (
        actor.has_scope(VIEW_PAYMENTS) or actor.has_scope(MANAGE_PAYMENT_RULES)
    ):
        raise PermissionDenied(
            _("You may not see this page."), details={"required_permission": VIEW_PAYMENTS}
        )


@cache
def _bank_names() -> dict[str, tuple[str, str]]:
    """Each bank code of the BIN table -> (English name, Chinese name), in the table's order."""
    names: dict[str, tuple[str, str]] = {}
    for bank in load_bins().values():
        names.setdefault(bank.code, (bank.name_en, bank.name_zh))
    return names


def _bank_name(code: str, language: str) -> str:
    names = _bank_names().get(code)
    if names is None:
        return code  # a code the BIN table does not know is shown as typed
    return names[1] if language.lower().startswith("zh") else names[0]


def _banks_label(names: list[str]) -> str:
    if not names:
        return gettext("Every bank")
    return pgettext("list separator", ", ").join(names)


def bank_choices() -> list[BankChoice]:
    """The banks of the BIN table, named in the viewer's language."""
    language = get_language() or "en"
    return [BankChoice(code=code, name=_bank_name(code, language)) for code in _bank_names()]


def _health(channel: PaymentChannel, now: datetime) -> tuple[str, str]:
    failures = channel.consecutive_failures
    if not channel.enabled:
        return HEALTH_DISABLED, str(_WORDS[HEALTH_DISABLED])
    if channel.down_until is not None and channel.down_until > now:
        until = channel.down_until.astimezone(business_time_zone())
        moment = until.strftime("%H:%M")
        if until.date() != calendar_date_at(now):
            moment = until.strftime("%Y-%m-%d %H:%M")
        if failures:
            label = ngettext(
                "Down until %(time)s (%(n)d failure in a row)",
                "Down until %(time)s (%(n)d failures in a row)",
                failures,
            ) % {"time": moment, "n": failures}
        else:
            label = gettext("Down until %(time)s") % {"time": moment}
        return HEALTH_DOWN, str(label)
    if failures:
        label = ngettext(
            "Trying again after %(n)d failure in a row",
            "Trying again after %(n)d failures in a row",
            failures,
        ) % {"n": failures}
        return HEALTH_RETRYING, label
    return HEALTH_UP, str(_WORDS[HEALTH_UP])


def _counts(now: datetime, names) -> dict[str, tuple[int, int]]:
    """Per channel: the payments since the business day began, the ones still open."""
    day_start = datetime.combine(calendar_date_at(now), time.min, tzinfo=business_time_zone())
    rows = (
        Payment.objects.filter(channel__in=list(names))
        .filter(Q(created_at__gte=day_start, created_at__lte=now) | Q(status__in=UNRESOLVED))
        .values("channel")
        .annotate(
            today=Count("id", filter=Q(created_at__gte=day_start, created_at__lte=now)),
            open=Count("id", filter=Q(status__in=UNRESOLVED)),
        )
    )
    return {r["channel"]: (r["today"], r["open"]) for r in rows}


def _row(channel: PaymentChannel, now: datetime, counts: tuple[int, int]) -> ChannelRow:
    health, health_label = _health(channel, now)
    language = get_language() or "en"
    banks = list(channel.banks or [])
    names = [_bank_name(code, language) for code in banks]
    return ChannelRow(
        name=channel.name, adapter=channel.adapter, enabled=channel.enabled,
        priority=channel.priority, health=health, health_label=health_label,
        down_until=channel.down_until, consecutive_failures=channel.consecutive_failures,
        last_failure_at=channel.last_failure_at, banks=banks,
        bank_names=names, banks_label=_banks_label(names), every_bank=not banks,
        max_amount_minor=channel.max_amount_minor, cost_rate=channel.cost_rate,
        cost_rate_percent=rate_percent(channel.cost_rate),
        cost_fixed_minor=channel.cost_fixed_minor, payments_today=counts[0],
        payments_open=counts[1], updated_at=channel.updated_at,
    )  # fmt: skip


def payment_channels(*, actor: Actor, now: datetime) -> ChannelsPage:
    """Every channel by priority (the order routing tries them), with its health at ``now``
    and its payments. Raises PermissionDenied."""
    _require_reader(actor)
    channels = list(PaymentChannel.objects.order_by("priority", "name"))
    counts = _counts(now, [c.name for c in channels])
    rows = [_row(c, now, counts.get(c.name, (0, 0))) for c in channels]
    return ChannelsPage(
        channels=rows,
        may_manage=actor.has_scope(MANAGE_PAYMENT_RULES),
        banks=bank_choices(),
        down_count=sum(1 for r in rows if r.health == HEALTH_DOWN),
    )


def payment_channel_get(*, actor: Actor, name: str, now: datetime) -> ChannelRow:
    """One channel (its page). Raises PermissionDenied, ChannelNotFound."""
    _require_reader(actor)
    channel = PaymentChannel.objects.filter(name=name).first()
    if channel is None:
        raise ChannelNotFound()
    return _row(channel, now, _counts(now, [name]).get(name, (0, 0)))
