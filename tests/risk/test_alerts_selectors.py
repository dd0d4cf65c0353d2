"""The alert queue and the decision log as the console reads them: filtered, the newest first,
in keyset pages, with the open count; a decision's findings explained (the rule's name in the
page's language, a shadow version told apart, failed and why, an amount aggregate as an amount
and a count as a number); customers named masked, never by an id; refused to customers."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from hujin.core.errors import PermissionDenied
from hujin.risk.alerts_selectors import AlertFilters, alert_detail, alert_queue, alerts_open_count
from hujin.risk.decisions_selectors import DecisionFilters, decision_detail, decision_log
from hujin.risk.errors import AlertNotFound, DecisionNotFound
from hujin.risk.models import Alert, RuleVersion
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.alerts_helpers import AGGREGATE, CUSTOMER, READER, decision_made, finding
from tests.risk.screening_helpers import rule_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def two(make_customer):  # noqa: F811
    return make_customer(name="张三").customer.id, make_customer(name="王伟").customer.id


class TestAlertQueue:
    def test_filters_by_state_source_rule_and_customer_newest_first(self, two, now):
        zhang, wang = two
        decision_made(now=now, customer_id=zhang, fired=("BIG",), alerts=("BIG",),
                      minutes_ago=10)  # fmt: skip
        decision_made(now=now, customer_id=wang, fired=("NIGHT",), alerts=("NIGHT",),
                      minutes_ago=5)  # fmt: skip
        newest = decision_made(now=now, customer_id=zhang, fired=("NIGHT",), alerts=("NIGHT",))
        Alert.objects.create(customer_id=wang, source="watchlist", code="un_consolidated",
                             raised_at=now - timedelta(minutes=1))  # fmt: skip
        Alert.objects.filter(code="BIG").update(state="dismissed")

        def codes(**f):
            return [r.code for r in alert_queue(actor=READER, filters=AlertFilters(**f)).rows]

        assert codes() == ["NIGHT", "un_consolidated", "NIGHT", "BIG"]
        assert codes(state="open") == ["NIGHT", "un_consolidated", "NIGHT"]
        assert codes(state="dismissed") == ["BIG"]
        assert codes(source="watchlist") == ["un_consolidated"]
        assert codes(code="NIGHT") == ["NIGHT", "NIGHT"]
        assert codes(customer_id=zhang) == ["NIGHT", "BIG"]
        page = alert_queue(actor=READER, filters=AlertFilters(customer_id=zhang))
        assert page.rows[0].id == newest.alerts.get().id
        assert page.open_count == 3 and alerts_open_count(actor=READER) == 3

    def test_names_the_customer_masked_and_the_rule_in_the_page_language(self, two, now):
        zhang, _ = two
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)
        decision_made(now=now, customer_id=zhang)

        [row] = alert_queue(actor=READER, filters=AlertFilters()).rows
        with translation.override("zh-hans"):
            [row_zh] = alert_queue(actor=READER, filters=AlertFilters()).rows

        assert str(row.customer.name) == "张*" and str(zhang) not in str(row.customer.name)
        assert row.name == "Rule BIG" and row_zh.name == "规则 BIG"
        assert row.kind == "transfer" and row.amount_minor == 450_000 and row.outcome == "review"

    def test_pages_newest_first_without_gaps(self, now):
        for i in range(5):
            decision_made(now=now, minutes_ago=i)

        first = alert_queue(actor=READER, filters=AlertFilters(), limit=2)
        second = alert_queue(actor=READER, filters=AlertFilters(), limit=2,
                             before=first.next_cursor)  # fmt: skip
        third = alert_queue(actor=READER, filters=AlertFilters(), limit=2,
                            before=second.next_cursor)  # fmt: skip

        moments = [r.raised_at for p in (first, second, third) for r in p.rows]
        assert moments == sorted(moments, reverse=True) and len(set(moments)) == 5
        assert third.next_cursor is None

    def test_one_alert_with_its_decision_and_the_rules_reason(self, two, now):
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)
        decision = decision_made(now=now, customer_id=two[0])

        detail = alert_detail(actor=READER, alert_id=decision.alerts.get().id)

        assert detail.reason == "Because of BIG" and detail.decision.row.id == decision.id
        assert not detail.may_triage  # a reader sees, an analyst triages
        assert detail.decision.review_url == "/payments/review/"

    def test_an_alert_names_the_live_version_that_fired_not_the_one_in_shadow(self, now):
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)  # v1, live
        rule_in_force("BIG", "amount >= yuan(50)", "review", state="shadow", now=now)  # v2
        RuleVersion.objects.filter(code="BIG", number=2).update(
            name_en="Rule BIG, lower bar", reason_en="Because of BIG, lower bar"
        )
        decision = decision_made(now=now, shadow_fired=("BIG@shadow",), findings=[
            finding("BIG", version=1), finding("BIG@shadow", mode="shadow", version=2),
        ])  # fmt: skip

        detail = alert_detail(actor=READER, alert_id=decision.alerts.get().id)

        assert (detail.row.name, detail.reason) == ("Rule BIG", "Because of BIG")
        assert [f.name for f in detail.decision.findings] == ["Rule BIG", "Rule BIG, lower bar"]

    def test_an_unknown_alert_is_not_found_and_a_customer_is_refused(self, now):
        with pytest.raises(AlertNotFound):
            alert_detail(actor=READER, alert_id="nope")
        with pytest.raises(PermissionDenied):
            alert_queue(actor=CUSTOMER, filters=AlertFilters())
        assert alerts_open_count(actor=CUSTOMER) == 0


class TestDecisionLog:
    def test_filters_by_outcome_kind_rule_fired_and_customer(self, two, now):
        zhang, wang = two
        decision_made(now=now, customer_id=zhang, outcome="review", fired=("BIG",),
                      minutes_ago=3)  # fmt: skip
        decision_made(now=now, customer_id=wang, outcome="allow", kind="topup", direction="in",
                      fired=(), shadow_fired=("BIG@shadow",), alerts=(), minutes_ago=2)  # fmt: skip
        decision_made(now=now, customer_id=wang, outcome="block", fired=("BIG_X", "WATCH"),
                      alerts=(), minutes_ago=1)  # fmt: skip

        def outcomes(**f):
            return [r.outcome for r in decision_log(actor=READER,
                                                    filters=DecisionFilters(**f)).rows]  # fmt: skip

        assert outcomes() == ["block", "allow", "review"]
        assert outcomes(outcome="review") == ["review"]
        assert outcomes(kind="topup") == ["allow"]
        assert outcomes(code="BIG") == ["allow", "review"]  # live, or in shadow; not BIG_X
        assert outcomes(code="WATCH") == ["block"]
        assert outcomes(customer_id=wang) == ["block", "allow"]

    def test_the_date_range_is_in_business_days(self, now):
        # 2025-03-13 16:30 UTC is 2025-03-14 00:30 in Shanghai: the 14th's first decision
        late = datetime(2025, 3, 13, 16, 30, tzinfo=UTC)
        early = datetime(2025, 3, 13, 15, 30, tzinfo=UTC)  # 23:30 on the 13th in Shanghai
        for at in (late, early):
            decision_made(now=at, alerts=())
        day = now.date()  # 2025-03-14

        on_the_14th = decision_log(actor=READER,
                                   filters=DecisionFilters(date_from=day, date_to=day))  # fmt: skip
        before = decision_log(actor=READER, filters=DecisionFilters(
            date_to=day - timedelta(days=1)))  # fmt: skip

        assert [r.occurred_at for r in on_the_14th.rows] == [late]
        assert [r.occurred_at for r in before.rows] == [early]

    def test_explains_each_finding(self, two, now):
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)
        rule_in_force("VELO", 'count("1h", direction="out") >= 10', "review", now=now)
        decision = decision_made(now=now, customer_id=two[0], findings=[
            finding("BIG", seen={"amount": 450_000, AGGREGATE: 4_500_00}),
            finding("BIG@shadow", mode="shadow", fired=False,
                    seen={"kind": "transfer", "counterparty.new": True, "customer.age": None}),
            finding("VELO", fired=False, seen={'count("1h", direction="out")': 3}),
            finding("ZERO", fired=False, failed="Division by zero", seen={}),
        ])  # fmt: skip

        with translation.override("zh-hans"):
            detail = decision_detail(actor=READER, decision_id=decision.id)

        big, shadow, velo, zero = detail.findings
        assert (big.name, big.fired, big.shadow) == ("规则 BIG", True, False)
        assert [(v.label, v.kind, v.value) for v in big.seen] == [
            ("amount", "amount", 450_000), (AGGREGATE, "amount", 4_500_00)]  # fmt: skip
        assert (shadow.code, shadow.name, shadow.shadow) == ("BIG", "规则 BIG", True)
        assert [v.kind for v in shadow.seen] == ["flag", "missing", "text"]  # by name
        assert [(v.kind, v.value) for v in velo.seen] == [("count", 3)]
        assert zero.failed == "Division by zero" and zero.name == "ZERO"
        assert [f.key for f in detail.telling] == ["BIG", "ZERO"]
        assert [f.key for f in detail.quiet] == ["BIG@shadow", "VELO"]
        assert [a.code for a in detail.alerts] == ["BIG"]

    def test_an_unknown_decision_is_not_found_and_a_customer_is_refused(self, now):
        with pytest.raises(DecisionNotFound):
            decision_detail(actor=READER, decision_id="nope")
        with pytest.raises(PermissionDenied):
            decision_log(actor=CUSTOMER, filters=DecisionFilters())
