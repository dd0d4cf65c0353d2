"""The demo is one story: the customers who log in own the wallets the history ran on, the frozen
one was frozen after her history, and an unfreeze waits in the approvals inbox."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from hujin.core.actors import Actor, system_actor
from hujin.core.approvals import approvals_pending
from hujin.customers.models import Customer, KycApplication
from hujin.customers.selectors import accounts_of, customer_id_for_user
from hujin.demo.chart import CHART
from hujin.demo.customers import CUSTOMERS, UNFREEZE_REASON, WALLET_STATES
from hujin.demo.loader import demo_load
from hujin.identity.roles import role_permissions
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.ledger.models import Account, Transfer
from hujin.ledger.selectors import account_history

pytestmark = pytest.mark.django_db

WITH_WALLETS = [spec for spec in CUSTOMERS if spec.state in WALLET_STATES]
LABELLED_CODES = {"topup", "p2p", "fee.transfer", "withdrawal", "settlement", "channel.cost",
                  "capital.injection"}  # fmt: skip
# The demo's payments (hujin.demo.payments_history), wealth orders (hujin.demo.wealth) and loans
# (hujin.demo.lending) post through their modules' own house accounts and transfer codes; the
# history is everything else.
HISTORY_TRANSFERS = (
    Transfer.objects.exclude(code__startswith="payments.")
    .exclude(code__startswith="wealth.")
    .exclude(code__startswith="lending.")
)
CHART_ACCOUNTS = (
    Account.objects.filter(owner_ref="")
    .exclude(code__contains=".payments.")
    .exclude(code__contains=".wealth.")
    .exclude(code__contains=".lending.")
)


@pytest.fixture
def loaded(now, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return demo_load(now=now)


def _as_customer(spec):
    """The customer's own Actor and customer id, as the portal has them after sign-in."""
    user_id = user_id_for_mobile(mobile=spec.mobile)
    return customer_actor_get(actor=system_actor("test"), user_id=user_id), customer_id_for_user(
        user_id=user_id
    )


def _compliance_officer() -> Actor:
    return Actor(kind="staff", id="checker", label="checker",
                 scopes=role_permissions("compliance_officer"))  # fmt: skip


def _has_both_languages(text: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in text) and any(
        "\u4e00" <= c <= "\u9fff" for c in text
    )


class TestTheCustomersOwnTheHistory:
    def test_each_customer_with_a_wallet_sees_money_and_history_in_it(self, loaded):
        assert len(WITH_WALLETS) >= 4
        for spec in WITH_WALLETS:
            actor, customer_id = _as_customer(spec)

            [wallet] = [a for a in accounts_of(actor=actor, customer_id=customer_id)
                        if a.code == "2001.wallet"]  # fmt: skip
            history = account_history(actor=actor, account_id=wallet.id, limit=200).entries

            assert wallet.code == "2001.wallet"
            assert wallet.balance_minor > 0, spec.mobile
            assert {"topup", "p2p"} <= {entry.code for entry in history}, spec.mobile

    def test_no_account_is_owned_by_a_demo_ref_and_customers_own_wallets_and_holdings(self, loaded):
        wallets = set(Customer.objects.exclude(wallet_account_id=None).values_list(
            "wallet_account_id", flat=True))  # fmt: skip
        owned = Account.objects.exclude(owner_ref="")

        assert not Account.objects.filter(owner_ref__startswith="demo:").exists()
        assert (
            set(owned.exclude(code="2230.wealth.holding").values_list("id", flat=True)) == wallets
        )
        assert owned.filter(code="2230.wealth.holding").exists()  # the demo's wealth
        assert len(wallets) == len(WITH_WALLETS)

    def test_the_house_s_accounts_are_the_chart(self, loaded):
        house = CHART_ACCOUNTS.all()

        assert sorted(house.values_list("code", flat=True)) == sorted(s.code for s in CHART)

    def test_the_history_uses_the_codes_the_ledger_pages_label(self, loaded):
        assert set(HISTORY_TRANSFERS.values_list("code", flat=True)) == LABELLED_CODES

    def test_the_ledger_posts_every_transfer_of_the_history(self, loaded):
        assert loaded.transfers_refused == 0
        assert loaded.transfers_ok == HISTORY_TRANSFERS.count() > 100

    def test_one_withdrawal_is_still_held_today(self, loaded):
        actor, customer_id = _as_customer(WITH_WALLETS[0])

        [wallet] = [a for a in accounts_of(actor=actor, customer_id=customer_id)
                    if a.code == "2001.wallet"]  # fmt: skip

        resolved = Transfer.objects.exclude(pending=None).values_list("pending_id", flat=True)
        held = HISTORY_TRANSFERS.filter(kind="pending").exclude(id__in=resolved)
        assert held.count() == 1
        assert held.get().amount == 200_00
        assert wallet.balance_minor - wallet.available_minor >= 200_00

    def test_the_frozen_customer_s_history_ends_before_her_freeze(self, loaded):
        frozen = Customer.objects.get(status="frozen")
        wallet = Account.objects.get(id=frozen.wallet_account_id)
        moves = Transfer.objects.filter(debit_number=wallet.number) | Transfer.objects.filter(
            credit_number=wallet.number
        )

        assert wallet.debits_frozen
        assert moves.count() > 5
        assert max(moves.values_list("created_at", flat=True)) < frozen.status_changed_at

    def test_hujin_ledger_verify_passes_after_the_load(self, loaded):
        out = StringIO()

        call_command("ledger", "verify", stdout=out)

        assert "ledger verify OK" in out.getvalue()


class TestTheApprovalsInbox:
    def test_holds_one_unfreeze_of_the_frozen_customer_waiting_for_a_checker(self, loaded):
        frozen = Customer.objects.get(status="frozen")

        [waiting] = approvals_pending(actor=_compliance_officer())

        assert waiting.action == "customers.unfreeze"
        assert waiting.target_id == str(frozen.id)
        assert waiting.maker_reason == UNFREEZE_REASON


class TestWhatPeopleRead:
    def test_reasons_and_account_names_read_in_both_languages(self, loaded):
        frozen = Customer.objects.get(status="frozen")
        rejected = KycApplication.objects.get(status="rejected")
        [waiting] = approvals_pending(actor=_compliance_officer())
        texts = [frozen.status_reason, rejected.review_reason, waiting.maker_reason]
        texts += list(CHART_ACCOUNTS.values_list("name", flat=True))

        assert [text for text in texts if not _has_both_languages(text)] == []


class TestLoadingAgain:
    def test_a_second_load_the_next_day_creates_and_changes_nothing(self, loaded, now):
        def counts():
            return {model._meta.label: model.objects.count() for model in apps.get_models()}

        before = counts()
        again = demo_load(now=now + timedelta(days=1))

        assert counts() == before
        assert (again.accounts_created, again.transfers_ok, again.transfers_refused) == (0, 0, 0)
        assert len(approvals_pending(actor=_compliance_officer())) == 1
