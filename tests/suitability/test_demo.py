"""The demo steps for suitability and privacy (src/hujin/demo/suitability.py)."""

import pytest

from hujin.core.actors import system_actor
from hujin.demo.loader import DemoContext, DemoReport
from hujin.demo.suitability import demo_privacy_step, demo_suitability_step
from hujin.privacy.models import DataSubjectRequest
from hujin.suitability.selectors import risk_profile_current
from tests.suitability.conftest import make_customer

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(now):
    return DemoContext(now=now, actor=system_actor("demo"), report=DemoReport())


def test_assesses_each_demo_customer_once_with_the_profiles_in_turn(ctx, now):
    people = [make_customer(f"demo-{n}") for n in range(3)]

    demo_suitability_step(ctx)
    demo_suitability_step(ctx)

    levels = [risk_profile_current(user_id=p.pk, now=now).level for p in people]
    assert levels == ["C3", "C5", "C1"]
    assert ctx.report.notes == ["Risk assessments: 3 demo customers assessed."]


def test_leaves_two_requests_for_the_worklist_once(ctx, now):
    make_customer("demo-a")
    make_customer("demo-b")

    demo_privacy_step(ctx)
    demo_privacy_step(ctx)

    assert sorted(DataSubjectRequest.objects.values_list("kind", flat=True)) == [
        "correction",
        "deletion",
    ]
