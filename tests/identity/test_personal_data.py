"""Identity's part of a person's data: all of it in the export, none of it after anonymising."""

from datetime import timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.core.models import AuditEntry
from hujin.identity.models import SecurityEvent, User, UserSession
from hujin.identity.personal_data import user_anonymise, user_personal_data
from tests.conftest import CUSTOMER_MOBILE


@pytest.fixture
def with_history(db, now):
    customer_user = User.objects.create(username="c_person", kind=User.Kind.CUSTOMER,
                                        mobile=CUSTOMER_MOBILE)  # fmt: skip
    UserSession.objects.create(user=customer_user, session_key_hash="a" * 64, user_agent="Phone",
                               ip="10.1.2.3", created_at=now, last_seen_at=now)  # fmt: skip
    SecurityEvent.objects.create(user=customer_user, kind=SecurityEvent.Kind.NEW_DEVICE_OR_IP,
                                 ip="10.1.2.3", user_agent="Phone", occurred_at=now)  # fmt: skip
    return customer_user


def test_the_export_holds_the_mobile_the_sessions_and_the_security_events(with_history):
    data = user_personal_data(user_id=with_history.pk)

    assert data["mobile"] == CUSTOMER_MOBILE
    assert [s["device"] for s in data["sessions"]] == ["Phone"]
    assert [e["ip"] for e in data["security_events"]] == ["10.1.2.3"]


def test_anonymising_removes_what_identifies_the_person_and_closes_the_login(with_history, now):
    user_anonymise(actor=SYSTEM, user_id=with_history.pk, now=now + timedelta(minutes=1))

    user = User.objects.get(pk=with_history.pk)
    assert (user.mobile, user.mobile_index, user.email) == ("", "", "")
    assert user.username == f"deleted-{user.pk.hex}"
    assert not user.is_active and not user.has_usable_password()
    session = UserSession.objects.get(user=user)
    assert session.revoked_at is not None and (session.ip, session.user_agent) == (None, "")
    assert SecurityEvent.objects.get(user=user).ip is None
    assert AuditEntry.objects.filter(action="identity.user_anonymise").count() == 1


def test_anonymising_one_person_leaves_another_alone(with_history, staff_user, now):
    user_anonymise(actor=SYSTEM, user_id=with_history.pk, now=now)

    staff_user.refresh_from_db()
    assert staff_user.is_active and staff_user.username == "staff"
