from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from hujin.core.crypto import blind_index
from hujin.identity.models import EMAIL_INDEX_PURPOSE, User, UserSession
from hujin.identity.phones import mobile_index_of
from hujin.identity.sessions import device_describe, session_is_live

pytestmark = pytest.mark.django_db


def raw_column(column: str, user: User) -> str:
    """What the database holds, read past the model field (which would decrypt it)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM identity_user WHERE username = %s", [user.username])
        return cursor.fetchone()[0]


class TestUserPersonalData:
    def test_the_email_is_encrypted_at_rest_and_indexed_in_lower_case(self, staff_user):
        stored = raw_column("email", staff_user)

        assert stored.startswith("v1:") and "example.com" not in stored
        assert staff_user.email_index == blind_index(
            "staff@example.com", purpose=EMAIL_INDEX_PURPOSE
        )
        assert User.objects.get(
            email_index=blind_index("staff@example.com", purpose=EMAIL_INDEX_PURPOSE)
        )

    def test_changing_the_mobile_with_update_fields_keeps_the_index_in_step(self, customer_user):
        customer_user.mobile = "+8613500001111"
        customer_user.save(update_fields=["mobile"])

        customer_user.refresh_from_db()
        assert customer_user.mobile_index == mobile_index_of("+8613500001111")

    def test_staff_without_a_mobile_have_an_empty_index_and_do_not_collide(
        self, staff_user, clerk_user
    ):
        assert staff_user.mobile_index == "" and clerk_user.mobile_index == ""

    def test_the_database_refuses_two_accounts_with_one_mobile(self, customer_user):
        customer_user.mobile = "+8613500001111"
        customer_user.save()

        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create(username="c_twin", kind=User.Kind.CUSTOMER, mobile="+8613500001111")


class TestSessionBookkeeping:
    def test_last_seen_moves_at_most_once_a_minute(self, customer_user, now):
        session = UserSession.objects.create(
            user=customer_user, session_key_hash="k" * 64, created_at=now, last_seen_at=now
        )

        assert session_is_live(
            session_id=session.id, user_id=customer_user.pk, now=now + timedelta(seconds=30)
        )
        session.refresh_from_db()
        assert session.last_seen_at == now
        session_is_live(
            session_id=session.id, user_id=customer_user.pk, now=now + timedelta(minutes=2)
        )
        session.refresh_from_db()
        assert session.last_seen_at == now + timedelta(minutes=2)

    def test_a_revoked_or_foreign_session_is_not_live(self, customer_user, staff_user, now):
        session = UserSession.objects.create(
            user=customer_user, session_key_hash="k" * 64, created_at=now, last_seen_at=now
        )

        assert not session_is_live(session_id=session.id, user_id=staff_user.pk, now=now)
        session.revoked_at = now
        session.save()
        assert not session_is_live(session_id=session.id, user_id=customer_user.pk, now=now)

    @pytest.mark.parametrize(
        ("agent", "described"),
        [
            (
                "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile Safari/537.36",
                "Chrome · Android",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) Version/17.5 Safari/605.1.15",
                "Safari · macOS",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0) Chrome/126.0 Safari/537.36 Edg/126.0",
                "Edge · Windows",
            ),
            ("", "—"),
        ],
    )
    def test_devices_are_named_from_the_user_agent(self, agent, described):
        assert device_describe(agent) == described
