"""What modules above customers add to the customer's home page (/me/), registered in their
``AppConfig.ready()`` through ``hujin.customers.selectors`` (which re-exports these):

    portal_next_actions_register(provider)
        ``provider(*, user_id, customer_id, now) -> list[NextAction]``: the suggestions a module
        has for this customer ("Buy your first fund", "Bind a bank card"), asked each time the
        home page is shown. Keep it to one or two cheap reads.
    portal_activity_label_register(code, money_in, money_out)
        the words for a ledger transfer code in the wallet's recent activity, one for money
        coming in and one for money going out (lazy translations).
    portal_activity_page_register(url_name)
        the page with the wallet's full history: the home then shows the last few movements and
        links to it (without one, it shows more and no link).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise


@dataclass(frozen=True, slots=True)
class NextAction:
    """One suggestion on the home page: a sentence, and the link that does it."""

    key: str  # stable, for tests and ordering: "suitability.retake", "privacy.review"...
    text: Promise | str
    url: str
    label: Promise | str  # the link's words
    urgent: bool = False  # shown first, as a warning (something stops working soon)


NextActionsProvider = Callable[..., list[NextAction]]

_providers: list[NextActionsProvider] = []
_labels: dict[str, tuple[Promise | str, Promise | str]] = {}
_activity_page: list[str] = []


def portal_next_actions_register(provider: NextActionsProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def portal_next_actions_from_modules(
    *, user_id: uuid.UUID, customer_id: uuid.UUID | None, now: datetime
) -> list[NextAction]:
    actions: list[NextAction] = []
    for provider in _providers:
        actions.extend(provider(user_id=user_id, customer_id=customer_id, now=now))
    return actions


def portal_activity_label_register(
    code: str, money_in: Promise | str, money_out: Promise | str
) -> None:
    _labels[code] = (money_in, money_out)


def portal_activity_label(code: str, *, incoming: bool) -> Promise | str | None:
    labels = _labels.get(code)
    if labels is None:
        return None
    return labels[0] if incoming else labels[1]


def portal_activity_page_register(url_name: str) -> None:
    _activity_page[:] = [url_name]


def portal_activity_page() -> str | None:
    return _activity_page[0] if _activity_page else None
