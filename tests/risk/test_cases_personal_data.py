"""A person's download of their data says nothing of the cases about them (tipping-off), and
the retention note says how long cases are kept."""

import json

import pytest

from hujin.risk.alerts import alert_escalate
from hujin.risk.personal_data import RETENTION, risk_export
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import actor_of, alert_for, analyst_made

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(db):
    return analyst_made()


def test_the_download_never_tells_of_a_case(analyst, make_customer, now):  # noqa: F811
    login = make_customer(name="张三")
    alert = alert_for(login.customer.id, now)
    alert_escalate(actor=actor_of(analyst), alert_id=alert.id, note="Four transfers", now=now)

    exported = json.dumps(risk_export(login.id), ensure_ascii=False)

    assert "CASE-" not in exported and "Four transfers" not in exported
    assert set(risk_export(login.id)) == {"screening_decisions", "note"}


def test_the_retention_note_covers_cases():
    assert "cases" in RETENTION and "after the business relationship ends" in RETENTION
