"""What the portal's product pages show customers: the list of what can be bought, with each
product's headline figure, and a product's page (the console's page without its admission)."""

import uuid
from dataclasses import dataclass
from datetime import date

from hujin.products import labels, selectors
from hujin.products import types as t
from hujin.products.console_selectors import ProductPage, kind_label, page_fields, percent
from hujin.products.errors import ProductNotFound


def product_portal_page(*, product_id: uuid.UUID, language: str, on: date) -> ProductPage:
    """A product's page for customers: only a product that can be bought (else not found)."""
    if not selectors.product_buyable(product_id, on):
        raise ProductNotFound()
    return ProductPage(
        **page_fields(
            selectors.product_get(product_id=product_id),
            language=language,
            on=on,
            steps=[],
            portal=True,
        )
    )


@dataclass(frozen=True, slots=True)
class PortalCard:
    id: uuid.UUID
    name: str
    kind_label: str
    risk_level: str
    risk_label: str
    headline_label: str
    headline: str
    term_label: str
    min_amount_minor: int


def products_portal_list(
    *, language: str, on: date, kind: str = "", risk_level: str = "", term: str = ""
) -> list[PortalCard]:
    """The portal's product list: what can be bought on ``on``, with each product's headline
    figure (7-day yield, latest NAV, expected rate)."""
    views = selectors.products_on_sale(
        on=on,
        kind=kind if kind in t.KINDS else "",
        risk_level=risk_level if risk_level in t.RISK_LEVELS else "",
        term=term if term in selectors.TERMS else "",
    )
    cards = []
    for view in views:
        latest = selectors.nav_latest(product_id=view.id, on=on)
        if view.kind == t.KIND_MMF:
            head_label = labels.YIELD_7D
            head = percent(latest.yield_7d, 3) if latest and latest.yield_7d is not None else ""
        elif view.kind == t.KIND_NAV_FUND:
            head_label, head = labels.NAV, f"{latest.nav:.4f}" if latest else ""
        else:
            head_label, head = labels.FIELD_LABELS["expected_rate"], percent(view.expected_rate)
        cards.append(
            PortalCard(
                view.id,
                view.name(language),
                kind_label(view.kind, view.subtype),
                view.risk_level,
                str(labels.RISK_LABELS[view.risk_level]),
                str(head_label),
                head,
                str(labels.TERM_LABELS[selectors.term_of(view)]),
                view.min_amount_minor,
            )
        )
    return cards
