"""Compliance's writes carry references, never personal data: a verified customer is frozen by
maker-checker (requested by an officer, approved in the console's inbox, which a checker opens
with the customer's details in front of them) and unfrozen the same way; neither the customer's
legal name, identity number nor mobile number is in the audit trail or the outbox.

The reasons typed here do hold personal data, as free text may: maker-checker reasons stay on the
approval request (erasable) and the trail records only that a reason was given. The maker's
reasons hold the customer's numbers and the checker's their name too; the maker's leave the name
out because the inbox page, which shows the maker's reason as typed, is checked here for the
customer's name (masked there).
"""

import pytest
from django.urls import reverse

from hujin.core.models import ApprovalRequest
from hujin.customers.models import Customer
from hujin.customers.permissions import ALL
from hujin.customers.services import kyc_submit
from hujin.customers.services.status import customer_freeze_request
from hujin.identity.models import User
from tests.customers.conftest import _staff_actor, actor_for, resident_id
from tests.trail_scan import personal_data_in_trail, trail_is_written

pytestmark = pytest.mark.django_db

NAME, NUMBER, MOBILE = "东方晓白", resident_id("310101", "19791111", "468"), "+8613933334444"


@pytest.fixture
def verifies_at_once(settings, monkeypatch):
    """The simulated identity provider, and no consent outstanding: verified with a wallet."""
    settings.HUJIN_IDENTITY_PROVIDER = "hujin.customers.providers.LocalSimulatedProvider"
    monkeypatch.setattr(
        "hujin.customers.services.wallet.consents_outstanding", lambda *, user_id: []
    )


def test_a_freeze_and_unfreeze_by_maker_checker_leave_no_personal_data_in_the_trail(
    now, verifies_at_once, staff_client
):
    officer = _staff_actor("officer", ALL)
    user = User.objects.create(username="c-2b7e41", kind=User.Kind.CUSTOMER, mobile=MOBILE)
    kyc_submit(
        user_id=user.pk, document_type="resident_id", document_number=NUMBER, legal_name=NAME,
        actor=actor_for(user), now=now,
    )  # fmt: skip
    customer = Customer.objects.get(user=user)

    for freeze in (True, False):
        maker_reason = f"Unusual card activity; ID {NUMBER}, called {MOBILE}"
        request = customer_freeze_request(
            customer_id=customer.id, freeze=freeze, reason=maker_reason, actor=officer, now=now,
        )  # fmt: skip
        url = reverse("compliance:approval_detail", args=[request.id])
        assert NAME not in staff_client.get(url).content.decode()  # the inbox shows it masked
        checker_reason = f"Checked with {NAME} on {MOBILE}, ID {NUMBER}"
        response = staff_client.post(url, {"decision": "approve", "reason": checker_reason})
        assert response.status_code == 302
        decided = ApprovalRequest.objects.get(id=request.id)
        assert decided.status == "approved"
        assert (decided.maker_reason, decided.checker_reason) == (maker_reason, checker_reason)

    customer.refresh_from_db()
    assert customer.status == "active"
    assert trail_is_written()
    assert personal_data_in_trail([NAME, NUMBER, MOBILE]) == []
