"""Where the products pages appear (``hujin.core.navigation``): the catalogue and the admission
queue in the console's operations and risk areas (the queue's waiting work: products submitted
for review); "Products" as a tab of the customer portal; the audit trail's words for products'
actions."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import (
    AREA_OPERATIONS,
    AREA_RISK,
    console_entry_register,
    portal_entry_register,
    url_if_mounted,
)
from hujin.products.console_selectors import review_waiting_count
from hujin.products.permissions import REVIEW_PRODUCTS, VIEW_PRODUCTS
from hujin.products.services._common import TARGET

AUDIT_ACTION_LABELS = {
    "products.product_create": pgettext_lazy("audit action", "Product created"),
    "products.product_update": pgettext_lazy("audit action", "Product edited"),
    "products.document_attach": pgettext_lazy("audit action", "Product document attached"),
    "products.admission_submit": pgettext_lazy("audit action", "Product submitted for review"),
    "products.admission_approve": pgettext_lazy("audit action", "Product approved"),
    "products.admission_return": pgettext_lazy("audit action", "Product returned to draft"),
    "products.admission_put_on_sale": pgettext_lazy("audit action", "Product put on sale"),
    "products.admission_suspend": pgettext_lazy("audit action", "Product suspended"),
    "products.admission_resume": pgettext_lazy("audit action", "Product resumed"),
    "products.admission_close": pgettext_lazy("audit action", "Product closed"),
    "products.nav_publish": pgettext_lazy("audit action", "NAV or income published"),
}


def product_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    """Audit objects of type ``products.product``: named by code, linked to the console's page
    for who may see products (one query for them all)."""
    from hujin.products.models import Product

    ids = uuids_parsed(target_ids)
    codes = dict(Product.objects.filter(id__in=list(ids.values())).values_list("id", "code"))
    may_open = actor.has_scope(VIEW_PRODUCTS)
    return {
        raw: TargetLink(
            codes[product_id],
            url=(url_if_mounted("products:console_product", [product_id]) or "")
            if may_open
            else "",
        )
        for raw, product_id in ids.items()
        if product_id in codes
    }


def register() -> None:
    console_entry_register(
        key="products.catalogue",
        area=AREA_OPERATIONS,
        label=_("Products"),
        url_name="products:console_list",
        permission=VIEW_PRODUCTS,
        order=30,
    )
    console_entry_register(
        key="products.admission",
        area=AREA_RISK,
        label=_("Product admission"),
        url_name="products:admission_queue",
        permission=REVIEW_PRODUCTS,
        order=40,
        waiting=review_waiting_count,
        waiting_label=ngettext_lazy(
            "%(n)d product waits for an admission review",
            "%(n)d products wait for an admission review",
            "n",
        ),
    )
    portal_entry_register(
        key="products.catalogue",
        label=_("Products"),
        url_name="products:portal_list",
        place="tab",
        icon="chart",
        order=20,
    )
    target_type_register(
        TARGET, label=pgettext_lazy("audit target", "Product"), resolve=product_targets
    )
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
