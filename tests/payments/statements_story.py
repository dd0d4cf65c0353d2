"""The story the statement tests read: 张三 tops up in February, then in March (``now``: 14 March
2025, 10:00 in Shanghai) tops up again, has a top-up fail, sends 王伟 ¥120.00, receives ¥30.00
from 王伟 and asks for a withdrawal the bank has not paid yet."""

from dataclasses import dataclass
from datetime import UTC, datetime

from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.services import topup_request, transfer_request, withdrawal_request
from tests.payments.conftest import actor_for
from tests.payments.test_pages_transfer import owned_wallet
from tests.payments.test_services_transfer import _fund

FEBRUARY = datetime(2025, 2, 20, 2, 0, tzinfo=UTC)


@dataclass
class Story:
    payer: object  # 张三
    payee: object  # 王伟
    payer_wallet: object
    payments: dict  # name -> PaymentView

    @property
    def actor(self):
        return actor_for(self.payer)


def story_told(make_customer, bound_card, sandbox, now) -> Story:
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    card = bound_card(user=payer, at=datetime(2025, 2, 1, tzinfo=UTC))
    payer_wallet = owned_wallet(payer, datetime(2025, 2, 1, tzinfo=UTC))
    payee_wallet = owned_wallet(payee, datetime(2025, 2, 1, tzinfo=UTC))
    _fund(payee_wallet, 100_00, FEBRUARY)
    actor = actor_for(payer)

    def topup(amount, key, at):
        return topup_request(actor=actor, card_id=card.id, amount_minor=amount,
                             idempotency_key=key, now=at)  # fmt: skip

    done = {"february_topup": topup(300_00, "feb-topup", FEBRUARY)}
    sandbox_callbacks_run(now=FEBRUARY)
    sandbox["fail_share"] = 1
    done["failed_topup"] = topup(10_00, "mar-failed", now)
    sandbox_callbacks_run(now=now)
    sandbox["fail_share"] = 0
    done["march_topup"] = topup(200_00, "mar-topup", now)
    sandbox_callbacks_run(now=now)
    done["sent"] = transfer_request(actor=actor, payee_mobile=payee.mobile, amount_minor=120_00,
                                    idempotency_key="mar-sent", now=now)  # fmt: skip
    done["received"] = transfer_request(
        actor=actor_for(payee), payee_mobile=payer.mobile, amount_minor=30_00,
        idempotency_key="mar-received", now=now,
    )  # fmt: skip
    done["withdrawal"] = withdrawal_request(actor=actor, card_id=card.id, amount_minor=50_00,
                                            idempotency_key="mar-withdraw", now=now)  # fmt: skip
    return Story(payer=payer, payee=payee, payer_wallet=payer_wallet, payments=done)
