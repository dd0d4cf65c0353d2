"""The console's decision log and a decision's page, in English and Chinese: the decisions of a
real screening with the customer masked, filters (outcome, kind, rule fired, customer, business
days), pages, and a decision's findings: which rules fired and what each read, an amount
aggregate in yuan and a count as a number; refused to customers and to staff without the
permission."""

import html
import re

import pytest

from hujin.risk.models import Decision, RuleVersion
from tests.payments.conftest import actor_for, make_customer, sandbox  # noqa: F401 -- fixtures
from tests.risk.alerts_helpers import AGGREGATE, decision_made, finding
from tests.risk.screening_helpers import rule_in_force
from tests.risk.test_screen import pair, send  # noqa: F401 -- pair is a fixture

DECISIONS = "/risk/decisions/"

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    text = response.content.decode()
    main = text[text.index("<main") : text.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url, language="en") -> str:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    return _main(response)


def _rows(main: str) -> list[str]:
    return re.findall(r'data-decision="([0-9a-f-]+)"', main)


@pytest.fixture
def screened(pair, now):  # noqa: F811
    """张三 sends 王伟 ¥120.00 twice; a rule holds the second one for review."""
    payer, payee, *_ = pair
    rule_in_force("SECOND", 'count("24h", direction="out") >= 1 and amount >= yuan(100)',
                  "review", now=now)  # fmt: skip
    rule_in_force("OUTFLOW", f"{AGGREGATE} + amount >= yuan(200)", "alert", now=now)
    send(payer, payee, now, key="tr-1")
    send(payer, payee, now, key="tr-2")
    return payer, payee


class TestLog:
    def test_lists_the_screenings_decisions_with_the_customers_masked(self, role_client, screened):
        main = _get(role_client("auditor"), DECISIONS)

        # two sides of the first transfer; the held one's payer only, till a reviewer releases it
        assert len(_rows(main)) == Decision.objects.count() == 3
        assert "张*" in main and "王*" in main and "¥120.00" in main
        assert "Held for review" in main and "Rule SECOND" in main
        visible = re.sub(r'href="[^"]*"', "", main)
        assert not any(str(p.customer.id) in visible for p in screened)

    def test_filters(self, role_client, screened, now):
        _payer, payee = screened
        reader = role_client("auditor")
        held = Decision.objects.get(outcome="review")

        assert _rows(_get(reader, f"{DECISIONS}?outcome=review")) == [str(held.id)]
        assert _rows(_get(reader, f"{DECISIONS}?code=SECOND")) == [str(held.id)]
        assert len(_rows(_get(reader, f"{DECISIONS}?customer={payee.customer.id}"))) == 1
        assert _rows(_get(reader, f"{DECISIONS}?kind=topup")) == []
        day = now.date().isoformat()  # 2025-03-14 in Shanghai
        assert len(_rows(_get(reader, f"{DECISIONS}?date_from={day}&date_to={day}"))) == 3
        assert _rows(_get(reader, f"{DECISIONS}?date_to=2025-03-13")) == []

    def test_an_invalid_filter_is_shown_and_ignored(self, role_client, screened):
        main = _get(role_client("auditor"), f"{DECISIONS}?date_from=yesterday&outcome=maybe")

        assert "errorlist" in main and len(_rows(main)) == 3

    def test_pages(self, role_client, now):
        for i in range(55):
            decision_made(now=now, minutes_ago=i, alerts=())
        reader = role_client("auditor")

        first = _get(reader, DECISIONS)
        older = re.search(r'rel="next" href="([^"]+)"', first).group(1)
        second = _get(reader, DECISIONS + html.unescape(older))

        assert len(_rows(first)) == 50 and len(_rows(second)) == 5
        assert not set(_rows(first)) & set(_rows(second))

    def test_read_in_chinese(self, role_client, screened):
        main = _get(role_client("auditor"), DECISIONS, language="zh-hans")

        assert "决策日志" in main and "待复核" in main and "转账" in main and "规则 SECOND" in main


class TestDecisionPage:
    def test_shows_which_rules_fired_and_the_values_each_read(self, role_client, screened):
        held = Decision.objects.get(outcome="review")

        main = _get(role_client("risk_analyst"), f"{DECISIONS}{held.id}/")

        fired = main[main.index('data-testid="findings-fired"') :]
        assert 'data-finding="SECOND"' in fired and 'data-finding="OUTFLOW"' in fired
        text = html.unescape(fired)
        assert 'count("24h", direction="out")' in text and AGGREGATE in text
        assert re.search(r'data-kind="count">1<', fired)  # a count as a number
        assert "¥120.00" in fired  # the amount and the 24h total, in yuan
        assert "张*" in main and 'data-testid="review-link"' in main
        assert "Rule SECOND" in main and "Fired" in main

    def test_a_shadow_rule_and_a_failed_one_are_told_apart(self, role_client, now):
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)
        decision = decision_made(now=now, findings=[
            finding("BIG", seen={"amount": 450_000, AGGREGATE: 4_500_00}),
            finding("BIG@shadow", mode="shadow", seen={"amount": 450_000}),
            finding("ZERO", fired=False, failed="Division by zero"),
            finding("QUIET", fired=False, seen={"customer.age": None, "device.new": False}),
        ])  # fmt: skip

        main = _get(role_client("auditor"), f"{DECISIONS}{decision.id}/")

        assert "¥4,500.00" in main and "In shadow: decides nothing" in main
        assert "Division by zero" in main and "1 rule did not fire" in main
        assert "not known" in main and ">no<" in main

    def test_a_live_version_and_one_in_shadow_of_a_rule_show_their_own_names(
        self, role_client, now
    ):
        for number, state, name_en, name_zh in [
            (1, "live", "Large transfer", "大额转账"),
            (2, "shadow", "Large transfer, lower bar", "大额转账（较低门槛）"),
        ]:
            RuleVersion.objects.create(
                code="BIG", number=number, name_en=name_en, name_zh=name_zh,
                condition="amount >= yuan(100)", outcome="review", score=10,
                reason_en="Large", reason_zh="大额", state=state, written_at=now,
            )  # fmt: skip
        decision = decision_made(now=now, shadow_fired=("BIG@shadow",), findings=[
            finding("BIG", version=1, seen={"amount": 450_000}),
            finding("BIG@shadow", mode="shadow", version=2, seen={"amount": 450_000}),
        ])  # fmt: skip
        url = f"{DECISIONS}{decision.id}/"

        for language, live, shadow in [
            ("en", "Large transfer", "Large transfer, lower bar"),
            ("zh-hans", "大额转账", "大额转账（较低门槛）"),
        ]:
            main = _get(role_client("auditor"), url, language=language)
            names = dict(re.findall(r'data-finding="([^"]+)">\s*<div class="finding-head">'
                                    r"<strong>([^<]*)</strong>", main))  # fmt: skip
            assert names == {"BIG": live, "BIG@shadow": shadow}, language
            assert f">{live}</a>" in main  # the alert raised: the live version's

    def test_a_decision_kept_before_findings_named_their_version_names_the_one_in_force(
        self, role_client, now
    ):
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)
        decision = decision_made(now=now, findings=[finding("BIG", seen={"amount": 450_000})])

        main = _get(role_client("auditor"), f"{DECISIONS}{decision.id}/")

        assert re.search(r'data-finding="BIG">\s*<div class="finding-head"><strong>Rule BIG<', main)

    def test_read_in_chinese(self, role_client, screened):
        held = Decision.objects.get(outcome="review")

        main = _get(role_client("auditor"), f"{DECISIONS}{held.id}/", language="zh-hans")

        assert "风控决策" in main and "规则 SECOND" in main and "已触发" in main
        assert "各规则的结果" in main

    def test_an_unknown_decision_is_404(self, role_client):
        url = f"{DECISIONS}00000000-0000-0000-0000-000000000000/"
        assert role_client("auditor").get(url).status_code == 404


class TestWhoMay:
    def test_refused_to_customers_and_to_staff_without_the_permission(
        self, role_client, customer_client, now
    ):
        decision = decision_made(now=now, alerts=())
        for client in (customer_client, role_client("product_manager")):
            for url in (DECISIONS, f"{DECISIONS}{decision.id}/"):
                assert client.get(url).status_code in (302, 403), url
