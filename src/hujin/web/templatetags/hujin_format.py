"""How every page shows money, time, durations and states: ``{% load hujin_format %}``.

    {{ minor|money:currency }}         ¥1,234.50      customer pages (symbol)
    {{ minor|money_code:currency }}    1,234.50 CNY   staff pages (the ISO code matters there)
    {{ minor|money_signed:currency }}  +¥1,234.50     activity lists: money in and out
    {{ moment|when }}                  2026-12-06 19:20, in the business time zone
    {{ day|day }}                      2026-12-06
    {{ seconds|duration }}             7 days · 3 hours 20 minutes
    {% status_badge status %}          the one badge of a state (hujin.core.statuses)

An amount is integer minor units or the decimal string a presenter made ("-1234.50"); either way
it leaves as ``<span class="amount">``, with ``amount-negative`` (or ``amount-in`` / ``amount-out``
when signed) for the colour. A value that is not an amount (a float, an unknown currency, text)
shows as it is, and a missing one as "—": a filter never fails a page.
"""

from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django import template
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import ngettext

from hujin.core.money import InvalidCurrency, currency_exponent, display_amount
from hujin.core.statuses import TONE_MUTED, status_get

register = template.Library()
EMPTY = "—"  # what a page shows for a value that is not there


def _minor(value, currency: str) -> int | None:
    """Minor units from an int or a decimal string; None for anything else (a float, a number
    the currency cannot hold, an unknown currency, infinity)."""
    if isinstance(value, (bool, float)):
        return None
    try:
        exponent = currency_exponent(currency)
    except InvalidCurrency:
        return None
    if isinstance(value, int):
        return value
    try:
        exact = Decimal(str(value)).scaleb(exponent)
        if not exact.is_finite() or exact != exact.to_integral_value():
            return None
        return int(exact)
    except (InvalidOperation, ValueError, TypeError):
        return None


def _amount(value, currency: str, *, style: str, signed: bool):
    if value is None or value == "":
        return EMPTY
    minor = _minor(value, str(currency))
    if minor is None:
        return value
    if signed:
        tone = "amount-in" if minor > 0 else ("amount-out" if minor < 0 else "")
    else:
        tone = "amount-negative" if minor < 0 else ""
    text = display_amount(minor, currency, style=style, signed=signed)
    return format_html('<span class="amount {}">{}</span>', tone, text)


@register.filter
def money(value, currency: str = "CNY"):
    return _amount(value, currency, style="symbol", signed=False)


@register.filter
def money_code(value, currency: str = "CNY"):
    return _amount(value, currency, style="code", signed=False)


@register.filter
def money_signed(value, currency: str = "CNY"):
    return _amount(value, currency, style="symbol", signed=True)


@register.filter
def when(value):
    """A moment in the business time zone the request runs in (the shell activates it)."""
    if not isinstance(value, datetime):
        return value or ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


@register.filter
def day(value):
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%d")
    if isinstance(value, date):
        return value.isoformat()
    return value or ""


_UNITS = (
    (86400, lambda n: ngettext("%(n)d day", "%(n)d days", n)),
    (3600, lambda n: ngettext("%(n)d hour", "%(n)d hours", n)),
    (60, lambda n: ngettext("%(n)d minute", "%(n)d minutes", n)),
    (1, lambda n: ngettext("%(n)d second", "%(n)d seconds", n)),
)


@register.filter
def duration(seconds):
    """Seconds as people say them: the two largest units that are not zero."""
    try:
        left = int(seconds)
    except (TypeError, ValueError):
        return seconds
    if left <= 0:
        return _UNITS[-1][1](0) % {"n": 0}
    parts = []
    for size, label in _UNITS:
        count, left = divmod(left, size)
        if count:
            parts.append(label(count) % {"n": count})
        if len(parts) == 2:
            break
    return " ".join(parts)


@register.simple_tag
def status_badge(key, label=None):
    """The badge of a state; a state outside the vocabulary shows its own words, muted; no
    state, nothing."""
    if key is None or key == "":
        return ""
    status = status_get(str(key))
    if status is None:
        return format_html('<span class="badge badge-{}">{}</span>', TONE_MUTED, label or key)
    return format_html(
        '<span class="badge badge-{}" data-status="{}">{}</span>',
        status.tone,
        status.key,
        label or status.label,
    )
