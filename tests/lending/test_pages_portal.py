"""The customer's lending pages, through the Django test client: the products with the
instalment calculator, applying (one application per key, a refused purpose refused with nothing
made, the credit check authorised on the form), the decision in plain words, signing with the
texted code and the money paid out at once (or shortly, when the lender's funds are short), the
loan with its schedule and the overdue warning, repaying and repaying early; for customers
only, and nobody else's loan.

The pages read the wall clock (an offer expires by it); the business date is the fixtures'."""

import re
from datetime import timedelta

import pytest
from django.test import Client

from hujin.core.money import display_amount
from hujin.lending import types as t
from hujin.lending.models import Loan, LoanApplication
from hujin.lending.selectors.portal import schedule_preview
from tests.lending.conftest import OPERATIONS
from tests.lending.flow import current, drain, texted_code, wallet_of
from tests.lending.portal_helpers import (
    approved_now,
    business_date_move,
    client_for,
    form_key,
    loan_now,
)
from tests.payments.money import wallet

pytestmark = pytest.mark.django_db


def text(html: str) -> str:
    """What the page says, without its tags."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", html))


@pytest.fixture
def ready(borrower, loan_product, champion, funded, business_date_set):
    """A clean borrower with ¥20,000 in the wallet, a product on sale, the champion model and
    the lender's funds: (user, product)."""
    return borrower(balance=2_000_000), loan_product()


def _application_form(client, product, **changes):
    page = client.get(f"/lending/apply/{product.id}/")
    assert page.status_code == 200
    data = {"amount": "15000", "term": "12", "purpose": "consumption", "income": "15000",
            "key": form_key(page.content.decode()), **changes}  # fmt: skip
    return {k: v for k, v in data.items() if v is not None}


class TestProducts:
    def test_show_the_rate_range_and_the_most_the_loan_can_cost(self, ready):
        user, product = ready
        page = client_for(user).get("/lending/products/").content.decode()
        assert product.name_en in page
        assert "from 6.00 % to 18.00 % a year" in page

    def test_the_calculator_previews_the_schedule_at_the_highest_rate(
        self, ready, business_date_set
    ):
        user, product = ready
        response = client_for(user).get(f"/lending/products/{product.id}/preview/",
                                        {"amount": "12,000", "term": "12"})  # fmt: skip
        html = response.content.decode()
        assert response.status_code == 200
        assert "At the highest rate, 18.00 % a year" in html
        preview = schedule_preview(product_id=product.id, amount_minor=1_200_000, term=12,
                                   repayment_day=None, start=business_date_set)  # fmt: skip
        first = display_amount(preview.first_instalment_minor, "CNY")
        assert f"First instalment{first}" in text(html)
        assert "All 12 instalments" in html

    def test_the_calculator_names_the_range_of_an_amount_outside_it(self, ready):
        user, product = ready
        html = client_for(user).get(f"/lending/products/{product.id}/preview/",
                                    {"amount": "10", "term": "12"}).content.decode()  # fmt: skip
        assert "Choose an amount from" in html and "preview-instalment" not in html


class TestApplying:
    def test_an_approved_application_shows_the_offer_and_the_contract(self, ready):
        user, product = ready
        client = client_for(user)
        response = client.post(f"/lending/apply/{product.id}/", _application_form(client, product))
        assert response.status_code == 302, response.content.decode()[:3000]
        page = client.get(response["Location"]).content.decode()
        assert 'data-outcome="approved"' in page
        assert "Amount¥15,000.00" in text(page) and "PBoC Announcement [2021] No. 3" in page
        assert 'data-testid="send-code"' in page

    def test_a_double_click_makes_one_application(self, ready):
        user, product = ready
        client = client_for(user)
        data = _application_form(client, product)
        first = client.post(f"/lending/apply/{product.id}/", data)
        second = client.post(f"/lending/apply/{product.id}/", data)
        assert first["Location"] == second["Location"]
        assert LoanApplication.objects.count() == 1

    def test_a_refused_purpose_is_refused_by_rule_and_nothing_is_made(self, ready):
        user, product = ready
        client = client_for(user)
        response = client.post(
            f"/lending/apply/{product.id}/",
            _application_form(client, product, purpose="securities"),
        )
        assert response.status_code == 400
        assert "cannot be used for investments" in response.content.decode()
        assert LoanApplication.objects.count() == 0

    def test_the_credit_check_is_authorised_on_the_form_when_not_given(
        self, borrower, loan_product, champion, funded
    ):
        user, product = borrower(consent=False, balance=100), loan_product()
        client = client_for(user)
        data = _application_form(client, product)
        page = client.get(f"/lending/apply/{product.id}/").content.decode()
        assert 'data-testid="credit-check"' in page

        refused = client.post(f"/lending/apply/{product.id}/", data)
        assert refused.status_code == 400
        assert "authorise the credit check" in refused.content.decode()

        accepted = client.post(f"/lending/apply/{product.id}/", {**data, "consent": "on"})
        assert accepted.status_code == 302
        assert LoanApplication.objects.get().consent_id is not None

    def test_a_decline_gives_the_reasons_in_plain_words_and_the_way_to_a_review(
        self, borrower, loan_product, champion
    ):
        user, product = borrower(age=70), loan_product()
        client = client_for(user)
        response = client.post(f"/lending/apply/{product.id}/", _application_form(client, product))
        page = client.get(response["Location"]).content.decode()
        assert 'data-outcome="declined"' in page
        assert "only for borrowers within its age range" in page
        assert "ask for a person to review" in page
        assert "age_out_of_range" not in page

    def test_a_referred_application_says_what_happens_next(self, borrower, loan_product):
        user, product = borrower(), loan_product()  # no champion model: every one is referred
        client = client_for(user)
        response = client.post(f"/lending/apply/{product.id}/", _application_form(client, product))
        page = client.get(response["Location"]).content.decode()
        assert 'data-outcome="referred"' in page and "within one working day" in page


class TestSigning:
    def test_the_texted_code_signs_and_the_money_is_in_the_wallet_at_once(
        self, ready, business_date_set
    ):
        user, product = ready
        application = approved_now(user, product, business_date_set)
        client = client_for(user)
        page = client.get(f"/lending/application/{application.id}/").content.decode()
        digest = page.split('name="contract_sha256" value="')[1][:64]

        client.post(f"/lending/application/{application.id}/code/", {"contract_sha256": digest})
        response = client.post(f"/lending/application/{application.id}/sign/",
                               {"contract_sha256": digest, "method": "sms",
                                "code": texted_code()})  # fmt: skip

        loan = Loan.objects.get()
        assert response["Location"] == f"/lending/loans/{loan.id}/"
        assert loan.state == t.LOAN_ACTIVE
        assert wallet(wallet_of(user))["balance"] == 2_000_000 + 1_500_000
        assert "the money is in your wallet" in client.get(response["Location"]).content.decode()

    def test_a_wrong_code_is_shown_in_place_and_signs_nothing(self, ready, business_date_set):
        user, product = ready
        application = approved_now(user, product, business_date_set)
        client = client_for(user)
        page = client.get(f"/lending/application/{application.id}/").content.decode()
        digest = page.split('name="contract_sha256" value="')[1][:64]
        response = client.post(f"/lending/application/{application.id}/sign/",
                               {"contract_sha256": digest, "code": "000000"})  # fmt: skip
        assert response.status_code == 400
        assert 'data-testid="code-error"' in response.content.decode()
        assert not Loan.objects.exists()

    def test_short_of_the_lenders_funds_the_loan_is_signed_and_paid_out_later(
        self, borrower, loan_product, champion, business_date_set, now
    ):
        from hujin.lending.services import funding_add

        funding_add(actor=OPERATIONS, amount_minor=100, reference="small", now=now,
                    business_date=business_date_set)  # fmt: skip
        user, product = borrower(), loan_product()
        application = approved_now(user, product, business_date_set)
        client = client_for(user)
        page = client.get(f"/lending/application/{application.id}/").content.decode()
        digest = page.split('name="contract_sha256" value="')[1][:64]
        client.post(f"/lending/application/{application.id}/code/", {"contract_sha256": digest})
        response = client.post(f"/lending/application/{application.id}/sign/",
                               {"contract_sha256": digest, "code": texted_code()})  # fmt: skip
        assert Loan.objects.get().state == t.LOAN_SIGNED
        page = client.get(response["Location"]).content.decode()
        assert "The money arrives in your wallet shortly" in page


class TestWithdrawing:
    def test_declining_an_offer_withdraws_it_and_says_so(self, ready, business_date_set):
        user, product = ready
        application = approved_now(user, product, business_date_set)
        client = client_for(user)

        response = client.post(f"/lending/application/{application.id}/cancel/", follow=True)

        assert "Your application is withdrawn." in text(response.content.decode())
        assert LoanApplication.objects.get(id=application.id).state == t.APP_CANCELLED

    def test_a_refusal_is_shown_and_changes_nothing(self, ready, business_date_set):
        user, product = ready
        application = approved_now(user, product, business_date_set)
        client = client_for(user)
        client.post(f"/lending/application/{application.id}/cancel/", follow=True)

        again = client.post(f"/lending/application/{application.id}/cancel/", follow=True)

        said = text(again.content.decode())
        assert "cannot do that in its current state" in said
        assert "Your application is withdrawn." not in said
        assert LoanApplication.objects.get(id=application.id).state == t.APP_CANCELLED

    def test_nobody_else_s_application_is_found(self, ready, borrower, business_date_set):
        user, product = ready
        application = approved_now(user, product, business_date_set)

        response = client_for(borrower()).post(f"/lending/application/{application.id}/cancel/")

        assert response.status_code == 404
        assert LoanApplication.objects.get(id=application.id).state == t.APP_APPROVED


class TestMyLoans:
    def test_the_loan_page_shows_the_whole_schedule_with_its_totals(self, ready, business_date_set):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        page = client_for(user).get(f"/lending/loans/{loan.id}/").content.decode()
        assert page.count('data-state="upcoming"') == 12
        assert "Total¥15,000.00" in text(page)
        assert "0 of 12 instalments paid" in page

    def test_an_overdue_loan_warns_with_the_days_the_amount_and_the_penalty(
        self, ready, business_date_set
    ):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        first = current(loan)[0]
        business_date_move(first.due_date + timedelta(days=5))
        Loan.objects.filter(id=loan.id).update(dpd=5)  # what the close of business would say

        page = client_for(user).get("/lending/").content.decode()

        assert 'data-testid="overdue-warning"' in page
        assert "is 5 days overdue" in page
        assert "Penalty interest of 18.00 % a year" in page

    def test_nobody_elses_loan_is_found(self, ready, borrower, business_date_set):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        stranger = client_for(borrower(bureau_file="thin"))
        assert stranger.get(f"/lending/loans/{loan.id}/").status_code == 404
        assert stranger.get(f"/lending/loans/{loan.id}/repay/").status_code == 404

    def test_staff_are_turned_away_and_visitors_sent_to_sign_in(self, staff_client):
        assert staff_client.get("/lending/").status_code == 403
        assert "/auth/" in Client().get("/lending/")["Location"]


class TestRepaying:
    def test_repays_the_next_instalment_by_default(self, ready, business_date_set):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        client = client_for(user)
        page = client.get(f"/lending/loans/{loan.id}/repay/").content.decode()
        first = current(loan)[0]
        due = first.principal_minor + first.interest_minor
        assert f'value="{due // 100}.{due % 100:02d}"' in page

        response = client.post(f"/lending/loans/{loan.id}/repay/",
                               {"amount": f"{due / 100:.2f}", "key": form_key(page)})  # fmt: skip

        assert response.status_code == 302
        assert current(loan)[0].paid_on == business_date_set

    def test_short_of_money_says_so_in_place_with_a_way_to_top_up(self, ready, business_date_set):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        drain(user, leave=100, now=loan.disbursed_at, business_date=business_date_set)
        response = client_for(user).post(f"/lending/loans/{loan.id}/repay/",
                                         {"amount": "500", "key": "k1"})  # fmt: skip
        html = response.content.decode()
        assert response.status_code == 400
        assert "does not hold enough" in html and "/payments/top-up/" in html

    def test_in_full_early_quotes_then_settles_the_loan(self, ready, business_date_set):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        client = client_for(user)
        page = client.get(f"/lending/loans/{loan.id}/prepay/").content.decode()
        assert 'data-testid="prepay-total"' in page and "¥15,000.00" in page

        client.post(f"/lending/loans/{loan.id}/prepay/",
                    {"kind": "full", "confirmed": "yes", "key": form_key(page)})  # fmt: skip

        loan.refresh_from_db()
        assert loan.state == t.LOAN_SETTLED

    def test_in_part_previews_the_shorter_schedule(self, ready, business_date_set):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        html = client_for(user).get(f"/lending/loans/{loan.id}/prepay/quote/",
                                    {"kind": "part", "principal": "5000",
                                     "choice": "shorten_term"}).content.decode()  # fmt: skip
        assert 'data-testid="new-schedule"' in html
        assert 1 < html.count("<tr>") - 1 < 12


class TestInChinese:
    def test_the_loan_page_speaks_chinese(self, ready, business_date_set):
        user, product = ready
        loan = loan_now(user, product, business_date_set)
        page = client_for(user, "zh-hans").get(f"/lending/loans/{loan.id}/").content.decode()
        assert "还款计划" in page and "Repayment schedule" not in page


class TestTheWords:
    def test_every_purpose_characteristic_and_hard_rule_has_words_for_the_customer(self):
        from hujin.lending import decision
        from hujin.lending.scorecard.generate import FEATURES
        from hujin.lending.views_portal_words import PURPOSE_LABELS, REASON_SENTENCES

        assert set(PURPOSE_LABELS) == set(t.PURPOSES)
        codes = {*FEATURES, *decision.RULES, decision.BELOW_MIN_SCORE}
        assert codes - set(REASON_SENTENCES) == set()

    def test_a_decline_names_the_failed_rules_first_and_at_most_three_reasons(self):
        from hujin.lending.views_portal_words import reasons_in_words

        said = reasons_in_words(hard_rules=["debt_to_income"],
                                reasons=["age", "past_loans", "bureau_utilisation"])  # fmt: skip
        assert len(said) == 3 and "too large a part of your income" in said[0]


class TestSigningTwice:
    def test_a_second_click_on_sign_leads_to_the_loan_signed_by_the_first(
        self, ready, business_date_set
    ):
        user, product = ready
        application = approved_now(user, product, business_date_set)
        client = client_for(user)
        page = client.get(f"/lending/application/{application.id}/").content.decode()
        digest = page.split('name="contract_sha256" value="')[1][:64]
        client.post(f"/lending/application/{application.id}/code/", {"contract_sha256": digest})
        data = {"contract_sha256": digest, "code": texted_code()}
        first = client.post(f"/lending/application/{application.id}/sign/", data)
        second = client.post(f"/lending/application/{application.id}/sign/", data)
        assert first["Location"] == second["Location"] == f"/lending/loans/{Loan.objects.get().id}/"
