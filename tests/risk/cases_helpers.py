"""Helpers of the cases' tests: staff members holding a role (as identity keeps them), their
Actors, a customer's alert raised as the screen keeps it, and a small file of each type.
Each test module names its ``analyst`` and ``customer_id`` fixtures with ``analyst_made`` and
``customer_made``."""

import uuid

from django.contrib.auth.models import Group
from django.db import connection

from hujin.core.actors import Actor
from hujin.identity.access import staff_actor
from hujin.identity.models import User
from hujin.risk.models import Alert
from hujin.risk.models_cases import CaseAttachment
from tests.risk.alerts_helpers import decision_made

PNG = b"\x89PNG\r\n\x1a\n" + bytes(24)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0" + bytes(16)
CSV = b"date,amount\n2025-03-14,4500.00\n"
NARRATIVE = "Four transfers just below the threshold within two hours, then a payout."


def staff_member(role: str, name: str = "") -> User:
    """An active staff login holding ``role`` (its username is ``name`` or made up)."""
    user = User.objects.create(username=name or f"{role}-{uuid.uuid4().hex[:6]}", kind="staff",
                               is_staff=True, first_name=name)  # fmt: skip
    user.groups.add(Group.objects.get(name=role))
    return user


def actor_of(user: User) -> Actor:
    return staff_actor(User.objects.get(pk=user.pk))  # a fresh row: its permissions unread


def alert_for(customer_id, now, *, code="BIG", minutes_ago=0, amount=450_000) -> Alert:
    """An open alert of ``code`` on a held transfer of ``customer_id``."""
    decision = decision_made(now=now, customer_id=customer_id, fired=(code,), alerts=(code,),
                             minutes_ago=minutes_ago, amount=amount)  # fmt: skip
    return decision.alerts.get()


def analyst_made() -> User:
    return staff_member("risk_analyst", "Li Analyst")


def customer_made(make_customer):
    return make_customer(name="张三").customer.id


def stored_content(attachment_id) -> str:
    """A case file's ``content`` column as the database holds it (no field decrypts it)."""
    with connection.cursor() as cursor:
        table, pk = CaseAttachment._meta.db_table, CaseAttachment._meta.pk
        cursor.execute(f"SELECT content FROM {table} WHERE id = %s",
                       [pk.get_db_prep_value(attachment_id, connection)])  # fmt: skip
        return cursor.fetchone()[0]
