"""Identity's console pages in words: the staff list's two-step verification and inactive logins
as status badges, the development SMS outbox's purposes by name and times in Shanghai time."""

import re

import pytest

from hujin.identity.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_done(staff_client):
    session = staff_client.session
    session["mfa_verified"] = True
    session.save()
    return staff_client


def test_the_staff_list_shows_states_as_badges(mfa_done):
    User.objects.create(username="gone", kind=User.Kind.STAFF, is_staff=True, is_active=False)

    content = mfa_done.get("/auth/staff/").content.decode()

    assert 'data-status="inactive">inactive<' in content
    assert 'data-status="active">On<' in content  # the staff fixture has set up TOTP
    assert 'data-status="inactive">Not set up<' in content


def test_the_sms_outbox_names_each_purpose(client, mfa_done):
    client.post("/auth/signup/", {"mobile": "13600005679", "terms": "on"})

    content = mfa_done.get("/auth/dev/sms/").content.decode()

    row = re.search(r"<tr><td class=\"num\">([^<]+)</td>.*?</tr>", content, re.S)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", row.group(1))
    assert ">Sign-up<" in row.group(0) and ">signup<" not in row.group(0)
