"""What the case pages read: the queue by view with each case's clock (working days left or
overdue), and a case with its alerts named by their rules, its movements (the alerts' and the
customer's others over the period), its timeline and the counterparty graph — other customers
masked, cards as "Bank card n", at most twelve drawn and the rest summed as others."""

import uuid
from datetime import timedelta

import pytest

from hujin.risk.alerts import alert_escalate
from hujin.risk.cases import case_open
from hujin.risk.cases_detail import case_detail
from hujin.risk.cases_graph import MAX_SHOWN
from hujin.risk.cases_selectors import case_of_alert, case_queue, cases_open_count
from hujin.risk.cases_work import case_assign, case_close, case_note_add
from hujin.risk.models import WindowEntry
from hujin.risk.models_cases import Case
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.alerts_helpers import decision_made
from tests.risk.cases_helpers import actor_of, alert_for, analyst_made, customer_made
from tests.risk.screening_helpers import rule_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(db):
    return analyst_made()


@pytest.fixture
def customer_id(make_customer):  # noqa: F811
    return customer_made(make_customer)


def _moved(customer_id, counterparty, amount, now, *, direction="out", hours_ago=1):
    WindowEntry.objects.create(per="customer", subject=str(customer_id), kind="transfer",
                               occurred_at=now - timedelta(hours=hours_ago), direction=direction,
                               amount=amount, counterparty=str(counterparty), hour=10,
                               event=uuid.uuid4())  # fmt: skip


class TestQueue:
    def test_views_and_clocks(self, analyst, customer_id, make_customer, now):  # noqa: F811
        actor = actor_of(analyst)
        mine = case_open(actor=actor, customer_id=customer_id, title="mine", now=now)
        case_assign(actor=actor, case_id=mine.id, assignee_id=analyst.id, now=now)
        late = case_open(actor=actor, customer_id=make_customer(name="王伟").customer.id,
                         title="late", now=now - timedelta(days=30))  # fmt: skip
        done = case_open(actor=actor, customer_id=make_customer(name="赵六").customer.id,
                         title="done", now=now)  # fmt: skip
        case_close(actor=actor, case_id=done.id, conclusion="not_suspicious",
                   narrative="Salary and rent, as every month.", now=now)  # fmt: skip

        def numbers(view):
            return [r.number for r in case_queue(actor=actor, view=view, now=now)]

        assert numbers("open") == [late.number, mine.number]  # the nearest clock first
        assert numbers("mine") == [mine.number]
        assert numbers("overdue") == [late.number]
        assert numbers("closed") == [done.number]
        rows = {r.number: r for r in case_queue(actor=actor, view="all", now=now)}
        assert rows[mine.number].clock.days_left == 10 and not rows[mine.number].clock.overdue
        assert rows[late.number].clock.overdue and rows[late.number].clock.days_over > 5
        assert rows[mine.number].assignee == "Li Analyst"
        assert str(rows[mine.number].customer.name).startswith("张")
        assert cases_open_count(actor=actor) == 2


class TestDetail:
    def test_names_alerts_movements_and_timeline(self, analyst, customer_id, now):
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now - timedelta(days=1))
        actor = actor_of(analyst)
        alert = alert_for(customer_id, now)
        decision_made(now=now, customer_id=customer_id, fired=(), alerts=(), amount=12_00,
                      outcome="allow", minutes_ago=60 * 24 * 3)  # fmt: skip
        decision_made(now=now, customer_id=customer_id, fired=(), alerts=(), amount=99_00,
                      outcome="allow", minutes_ago=60 * 24 * 90)  # before the period  # fmt: skip
        alert_escalate(actor=actor, alert_id=alert.id, note="Four transfers", now=now)
        case = Case.objects.get()
        case_note_add(actor=actor, case_id=case.id, text="Called the bank", now=now)

        detail = case_detail(actor=actor, case_id=case.id, now=now)

        assert [a.name for a in detail.alerts] == ["Rule BIG"]
        movements = [(m.amount_minor, m.alerted) for m in detail.movements]
        assert movements == [(450_000, True), (12_00, False)]
        assert [e.kind for e in detail.timeline] == ["opened", "alert", "note"]
        assert detail.timeline[1].link_text == "Rule BIG" and detail.timeline[2].by == "Li Analyst"
        assert detail.may_work and ("Li Analyst" in dict(detail.staff).values())
        assert case_of_alert(alert_id=alert.id).number == case.number

    def test_a_closed_case_is_not_worked(self, analyst, customer_id, now):
        actor = actor_of(analyst)
        case = case_open(actor=actor, customer_id=customer_id, title="t", now=now)
        case_close(actor=actor, case_id=case.id, conclusion="not_suspicious",
                   narrative="Salary and rent, as every month.", now=now)  # fmt: skip

        detail = case_detail(actor=actor, case_id=case.id, now=now + timedelta(days=60))

        assert not detail.may_work and detail.staff == [] and detail.row.clock.stopped


class TestGraph:
    def test_sums_per_direction_names_masked_and_cards_labelled(
        self,
        analyst,
        customer_id,
        make_customer,  # noqa: F811
        now,
    ):
        actor = actor_of(analyst)
        other = make_customer(name="王伟").customer.id
        card = uuid.uuid4()
        _moved(customer_id, other, 300_00, now, direction="out")
        _moved(customer_id, other, 100_00, now, direction="out", hours_ago=2)
        _moved(customer_id, other, 50_00, now, direction="in")
        _moved(customer_id, f"card:{card}", 1_000_00, now, direction="in")
        case = case_open(actor=actor, customer_id=customer_id, title="t", now=now)

        graph = case_detail(actor=actor, case_id=case.id, now=now).graph

        parties = {p.name: (p.in_minor, p.out_minor, p.movements) for p in graph.counterparties}
        assert parties == {"Bank card 1": (1_000_00, 0, 1), "王*": (50_00, 400_00, 3)}
        assert str(other) not in graph.svg and str(card) not in graph.svg
        assert graph.svg.startswith("<svg") and "<script" not in graph.svg
        assert (
            graph.svg.count('class="graph-in"') == 2 and graph.svg.count('class="graph-out"') == 1
        )

    def test_draws_twelve_and_sums_the_rest_as_others(self, analyst, customer_id, now):
        actor = actor_of(analyst)
        for n in range(MAX_SHOWN + 3):
            _moved(customer_id, f"card:{uuid.uuid4()}", (n + 1) * 100, now)
        case = case_open(actor=actor, customer_id=customer_id, title="t", now=now)

        graph = case_detail(actor=actor, case_id=case.id, now=now).graph

        assert len(graph.counterparties) == MAX_SHOWN + 1
        others = graph.counterparties[-1]
        assert others.kind == "others" and others.name == "3 others"
        assert others.out_minor == 100 + 200 + 300  # the three smallest
        assert graph.total_out_minor == sum((n + 1) * 100 for n in range(MAX_SHOWN + 3))

    def test_a_name_with_markup_is_escaped_in_the_drawing(self, analyst, make_customer, now):  # noqa: F811
        actor = actor_of(analyst)
        odd = make_customer(name="<b>x").customer.id
        case = case_open(actor=actor, customer_id=odd, title="t", now=now)

        svg = case_detail(actor=actor, case_id=case.id, now=now).graph.svg

        assert "<b>" not in svg and "&lt;" in svg
