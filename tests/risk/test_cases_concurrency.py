"""A customer has one open case whatever the timing: two analysts escalating two alerts of one
customer at the same moment, each on its own connection to PostgreSQL, end with one case
holding both; cases of different customers opened at the same moment get different numbers;
an alert joined to a case while another analyst escalates it deadlocks neither."""

import pytest

from hujin.risk.alerts import alert_escalate
from hujin.risk.cases import case_alert_add, case_open
from hujin.risk.errors import AlertStateInvalid, CaseStateInvalid
from hujin.risk.models_cases import Case
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import actor_of, alert_for, staff_member
from tests.threads import together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_escalations_at_once_end_in_one_case(make_customer, now):  # noqa: F811
    customer_id = make_customer(name="张三").customer.id
    alerts = [alert_for(customer_id, now, code=f"R{n}") for n in range(2)]
    actors = [actor_of(staff_member("risk_analyst")) for _ in range(2)]

    results, failures = together([
        lambda n=n: alert_escalate(actor=actors[n], alert_id=alerts[n].id, note="seen", now=now)
        for n in range(2)
    ])  # fmt: skip

    assert failures == [] and len(results) == 2
    case = Case.objects.get()
    assert {r.case_id for r in results} == {case.id}
    assert case.alerts.count() == 2
    assert sorted(case.entries.values_list("kind", flat=True)) == ["alert", "alert", "opened"]


def test_cases_opened_at_once_get_their_own_numbers(make_customer, now):  # noqa: F811
    customers = [make_customer(name="王伟").customer.id for _ in range(4)]
    actor = actor_of(staff_member("risk_analyst"))

    _, failures = together([
        lambda c=c: case_open(actor=actor, customer_id=c, title="t", now=now) for c in customers
    ])  # fmt: skip

    assert failures == []
    assert sorted(Case.objects.values_list("number", flat=True)) == [
        f"CASE-2025-{n:06d}" for n in range(1, 5)]  # fmt: skip


def test_joining_an_alert_while_it_is_escalated_does_not_deadlock(make_customer, now):  # noqa: F811
    """The joining and the escalation both lock the alert before the case: run together on the
    same alert, one waits for the other and the second is refused for the alert's new state —
    neither dies as PostgreSQL's deadlock victim."""
    customer_id = make_customer(name="张三").customer.id
    actors = [actor_of(staff_member("risk_analyst")) for _ in range(2)]
    case = case_open(actor=actors[0], customer_id=customer_id, title="t", now=now)
    for _ in range(5):  # several rounds: the interleaving that deadlocked is a matter of timing
        alert = alert_for(customer_id, now)

        results, failures = together([
            lambda a=alert.id: case_alert_add(actor=actors[0], case_id=case.id, alert_id=a,
                                              now=now),
            lambda a=alert.id: alert_escalate(actor=actors[1], alert_id=a, note="seen", now=now),
        ])  # fmt: skip

        assert len(results) == 1 and len(failures) == 1, failures
        assert isinstance(failures[0], CaseStateInvalid | AlertStateInvalid), failures
        alert.refresh_from_db()
        assert (alert.state, alert.case_id) == ("escalated", case.id)
