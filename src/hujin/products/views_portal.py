"""The portal's product pages (customers): the products on sale with filters (type, risk level,
term) and a product's page with its chart, risk level in plain words, key terms and documents.
Modules above add their buttons to a product's page (``PRODUCT_PAGE``, the wealth module's
"Buy") through ``hujin.core.navigation.page_action_register``."""

import uuid

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone, translation
from django.views.decorators.http import require_GET

from hujin.core.dates import business_date_get
from hujin.core.navigation import page_actions
from hujin.identity.access import customer_required
from hujin.products import labels
from hujin.products import portal_selectors as pages
from hujin.products import types as t
from hujin.products.errors import ProductNotFound
from hujin.products.selectors import TERMS

# The name of the product page for ``hujin.core.navigation.page_action_register``.
PRODUCT_PAGE = "products.portal_product"


@require_GET
@customer_required
def portal_list(request):
    kind = request.GET.get("kind", "")
    risk = request.GET.get("risk", "")
    term = request.GET.get("term", "")
    cards = pages.products_portal_list(
        language=translation.get_language() or "en",
        on=business_date_get(now=timezone.now()),
        kind=kind,
        risk_level=risk,
        term=term,
    )
    return render(
        request,
        "products/portal_list.html",
        {
            "cards": cards,
            "kind": kind,
            "risk": risk,
            "term": term,
            "kinds": [(k, labels.KIND_LABELS[k]) for k in t.KINDS],
            "risks": [(r, f"{r} · {labels.RISK_LABELS[r]}") for r in t.RISK_LEVELS],
            "terms": [(x, labels.TERM_LABELS[x]) for x in TERMS],
        },
    )


@require_GET
@customer_required
def portal_product(request, product_id: uuid.UUID):
    try:
        page = pages.product_portal_page(
            product_id=product_id,
            language=translation.get_language() or "en",
            on=business_date_get(now=timezone.now()),
        )
    except ProductNotFound:
        raise Http404 from None
    # The buttons modules above offer here ("Buy", from wealth): products does not know them.
    actions = page_actions(PRODUCT_PAGE, product_id)
    return render(request, "products/portal_product.html", {"page": page, "actions": actions})
