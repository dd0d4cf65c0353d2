"""Customers' audit entries and events carry references, never personal data: after real-name
applications (a person's and an enterprise's), a review that rejects one with a reason naming the
person, a full view of a customer, a wallet, a closure whose reason names the person and an
anonymisation, no legal name, identity number, mobile number or reason text is in the audit trail
or the outbox."""

import pytest

from hujin.customers.models import Customer
from hujin.customers.personal_data import customer_data_anonymise
from hujin.customers.selectors import customer_360
from hujin.customers.services import kyb_submit, kyc_review_decide, kyc_submit
from hujin.customers.services.status import customer_close
from tests.customers.conftest import actor_for, resident_id, uscc
from tests.trail_scan import personal_data_in_trail, trail_is_written

pytestmark = pytest.mark.django_db

NAME, NUMBER, MOBILE = "欧阳思远", resident_id("320102", "19880808", "357"), "+8613566667777"
REP_NAME, REP_NUMBER = "司马青云", resident_id("440106", "19700101", "139")
OPERATOR_NAME, OPERATOR_NUMBER = "上官明月", resident_id("440106", "19850505", "248")
REJECTION = f"The photo of {NAME} does not match document {NUMBER}"
CLOSING = f"{NAME} asked by phone from {MOBILE} to close"
PERSONAL = [
    NAME, NUMBER, MOBILE, REP_NAME, REP_NUMBER, OPERATOR_NAME, OPERATOR_NUMBER, REJECTION, CLOSING,
]  # fmt: skip


def submit(user, number: str, name: str, now):
    return kyc_submit(
        user_id=user.pk, document_type="resident_id", document_number=number, legal_name=name,
        actor=actor_for(user), now=now,
    )  # fmt: skip


def test_customers_writes_leave_no_personal_data_in_the_trail(
    make_customer_user, now, manual_provider, consents, officer
):
    person = make_customer_user(MOBILE)
    rejected = submit(person, NUMBER, NAME, now)
    kyc_review_decide(
        application_id=rejected.id, approve=False, reason=REJECTION, actor=officer, now=now
    )
    verified = submit(person, NUMBER, NAME, now)
    kyc_review_decide(application_id=verified.id, approve=True, reason="", actor=officer, now=now)
    for number, name in ((REP_NUMBER, REP_NAME), (OPERATOR_NUMBER, OPERATOR_NAME)):
        other = submit(make_customer_user(), number, name, now)
        kyc_review_decide(application_id=other.id, approve=True, reason="", actor=officer, now=now)
    company = make_customer_user()
    kyb_submit(
        user_id=company.pk, uscc=uscc("9", "1", "440300", "MA5F1234"),
        company_name="深圳示例科技有限公司", representative_name=REP_NAME,
        representative_document_type="resident_id", representative_document_number=REP_NUMBER,
        operator_document_numbers=[OPERATOR_NUMBER], actor=actor_for(company), now=now,
    )  # fmt: skip
    customer_id = Customer.objects.get(user=person).id
    customer_360(actor=officer, customer_id=customer_id, reveal=True, now=now)
    customer_close(customer_id=customer_id, reason=CLOSING, actor=officer, now=now)
    customer_data_anonymise(user_id=person.pk, actor=officer, now=now)

    assert trail_is_written()
    assert personal_data_in_trail(PERSONAL) == []
