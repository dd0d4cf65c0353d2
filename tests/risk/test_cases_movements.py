"""One definition of a case's period and movements (``cases_detail.case_period`` and
``case_movements``, for the page and the report draft), and the graph's drawing escaping a
counterparty's name whatever it holds."""

from datetime import timedelta

import pytest

from hujin.risk.alerts import alert_escalate
from hujin.risk.cases_graph import Counterparty, graph_svg
from hujin.risk.cases_movements import LOOKBACK, case_movements, case_period
from hujin.risk.cases_work import case_close
from hujin.risk.models_cases import Case
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.alerts_helpers import decision_made
from tests.risk.cases_helpers import actor_of, alert_for, analyst_made, customer_made

pytestmark = pytest.mark.django_db
DAY = 24 * 60  # minutes


def test_the_period_and_movements_of_a_closed_case(make_customer, now):  # noqa: F811
    customer_id, actor = customer_made(make_customer), actor_of(analyst_made())
    alert = alert_for(customer_id, now, minutes_ago=2 * DAY)
    alert_escalate(actor=actor, alert_id=alert.id, note="seen", now=now)
    case = Case.objects.get()
    inside = decision_made(now=now, customer_id=customer_id, alerts=(), minutes_ago=20 * DAY)
    before = decision_made(now=now, customer_id=customer_id, alerts=(), minutes_ago=40 * DAY)
    decision_made(now=now, customer_id=customer_id, alerts=(), kind="login", minutes_ago=DAY)
    decision_made(now=now, customer_id=None, alerts=(), minutes_ago=DAY)  # nobody's
    case_close(actor=actor, case_id=case.id, conclusion="not_suspicious",
               narrative="Salary and rent, as every month.", now=now)  # fmt: skip
    after = decision_made(now=now + timedelta(minutes=5), customer_id=customer_id, alerts=())

    start, end = case_period(Case.objects.get(), now + timedelta(days=1))
    moves = case_movements(Case.objects.get(), now=now + timedelta(days=1))

    assert (start, end) == (alert.raised_at - LOOKBACK, now)  # closed: the closing ends it
    assert [m.id for m in moves] == [alert.decision_id, inside.id]  # newest first
    assert [m.alerted for m in moves] == [True, False]
    assert before.id not in {m.id for m in moves} and after.id not in {m.id for m in moves}


def test_the_newest_movements_up_to_a_limit_and_the_alerted_one_always(make_customer, now):  # noqa: F811
    customer_id, actor = customer_made(make_customer), actor_of(analyst_made())
    alert = alert_for(customer_id, now, minutes_ago=3 * DAY)
    alert_escalate(actor=actor, alert_id=alert.id, note="seen", now=now)
    newer = [decision_made(now=now, customer_id=customer_id, alerts=(), minutes_ago=n * 60)
             for n in (1, 2)]  # fmt: skip

    moves = case_movements(Case.objects.get(), now=now, limit=1)

    assert [m.id for m in moves] == [newer[0].id, alert.decision_id]


def test_the_drawing_escapes_a_counterparty_named_script():
    parties = [Counterparty(name="<script>alert(1)</script>", url="", kind="customer",
                            in_minor=100, out_minor=0, movements=1)]  # fmt: skip

    svg = graph_svg('"><svg onload=x>', parties)

    assert "<script" not in svg and "&lt;script&gt;" in svg
    assert "<svg onload" not in svg and "&quot;&gt;&lt;svg onload" in svg
