"""What an application reads of its applicant in one statement (customers'
``own_credit_facts``) is what ``credit_facts`` reads in several: the standing, and the birth
date and document index of the verified identity check, none of them when unverified."""

from datetime import date, timedelta

import pytest

from hujin.core.actors import Actor
from hujin.customers.models import Customer, KycApplication
from hujin.customers.selectors import credit_facts, own_credit_facts
from tests.lending.conftest import customer_actor

pytestmark = pytest.mark.django_db


def _facts_both_ways(user):
    customer = Customer.objects.get(user=user)
    return own_credit_facts(actor=customer_actor(user)), credit_facts(customer_id=customer.id)


@pytest.mark.parametrize("make", [{}, {"verified": False}, {"status": "frozen"}])
def test_are_the_credit_facts(borrower, make):
    own, facts = _facts_both_ways(borrower(**make))

    assert own == facts


def test_take_the_verified_check_not_a_later_rejected_one(borrower, now):
    user = borrower(age=35)
    customer = Customer.objects.get(user=user)
    KycApplication.objects.create(
        customer=customer, kind="individual", document_type="resident_id",
        document_number="110101198001010000", document_index="rejected", legal_name="张三",
        name_index="rejected", birth_date=date(1980, 1, 1), status="rejected", provider="test",
        submitted_at=now - timedelta(days=10), decided_at=now - timedelta(days=10),
    )  # fmt: skip

    own, facts = _facts_both_ways(user)

    assert own == facts
    assert own.birth_date == date(now.year - 35, 1, 1) and own.document_index != "rejected"


def test_are_none_for_staff_and_for_a_login_without_a_profile():
    staff = Actor(kind="staff", id="7", label="staff")
    stranger = Actor(kind="customer", id="01a24e73-2db0-7484-9ce2-0e8cbdd6e279", label="nobody")

    assert own_credit_facts(actor=staff) is None
    assert own_credit_facts(actor=stranger) is None
