"""The demo's chart of accounts: the house's own accounts of a small online wallet business.

The customers' wallets are not here: each demo customer's one wallet is the one the customers
module opens for them (``2001.wallet``, owned by ``customer:<id>``), and the history
(``hujin.demo.history``) runs on those. Ids are derived from names, so loading twice changes
nothing.
"""

import uuid
from dataclasses import dataclass

DEMO_NAMESPACE = uuid.UUID("0b6b3c1e-4f1a-4c55-9f0e-6d8a1e2b7c90")


def demo_id(name: str) -> uuid.UUID:
    return uuid.uuid5(DEMO_NAMESPACE, name)


@dataclass(frozen=True)
class DemoAccount:
    key: str
    code: str
    kind: str
    name: str  # English (中文): what the account is for, never whose it is


CHART = [
    DemoAccount("bank", "1001.bank.settlement", "asset", "ICBC settlement account (备付金)"),
    DemoAccount("clearing", "1002.channel.clearing", "asset", "Payment channel clearing (清算)"),
    DemoAccount("equity", "3001.capital", "equity", "Paid-in capital (实收资本)"),
    DemoAccount("fees", "4001.fee.income", "income", "Transfer fee income (手续费收入)"),
    DemoAccount("channel_cost", "5001.channel.cost", "expense", "Payment channel cost (通道成本)"),
    DemoAccount("payable", "2201.withdrawals.payable", "liability",
                "Withdrawals in flight (在途提现)"),
]  # fmt: skip
