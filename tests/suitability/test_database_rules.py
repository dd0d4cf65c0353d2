"""Rules the database itself enforces for suitability."""

import pytest
from django.db import DatabaseError, transaction

from hujin.suitability.models import Assessment
from hujin.suitability.services import assessment_submit
from tests.suitability.conftest import answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(customer, customer_actor, now):
    return assessment_submit(user_id=customer.pk, answers=answers(), actor=customer_actor, now=now)


def test_an_assessment_cannot_be_updated(assessment):
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).update(level="C5", score_level="C5")

    assert Assessment.objects.get(pk=assessment.pk).level == "C1"


@pytest.mark.postgres
def test_an_assessment_cannot_be_deleted_on_postgresql(assessment):
    with pytest.raises(DatabaseError), transaction.atomic():
        Assessment.objects.filter(pk=assessment.pk).delete()

    assert Assessment.objects.filter(pk=assessment.pk).exists()
