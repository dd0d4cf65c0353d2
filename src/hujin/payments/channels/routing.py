"""Which channel takes a payment, and failing over when one is down.

``channels_route(bank_code, amount_minor, now)`` lists the channels that may take a payment now:
enabled, serving the card's bank (a channel without banks serves every bank), taking the amount,
not marked down, by priority. A channel that refuses a connection (``ChannelDown``: the
instruction was certainly not taken) is marked down for ``COOL_DOWN`` and the payment moves to the
next one (``services.requests.payment_send``); once the cool-down ends routing tries it again, and
its first success clears the mark. A channel whose answer merely did not come
(``ChannelUnavailable``) is not failed over: it may have taken the instruction, and only a query
can tell (``recovery``), so the same money is never sent twice.

An adapter is built as ``Adapter(name=<channel name>)``; a production setting (``PROD``) refuses
a development-only adapter.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import F
from django.utils.module_loading import import_string

from hujin.core.sql import Dialect, hot_models
from hujin.payments.channels.base import MoneyChannel
from hujin.payments.models import PaymentChannel

DEFAULT_CHANNEL = "hujin.payments.channels.sandbox.SandboxChannel"
COOL_DOWN = timedelta(minutes=2)


def _build(adapter: str, name: str | None = None) -> MoneyChannel:
    channel_class = import_string(adapter)
    if getattr(channel_class, "development_only", False) and settings.PROD:
        raise ImproperlyConfigured(
            f"the payment channel adapter {adapter} is for development only; configure a real "
            "payment channel in production."
        )
    return channel_class(name=name) if name else channel_class()


def _configured_default() -> MoneyChannel:
    return _build(getattr(settings, "HUJIN_PAYMENTS_CHANNEL", "") or DEFAULT_CHANNEL)


def channel_named(name: str) -> MoneyChannel | None:
    """The configured channel called ``name`` (enabled or not: its callbacks and queries still
    come), or None."""
    d = Dialect()
    row = next(iter(hot_models(d, PaymentChannel, "name = %s", [name])), None)
    if row is not None:
        return _build(row.adapter, row.name)
    default = _configured_default()
    return default if default.name == name else None


def card_channel() -> MoneyChannel:
    """The channel cards are verified with: the first enabled one by priority."""
    row = PaymentChannel.objects.filter(enabled=True).order_by("priority", "name").first()
    return _build(row.adapter, row.name) if row is not None else _configured_default()


def channels_route(*, bank_code: str, amount_minor: int, now: datetime) -> list[MoneyChannel]:
    """The channels that may take a payment of ``amount_minor`` from or to a card of
    ``bank_code`` now, the first to try first (empty: none can). One query."""
    rows = list(PaymentChannel.objects.order_by("priority", "name"))
    return route_among(rows, bank_code=bank_code, amount_minor=amount_minor, now=now)


def route_among(rows, *, bank_code: str, amount_minor: int, now: datetime) -> list[MoneyChannel]:
    """``channels_route`` over the configured channels ``rows`` (``PaymentChannel``, by
    priority then name), read already."""
    if not rows:
        return [_configured_default()]
    route = []
    for row in rows:
        if not row.enabled or (row.banks and bank_code not in row.banks):
            continue
        if row.max_amount_minor is not None and amount_minor > row.max_amount_minor:
            continue
        if row.down_until is not None and row.down_until > now:
            continue
        channel = _build(row.adapter, row.name)
        channel.was_failing = row.consecutive_failures > 0 or row.down_until is not None
        route.append(channel)
    return route


# What ``route_among`` reads of a channel, as a database statement may bring them in one JSON
# array (``channel_rows_json``).
ROUTE_FIELDS = ("name", "adapter", "enabled", "banks", "max_amount_minor", "consecutive_failures",
                "down_until")  # fmt: skip
CHANNELS_JSON_SQL = (
    "(SELECT jsonb_agg(jsonb_build_object("
    + ", ".join(f"'{f}', x.{f}" for f in ROUTE_FIELDS)
    + ") ORDER BY x.priority, x.name) FROM payments_paymentchannel x)"
)


def channel_rows_json(rows: list[dict] | None) -> list[PaymentChannel]:
    """The channels ``CHANNELS_JSON_SQL`` selected, as ``route_among`` reads them."""
    fields = {f: PaymentChannel._meta.get_field(f) for f in ROUTE_FIELDS}
    return [PaymentChannel(**{f: fields[f].to_python(row[f]) for f in ROUTE_FIELDS})
            for row in rows or ()]  # fmt: skip


def channel_mark_down(name: str, *, now: datetime) -> None:
    """The channel refused a connection: skip it until the cool-down ends."""
    PaymentChannel.objects.filter(name=name).update(
        consecutive_failures=F("consecutive_failures") + 1, down_until=now + COOL_DOWN,
        last_failure_at=now,
    )  # fmt: skip


def channel_mark_up(name: str) -> None:
    """The channel took an instruction: it is up."""
    PaymentChannel.objects.filter(name=name).exclude(
        consecutive_failures=0, down_until__isnull=True
    ).update(consecutive_failures=0, down_until=None)
