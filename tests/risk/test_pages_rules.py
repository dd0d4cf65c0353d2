"""The console's risk rule pages, in English and Chinese: the list, a rule's page with what is
in force, its shadow results and its versions, the editor with the condition checked as it is
typed, and the moves proposed to a checker; refused to customers and to staff without
``risk.view_risk``."""

import re
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.models import ApprovalRequest
from hujin.risk.models import Decision, RuleVersion
from hujin.risk.services import shipped_rules_load
from tests.risk.rulebook_support import approved, written

URL = "/risk/rules/"
FORM = {
    "name_en": "Large payment out", "name_zh": "大额支出", "outcome": "review", "score": "30",
    "reason_en": "A large sum leaves", "reason_zh": "大额资金转出", "source": "", "note": "",
    "condition": 'direction == "out" and amount >= yuan(300000)',
}  # fmt: skip


def _main(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url=URL, language="en") -> str:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    return _main(response)


@pytest.fixture
def analyst(role_client):
    return role_client("risk_analyst")


@pytest.fixture
def shipped(db):
    now = timezone.now()
    shipped_rules_load(actor=system_actor("test"), now=now - timedelta(days=2))
    return now


class TestTheRuleList:
    def test_names_each_rule_in_the_pages_language_with_what_is_in_force(self, analyst, shipped):
        main = _get(analyst)

        assert "Single large payment" in main and "<code>SINGLE-LARGE</code>" in main
        assert "Hold for review" in main and "live v1" in main
        assert 'href="/risk/rules/new/"' in main

    def test_reads_in_chinese(self, analyst, shipped):
        main = _get(analyst, language="zh-hans")

        assert "风险规则" in main and "单笔大额支付" in main and "人工复核" in main

    def test_an_auditor_reads_it_without_the_write_button(self, role_client, shipped):
        main = _get(role_client("auditor"))

        assert "SINGLE-LARGE" in main and "/risk/rules/new/" not in main

    def test_is_refused_to_customers_and_to_staff_without_the_permission(
        self, role_client, customer_client
    ):
        assert customer_client.get(URL).status_code in (302, 403)
        assert customer_client.get(f"{URL}SINGLE-LARGE/").status_code in (302, 403)
        assert role_client("product_manager").get(URL).status_code == 403


class TestARulesPage:
    def test_shows_the_live_and_shadow_versions_and_the_shadow_results(self, analyst, now):
        approved(written(now - timedelta(days=3)), "live", now - timedelta(days=3))
        approved(written(now, score=45), "shadow", now)
        Decision.objects.create(
            event=uuid.uuid4(), kind="transfer", direction="out", amount=320_000_00,
            currency="CNY", occurred_at=now + timedelta(hours=1), outcome="review",
            shadow_fired=["BIG-OUT@shadow"], fired=["BIG-OUT"],
        )  # fmt: skip

        main = _get(analyst, f"{URL}BIG-OUT/")

        assert 'data-testid="rule-live"' in main and 'data-testid="rule-shadow"' in main
        assert 'data-testid="shadow-results"' in main and "¥320,000.00" in main
        assert '<pre class="code condition"' in main and "yuan(300000)" in main
        assert 'data-testid="retire-live-form"' in main
        assert 'data-testid="propose-shadow-form"' in main

    def test_reads_in_chinese(self, analyst, shipped):
        main = _get(analyst, f"{URL}SINGLE-LARGE/", language="zh-hans")

        assert "单笔大额支付" in main and "版本 1" in main and "随 Hujin 发布" in main

    def test_an_unknown_rule_is_not_found(self, analyst, db):
        assert analyst.get(f"{URL}NO-SUCH-RULE/").status_code == 404
        assert analyst.get(f"{URL}lower/").status_code == 404


class TestTheEditor:
    def test_writes_a_new_rule_as_a_draft(self, analyst):
        response = analyst.post(f"{URL}new/", {**FORM, "code": "BIG-OUT"})

        assert response.status_code == 302 and response["location"] == f"{URL}BIG-OUT/"
        version = RuleVersion.objects.get(code="BIG-OUT")
        assert version.state == "draft" and str(version.written_by) == str(analyst.user.pk)

    def test_a_misspelt_name_is_said_under_the_condition_with_the_name_meant(self, analyst):
        response = analyst.post(f"{URL}new/", {**FORM, "code": "BIG-OUT",
                                               "condition": "custmer.age >= 70"})  # fmt: skip

        assert response.status_code == 400
        main = _main(response)
        assert "Line 1, column 1" in main and "Did you mean “customer.age”?" in main
        assert '<pre class="code condition-where"' in main  # the line, a caret under the place
        assert not RuleVersion.objects.exists()

    def test_a_new_rule_with_a_code_taken_is_refused(self, analyst, shipped):
        response = analyst.post(f"{URL}new/", {**FORM, "code": "SINGLE-LARGE"})

        assert response.status_code == 400
        assert "A rule with this code exists" in _main(response)
        assert RuleVersion.objects.filter(code="SINGLE-LARGE").count() == 1

    def test_the_next_version_is_prefilled_from_the_latest(self, analyst, shipped):
        main = _get(analyst, f"{URL}SINGLE-LARGE/write/")

        assert "yuan(200000)" in main and "Single large payment" in main
        assert 'name="code"' not in main

    def test_the_condition_is_checked_as_it_is_typed(self, analyst):
        bad = analyst.post(
            f"{URL}check/",
            {"condition": "(amount >= yuan(1) and\n device.nwe)"},
            headers={"accept-language": "zh-hans", "hx-request": "true"},
        )
        good = analyst.post(f"{URL}check/", {"condition": 'total("24h") > amount'})

        assert bad.status_code == 200
        text = bad.content.decode()
        assert 'data-testid="condition-problem"' in text and "device.new" in text
        assert "第 2 行第 2 列" in text and "您是否指“device.new”？" in text
        assert 'data-testid="condition-ok"' in good.content.decode()
        assert "total" in good.content.decode()

    def test_a_customer_cannot_write(self, customer_client):
        response = customer_client.post(f"{URL}new/", {**FORM, "code": "BIG-OUT"})

        assert response.status_code in (302, 403) and not RuleVersion.objects.exists()


class TestProposingFromThePage:
    def test_a_draft_proposed_for_shadow_waits_for_a_checker(self, analyst, now):
        analyst.post(f"{URL}new/", {**FORM, "code": "BIG-OUT"})
        version = RuleVersion.objects.get(code="BIG-OUT")

        response = analyst.post(f"{URL}BIG-OUT/propose/", {"version": str(version.id),
                                "target": "shadow", "reason": "try it"})  # fmt: skip

        assert response.status_code == 302
        version.refresh_from_db()
        assert version.state == "proposed"
        request = ApprovalRequest.objects.get(target_id=str(version.id))
        assert request.status == "pending"
        main = _get(analyst, f"{URL}BIG-OUT/")
        assert f'href="/compliance/approvals/{request.id}/"' in main
        assert "waiting: put in shadow" in main and 'data-testid="propose-draft-form"' not in main

    def test_retiring_the_live_version_is_proposed_to_a_checker(self, analyst, shipped):
        response = analyst.post(f"{URL}SINGLE-LARGE/retire/", {"state": "live",
                                "reason": "replaced by a cumulative rule"})  # fmt: skip

        assert response.status_code == 302
        version = RuleVersion.objects.get(code="SINGLE-LARGE")
        assert (version.state, version.proposed_state) == ("live", "retired")
        main = _get(analyst, f"{URL}SINGLE-LARGE/", language="zh-hans")
        assert "待审批：停用" in main and 'data-testid="retire-live-form"' not in main

    def test_without_a_reason_nothing_is_proposed(self, analyst):
        analyst.post(f"{URL}new/", {**FORM, "code": "BIG-OUT"})
        version = RuleVersion.objects.get(code="BIG-OUT")

        response = analyst.post(f"{URL}BIG-OUT/propose/", {"version": str(version.id),
                                "target": "live", "reason": ""})  # fmt: skip

        assert response.status_code == 400 and "Write why" in _main(response)
        assert not ApprovalRequest.objects.exists()

    def test_the_inbox_describes_the_request_with_its_condition(self, analyst, role_client):
        analyst.post(f"{URL}new/", {**FORM, "code": "BIG-OUT"})
        version = RuleVersion.objects.get(code="BIG-OUT")
        analyst.post(f"{URL}BIG-OUT/propose/", {"version": str(version.id), "target": "live",
                                                "reason": "go"})  # fmt: skip
        request = ApprovalRequest.objects.get(target_id=str(version.id))

        checker = role_client("risk_analyst")
        main = _get(checker, f"/compliance/approvals/{request.id}/")
        assert "BIG-OUT v1: put live" in main and "yuan(300000)" in main
        assert 'href="/risk/rules/BIG-OUT/"' in main
        main = _get(checker, f"/compliance/approvals/{request.id}/", language="zh-hans")
        assert "BIG-OUT v1：" in main and "大额支出" in main
