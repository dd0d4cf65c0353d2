"""Loan products: drafted by a product manager, admitted by someone else through the approval
request, refused when their terms could cost more than the APR cap."""

from dataclasses import replace
from decimal import Decimal

import pytest

from hujin.core.approvals import approval_decide
from hujin.core.approvals.errors import MakerCannotCheck
from hujin.lending import types as t
from hujin.lending.errors import (
    AprAboveCap,
    LoanProductInvalid,
    LoanProductStateInvalid,
)
from hujin.lending.models import LoanProduct
from hujin.lending.services import product_create, product_move, product_submit, product_update
from tests.lending.conftest import COMPLIANCE, PM, PRODUCT

pytestmark = pytest.mark.django_db


def submitted(now, business_date, **changes):
    product = product_create(actor=PM, data=replace(PRODUCT, **changes), now=now)
    product_submit(actor=PM, product_id=product.id, reason="ready", now=now,
                   business_date=business_date)  # fmt: skip
    return LoanProduct.objects.get(id=product.id)


def test_an_admitted_product_is_on_sale(now, business_date_set):
    product = submitted(now, business_date_set)
    approval_decide(actor=COMPLIANCE, request_id=product.approval_request_id, approve=True,
                    reason="checked", now=now)  # fmt: skip
    product.refresh_from_db()
    assert product.state == t.PRODUCT_ON_SALE and product.approved_by == COMPLIANCE.id


def test_the_maker_cannot_admit_it_and_a_rejection_sends_it_back_to_draft(
    now, business_date_set, django_capture_on_commit_callbacks
):
    product = submitted(now, business_date_set)
    pm_checker = replace(PM, scopes=frozenset({*PM.scopes, "lending.review_loan_products"}))
    with pytest.raises(MakerCannotCheck):
        approval_decide(actor=pm_checker, request_id=product.approval_request_id, approve=True,
                        reason="mine", now=now)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        approval_decide(actor=COMPLIANCE, request_id=product.approval_request_id, approve=False,
                        reason="fees unclear", now=now)  # fmt: skip
    from hujin.core.outbox import outbox_dispatch

    outbox_dispatch(now=now)
    product.refresh_from_db()
    assert product.state == t.PRODUCT_DRAFT


def test_terms_whose_worst_apr_passes_the_cap_cannot_be_submitted(now, business_date_set):
    with pytest.raises(AprAboveCap) as refused:
        submitted(now, business_date_set, max_rate=Decimal("0.20"),
                  upfront_fee_rate=Decimal("0.03"))  # fmt: skip
    assert Decimal(refused.value.details["apr"]) > Decimal("0.24")
    assert LoanProduct.objects.get(code=PRODUCT.code).state == t.PRODUCT_DRAFT


def test_a_cap_lowered_after_submission_stops_the_admission(now, business_date_set, settings):
    product = submitted(now, business_date_set)
    settings.HUJIN_LENDING_APR_CAP = "0.12"
    with pytest.raises(AprAboveCap):
        approval_decide(actor=COMPLIANCE, request_id=product.approval_request_id, approve=True,
                        reason="checked", now=now)  # fmt: skip
    product.refresh_from_db()
    assert product.state == t.PRODUCT_SUBMITTED


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"min_amount_minor": 0}, "max_amount_minor"),
        ({"min_term": 40}, "max_term"),
        ({"term_unit": t.TERM_DAYS}, "method"),
        ({"min_rate": Decimal("0.2")}, "max_rate"),
        ({"penalty_rate": Decimal("0.30")}, "penalty_rate"),
        ({"allocation_order": ("principal", "interest")}, "allocation_order"),
        ({"code": "bad code!"}, "code"),
        ({"max_rate": Decimal("0.1234567")}, "max_rate"),
    ],
)
def test_a_wrong_term_is_named_and_nothing_is_written(now, changes, field):
    with pytest.raises(LoanProductInvalid) as refused:
        product_create(actor=PM, data=replace(PRODUCT, **changes), now=now)
    assert refused.value.details["field"] == field
    assert not LoanProduct.objects.exists()


def test_only_a_draft_is_edited_and_a_product_on_sale_is_suspended_and_resumed(loan_product, now):
    product = loan_product()
    with pytest.raises(LoanProductStateInvalid):
        product_update(actor=PM, product_id=product.id, data=replace(PRODUCT, code=product.code),
                       now=now)  # fmt: skip
    assert product_move(actor=PM, product_id=product.id, action="suspend", now=now).state == (
        t.PRODUCT_SUSPENDED
    )
    assert product_move(actor=PM, product_id=product.id, action="resume", now=now).state == (
        t.PRODUCT_ON_SALE
    )
