"""The demo's chart of accounts and its history: what a small online wallet business looks like
after ten days of trading. Ids are derived from names, so loading twice changes nothing."""

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
    name: str
    owner_ref: str = ""
    debits_must_not_exceed_credits: bool = False
    credits_must_not_exceed_debits: bool = False


CHART = [
    DemoAccount("bank", "1001.bank.settlement", "asset", "ICBC settlement account (备付金)"),
    DemoAccount("clearing", "1002.channel.clearing", "asset", "Payment channel clearing (清算)"),
    DemoAccount("equity", "3001.capital", "equity", "Paid-in capital (实收资本)",
                credits_must_not_exceed_debits=False),
    DemoAccount("fees", "4001.fee.income", "income", "Transfer fee income (手续费收入)"),
    DemoAccount("channel_cost", "5001.channel.cost", "expense", "Payment channel cost (通道成本)"),
    DemoAccount("payable", "2201.withdrawals.payable", "liability",
                "Withdrawals in flight (在途提现)"),
]  # fmt: skip

# The trading wallets behind the demo's history, by key (the key makes the account's id, so
# loading twice changes nothing). They are no customer's accounts: a ``customer:`` owner is a
# customer of the customers module, whose accounts only its services open (so a customer freeze
# holds them too), and the demo's customers (``hujin.demo.customers``) get their wallets that
# way. These are owned under the demo's own namespace, ``demo:``. An account's name says what it
# is for and never who owns it: personal data stays in the customers module, where it is
# encrypted, masked and erasable.
WALLET_OWNER_NAMESPACE = "demo:"
WALLET_OWNERS = ("wang", "li", "zhang", "chen", "liu")

WALLETS = [
    DemoAccount(f"wallet_{key}", "2001.customer.wallet", "liability", "Wallet",
                owner_ref=f"{WALLET_OWNER_NAMESPACE}{key}", debits_must_not_exceed_credits=True)
    for key in WALLET_OWNERS
]  # fmt: skip
