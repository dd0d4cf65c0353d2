"""Suitability's fixtures: customers and their answers to the default questionnaire (v1)."""

import pytest
from django.test import Client

from hujin.suitability.migrations._seed_v1 import QUESTIONS, option_id


def make_customer(username: str):
    from hujin.identity.models import User

    return User.objects.create(username=username, kind=User.Kind.CUSTOMER)


@pytest.fixture
def customer(db):
    return make_customer("customer-a")


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


def answers(**choices: int) -> dict[str, str]:
    """Answers to questionnaire v1: option number (from 1) per question code; unnamed questions
    get their first option. ``answers(age=2, loss_tolerance=5)``."""
    return {code: str(option_id(code, choices.get(code, 1))) for code, *_ in QUESTIONS}


def answers_scoring_max() -> dict[str, str]:
    """The highest-scoring option of every question (100 points)."""
    best = {}
    for code, _en, _zh, options in QUESTIONS:
        scores = [score for _o_en, _o_zh, score, _cap in options]
        best[code] = scores.index(max(scores)) + 1
    return answers(**best)


@pytest.fixture(autouse=True)
def _questionnaire_v1_without_migrations(request):
    """Under ``--nomigrations`` the data migration that ships questionnaire v1 does not run:
    seed it the same way. A normal run uses the migration itself."""
    if not request.config.getoption("nomigrations", False):
        return
    uses_db = request.node.get_closest_marker("django_db") or "db" in request.fixturenames
    if not uses_db:
        return
    from django.apps import apps

    from hujin.suitability.migrations._seed_v1 import seed
    from hujin.suitability.models import Questionnaire

    request.getfixturevalue("db")
    if not Questionnaire.objects.exists():
        seed(apps, None)
