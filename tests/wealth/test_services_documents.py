"""Before buying, the customer acknowledges the product's documents: every one it has now,
recorded with when and from where, good for half an hour and one order; a list that is not the
product's documents changes nothing."""

from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.products.selectors import product_get
from hujin.wealth import errors
from hujin.wealth.models import DocumentsAcknowledgement
from hujin.wealth.selectors import ACKNOWLEDGEMENT_VALID, documents_acknowledgement_valid
from hujin.wealth.services import documents_acknowledge
from tests.payments.test_endpoints_cards import app_for
from tests.wealth.conftest import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def documented(make_product):
    return product_get(product_id=make_product("R2").id)


def ids(product):
    return [d.id for d in product.documents]


def test_reading_every_document_is_recorded(make_customer, documented, now):
    user = make_customer()

    acknowledgement_id = documents_acknowledge(actor=actor_for(user), product_id=documented.id,
                                               document_ids=ids(documented), now=now)  # fmt: skip

    kept = DocumentsAcknowledgement.objects.get(id=acknowledgement_id)
    assert {d["kind"] for d in kept.documents} == {"prospectus", "risk_disclosure", "contract"}
    assert kept.expires_at == now + ACKNOWLEDGEMENT_VALID
    assert AuditEntry.objects.filter(action="wealth.documents_acknowledged").count() == 1
    assert OutboxEvent.objects.get(event_type="wealth.documents_acknowledged").payload[
        "document_ids"
    ] == sorted(str(i) for i in ids(documented))


def test_it_stands_for_half_an_hour(make_customer, documented, now):
    user = make_customer()
    documents_acknowledge(actor=actor_for(user), product_id=documented.id,
                          document_ids=ids(documented), now=now)  # fmt: skip
    customer_id = DocumentsAcknowledgement.objects.get().customer_id

    def valid(at):
        return documents_acknowledgement_valid(customer_id=customer_id, product=documented, now=at)

    assert valid(now + timedelta(minutes=29)) is not None
    assert valid(now + ACKNOWLEDGEMENT_VALID) is None


@pytest.mark.parametrize("which", ["one missing", "one of another product", "none"])
def test_a_list_that_is_not_the_products_documents_changes_nothing(
    make_customer, documented, make_product, now, which
):
    other = make_product("R1")
    given = {
        "one missing": ids(documented)[:2],
        "one of another product": [*ids(documented)[:2], ids(product_get(product_id=other.id))[0]],
        "none": [],
    }[which]

    with pytest.raises(errors.DocumentsChanged):
        documents_acknowledge(actor=actor_for(make_customer()), product_id=documented.id,
                              document_ids=given, now=now)  # fmt: skip

    assert not DocumentsAcknowledgement.objects.exists()


def test_over_the_api(make_customer, documented):
    user = make_customer()
    user.mobile = "+8613700003333"
    user.save()
    app = app_for(user)
    path = f"/api/v1/me/products/{documented.id}/documents/acknowledgements"

    done = app.post(path, {"document_ids": [str(i) for i in ids(documented)]},
                    content_type="application/json")  # fmt: skip
    stale = app.post(path, {"document_ids": []}, content_type="application/json")

    assert done.status_code == 201 and "acknowledgement_id" in done.json()
    assert stale.status_code == 409
    assert stale.json()["error"]["code"] == "product_documents_changed"


def test_a_product_not_on_sale_is_not_found(make_customer, make_product, now):
    from hujin.products.errors import ProductNotFound

    draft = make_product("R2", on_sale=False)

    with pytest.raises(ProductNotFound):
        documents_acknowledge(actor=actor_for(make_customer()), product_id=draft.id,
                              document_ids=[], now=now)  # fmt: skip
