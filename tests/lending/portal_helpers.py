"""Helpers of the customer's lending page and API tests: a client in a language, an approved
application made at the wall clock (the pages read it: an offer made at the fixtures' instant
would have expired), a loan paid out, and the business date moved on."""

import re

from django.test import Client
from django.utils import timezone

from hujin.lending import types as t
from tests.lending.flow import apply, disbursed


def client_for(user, language: str = "en") -> Client:
    client = Client(headers={"accept-language": language})
    client.force_login(user)
    return client


def form_key(html: str) -> str:
    return re.search(r'name="key" value="([0-9a-f]+)"', html).group(1)


def approved_now(user, product, business_date, *, amount=1_500_000, key="a1"):
    application = apply(user, product, timezone.now(), business_date, amount=amount, key=key)
    assert application.state == t.APP_APPROVED, (application.score, application.hard_rules)
    return application


def loan_now(user, product, business_date, *, amount=1_500_000):
    return disbursed(user, approved_now(user, product, business_date, amount=amount),
                     timezone.now(), business_date)  # fmt: skip


def business_date_move(to_date) -> None:
    """The business date as the close of business would leave it on ``to_date``."""
    from hujin.core.actors import system_actor
    from hujin.core.dates import business_date_set

    business_date_set(to_date=to_date, actor=system_actor("cob"), now=timezone.now())
