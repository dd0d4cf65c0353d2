"""The customer's pages of the wealth module: the suggested portfolio (robo-advice) and how the
customer's holdings drift from it."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from hujin.core.dates import business_date_get
from hujin.identity.access import customer_actor, customer_required
from hujin.wealth.selectors import advice_and_rebalancing


@require_GET
@customer_required
def advice(request):
    now = timezone.now()
    suggested, drift = advice_and_rebalancing(actor=customer_actor(request.user), now=now,
                                              on=business_date_get(now=now))  # fmt: skip
    context = {"advice": suggested, "rebalancing": drift, **_in_words(suggested)}
    return render(request, "wealth/advice.html", context)


def _pct(fraction: float | None) -> str:
    """``0.1431`` as ``14.3 %`` (a space that never breaks the line before the sign)."""
    return "" if fraction is None else f"{fraction * 100:.1f}\u00a0%"


def _in_words(advice) -> dict:
    """The mix's figures as the page says them: percentages to one decimal."""
    segments, x = [], 0
    for line in advice.lines:  # the bar: one rectangle per product, left to right
        segments.append({"x": x, "width": line.percent, "line": line})
        x += line.percent
    return {
        "expected": _pct(advice.expected_return), "volatility": _pct(advice.volatility),
        "low": _pct(advice.low), "high": _pct(advice.high), "segments": segments,
    }  # fmt: skip
