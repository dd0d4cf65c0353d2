"""Suitability's audit entries and events carry references, never personal data: after a
customer's two risk assessments and a questionnaire's activation, neither the customer's name nor
their mobile number is in the audit trail or the outbox; the assessment is named by its id, the
customer by their user id."""

import pytest

from hujin.core.actors import system_actor
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.suitability.services import assessment_submit, questionnaire_activate
from tests.suitability.conftest import answers, answers_scoring_max
from tests.suitability.test_services_questionnaire_activate import draft_v2
from tests.trail_scan import personal_data_in_trail, trail_is_written

pytestmark = pytest.mark.django_db

FIRST, LAST, MOBILE = "Jingyi", "Zhuge", "+8613522223333"


def test_suitabilitys_writes_leave_no_personal_data_in_the_trail(now):
    from hujin.identity.access import customer_actor
    from hujin.identity.models import User

    customer = User.objects.create(
        username="c-5e1d0b", kind=User.Kind.CUSTOMER, first_name=FIRST, last_name=LAST,
        mobile=MOBILE,
    )  # fmt: skip
    actor = customer_actor(customer)
    first = assessment_submit(user_id=customer.pk, answers=answers(), actor=actor, now=now)
    second = assessment_submit(
        user_id=customer.pk, answers=answers_scoring_max(), actor=actor, now=now
    )
    questionnaire_activate(questionnaire_id=draft_v2(now).id, actor=system_actor("test"), now=now)

    assert trail_is_written()
    assert personal_data_in_trail([FIRST, LAST, MOBILE]) == []
    for assessment in (first, second):
        entry = AuditEntry.objects.get(action="suitability.assessed", target_id=str(assessment.id))
        assert entry.after["user_id"] == str(customer.pk)
    assert OutboxEvent.objects.filter(event_type="suitability.assessed").count() == 2
