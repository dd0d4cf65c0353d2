"""kyb_submit: enterprises are verified by USCC, legal representative and operators; always
reviewed by compliance."""

import pytest

from hujin.customers.errors import CustomerTypeFixed, DocumentNumberInvalid, OperatorInvalid
from hujin.customers.models import Customer, EnterpriseDetails
from hujin.customers.services import kyb_submit, kyc_review_decide, kyc_submit
from tests.customers.conftest import actor_for, resident_id, uscc

pytestmark = pytest.mark.django_db

REP_ID = resident_id("440106", "19700101", "135")
OPERATOR_ID = resident_id("440106", "19850505", "246")


@pytest.fixture
def verified_people(make_customer_user, now, simulated_provider, consents):
    """The legal representative and one operator, both verified individual customers."""
    people = {}
    for number, name in ((REP_ID, "周八"), (OPERATOR_ID, "吴九")):
        user = make_customer_user()
        kyc_submit(
            user_id=user.pk,
            document_type="resident_id",
            document_number=number,
            legal_name=name,
            actor=actor_for(user),
            now=now,
        )
        people[number] = Customer.objects.get(user=user)
    return people


def submit(user, now, **overrides):
    fields = dict(
        uscc=uscc("9", "1", "440300", "MA5F1234"),
        company_name="深圳示例科技有限公司",
        representative_name="周八",
        representative_document_type="resident_id",
        representative_document_number=REP_ID,
        operator_document_numbers=[OPERATOR_ID],
    )
    fields.update(overrides)
    return kyb_submit(user_id=user.pk, actor=actor_for(user), now=now, **fields)


def test_an_enterprise_always_waits_for_review_even_with_an_automatic_provider(
    verified_people, make_customer_user, now
):
    user = make_customer_user()
    application = submit(user, now)

    assert application.status == "needs_review"
    assert application.kind == "enterprise"
    assert Customer.objects.get(user=user).type == "enterprise"
    details = EnterpriseDetails.objects.get(application=application)
    assert details.representative_customer == verified_people[REP_ID]
    assert list(details.operators.all()) == [verified_people[OPERATOR_ID]]


def test_approval_makes_an_enterprise_customer(verified_people, make_customer_user, officer, now):
    user = make_customer_user()
    application = submit(user, now)

    kyc_review_decide(
        application_id=application.id,
        approve=True,
        reason="licence checked",
        actor=officer,
        now=now,
    )

    customer = Customer.objects.get(user=user)
    assert (customer.type, customer.kyc_status) == ("enterprise", "verified")
    assert customer.legal_name == "深圳示例科技有限公司"


def test_a_representative_who_is_not_a_customer_is_verified_within_the_review(
    verified_people, make_customer_user, now
):
    application = submit(
        make_customer_user(),
        now,
        representative_document_number=resident_id("440106", "19690909", "777"),
    )

    assert EnterpriseDetails.objects.get(application=application).representative_customer is None


def test_authority_codes_that_python_stdnum_refuses_are_accepted(
    verified_people, make_customer_user, now
):
    application = submit(make_customer_user(), now, uscc=uscc("N", "2", "510100", "MC1K2J3L"))

    assert application.document_number.startswith("N2")


def test_every_operator_must_be_a_verified_individual(verified_people, make_customer_user, now):
    stranger = resident_id("110101", "19900101", "999")

    with pytest.raises(OperatorInvalid) as caught:
        submit(make_customer_user(), now, operator_document_numbers=[OPERATOR_ID, stranger])

    assert caught.value.details == {"position": 2}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"uscc": "91110000600037341X"}, "uscc"),
        ({"representative_document_number": "110105491231002"}, "representative_document_number"),
    ],
)
def test_invalid_numbers_name_the_field(verified_people, make_customer_user, now, overrides, field):
    with pytest.raises(DocumentNumberInvalid) as caught:
        submit(make_customer_user(), now, **overrides)

    assert caught.value.details["field"] == field


def test_a_customer_who_applied_as_an_individual_cannot_switch_to_enterprise(
    verified_people, make_customer_user, now
):
    user = make_customer_user()
    rejected = kyc_submit(
        user_id=user.pk,
        document_type="resident_id",
        document_number=resident_id("110101", "19900101", "001"),
        legal_name="郑十",
        actor=actor_for(user),
        now=now,
    )
    assert rejected.status == "rejected"

    with pytest.raises(CustomerTypeFixed):
        submit(user, now)
