"""The console's lending pages: loan products (created, edited, submitted for admission,
suspended), the applications queue and an analyst's review of a referred application with its
score's breakdown, the loans and a loan's schedule, postings and money events, the collections
queue, the score models, the portfolio and the lender's funds; and who may do what."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from hujin.lending import types as t
from hujin.lending.models import CreditPolicy, Loan, LoanApplication, LoanProduct, ScoreModel
from tests.lending.flow import apply, disbursed

pytestmark = pytest.mark.django_db


def page(client, url, language="en", status=200):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == status, (response.status_code, url)
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def refer_everything(now):
    """A policy under which every scored application goes to an analyst."""
    CreditPolicy.objects.create(version=2, approve_from=999, refer_from=0,
                                pricing=[[0, "0.120000", 20_000_000]],
                                checker_above_minor=5_000_000, created_by="test",
                                created_at=now)  # fmt: skip


@pytest.fixture
def referred(borrower, loan_product, champion, funded, now, business_date_set):
    refer_everything(now)
    user = borrower(balance=1_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=3_000_000)
    assert application.state == t.APP_REFERRED, application.state
    return application


PRODUCT_FORM = {
    "code": "PAGE-LOAN", "name_zh": "页面贷", "name_en": "Page loan", "min_amount": "1000.00",
    "max_amount": "50000.00", "term_unit": "month", "min_term": "3", "max_term": "24",
    "method": "equal_instalment", "day_count": "act365", "min_rate": "6", "max_rate": "15.5",
    "penalty_rate": "18", "upfront_fee_rate": "0", "instalment_fee_rate": "0.1",
    "grace_days": "3", "prepayment_allowed": "on", "prepayment_fee_rate": "0",
    "allocation_1": "penalty", "allocation_2": "fees", "allocation_3": "interest",
    "allocation_4": "principal", "min_age": "20", "max_age": "55", "min_score": "0",
    "max_debt_to_income": "50", "description_zh": "", "description_en": "For the pages.",
}  # fmt: skip


class TestLoanProducts:
    def test_a_product_manager_drafts_a_product_in_yuan_and_percent_and_sees_its_worst_apr(
        self, role_client
    ):
        client = role_client("product_manager")
        response = client.post(reverse("lending:console_product_new"), PRODUCT_FORM)
        product = LoanProduct.objects.get(code="PAGE-LOAN")
        assert response.status_code == 302
        assert product.min_amount_minor == 100_000 and product.max_amount_minor == 5_000_000
        assert (
            str(product.max_rate) == "0.155000" and str(product.instalment_fee_rate) == "0.001000"
        )
        assert str(product.max_debt_to_income) == "0.50"
        main = page(client, reverse("lending:console_product", args=[product.id]))
        assert "Page loan" in main and "15.50%" in main and "cap 24.00%" in main
        assert 'data-testid="worst-apr"' in main and "CNY" in main

    def test_the_form_shows_the_worst_apr_beside_the_cap_as_the_terms_are_typed(self, role_client):
        client = role_client("product_manager")
        url = reverse("lending:console_product_apr")
        within = client.post(url, PRODUCT_FORM).content.decode()
        assert "cap 24.00%" in within and "Above the cap" not in within
        assert re.search(r'<strong class="num">1[5-9]\.\d\d%</strong>', within)
        above = client.post(url, {**PRODUCT_FORM, "max_rate": "23", "upfront_fee_rate": "5"})
        assert "Above the cap" in above.content.decode()
        partial = client.post(url, {**PRODUCT_FORM, "max_rate": ""}).content.decode()
        assert "Fill in the amounts" in partial
        assert role_client("auditor").post(url, PRODUCT_FORM).status_code == 403

    def test_a_draft_is_edited_then_submitted_and_waits_for_compliance(self, role_client):
        client = role_client("product_manager")
        client.post(reverse("lending:console_product_new"), PRODUCT_FORM)
        product = LoanProduct.objects.get(code="PAGE-LOAN")
        edit = reverse("lending:console_product_edit", args=[product.id])
        assert 'value="15.5"' in page(client, edit)
        response = client.post(edit, {**PRODUCT_FORM, "max_rate": "12"})
        assert response.status_code == 302
        response = client.post(reverse("lending:console_product_submit", args=[product.id]),
                               {"reason": "Ready for sale"})  # fmt: skip
        product.refresh_from_db()
        assert response.status_code == 302 and product.state == t.PRODUCT_SUBMITTED
        assert str(product.max_rate) == "0.120000" and product.approval_request_id
        main = page(client, reverse("lending:console_product", args=[product.id]))
        assert "Open the approval request" in main
        approvals = page(role_client("compliance_officer"), reverse("compliance:approvals"))
        assert "Admit a loan product" in approvals and "PAGE-LOAN" in approvals

    def test_a_product_above_the_cap_is_refused_on_submission_with_the_reason_on_its_page(
        self, role_client
    ):
        client = role_client("product_manager")
        client.post(reverse("lending:console_product_new"),
                    {**PRODUCT_FORM, "max_rate": "23", "upfront_fee_rate": "5"})  # fmt: skip
        product = LoanProduct.objects.get(code="PAGE-LOAN")
        response = client.post(reverse("lending:console_product_submit", args=[product.id]),
                               {"reason": "Try"})  # fmt: skip
        assert response.status_code == 400 and 'data-testid="refused"' in response.content.decode()
        assert LoanProduct.objects.get(id=product.id).state == t.PRODUCT_DRAFT

    def test_a_wrong_field_is_named_on_the_form(self, role_client):
        client = role_client("product_manager")
        response = client.post(reverse("lending:console_product_new"),
                               {**PRODUCT_FORM, "code": "bad code!"})  # fmt: skip
        assert response.status_code == 400
        assert "Letters, digits, hyphens and underscores" in response.content.decode()

    def test_a_product_on_sale_is_suspended_and_resumed(self, role_client, loan_product):
        product = loan_product()
        client = role_client("product_manager")
        move = "lending:console_product_move"
        assert client.post(reverse(move, args=[product.id, "suspend"])).status_code == 302
        assert LoanProduct.objects.get(id=product.id).state == t.PRODUCT_SUSPENDED
        assert client.post(reverse(move, args=[product.id, "resume"])).status_code == 302
        assert LoanProduct.objects.get(id=product.id).state == t.PRODUCT_ON_SALE
        main = page(client, reverse("lending:console_products"))
        assert product.code in main and "Hujin consumer loan" in main

    def test_an_auditor_sees_the_products_but_may_not_create_or_move_one(
        self, role_client, loan_product
    ):
        product = loan_product()
        client = role_client("auditor")
        main = page(client, reverse("lending:console_products"))
        assert "New loan product" not in main
        assert client.get(reverse("lending:console_product_new")).status_code == 403
        response = client.post(reverse("lending:console_product_move",
                                       args=[product.id, "close"]))  # fmt: skip
        assert response.status_code == 403
        assert LoanProduct.objects.get(id=product.id).state == t.PRODUCT_ON_SALE


class TestApplications:
    def test_the_queue_puts_the_referred_first_with_the_waiting_count_and_a_masked_name(
        self, role_client, referred
    ):
        main = page(role_client("risk_analyst"), reverse("lending:console_applications"))
        assert re.search(r'data-testid="waiting-count">1<', main)
        referred_table = main[main.index('data-testid="referred"') :]
        assert str(referred.id) in referred_table and "张三" not in main and "张*" in main

    def test_an_application_shows_the_points_as_bars_the_reasons_and_the_features_in_words(
        self, role_client, referred
    ):
        main = page(role_client("risk_analyst"),
                    reverse("lending:console_application", args=[referred.id]))  # fmt: skip
        assert f"<strong>{referred.score}</strong>" in main
        bars = main[main.index('data-testid="score-points"') :]
        assert bars.count("<svg") == len(referred.points)
        assert "Credit line utilisation" in main and "Declared monthly income" in main
        assert "bureau_utilisation</" not in main  # codes only in the technical details
        assert referred.bureau_reference in main
        assert 'data-testid="review-form"' in main

    def test_an_analyst_approves_within_the_range_with_a_note_and_the_customer_has_an_offer(
        self, role_client, referred
    ):
        client = role_client("risk_analyst")
        url = reverse("lending:console_application_decide", args=[referred.id])
        response = client.post(url, {"decision": "approve", "amount": "20000.00", "rate": "9.6",
                                     "note": "Steady income, thin file."})  # fmt: skip
        application = LoanApplication.objects.get(id=referred.id)
        assert response.status_code == 302, response.content.decode()[:2000]
        assert application.state == t.APP_APPROVED
        assert application.offer_amount_minor == 2_000_000
        assert str(application.offer_rate) == "0.096000"
        assert application.decided_by == str(client.user.pk)
        main = page(client, reverse("lending:console_application", args=[referred.id]))
        assert "Steady income, thin file." in main and "9.60%" in main

    def test_a_rate_outside_the_product_is_refused_on_the_form(self, role_client, referred):
        client = role_client("risk_analyst")
        url = reverse("lending:console_application_decide", args=[referred.id])
        response = client.post(url, {"decision": "approve", "amount": "20000.00", "rate": "30",
                                     "note": "Too dear"})  # fmt: skip
        assert response.status_code == 400
        assert LoanApplication.objects.get(id=referred.id).state == t.APP_REFERRED

    def test_above_the_policys_amount_the_approval_waits_for_a_second_analyst(
        self, role_client, referred
    ):
        client = role_client("risk_analyst")
        url = reverse("lending:console_application_decide", args=[referred.id])
        response = client.post(url, {"decision": "approve", "amount": "80000.00", "rate": "9.6",
                                     "note": "Large but sound."})  # fmt: skip
        assert response.status_code == 302
        application = LoanApplication.objects.get(id=referred.id)
        assert application.state == t.APP_REFERRED and application.approval_request_id
        main = page(client, reverse("lending:console_application", args=[referred.id]))
        assert 'data-testid="second-check"' in main and 'data-testid="review-form"' not in main
        queue = page(client, reverse("lending:console_applications"))
        assert re.search(r'data-testid="waiting-count">0<', queue)

    def test_a_decline_needs_a_note(self, role_client, referred):
        client = role_client("risk_analyst")
        url = reverse("lending:console_application_decide", args=[referred.id])
        assert client.post(url, {"decision": "decline", "note": ""}).status_code == 400
        assert client.post(url, {"decision": "decline", "note": "No."}).status_code == 302
        assert LoanApplication.objects.get(id=referred.id).state == t.APP_DECLINED

    def test_only_an_analyst_decides(self, role_client, referred):
        client = role_client("customer_service")
        main = page(client, reverse("lending:console_application", args=[referred.id]))
        assert 'data-testid="review-form"' not in main
        url = reverse("lending:console_application_decide", args=[referred.id])
        assert client.post(url, {"decision": "decline", "note": "x"}).status_code == 403


@pytest.fixture
def loan(borrower, loan_product, champion, funded, now, business_date_set):
    user = borrower(balance=2_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=1_500_000)
    assert application.state == t.APP_APPROVED
    return disbursed(user, application, now, business_date_set)


class TestLoans:
    def test_the_loan_page_shows_the_schedule_with_totals_the_postings_and_the_events(
        self, role_client, loan
    ):
        main = page(role_client("auditor"), reverse("lending:console_loan", args=[loan.id]))
        schedule = main[main.index('data-testid="schedule"') :]
        schedule = schedule[: schedule.index("</table>")]
        assert schedule.count("<tr>") == loan.term + 2  # the head, the lines, the totals
        assert "15,000.00" in schedule
        postings = main[main.index('data-testid="loan-postings"') :]
        assert "Loan disbursement" in postings and "Principal receivable" in postings
        assert "lending.disbursement" not in main
        assert "Disbursement" in main[main.index('data-testid="loan-events"') :]
        assert 'data-testid="contract"' in main

    def test_the_collectors_notes_and_promises_show_on_the_loan_page(self, role_client, loan, now):
        from hujin.core.actors import Actor
        from hujin.lending.permissions import MANAGE_COLLECTIONS
        from hujin.lending.services.servicing import collection_note_add

        collector = Actor(kind="staff", id="507", label="Collector Wang",
                          scopes=frozenset({MANAGE_COLLECTIONS}))  # fmt: skip
        collection_note_add(actor=collector, loan_id=loan.id, channel="phone",
                            note="Will pay on Friday.", now=now,
                            promise_date=now.date() + timedelta(days=3),
                            promise_amount_minor=150_000)  # fmt: skip
        main = page(role_client("customer_service"),
                    reverse("lending:console_loan", args=[loan.id]))  # fmt: skip
        notes = main[main.index('data-testid="collection-notes"') :]
        assert "Will pay on Friday." in notes and "Phone call" in notes
        assert "Collector Wang" in notes and "1,500.00 CNY" in notes

    def test_the_list_filters_by_bucket_and_classification(self, role_client, loan):
        client = role_client("auditor")
        assert loan.number in page(client, reverse("lending:console_loans"))
        assert loan.number not in page(client, reverse("lending:console_loans") + "?bucket=M2")
        Loan.objects.filter(id=loan.id).update(bucket="M2", dpd=45, classification="substandard")
        main = page(
            client, reverse("lending:console_loans") + "?bucket=M2&classification=substandard"
        )
        assert loan.number in main and "Substandard" in main

    def test_collections_lists_the_overdue_with_what_is_overdue(
        self, role_client, loan, business_date_set
    ):
        client = role_client("customer_service")
        assert loan.number not in page(client, reverse("lending:console_collections"))
        Loan.objects.filter(id=loan.id).update(dpd=10, bucket="M1")
        first = loan.instalments.order_by("number").first()
        first.due_date = business_date_set - timedelta(days=10)
        first.save(update_fields=["due_date"])
        main = page(client, reverse("lending:console_collections"))
        owed = first.principal_minor + first.interest_minor + first.fee_minor
        assert loan.number in main and f"{owed / 100:,.2f}" in main
        assert 'data-testid="collections-work"' in main

    def test_the_portfolio_counts_substandard_and_worse_as_non_performing(self, role_client, loan):
        client = role_client("auditor")
        main = page(client, reverse("lending:console_portfolio"))
        assert re.search(r'data-testid="npl-ratio"><strong>0.00%', main)
        Loan.objects.filter(id=loan.id).update(classification="doubtful", dpd=100, bucket="M4")
        main = page(client, reverse("lending:console_portfolio"))
        assert re.search(r'data-testid="npl-ratio"><strong>100.00%', main)
        assert 'data-testid="vintage-chart"' in main and "<polyline" in main


class TestModels:
    def test_the_registry_shows_the_metrics_and_says_when_no_stability_was_measured(
        self, role_client, champion
    ):
        main = page(role_client("auditor"), reverse("lending:console_models"))
        assert f"{champion.metrics['auc']:.3f}" in main and "Champion" in main
        assert 'data-testid="psi-empty"' in main and "Make it the champion" not in main

    def test_an_analyst_promotes_a_challenger_and_retires_another(self, role_client, champion, now):
        from hujin.lending.services import model_register
        from tests.lending.conftest import MODELLER, trained_scorecard

        trained = trained_scorecard()
        second = model_register(actor=MODELLER, name="second", trained=trained,
                                data_summary=trained.summary, now=now)  # fmt: skip
        third = model_register(actor=MODELLER, name="third", trained=trained,
                               data_summary=trained.summary, now=now)  # fmt: skip
        client = role_client("risk_analyst")
        step = "lending:console_model_step"
        assert client.post(reverse(step, args=[second.id, "promote"])).status_code == 302
        assert client.post(reverse(step, args=[third.id, "retire"])).status_code == 302
        roles = dict(ScoreModel.objects.values_list("version", "role"))
        assert roles == {champion.version: t.MODEL_CHALLENGER, second.version: t.MODEL_CHAMPION,
                         third.version: t.MODEL_RETIRED}  # fmt: skip
        response = client.post(reverse(step, args=[second.id, "retire"]))
        assert response.status_code == 400
        main = page(client, reverse("lending:console_models"))
        assert 'data-testid="model-metrics-chart"' in main


class TestFunding:
    def test_operations_record_funds_arrived_and_the_available_grows(self, role_client, funded):
        client = role_client("operations")
        before = page(client, reverse("lending:console_funding"))
        assert "10,000,000.00" in before
        response = client.post(reverse("lending:console_funding_add"),
                               {"amount": "2500.50", "reference": "wire-77"})  # fmt: skip
        assert response.status_code == 302
        main = page(client, reverse("lending:console_funding"))
        assert "10,002,500.50" in main[main.index('data-testid="available"') :]

    def test_an_auditor_sees_the_funds_but_may_not_record_any(self, role_client, funded):
        client = role_client("auditor")
        assert 'data-testid="funding-form"' not in page(client, reverse("lending:console_funding"))
        response = client.post(reverse("lending:console_funding_add"),
                               {"amount": "1.00", "reference": "x"})  # fmt: skip
        assert response.status_code == 403


class TestMenuAndLanguages:
    def test_the_console_home_counts_the_referred_for_an_analyst_only(self, role_client, referred):
        home = role_client("risk_analyst").get("/").content.decode()
        assert "1 loan application to review" in home
        assert reverse("lending:console_applications") in home
        other = role_client("auditor").get("/").content.decode()
        assert "loan application to review" not in other

    @pytest.mark.parametrize("name", ["console_products", "console_applications",
                                      "console_loans", "console_collections", "console_models",
                                      "console_portfolio", "console_funding"])  # fmt: skip
    def test_every_page_opens_in_chinese_and_refuses_a_customer(
        self, role_client, name, referred, client
    ):
        page(role_client("administrator"), reverse(f"lending:{name}"), language="zh-hans")
        assert client.get(reverse(f"lending:{name}")).status_code in (302, 403)
