"""The demo keeps personal data out of the ledger: account names say what an account is for."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.customers.models import Customer
from hujin.demo.customers import CUSTOMERS
from hujin.ledger.models import Account, AccountDebitFreeze
from hujin.ledger.verify import ledger_verify

pytestmark = pytest.mark.django_db

LEGAL_NAMES = [spec.name for spec in CUSTOMERS if spec.name]


@pytest.fixture
def loaded(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    call_command("demo", "load", stdout=StringIO())


class TestDemoLedgerAccounts:
    def test_no_account_name_holds_a_demo_customers_legal_name(self, loaded):
        names = list(Account.objects.values_list("name", flat=True))

        assert names
        assert not [(n, legal) for n in names for legal in LEGAL_NAMES if legal in n]

    def test_wallets_are_named_for_their_purpose_and_linked_by_owner_ref(self, loaded):
        wallets = Account.objects.filter(code="2001.wallet")

        assert wallets.count() >= 5
        assert {w.name for w in wallets} <= {"Wallet", "Customer wallet"}
        assert all(w.owner_ref.startswith("customer:") for w in wallets)

    def test_only_the_customers_module_s_customers_own_accounts(self, loaded):
        customers = {f"customer:{i}" for i in Customer.objects.values_list("id", flat=True)}
        owned = set(Account.objects.exclude(owner_ref="").values_list("owner_ref", flat=True))

        assert owned and owned <= customers

    def test_a_frozen_demo_customer_s_wallet_is_frozen_for_the_customer_freeze(self, loaded):
        frozen = Customer.objects.get(status="frozen")

        wallet = Account.objects.get(id=frozen.wallet_account_id)

        assert wallet.debits_frozen
        assert list(
            AccountDebitFreeze.objects.filter(account=wallet).values_list("reason_code", flat=True)
        ) == ["customers.freeze"]
        assert ledger_verify().problems == []

    def test_the_accounts_audit_entries_and_events_hold_no_legal_name(self, loaded):
        entries = AuditEntry.objects.filter(target_type="ledger.account")
        events = OutboxEvent.objects.filter(aggregate_type="ledger.account")
        texts = [json.dumps(e.after, ensure_ascii=False) for e in entries]
        texts += [json.dumps(e.payload, ensure_ascii=False) for e in events]

        assert entries.exists() and events.exists()
        assert not [legal for text in texts for legal in LEGAL_NAMES if legal in text]
