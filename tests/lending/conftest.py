"""Fixtures of the lending tests.

borrower         factory: a verified, active customer aged 35 (``age``), risk level C3, the credit
                 check authorised, the wallet open with ``balance`` fen in it
loan_product     factory: a loan product admitted and on sale (``**changes`` to its terms)
funded           the lender's funding account holding CNY 10,000,000
champion         a scorecard trained once per test session on the generated data, registered
                 as the champion model
"""

import functools
import itertools
import uuid
from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from hujin.core.actors import Actor
from hujin.lending import types as t
from hujin.lending.permissions import (
    DECIDE_APPLICATIONS,
    FUND_LENDING,
    MANAGE_MODELS,
    MANAGE_PRODUCTS,
    REVIEW_PRODUCTS,
)

_serial = itertools.count(1)

PM = Actor(kind="staff", id="501", label="pm", scopes=frozenset({MANAGE_PRODUCTS}))
COMPLIANCE = Actor(kind="staff", id="502", label="compliance", scopes=frozenset({REVIEW_PRODUCTS}))
ANALYST = Actor(kind="staff", id="503", label="analyst", scopes=frozenset({DECIDE_APPLICATIONS}))
SECOND_ANALYST = Actor(kind="staff", id="504", label="analyst 2",
                       scopes=frozenset({DECIDE_APPLICATIONS}))  # fmt: skip
OPERATIONS = Actor(kind="staff", id="505", label="ops", scopes=frozenset({FUND_LENDING}))
MODELLER = Actor(kind="staff", id="506", label="modeller", scopes=frozenset({MANAGE_MODELS}))

PRODUCT = t.ProductInput(
    code="HJ-LOAN",
    name_zh="互金消费贷",
    name_en="Hujin consumer loan",
    min_amount_minor=100_000,
    max_amount_minor=20_000_000,
    term_unit=t.TERM_MONTHS,
    min_term=3,
    max_term=36,
    method=t.EQUAL_INSTALMENT,
    day_count=t.ACT_365,
    min_rate=Decimal("0.060000"),
    max_rate=Decimal("0.180000"),
    penalty_rate=Decimal("0.180000"),
    grace_days=3,
)


def customer_actor(user) -> Actor:
    return Actor(kind="customer", id=str(user.pk), label=user.username)


@functools.cache
def bureau_index(kind: str, nth: int = 0) -> str:
    """The ``nth`` document index the simulated bureau reports on as ``kind``: ``clean`` (no
    delinquency, low utilisation, few inquiries), ``poor`` (several delinquencies, high
    utilisation) or ``thin`` (no file). Found by search, so always the same."""
    from datetime import UTC, datetime

    from hujin.lending.bureau import SimulatedCreditBureau

    bureau = SimulatedCreditBureau(failure_rate=0.0)
    at = datetime(2025, 1, 1, tzinfo=UTC)
    found = []
    for n in range(100_000):
        index = f"{kind}-{n}"
        r = bureau.report(customer_ref="x", id_number_hash=index, now=at)
        if kind == "thin":
            ok = not r.file_found
        elif not r.file_found:
            ok = False
        elif kind == "clean":
            ok = (r.bureau_delinquencies_24m == 0 and r.bureau_inquiries_6m <= 1
                  and (r.bureau_utilisation or 0) < 0.25)  # fmt: skip
        else:
            ok = r.bureau_delinquencies_24m >= 3 and (r.bureau_utilisation or 0) > 0.8
        if ok:
            found.append(index)
            if len(found) > nth:
                return found[nth]
    raise AssertionError(kind)


@pytest.fixture
def business_date_set(db, now):
    from hujin.core.dates import business_date_get

    return business_date_get(now=now)


@pytest.fixture
def borrower(db, now, business_date_set):
    from hujin.customers.models import Customer, KycApplication
    from hujin.identity.models import User
    from hujin.privacy.selectors import consent_document_current
    from hujin.privacy.services import consent_accept
    from hujin.suitability.services import assessment_submit
    from tests.payments.money import open_wallet
    from tests.suitability.conftest import answers
    from tests.wealth.conftest import PROFILES

    _used: dict[str, int] = {}

    def make(*, age: int = 35, balance: int = 0, status: str = "active", consent: bool = True,
             verified: bool = True, mobile: str | None = None,
             bureau_file: str = "clean"):  # fmt: skip
        serial = next(_serial)
        _used[bureau_file] = _used.get(bureau_file, -1) + 1
        user = User.objects.create(username=f"b-{uuid.uuid4().hex[:12]}", kind="customer",
                                   mobile=mobile or f"+86138{serial:08d}")  # fmt: skip
        customer = Customer.objects.create(
            user=user, type="individual", status=status, legal_name="张三" if verified else "",
            kyc_status="verified" if verified else "unverified",
            verified_at=now - timedelta(days=400) if verified else None,
            created_at=now - timedelta(days=400),
        )  # fmt: skip
        if verified:
            KycApplication.objects.create(
                customer=customer, kind="individual", document_type="resident_id",
                document_number=f"11010119900101{serial:04d}",
                document_index=bureau_index(bureau_file, _used[bureau_file]),
                legal_name="张三", name_index=f"name-{serial}",
                birth_date=date(now.year - age, 1, 1), status="verified", provider="test",
                submitted_at=now - timedelta(days=400), decided_at=now - timedelta(days=400),
            )  # fmt: skip
        actor = customer_actor(user)
        assessment_submit(user_id=user.pk, answers=answers(**PROFILES["C3"]), actor=actor,
                          now=now)  # fmt: skip
        if consent:
            _credit_check_published()
            document = consent_document_current(kind="credit_check")
            consent_accept(user_id=user.pk, document_id=document.id, channel="web", ip=None,
                           actor=actor, now=now)  # fmt: skip
        if balance:
            from tests.wealth.orders_helpers import funded_wallet

            funded_wallet(user, balance, now)
        elif verified:  # a wallet opens only for a verified customer
            open_wallet(user, now)
        return user

    return make


def _credit_check_published() -> None:
    """The migration publishes the credit-check document; a transactional test's flush takes
    it away, so it is put back as the migration wrote it."""
    from hujin.privacy.migrations._seed_credit_check import DOCUMENT
    from hujin.privacy.migrations._seed_documents import EFFECTIVE_FROM, document_id
    from hujin.privacy.models import ConsentDocument

    ConsentDocument.objects.get_or_create(
        id=document_id(DOCUMENT["kind"], 1),
        defaults={"version": 1, "effective_from": EFFECTIVE_FROM, **DOCUMENT},
    )


@pytest.fixture
def loan_product(db, now, business_date_set):
    from hujin.core.approvals import approval_decide
    from hujin.lending.services import product_create, product_submit

    def make(**changes):
        data = replace(PRODUCT, code=f"HJ-LOAN-{next(_serial):03d}", **changes)
        product = product_create(actor=PM, data=data, now=now)
        product_submit(actor=PM, product_id=product.id, reason="new product", now=now,
                       business_date=business_date_set)  # fmt: skip
        from hujin.lending.models import LoanProduct

        request_id = LoanProduct.objects.get(id=product.id).approval_request_id
        approval_decide(actor=COMPLIANCE, request_id=request_id, approve=True,
                        reason="checked", now=now)  # fmt: skip
        return LoanProduct.objects.get(id=product.id)

    return make


@pytest.fixture
def funded(db, now, business_date_set):
    from hujin.lending.services import funding_add

    funding_add(actor=OPERATIONS, amount_minor=1_000_000_000, reference="wire-1", now=now,
                business_date=business_date_set)  # fmt: skip


@functools.cache
def trained_scorecard():
    from hujin.lending.scorecard.generate import BAD_VALUE, TARGET, applicants
    from hujin.lending.scorecard.train import train

    return train(applicants(3000, seed=7), target=TARGET, bad_value=BAD_VALUE, folds=2)


@pytest.fixture
def champion(db, now):
    from hujin.lending.services import model_register

    trained = trained_scorecard()
    return model_register(actor=MODELLER, name="test scorecard", trained=trained,
                          data_summary=trained.summary, now=now)  # fmt: skip
