"""Helpers for the limits, fees and review tests: a funded wallet, a staff member who may
change the rules or review, and screens registered for one test."""

from contextlib import contextmanager

from hujin.core import screening
from hujin.core.actors import Actor
from hujin.payments.permissions import MANAGE_PAYMENT_RULES, REVIEW_PAYMENTS
from tests.payments.test_services_transfer import _fund

fund = _fund

OPERATIONS = Actor(
    kind="staff", id="ops-1", label="ops.li", scopes=frozenset({MANAGE_PAYMENT_RULES})
)
REVIEWER = Actor(kind="staff", id="risk-1", label="risk.wang", scopes=frozenset({REVIEW_PAYMENTS}))
CLERK = Actor(kind="staff", id="clerk-1", label="clerk.zhao", scopes=frozenset())


@contextmanager
def screen(outcome: str, *, code: str = "test.screen", message: str = "Held by a test"):
    """A screen answering ``outcome`` to every movement out, for the length of the block."""

    def answer(movement):
        if movement.direction != "out":
            return screening.Verdict(outcome=screening.ALLOW)
        return screening.Verdict(outcome=outcome, code=code, message=message)

    screening.movement_screen_register("test.screen", answer, order=50)
    try:
        yield
    finally:
        screening._screens.pop("test.screen", None)
