"""The close-of-business step ``risk.large_value_reports`` on a seeded day of movements screened
by the large-value rules of PBoC Order 〔2016〕 No. 3 art. 5 (one live, one in shadow): exactly
the movements over the thresholds that went through are reported, none missed, none twice when
the step runs again; a failed movement is not reported; each is due the fifth working day after
its date. Runs on SQLite and on PostgreSQL."""

import random
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from hujin.core.models import AuditEntry
from hujin.core.screening import Movement
from hujin.customers.models import Customer
from hujin.risk import windows_store
from hujin.risk.models_cases import Report
from hujin.risk.reports_lv import STEP, cob_large_value_reports, lv_reports_write
from hujin.risk.screen import risk_screen
from hujin.risk.shipped import shipped_rules
from tests.risk.lists_helpers import verified_customer
from tests.risk.reports_helpers import movement
from tests.risk.screening_helpers import rule_in_force

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 9, 30)  # the eve of the National Day holiday
CASH_MIN, DOMESTIC_MIN = 50_000_00, 500_000_00  # art. 5 (1) and (3), in fen
AMOUNTS = (1_000_00, 5_000_00, 20_000_00, 49_999_99, 50_000_00, 499_999_99, 500_000_00)
WEIGHTS = (5, 5, 4, 2, 2, 1, 1)  # mostly ordinary sums; now and then one on a threshold
NAMES = ("李雷", "韩梅梅", "王伟", "张芳", "刘洋")
SHIPPED = {rule.code: rule for rule in shipped_rules()}


def large_value_rules_in_force(now):
    rule_in_force("LV-CASH", SHIPPED["LV-CASH"].condition.text, "alert", state="shadow", now=now)
    rule_in_force("LV-IND-DOMESTIC", SHIPPED["LV-IND-DOMESTIC"].condition.text, "alert",
                  now=now)  # fmt: skip


def screened(customer, user_id, kind, amount, at, counterparty, *, fails: bool) -> uuid.UUID:
    """The movement screened as payments would; a failed one forgotten by the windows."""
    reference = uuid.uuid4()
    direction = "in" if kind == "topup" else "out"
    channel = "cash" if kind == "topup" else "unionpay"
    with transaction.atomic():
        risk_screen(Movement(customer_id=customer, user_id=user_id, kind=kind,
                             direction=direction, amount_minor=amount, currency="CNY",
                             occurred_at=at, channel=channel, counterparty=counterparty,
                             reference=reference))  # fmt: skip
        if fails:
            windows_store.entries_forget(event_id=reference)
    return reference


def seeded_day(customers, seed=20260930):
    """Sixty movements of five customers over one day: cash top-ups, transfers between them,
    withdrawals to a card; about one in seven fails. Returns the expected reports as (customer,
    event) by art. 5 itself — cash from CNY 50,000; an individual's movements from CNY 500,000
    in one or with the calendar day's earlier ones that went through, money in and money out
    each counted on its own — and how many customers' sides of movements went through."""
    rng = random.Random(seed)
    moved = defaultdict(int)  # the day's movements that went through, by customer and direction
    expected, sides_seen = set(), 0
    for n in range(60):
        at = datetime.combine(DAY, datetime.min.time(), tzinfo=SHANGHAI) + timedelta(
            minutes=10 + n * 20)  # fmt: skip
        (customer, user_id), other = rng.sample(customers, 2)
        kind = rng.choice(("topup", "transfer", "withdrawal"))
        amount = rng.choices(AMOUNTS, WEIGHTS)[0]
        fails = rng.random() < 0.15
        counterparty = {"customer_id": str(other[0])} if kind == "transfer" else {
            "card_id": "c-7"}  # fmt: skip
        event = screened(customer, user_id, kind, amount, at, counterparty, fails=fails)
        if fails:
            continue
        sides_seen += 2 if kind == "transfer" else 1
        if kind == "topup" and amount >= CASH_MIN:
            expected.add((customer, event))
        sides = [(customer, "in" if kind == "topup" else "out")]
        sides += [(other[0], "in")] if kind == "transfer" else []
        for side in sides:
            if amount + moved[side] >= DOMESTIC_MIN:
                expected.add((side[0], event))
            moved[side] += amount
    return expected, sides_seen


def reported():
    return {(r.customer_id, r.decision.event) for r in Report.objects.select_related("decision")}


@pytest.fixture
def customers(settings, now):
    ids = [verified_customer(name, now=now, settings=settings) for name in NAMES]
    users = dict(Customer.objects.filter(id__in=ids).values_list("id", "user_id"))
    return [(i, users[i]) for i in ids]


class TestCompleteness:
    def test_exactly_the_movements_over_the_thresholds_are_reported_once(self, customers, now):
        large_value_rules_in_force(now)
        expected, sides = seeded_day(customers)
        assert 10 <= len(expected) <= sides - 10  # the seed lands on both sides of the line

        first = lv_reports_write(business_date=DAY, now=now)
        again = lv_reports_write(business_date=DAY, now=now)

        assert reported() == expected
        assert first["written"] == len(expected)
        assert (again["written"], again["skipped"]) == (0, len(expected))
        assert again["not_standing"] == first["not_standing"] > 0  # the failed ones, each time
        assert Report.objects.count() == len(expected)
        assert AuditEntry.objects.filter(action="risk.report_draft").count() == len(expected)

    def test_each_is_due_five_working_days_after_the_transaction_s_day(self, customers, now):
        large_value_rules_in_force(now)
        seeded_day(customers)

        cob_large_value_reports(DAY, now)  # as the close of business calls it

        assert set(Report.objects.values_list("kind", "occurred_on", "due_on")) == {
            ("lv", DAY, date(2026, 10, 13))}  # fmt: skip
        numbers = sorted(Report.objects.values_list("number", flat=True))
        assert numbers[0] == "LV-20260930-0001"
        assert numbers[-1] == f"LV-20260930-{len(numbers):04d}"


class TestWhatCounts:
    def test_a_shadow_rule_s_finding_is_reported_as_a_live_one(self, now):
        customer = uuid.uuid4()
        at = datetime(2026, 9, 30, 9, tzinfo=SHANGHAI)
        shadow = movement(customer, at, amount=60_000_00, shadow_fired=["LV-CASH@shadow"])
        movement(customer, at, amount=60_000_00, fired=["BIG-OUT"])  # not a large-value rule

        lv_reports_write(business_date=DAY, now=now)

        assert list(Report.objects.values_list("decision_id", "content__rules")) == [
            (shadow.id, ["LV-CASH"])]  # fmt: skip

    def test_a_movement_that_did_not_go_through_is_not_reported(self, now):
        at = datetime(2026, 9, 30, 9, tzinfo=SHANGHAI)
        movement(uuid.uuid4(), at, amount=600_000_00, fired=["LV-IND-DOMESTIC"], stands=False)

        result = lv_reports_write(business_date=DAY, now=now)

        assert result == {"written": 0, "skipped": 0, "waiting": 0, "not_standing": 1}

    def test_a_held_transfer_released_days_later_is_reported_under_its_own_day(self, now):
        from tests.risk.reports_helpers import standing

        at = datetime(2026, 9, 29, 9, tzinfo=SHANGHAI)
        held = movement(uuid.uuid4(), at, amount=600_000_00, direction="in",
                        fired=["LV-IND-DOMESTIC"], stands=False)  # fmt: skip
        lv_reports_write(business_date=date(2026, 9, 29), now=now)
        standing(held)  # released on the 8th of October: the payee's windows count it now

        lv_reports_write(business_date=date(2026, 10, 8), now=now)

        report = Report.objects.get()
        assert (report.decision_id, report.occurred_on) == (held.id, date(2026, 9, 29))

    def test_a_log_in_and_the_days_around_are_left_alone(self, now):
        customer = uuid.uuid4()
        movement(customer, datetime(2026, 9, 30, 9, tzinfo=SHANGHAI), kind="login", amount=0,
                 fired=["LV-CASH"])  # fmt: skip
        movement(customer, datetime(2026, 10, 1, 0, 5, tzinfo=SHANGHAI), amount=600_000_00,
                 fired=["LV-IND-DOMESTIC"])  # fmt: skip

        assert lv_reports_write(business_date=DAY, now=now)["written"] == 0

    def test_the_step_is_registered_for_the_close_of_business(self):
        from hujin.core.cob import cob_steps

        assert STEP in {step.name for step in cob_steps()}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_step_twice_reports_each_movement_once(customers, now):
    large_value_rules_in_force(now)
    expected, _ = seeded_day(customers)

    cob_large_value_reports(DAY, now)
    cob_large_value_reports(DAY, now)

    assert reported() == expected and Report.objects.count() == len(expected)
