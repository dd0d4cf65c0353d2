"""Privacy's fixtures: customers, a handler with privacy.handle_requests, published documents."""

import pytest
from django.test import Client

from hujin.privacy.migrations._seed_documents import document_id


def make_customer(username: str, **fields):
    from hujin.identity.models import User

    return User.objects.create(username=username, kind=User.Kind.CUSTOMER, **fields)


@pytest.fixture
def customer(db):
    return make_customer("customer-a", first_name="Wei", last_name="Zhang")


@pytest.fixture
def other_customer(db):
    return make_customer("customer-b")


@pytest.fixture
def customer_actor(customer):
    from hujin.identity.access import customer_actor as actor_for

    return actor_for(customer)


@pytest.fixture
def customer_client(customer) -> Client:
    client = Client()
    client.force_login(customer)
    return client


@pytest.fixture
def handler_user(db):
    """A staff member who holds privacy.handle_requests and nothing else."""
    from django.contrib.auth.models import Permission

    from hujin.identity.models import User

    user = User.objects.create(username="handler", kind=User.Kind.STAFF)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="privacy", codename="handle_requests")
    )
    return User.objects.get(pk=user.pk)  # fresh: no cached permissions


@pytest.fixture
def handler_actor(handler_user):
    from hujin.identity.access import staff_actor

    return staff_actor(handler_user)


@pytest.fixture
def privacy_policy_v1():
    return document_id("privacy_policy", 1)


@pytest.fixture
def service_agreement_v1():
    return document_id("service_agreement", 1)


@pytest.fixture(autouse=True)
def _documents_v1_without_migrations(request):
    """Under ``--nomigrations`` the data migrations do not run: seed the same way."""
    if not request.config.getoption("nomigrations", False):
        return
    uses_db = request.node.get_closest_marker("django_db") or "db" in request.fixturenames
    if not uses_db:
        return
    from django.apps import apps

    from hujin.privacy.migrations._seed_documents import seed
    from hujin.privacy.models import ConsentDocument
    from hujin.suitability.migrations._seed_v1 import seed as seed_questionnaire
    from hujin.suitability.models import Questionnaire

    request.getfixturevalue("db")
    if not ConsentDocument.objects.exists():
        seed(apps, None)
    if not Questionnaire.objects.exists():
        seed_questionnaire(apps, None)


def publish(kind: str, version: int, *, withdrawable: bool = True, now=None):
    """Publish another version of a document."""
    from datetime import UTC, datetime

    from hujin.privacy.models import ConsentDocument

    return ConsentDocument.objects.create(
        kind=kind,
        version=version,
        title_en=f"{kind} v{version}",
        title_zh=f"{kind} 第 {version} 版",
        body_en="Body.",
        body_zh="正文。",
        effective_from=now or datetime(2025, 3, 1, tzinfo=UTC),
        withdrawable=withdrawable,
        withdrawal_consequence_en="Consequence.",
        withdrawal_consequence_zh="后果。",
    )
