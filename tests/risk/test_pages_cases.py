"""The console's case pages, in English and Chinese: the queue with its views and the menu's
count, a case's page with its customer masked, clock, graph, alerts, movements, timeline and
files, the forms that work it (a refusal said next to its form, nothing changed), the file's
download, the alert page's link to its case; refused to customers and to staff without the
permission."""

import re

import pytest

from hujin.risk.alerts import alert_escalate
from hujin.risk.models_cases import Case, CaseAttachment, CaseEntry, Report
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import CSV, NARRATIVE, PNG, actor_of, alert_for
from tests.risk.screening_helpers import rule_in_force

CASES = "/risk/cases/"

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    assert response.status_code in (200, 400, 409), response.status_code
    text = response.content.decode()
    main = text[text.index("<main") : text.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


@pytest.fixture
def analyst_client(role_client):
    return role_client("risk_analyst")


@pytest.fixture
def case(analyst_client, make_customer, now):  # noqa: F811
    customer = make_customer(name="张三").customer
    rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)
    alert = alert_for(customer.id, now)
    alert_escalate(actor=actor_of(analyst_client.user), alert_id=alert.id,
                   note="Four transfers below the threshold", now=now)  # fmt: skip
    return Case.objects.get()


def _page(client, case, language="en"):
    return _main(client.get(f"{CASES}{case.id}/", headers={"accept-language": language}))


class TestQueue:
    def test_lists_the_open_cases_with_the_customer_masked_and_the_clock(self, analyst_client,
                                                                          case):  # fmt: skip
        main = _main(analyst_client.get(CASES))

        assert case.number in main and "张*" in main and "Overdue by" in main
        assert str(case.customer_id) not in re.sub(r'href="[^"]*"', "", main)

    def test_in_chinese(self, analyst_client, case):
        main = _main(analyst_client.get(CASES, headers={"accept-language": "zh-hans"}))
        assert "案件" in main and case.number in main

    def test_the_menu_counts_the_open_cases(self, analyst_client, case):
        text = analyst_client.get(CASES).content.decode()
        assert re.search(r'href="/risk/cases/"[^>]*><span>Cases</span> <span class="nav-count" '
                         r'title="1 risk case is open">', text)  # fmt: skip

    def test_refused_without_the_permission(self, role_client, customer_client, case):
        assert role_client("customer_service").get(CASES).status_code == 403
        assert customer_client.get(CASES).status_code in (302, 403)


class TestCasePage:
    def test_shows_the_header_graph_alerts_movements_and_timeline(self, analyst_client, case):
        main = _page(analyst_client, case)

        assert case.number in main and "张*" in main
        assert "<svg" in main and 'data-testid="case-graph"' in main
        assert "Rule BIG" in main and "¥4,500.00" in main
        assert "Case opened" in main and "Alert joined" in main
        assert 'data-testid="close-form"' in main and 'data-testid="note-form"' in main

    def test_in_chinese(self, analyst_client, case):
        main = _page(analyst_client, case, "zh-hans")
        assert "时间线" in main and "结案" in main

    def test_an_auditor_reads_it_without_the_forms(self, role_client, case):
        main = _page(role_client("auditor"), case)
        assert case.number in main and 'data-testid="note-form"' not in main

    def test_the_alert_page_links_to_its_case(self, analyst_client, case):
        alert = case.alerts.get()
        main = _main(analyst_client.get(f"/risk/alerts/{alert.id}/"))
        assert f'href="/risk/cases/{case.id}/"' in main and case.number in main


class TestWorking:
    def test_a_note_is_added(self, analyst_client, case):
        response = analyst_client.post(f"{CASES}{case.id}/note/", {"text": "Called the bank"})

        assert response.status_code == 302
        assert CaseEntry.objects.filter(kind="note", text="Called the bank").exists()

    def test_a_file_is_attached_and_downloaded(self, analyst_client, case):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("rows.csv", CSV, content_type="application/octet-stream")
        assert analyst_client.post(f"{CASES}{case.id}/files/", {"file": upload}).status_code == 302
        kept = CaseAttachment.objects.get()

        response = analyst_client.get(f"{CASES}{case.id}/files/{kept.id}/")

        assert response.status_code == 200 and response.content == CSV
        assert (
            response["Content-Type"] == "text/csv; charset=utf-8"
            and "rows.csv" in response["Content-Disposition"]
        )
        assert "rows.csv" in _page(analyst_client, case)

    def test_a_file_whose_name_lies_is_refused_next_to_its_form(self, analyst_client, case):
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("invoice.pdf", PNG)
        main = _main(analyst_client.post(f"{CASES}{case.id}/files/", {"file": upload}))

        assert "name says another type" in main and CaseAttachment.objects.count() == 0

    def test_assigned_to_a_colleague(self, analyst_client, role_client, case):
        colleague = role_client("compliance_officer").user
        response = analyst_client.post(f"{CASES}{case.id}/assign/", {"assignee": colleague.id})

        assert response.status_code == 302
        case.refresh_from_db()
        assert case.assignee == colleague.id

    def test_another_alert_of_the_customer_joins_from_the_page(self, analyst_client, case, now):
        other = alert_for(case.customer_id, now, code="BIG")
        assert f'value="{other.id}"' in _page(analyst_client, case)

        response = analyst_client.post(f"{CASES}{case.id}/alerts/", {"alert": other.id})

        other.refresh_from_db()
        assert response.status_code == 302 and other.case_id == case.id
        assert f'value="{other.id}"' not in _page(analyst_client, case)

    def test_a_freeze_is_asked_for_and_asked_twice_is_said(self, analyst_client, case):
        from hujin.core.models import ApprovalRequest

        url = f"{CASES}{case.id}/freeze/"
        assert analyst_client.post(url, {"reason": "Laundering suspected"}).status_code == 302
        again = _main(analyst_client.post(url, {"reason": "Once more"}))

        assert ApprovalRequest.objects.filter(action="customers.freeze").count() == 1
        assert 'data-testid="case-error"' in again
        assert CaseEntry.objects.filter(kind="freeze").count() == 1

    def test_an_auditor_cannot_be_given_the_case(self, analyst_client, role_client, case):
        auditor = role_client("auditor").user
        main = _main(analyst_client.post(f"{CASES}{case.id}/assign/", {"assignee": auditor.id}))

        assert 'data-testid="case-error"' in main and "<option" in main
        case.refresh_from_db()
        assert case.assignee is None

    def test_a_short_narrative_is_refused_and_changes_nothing(self, analyst_client, case):
        closing = {"conclusion": "suspicious", "typology": "structuring", "narrative": "short"}
        main = _main(analyst_client.post(f"{CASES}{case.id}/close/", closing))

        assert 'data-testid="close-form"' in main and "errorlist" in main
        assert Case.objects.get().state == "open"

    def test_closed_as_suspicious_links_the_report_draft(self, analyst_client, case):
        closing = {"conclusion": "suspicious", "typology": "structuring", "narrative": NARRATIVE}
        response = analyst_client.post(f"{CASES}{case.id}/close/", closing)

        assert response.status_code == 302
        main = _page(analyst_client, case)
        report = Report.objects.get()
        assert report.number in main and 'data-testid="case-report-link"' in main
        assert 'data-testid="close-form"' not in main

    def test_an_auditor_may_not_post(self, role_client, case):
        response = role_client("auditor").post(f"{CASES}{case.id}/note/", {"text": "x"})
        assert response.status_code == 403 and not CaseEntry.objects.filter(kind="note").exists()


class TestOpening:
    def _closed(self, client, case):
        closing = {"conclusion": "not_suspicious", "narrative": "Salary and rent, as every month."}
        assert client.post(f"{CASES}{case.id}/close/", closing).status_code == 302

    def test_a_new_case_is_opened_from_a_closed_one(self, analyst_client, case):
        self._closed(analyst_client, case)
        main = _page(analyst_client, case)
        assert 'data-testid="open-form"' in main

        asked = {"customer": case.customer_id, "back": case.id, "title": "Card top-ups again"}
        response = analyst_client.post(f"{CASES}open/", asked)

        new = Case.objects.get(state="open")
        assert response.status_code == 302 and response["Location"] == f"{CASES}{new.id}/"
        assert new.customer_id == case.customer_id and new.title == "Card top-ups again"

    def test_refused_while_the_customer_has_an_open_case(self, analyst_client, case):
        asked = {"customer": case.customer_id, "back": case.id, "title": "Again"}
        response = analyst_client.post(f"{CASES}open/", asked, follow=True)

        assert "has an open case already" in response.content.decode()
        assert Case.objects.count() == 1

    def test_an_open_case_offers_no_opening(self, analyst_client, case):
        assert 'data-testid="open-form"' not in _page(analyst_client, case)
