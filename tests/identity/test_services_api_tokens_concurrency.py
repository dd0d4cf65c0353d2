"""One refresh token sent twice at once, to two app servers sharing PostgreSQL: exactly one of
the two gets a new pair; the other is the reuse it is, and the log-in ends.

The first refresh holds before it issues the new pair until the second is blocked on the token's
row (what the service does) or has got past it (a race, which the test must catch): waiting on
conditions, never on time."""

import threading

import pytest
from django.db import connections

from hujin.identity import api_tokens
from hujin.identity.errors import RefreshTokenReused
from hujin.identity.models_tokens import CustomerTokenFamily
from tests.core.workers import lock_waiters, wait_until
from tests.identity.conftest import CUSTOMER_MOBILE_NATIONAL


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_one_refresh_token_sent_twice_at_once_is_honoured_once(
    registered_customer, customer_password, now, monkeypatch
):
    issued = api_tokens.token_issue(
        mobile=CUSTOMER_MOBILE_NATIONAL, password=customer_password, totp_code="", ip=None,
        user_agent="HujinApp/1.0", now=now,
    )  # fmt: skip
    first_in, second_done = threading.Event(), threading.Event()
    pair = api_tokens._pair

    def gated_pair(family, at):
        if not first_in.is_set():
            first_in.set()
            wait_until(
                lambda: lock_waiters() >= 1 or second_done.is_set(),
                what="the second refresh waits on the token or got past it",
            )
        return pair(family, at)

    monkeypatch.setattr(api_tokens, "_pair", gated_pair)
    outcomes: list[object] = []

    def refresh(done: threading.Event | None = None):
        try:
            outcomes.append(
                api_tokens.token_refresh(
                    refresh_token=issued.refresh_token, ip=None, user_agent="", now=now
                )
            )
        except RefreshTokenReused as exc:
            outcomes.append(exc)
        finally:
            connections.close_all()
            if done is not None:
                done.set()

    threads = [
        threading.Thread(target=refresh),
        threading.Thread(target=refresh, args=(second_done,)),
    ]
    threads[0].start()
    wait_until(first_in.is_set, what="the first refresh is about to issue its pair")
    threads[1].start()
    for thread in threads:
        thread.join(timeout=60)

    kinds = sorted(type(o).__name__ for o in outcomes)
    assert kinds == ["IssuedTokens", "RefreshTokenReused"]
    assert CustomerTokenFamily.objects.get(pk=issued.family_id).revoked_reason == (
        "refresh_token_reused"
    )
