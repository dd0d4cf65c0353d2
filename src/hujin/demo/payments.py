"""The demo customers' bank cards: each customer with a wallet binds a debit card in their own
name, through payments' services and the sandbox bank, the day after they joined.

``demo_cards_step`` is a step of ``hujin.demo.loader.STEPS`` (before the freeze: the frozen
customer bound hers while she could). Idempotent: a customer who has an active card is left as
they are. The sandbox bank's codes are random; the demo has it use one fixed code while it binds.
"""

from datetime import timedelta

from django.test.utils import override_settings

from hujin.core.actors import system_actor
from hujin.demo.customers import CUSTOMERS, WALLET_STATES
from hujin.demo.loader import DemoContext
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.payments.selectors import my_cards
from hujin.payments.services import card_bind_begin, card_bind_confirm

SYSTEM = system_actor("demo")
SANDBOX_CODE = "246810"
# A card per customer with a wallet, by mobile: a real bank's BIN, made-up digits (the check
# digit is computed, as a real card's is).
CARD_BODIES = {
    "+8613800138001": "622202100112345678",  # ICBC
    "+8613800138002": "62258810023456789",  # China Merchants Bank
    "+8613800138005": "62170010034567890",  # China Construction Bank
    "+8613800138008": "62284810045678901",  # Agricultural Bank of China
    "+8613800138009": "62166110056789012",  # Bank of China
}


def luhn_completed(body: str) -> str:
    """``body`` with the Luhn check digit appended."""
    total = 0
    for position, char in enumerate(reversed(body)):
        digit = int(char)
        if position % 2 == 0:  # doubled: every second digit from the right, check digit unborn
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return body + str((10 - total % 10) % 10)


def demo_cards_step(ctx: DemoContext) -> None:
    bound = 0
    with override_settings(HUJIN_PAYMENTS_SANDBOX={"code": SANDBOX_CODE}):
        for spec in CUSTOMERS:
            body = CARD_BODIES.get(spec.mobile)
            if spec.state not in WALLET_STATES or body is None:
                continue
            user_id = user_id_for_mobile(mobile=spec.mobile)
            actor = customer_actor_get(actor=SYSTEM, user_id=user_id)
            if my_cards(actor=actor).cards:
                continue
            when = ctx.now - timedelta(days=spec.joined_days_ago - 1)
            started = card_bind_begin(
                number=luhn_completed(body), holder_name=spec.name,
                reserved_mobile=spec.mobile, actor=actor, now=when,
            )  # fmt: skip
            card_bind_confirm(
                card_id=started.card.id, code=SANDBOX_CODE, actor=actor,
                now=when + timedelta(minutes=1),
            )  # fmt: skip
            bound += 1
    ctx.report.notes.append(f"  Bank cards: {bound} bound this run (the sandbox bank).")
