"""The demo's risk story: the shipped rules live after the load, two tried in shadow and one
draft, and a morning of payments the rules held or flagged — with the older steps' stories as
they were."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from hujin.core.models import ApprovalRequest
from hujin.demo.loader import demo_load
from hujin.demo.payments_history import REVIEW_SCREEN, STORY
from hujin.identity.access import staff_actor
from hujin.payments.models import Payment
from hujin.risk.models import Alert, Decision, RuleVersion, WindowEntry
from hujin.risk.selectors import rule_history, rule_list, shadow_results
from hujin.risk.shipped import shipped_rules

pytestmark = pytest.mark.django_db

STORY_KEYS = "demo-risk-"


@pytest.fixture
def loaded(now, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return demo_load(now=now)


def _analyst():
    return staff_actor(get_user_model().objects.get(username="risk"))


def _counts() -> list[int]:
    models = (Payment, Decision, Alert, RuleVersion, ApprovalRequest, WindowEntry)
    return [model.objects.count() for model in models]


def _payment(key: str) -> Payment:
    return Payment.objects.get(idempotency_key=STORY_KEYS + key)


def test_the_shipped_rules_are_live_and_the_analyst_s_versions_in_shadow_or_drafted(loaded):
    rows = {row.code: row for row in rule_list(actor=_analyst())}

    assert set(rows) == {rule.code for rule in shipped_rules()}
    assert all(row.live == 1 for row in rows.values())
    assert rows["ROUND-AMOUNT"].shadow == 2 and rows["RAPID-IN-OUT"].shadow == 2
    assert rows["VELOCITY"].latest == 2 and rows["VELOCITY"].shadow is None
    assert not ApprovalRequest.objects.filter(action="risk.rule_put_in_force", status="pending")
    shadow = rule_history(actor=_analyst(), code="ROUND-AMOUNT").shadow
    assert shadow.written_by and shadow.decided_by and shadow.written_by != shadow.decided_by
    assert any("Risk:" in note for note in loaded.notes)


def test_the_story_s_payments_are_held_with_their_rule_s_reason(loaded):
    rapid, payout = _payment("zhao-rapid"), _payment("zhou-payout")

    assert rapid.status == "review" and payout.status == "review"
    assert rapid.screening.reasons[0]["code"].startswith("risk.rule.")
    assert set(rapid.screening.reasons[0]["details"]["fired"]) >= {"RAPID-IN-OUT",
                                                                   "NEW-PAYEE-LARGE"}  # fmt: skip
    assert [r["code"] for r in payout.screening.reasons] == ["risk.rule.LOGIN-FAILURES-THEN-PAYOUT"]
    assert "failed log-ins" in payout.screening.reasons[0]["message"]
    assert _payment("li-round").status == "succeeded"
    assert _payment("li-round-transfer").status == "succeeded"


def test_the_alerts_are_raised_and_the_decisions_kept(loaded):
    alerts = sorted(Alert.objects.filter(source="rule").values_list("code", flat=True))
    login = Decision.objects.get(kind="login")
    let_go = Decision.objects.get(kind="transfer", direction="out", amount=20_000_00)

    # the rules that only alert, and those that held a payment for review
    assert alerts == ["IP-BUSY", "LOGIN-FAILURES-THEN-PAYOUT", "NEW-PAYEE-LARGE", "RAPID-IN-OUT",
                      "ROUND-AMOUNT", "ROUND-AMOUNT"]  # fmt: skip
    assert login.fired == ["IP-BUSY"] and login.customer_id is not None
    assert let_go.outcome == "allow" and let_go.shadow_fired == ["ROUND-AMOUNT@shadow"]
    assert Decision.objects.filter(outcome="review").count() >= 2


def test_the_shadow_version_shows_what_it_would_have_fired_on(loaded):
    version = RuleVersion.objects.get(code="ROUND-AMOUNT", state="shadow")
    results = shadow_results(actor=_analyst(), version_id=version.id)

    assert results.fired >= 3
    assert results.fired > results.live_fired


def test_the_older_steps_payments_are_as_they_were_never_screened_by_the_rules(loaded):
    older = Payment.objects.exclude(idempotency_key__startswith=STORY_KEYS)
    reasons = [r for p in older if p.screening_id for r in p.screening.reasons]

    assert older.count() == len(STORY)
    assert [r["screen"] for r in reasons] == [REVIEW_SCREEN]  # the payments' story's own hold


def test_the_ledger_verifies_and_loading_again_changes_nothing(loaded, now):
    counts = _counts()
    again = demo_load(now=now)
    out = StringIO()
    call_command("ledger", "verify", stdout=out)

    assert "OK" in out.getvalue()
    assert _counts() == counts
    assert not any("Risk:" in note for note in again.notes)


def test_the_analyst_works_two_customers_alerts_into_cases_one_reported(loaded):
    from hujin.risk.models_cases import Case, Report

    li, zhao = Case.objects.order_by("number")
    assert li.state == "open" and list(li.alerts.values_list("code", flat=True)) == [
        "ROUND-AMOUNT"]  # fmt: skip
    assert list(li.entries.values_list("kind", flat=True)) == ["opened", "alert", "note",
                                                              "attachment"]  # fmt: skip
    assert (zhao.state, zhao.conclusion, zhao.typology) == ("closed", "suspicious",
                                                            "rapid_in_out")  # fmt: skip
    assert sorted(zhao.alerts.values_list("code", flat=True)) == [
        "NEW-PAYEE-LARGE", "RAPID-IN-OUT", "ROUND-AMOUNT"]  # fmt: skip
    report = Report.objects.get()
    assert (report.kind, report.state, report.case_id) == ("str", "draft", zhao.id)
    # 周敏's log-in from the storm's address, and her payout held after it, wait
    waiting = Alert.objects.filter(state="open", source="rule")
    assert sorted(waiting.values_list("code", flat=True)) == [
        "IP-BUSY", "LOGIN-FAILURES-THEN-PAYOUT"]  # fmt: skip


def test_an_anomaly_model_is_active_and_has_scored_the_morning(loaded):
    from hujin.risk.models_anomaly import AnomalyModel, AnomalyScore

    model = AnomalyModel.objects.get()
    assert model.state == "active" and model.params.get("approved_digest")
    assert AnomalyScore.objects.filter(model=model).count() >= 4  # the story's customers
    unusual = Alert.objects.filter(source="anomaly")
    assert unusual.exists() and all(a.code == "ANOMALY-v1" for a in unusual)
    assert all(len(a.details["reasons"]) == 3 for a in unusual)
