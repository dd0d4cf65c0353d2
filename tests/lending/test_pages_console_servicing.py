"""The console's actions on a loan in difficulty, on the loan's page: a collector's note with a
promise to pay, kept or broken; a risk analyst's requests for a downgrade, a restructuring and
a write-off, waiting for a second person; each refusal beside its form with nothing changed;
and who may do what."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hujin.core.actors import Actor
from hujin.core.models import ApprovalRequest
from hujin.lending import types as t
from hujin.lending.models import CollectionNote, Loan
from hujin.lending.permissions import MANAGE_COLLECTIONS
from hujin.lending.services import (
    DOWNGRADE_ACTION,
    RESTRUCTURE_ACTION,
    WRITE_OFF_ACTION,
    collection_note_add,
    loan_repay,
)
from tests.lending.conftest import customer_actor
from tests.lending.flow import apply, disbursed
from tests.lending.test_pages_console import page

pytestmark = pytest.mark.django_db
D = timedelta(days=1)
COLLECTOR = Actor(kind="staff", id="701", label="Collector Li",
                  scopes=frozenset({MANAGE_COLLECTIONS}))  # fmt: skip


@pytest.fixture
def loan(borrower, loan_product, champion, funded, now, business_date_set):
    user = borrower(balance=2_000_000)
    application = apply(user, loan_product(), now, business_date_set, amount=1_500_000)
    assert application.state == t.APP_APPROVED
    loan = disbursed(user, application, now, business_date_set)
    loan.user = user
    return loan


def loan_url(loan, name="lending:console_loan"):
    return reverse(name, args=[loan.id])


def later(days: int) -> str:
    """A date ``days`` from today by the wall clock, as the form takes it (the views stamp what
    they do with the wall clock)."""
    return (timezone.now().date() + days * D).isoformat()


def requests_on(loan, action=None):
    found = ApprovalRequest.objects.filter(target_type="loan", target_id=str(loan.id))
    return list(found.filter(action=action) if action else found)


def refused(response, text: str) -> str:
    html = response.content.decode()
    assert response.status_code == 400, response.status_code
    assert text in html, text
    return html


class TestCollectionNote:
    def test_a_collector_adds_a_note_with_a_promise_in_yuan_and_sees_it_awaited(
        self, role_client, loan
    ):
        client = role_client("customer_service")
        response = client.post(loan_url(loan, "lending:console_loan_note"), {
            "channel": "phone", "note": "Lost his job; will pay Friday.",
            "promise_date": later(3), "promise_amount": "1500.50",
        })  # fmt: skip
        assert response.status_code == 302 and response.url.endswith("#notes")
        note = CollectionNote.objects.get(loan=loan)
        assert (note.channel, note.promise_amount_minor) == ("phone", 150_050)
        assert note.author_label == client.user.username
        main = page(client, loan_url(loan))
        notes = main[main.index('data-testid="collection-notes"') :]
        assert "Lost his job; will pay Friday." in notes and "Phone call" in notes
        assert "1,500.50 CNY" in notes and 'data-status="pending"' in notes and "Awaited" in notes

    def test_a_note_without_a_promise_is_saved_as_it_is(self, role_client, loan):
        client = role_client("operations")
        response = client.post(loan_url(loan, "lending:console_loan_note"),
                               {"channel": "letter", "note": "Reminder sent."})  # fmt: skip
        assert response.status_code == 302
        note = CollectionNote.objects.get(loan=loan)
        assert note.promise_date is None and note.promise_amount_minor is None

    @pytest.mark.parametrize(
        ("changes", "reason"),
        [
            ({"promise_amount": ""}, "A promise needs an amount as well as a date."),
            ({"promise_date": ""}, "A promise needs a date as well as an amount."),
            ({"promise_date": later(-2)}, "The promised date is already past."),
            ({"promise_amount": "0"}, "Ensure this value is greater than or equal to 0.01."),
            ({"note": "   "}, "This field is required."),
            ({"channel": "pigeon"}, "Select a valid choice."),
        ],
    )
    def test_a_bad_note_is_refused_beside_the_form_and_nothing_is_saved(
        self, role_client, loan, changes, reason
    ):
        data = {"channel": "phone", "note": "Will pay.", "promise_date": later(3),
                "promise_amount": "100", **changes}  # fmt: skip
        client = role_client("customer_service")
        html = refused(client.post(loan_url(loan, "lending:console_loan_note"), data), reason)
        assert 'data-testid="note-form"' in html
        assert not CollectionNote.objects.filter(loan=loan).exists()

    def test_a_promise_paid_by_its_date_is_kept_and_one_not_paid_is_broken(
        self, role_client, loan, now, business_date_set
    ):
        collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="visit",
                            note="Promised at the door.", now=now - 10 * D,
                            promise_date=business_date_set - 5 * D,
                            promise_amount_minor=50_000)  # fmt: skip
        collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="phone",
                            note="Will pay next week.", now=now,
                            promise_date=business_date_set + 5 * D,
                            promise_amount_minor=60_000)  # fmt: skip
        loan_repay(actor=customer_actor(loan.user), loan_id=loan.id, amount_minor=60_000,
                   idempotency_key="promise-1", now=now + timedelta(minutes=5),
                   business_date=business_date_set)  # fmt: skip
        notes = page(role_client("auditor"), loan_url(loan))
        notes = notes[notes.index('data-testid="collection-notes"') :]
        newest, oldest = notes.split('<li class="card">')[1:3]
        assert "Will pay next week." in newest and 'data-status="completed"' in newest
        assert "Kept" in newest
        assert "Promised at the door." in oldest and 'data-status="failed"' in oldest
        assert "Broken" in oldest

    def test_staff_without_the_collections_permission_see_no_form_and_are_refused(
        self, role_client, loan
    ):
        client = role_client("risk_analyst")
        assert 'data-testid="note-form"' not in page(client, loan_url(loan))
        response = client.post(loan_url(loan, "lending:console_loan_note"),
                               {"channel": "phone", "note": "x"})  # fmt: skip
        assert response.status_code == 403
        assert not CollectionNote.objects.filter(loan=loan).exists()

    def test_the_collections_queue_shows_the_latest_note_and_the_next_promise(
        self, role_client, loan, now, business_date_set
    ):
        Loan.objects.filter(id=loan.id).update(dpd=12, bucket="M1")
        collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="phone",
                            note="Pays on the 20th.", now=now,
                            promise_date=business_date_set + 6 * D,
                            promise_amount_minor=80_000)  # fmt: skip
        collection_note_add(actor=COLLECTOR, loan_id=loan.id, channel="sms",
                            note="Reminder texted.", now=now + D)  # fmt: skip
        main = page(role_client("customer_service"), reverse("lending:console_collections"))
        row = main[main.index(f'data-loan="{loan.number}"') :]
        row = row[: row.index("</tr>")]
        latest = row[row.index('data-testid="latest-note"') :]
        assert "Reminder texted." in latest and "Text message" in latest
        assert "Pays on the 20th." not in latest
        assert "800.00 CNY" in row[row.index('data-testid="next-promise"') :]


class TestMakerCheckerRequests:
    def test_an_analyst_asks_for_a_downgrade_to_a_worse_class_only(self, role_client, loan):
        client = role_client("risk_analyst")
        main = page(client, loan_url(loan))
        form = main[main.index('data-testid="downgrade-form"') :]
        form = form[: form.index("</form>")]
        assert 'value="special_mention"' in form and 'value="loss"' in form
        assert 'value="normal"' not in form
        response = client.post(loan_url(loan, "lending:console_loan_downgrade"),
                               {"downgrade-to_class": "substandard",
                                "downgrade-reason": "The customer lost his job."})  # fmt: skip
        assert response.status_code == 302 and response.url.endswith("#servicing")
        [request] = requests_on(loan, DOWNGRADE_ACTION)
        assert request.payload["to"] == "substandard" and request.status == "pending"
        loan.refresh_from_db()
        assert loan.classification == "normal"  # until another person approves
        pending = page(client, loan_url(loan))
        pending = pending[pending.index('data-testid="pending-requests"') :]
        assert "Downgrade a loan&#x27;s classification" in pending and "Substandard" in pending
        assert "The customer lost his job." in pending and "Open the approval request" in pending

    def test_a_class_no_worse_than_the_loans_is_refused_by_the_rule(self, role_client, loan):
        Loan.objects.filter(id=loan.id).update(classification="doubtful")
        client = role_client("risk_analyst")
        response = client.post(loan_url(loan, "lending:console_loan_downgrade"),
                               {"downgrade-to_class": "substandard",
                                "downgrade-reason": "x"})  # fmt: skip
        refused(response, "Only a class worse than the loan&#x27;s present one can be asked for.")
        assert requests_on(loan) == []

    def test_a_request_without_a_reason_is_refused(self, role_client, loan):
        client = role_client("risk_analyst")
        response = client.post(loan_url(loan, "lending:console_loan_restructure"),
                               {"restructure-new_term": "24",
                                "restructure-reason": ""})  # fmt: skip
        refused(response, "This field is required.")
        assert requests_on(loan) == []

    def test_an_analyst_asks_for_a_restructuring_over_a_new_term(self, role_client, loan):
        client = role_client("risk_analyst")
        main = page(client, loan_url(loan))
        assert 'name="restructure-new_term"' in main and f'value="{loan.term}"' in main
        response = client.post(loan_url(loan, "lending:console_loan_restructure"),
                               {"restructure-new_term": "24",
                                "restructure-reason": "Hardship: lower instalments."})  # fmt: skip
        assert response.status_code == 302
        [request] = requests_on(loan, RESTRUCTURE_ACTION)
        assert request.payload["new_term"] == 24
        assert Loan.objects.get(id=loan.id).schedule_version == 1
        assert "24 months" in page(client, loan_url(loan))

    @pytest.mark.parametrize("term", ["0", "121", "twelve"])
    def test_a_term_out_of_range_is_refused(self, role_client, loan, term):
        response = role_client("risk_analyst").post(
            loan_url(loan, "lending:console_loan_restructure"),
            {"restructure-new_term": term, "restructure-reason": "x"},
        )
        assert response.status_code == 400 and 'data-testid="restructure-form"' in (
            response.content.decode()
        )
        assert requests_on(loan) == []

    def test_the_same_request_twice_is_refused_while_the_first_waits(self, role_client, loan):
        client = role_client("risk_analyst")
        url = loan_url(loan, "lending:console_loan_restructure")
        assert client.post(url, {"restructure-new_term": "24",
                                 "restructure-reason": "x"}).status_code == 302  # fmt: skip
        response = client.post(url, {"restructure-new_term": "18", "restructure-reason": "y"})
        refused(response, "A request of this kind is already waiting for approval on this loan.")
        [request] = requests_on(loan)
        assert request.payload["new_term"] == 24

    def test_a_loan_no_longer_active_cannot_be_restructured(self, role_client, loan):
        Loan.objects.filter(id=loan.id).update(state=t.LOAN_SETTLED)
        client = role_client("risk_analyst")
        assert 'data-testid="restructure-form"' not in page(client, loan_url(loan))
        response = client.post(loan_url(loan, "lending:console_loan_restructure"),
                               {"restructure-new_term": "24",
                                "restructure-reason": "x"})  # fmt: skip
        refused(response, "Only an active loan repaid in monthly instalments can be restructured.")
        assert requests_on(loan) == []

    def test_a_write_off_is_refused_until_the_loan_is_classed_loss(self, role_client, loan):
        client = role_client("risk_analyst")
        main = page(client, loan_url(loan))
        assert 'data-testid="write-off-form"' not in main
        assert "once the loan is classed as loss" in main
        url = loan_url(loan, "lending:console_loan_write_off")
        refused(client.post(url, {"write_off-reason": "Gone."}),
                "Only an active loan classed as loss can be written off.")  # fmt: skip
        assert requests_on(loan) == []
        Loan.objects.filter(id=loan.id).update(classification="loss", dpd=400, bucket="M4")
        assert 'data-testid="write-off-form"' in page(client, loan_url(loan))
        assert client.post(url, {"write_off-reason": "No contact for a year."}).status_code == 302
        assert len(requests_on(loan, WRITE_OFF_ACTION)) == 1
        assert Loan.objects.get(id=loan.id).state == t.LOAN_ACTIVE

    @pytest.mark.parametrize("role", ["customer_service", "auditor"])
    def test_staff_without_the_loans_permission_see_no_form_and_are_refused(
        self, role_client, loan, role
    ):
        Loan.objects.filter(id=loan.id).update(classification="loss", dpd=400, bucket="M4")
        client = role_client(role)
        main = page(client, loan_url(loan))
        for form in ("downgrade-form", "restructure-form", "write-off-form"):
            assert f'data-testid="{form}"' not in main
        for name, data in (
            ("lending:console_loan_downgrade", {"downgrade-to_class": "loss",
                                                "downgrade-reason": "x"}),
            ("lending:console_loan_restructure", {"restructure-new_term": "24",
                                                  "restructure-reason": "x"}),
            ("lending:console_loan_write_off", {"write_off-reason": "x"}),
        ):  # fmt: skip
            assert client.post(loan_url(loan, name), data).status_code == 403
        assert requests_on(loan) == []

    def test_the_pages_open_in_chinese_with_the_forms_translated(self, role_client, loan):
        main = page(role_client("administrator"), loan_url(loan), language="zh-hans")
        assert "申请重组" in main and "添加联系记录" in main
        assert "Request a restructuring" not in main and "Add the note" not in main
