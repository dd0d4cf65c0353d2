"""The demo's lending, loaded through the services: two loan products on sale, the lender's
funds, a champion scorecard, the first demo customer repaying a loan with two instalments paid,
another customer's application waiting for an analyst; a second load changes nothing."""

import pytest

from hujin.core.actors import system_actor
from hujin.demo.lending import BORROWER, CONSUMER, REFERRED, SHORT
from hujin.demo.loader import demo_load
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.lending import types as t
from hujin.lending.selectors import champion_model
from hujin.lending.selectors.portal import my_applications, my_loan, my_loans, products_on_sale

pytestmark = pytest.mark.django_db


def _actor(mobile: str):
    return customer_actor_get(actor=system_actor("test"),
                              user_id=user_id_for_mobile(mobile=mobile))  # fmt: skip


def test_the_demo_lends_repays_and_leaves_one_application_for_an_analyst(now, settings, tmp_path):
    from hujin.core.dates import business_date_get
    from hujin.lending.models import LoanApplication, LoanEvent

    settings.VAR_DIR = tmp_path
    demo_load(now=now)
    business_date = business_date_get(now=now)

    products = {p.code: p for p in products_on_sale(on=business_date)}
    assert set(products) >= {CONSUMER.code, SHORT.code}
    assert products[SHORT.code].term_unit == t.TERM_DAYS
    assert products[SHORT.code].upfront_fee_rate > 0
    assert champion_model() is not None

    [summary] = my_loans(actor=_actor(BORROWER), business_date=business_date)
    loan = my_loan(actor=_actor(BORROWER), loan_id=summary.id, business_date=business_date)
    assert loan.state == t.LOAN_ACTIVE and loan.paid_count == 2 and not loan.overdue
    assert [line.state for line in loan.lines[:2]] == ["paid", "paid"]

    referred = [a for mobile in REFERRED for a in my_applications(actor=_actor(mobile))
                if a.state == t.APP_REFERRED]  # fmt: skip
    assert len(referred) == 1, [(a.state, a.amount_minor, a.hard_rules, a.reasons) for m in REFERRED
                                for a in my_applications(actor=_actor(m))]  # fmt: skip

    applications, events = LoanApplication.objects.count(), LoanEvent.objects.count()
    demo_load(now=now)
    assert (LoanApplication.objects.count(), LoanEvent.objects.count()) == (applications, events)
