"""What modules above customers add to a customer's console page (Customer 360), registered in
their ``AppConfig.ready()`` through ``hujin.customers.selectors`` (which re-exports these):

    customer_console_section_register(key, provider, order=50)
        ``provider(*, actor, customer_id, now) -> ConsoleSection | None``: the module's section of
        the page ("Payments", "Holdings"), asked each time the page is shown; None when ``actor``
        may not see it (the section is left out). Keep it to one or two cheap reads.

A section is a template the module owns, rendered with ``section`` (the ConsoleSection) in its
context: plain values in ``section.data``, never querysets.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.functional import Promise

from hujin.core.actors import Actor


@dataclass(frozen=True, slots=True)
class ConsoleSection:
    """One module's part of a customer's console page: a heading and the template that shows
    ``data``."""

    key: str  # stable, for tests: "payments"
    title: Promise | str
    template: str  # "payments/console_customer_section.html"
    data: dict[str, Any] = field(default_factory=dict)


ConsoleSectionProvider = Callable[..., ConsoleSection | None]

_providers: dict[str, tuple[int, ConsoleSectionProvider]] = {}


def customer_console_section_register(
    key: str, provider: ConsoleSectionProvider, *, order: int = 50
) -> None:
    """Add a section to the customer's console page; the same key again replaces it."""
    _providers[key] = (order, provider)


def customer_console_sections(
    *, actor: Actor, customer_id: uuid.UUID, now: datetime
) -> list[ConsoleSection]:
    """The sections the modules above have for this customer and this viewer, in order."""
    sections = []
    for _order, provider in sorted(_providers.values(), key=lambda item: item[0]):
        section = provider(actor=actor, customer_id=customer_id, now=now)
        if section is not None:
            sections.append(section)
    return sections
