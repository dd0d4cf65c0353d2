"""The console's alert queue and an alert's page, in English and Chinese: filters, the open
count in the menu, the customer by masked name, the rule's name and reason, why it fired with
the values read, the triage forms for who may triage; a dismissal without a reason is refused
next to its form and changes nothing; refused to customers and to staff without the
permission."""

import html
import re

import pytest

from hujin.core.models import AuditEntry
from hujin.risk.models import Alert
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.alerts_helpers import decision_made
from tests.risk.screening_helpers import rule_in_force

ALERTS = "/risk/alerts/"

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url, language="en", **headers) -> str:
    response = client.get(url, headers={"accept-language": language, **headers})
    assert response.status_code == 200, response.status_code
    return _main(response)


def _results(main: str) -> str:
    return main[main.index('id="alert-results"') :]


@pytest.fixture
def held(make_customer, now):  # noqa: F811
    """张三's transfer of ¥4,500.00 held by the rule BIG, with its alert."""
    customer = make_customer(name="张三").customer
    rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)
    return decision_made(now=now, customer_id=customer.id).alerts.get()


class TestQueue:
    def test_lists_the_open_alerts_with_the_customer_masked_and_the_amount(self, role_client, held):
        main = _get(role_client("risk_analyst"), ALERTS)

        assert f'data-alert="{held.id}"' in main and "Rule BIG" in main
        assert "张*" in main  # the id only in links, never shown
        assert str(held.customer_id) not in re.sub(r'href="[^"]*"', "", main)
        assert "¥4,500.00" in main and "Held for review" in main
        assert "1 alert is open." in main

    def test_filters_by_state(self, role_client, held, now):
        decision_made(now=now, fired=("OTHER",), alerts=("OTHER",))
        Alert.objects.filter(code="OTHER").update(state="dismissed")
        analyst = role_client("risk_analyst")

        open_only = _results(_get(analyst, ALERTS))
        dismissed = _results(_get(analyst, f"{ALERTS}?state=dismissed"))
        every = _results(_get(analyst, f"{ALERTS}?state="))

        assert "OTHER" not in open_only and "Rule BIG" in open_only
        assert "OTHER" in dismissed and "Rule BIG" not in dismissed
        assert "OTHER" in every and "Rule BIG" in every

    def test_htmx_gets_the_results_alone(self, role_client, held):
        response = role_client("auditor").get(f"{ALERTS}?state=open&code=BIG",
                                              headers={"HX-Request": "true"})  # fmt: skip

        text = response.content.decode()
        assert text.startswith('<div id="alert-results">') and "Rule BIG" in text
        assert "<main" not in text

    def test_the_menu_shows_the_open_count(self, role_client, held):
        text = role_client("risk_analyst").get(ALERTS).content.decode()

        assert re.search(r'href="/risk/alerts/"[^>]*><span>Alerts</span> <span class="nav-count" '
                         r'title="1 risk alert waits for an analyst">', text)  # fmt: skip
        assert 'href="/risk/decisions/"' in text

    def test_read_in_chinese(self, role_client, held):
        main = _get(role_client("risk_analyst"), ALERTS, language="zh-hans")

        assert "预警" in main and "规则 BIG" in main and "待复核" in main


class TestAlertPage:
    def test_shows_the_rule_the_customer_the_movement_and_why_it_fired(self, role_client, held):
        main = _get(role_client("risk_analyst"), f"{ALERTS}{held.id}/")

        assert "Rule BIG" in main and "Because of BIG" in main and "张*" in main
        assert "Transfer" in main and "¥4,500.00" in main
        assert 'total("24h", direction="out")' in html.unescape(main)
        assert 'data-testid="dismiss-form"' in main and 'data-testid="escalate-form"' in main
        assert 'data-testid="review-link"' in main

    def test_an_auditor_reads_without_the_forms_and_may_not_post(self, role_client, held):
        auditor = role_client("auditor")

        main = _get(auditor, f"{ALERTS}{held.id}/")
        response = auditor.post(f"{ALERTS}{held.id}/dismiss/", {"reason": "A known landlord"})

        assert "Because of BIG" in main and 'data-testid="dismiss-form"' not in main
        assert response.status_code == 403
        held.refresh_from_db()
        assert held.state == "open"

    def test_read_in_chinese(self, role_client, held):
        main = _get(role_client("risk_analyst"), f"{ALERTS}{held.id}/", language="zh-hans")

        assert "规则 BIG" in main and "因为 BIG" in main and "转账" in main
        assert "误报" in main and "升级" in main

    def test_dismiss_with_a_reason(self, role_client, held):
        analyst = role_client("risk_analyst")

        response = analyst.post(f"{ALERTS}{held.id}/dismiss/",
                                {"reason": "Rent to a known landlord"})  # fmt: skip

        assert response.status_code == 302 and response["Location"] == f"{ALERTS}{held.id}/"
        main = _get(analyst, response["Location"])
        assert "Dismissed" in main and "Rent to a known landlord" in main
        assert 'data-testid="dismiss-form"' not in main

    def test_dismiss_without_a_reason_is_refused_next_to_the_form(self, role_client, held):
        response = role_client("risk_analyst").post(f"{ALERTS}{held.id}/dismiss/",
                                                    {"reason": "short"})  # fmt: skip

        assert response.status_code == 400
        main = _main(response)
        assert "in at least 10 characters" in main and ">short</textarea>" in main
        held.refresh_from_db()
        assert held.state == "open" and not AuditEntry.objects.filter(
            target_type="risk.alert").exists()  # fmt: skip

    def test_escalate_then_a_second_triage_is_refused(self, role_client, held):
        analyst = role_client("risk_analyst")

        analyst.post(f"{ALERTS}{held.id}/escalate/", {"note": "Same payee as last week"})
        again = analyst.post(f"{ALERTS}{held.id}/dismiss/", {"reason": "A known landlord"})

        assert again.status_code == 409 and "triaged already" in _main(again)
        held.refresh_from_db()
        assert held.state == "escalated" and held.triage_reason == "Same payee as last week"
        assert f'href="/risk/cases/{held.case_id}/"' in _main(again)  # the case it joined

    def test_an_unknown_alert_is_404(self, role_client):
        url = f"{ALERTS}00000000-0000-0000-0000-000000000000/"
        assert role_client("risk_analyst").get(url).status_code == 404


class TestWhoMay:
    def test_refused_to_customers_and_to_staff_without_the_permission(
        self, role_client, customer_client, held
    ):
        for client in (customer_client, role_client("product_manager")):
            for url in (ALERTS, f"{ALERTS}{held.id}/"):
                assert client.get(url).status_code in (302, 403), url
            response = client.post(f"{ALERTS}{held.id}/dismiss/", {"reason": "x" * 20})
            assert response.status_code in (302, 403)
        held.refresh_from_db()
        assert held.state == "open"
