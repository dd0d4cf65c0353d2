"""The ledger's reads scope what they show by the Actor that asks: the system, staff with the
ledger read permission and API keys with ``ledger:read`` see the ledger; a customer sees only
their own accounts and gets "not found" for anyone else's; everyone else is refused."""

import uuid
from dataclasses import dataclass
from datetime import date

import pytest

from hujin.core.actors import SYSTEM, Actor
from hujin.core.errors import PermissionDenied
from hujin.ledger import selectors
from hujin.ledger.errors import AccountNotFound, TransferNotFound

STATEMENT_DAY = date(2026, 3, 2)  # the book's business date


@dataclass(frozen=True)
class Ledger:
    bank: uuid.UUID
    alice_wallet: uuid.UUID
    bob_wallet: uuid.UUID
    to_alice: uuid.UUID
    to_bob: uuid.UUID
    alice: Actor
    bob: Actor


@pytest.fixture
def customers_known(monkeypatch):
    """The ledger learns each customer actor's owner references from a registered resolver, as
    the customers app registers one; here customer actor "u-alice" owns "customer:alice"."""
    from hujin.ledger import scope

    monkeypatch.setattr(scope, "_owner_resolvers", [])
    selectors.readable_owners_register(
        lambda actor: selectors.ReadableOwners(
            owner_refs=frozenset(
                {"u-alice": ["customer:alice"], "u-bob": ["customer:bob"]}.get(actor.id, [])
            )
        )
    )


@pytest.fixture
def ledger(book, customers_known) -> Ledger:
    bank = book.open("1001.bank", kind="asset")
    alice_wallet = book.open("2001.wallet", owner_ref="customer:alice")
    bob_wallet = book.open("2001.wallet", owner_ref="customer:bob")
    to_alice, to_bob = book.single(bank, alice_wallet, 1_000), book.single(bank, bob_wallet, 700)
    assert book.apply(to_alice, to_bob) == ["ok", "ok"]
    return Ledger(
        bank, alice_wallet, bob_wallet, to_alice.id, to_bob.id,
        alice=Actor(kind="customer", id="u-alice"), bob=Actor(kind="customer", id="u-bob"),
    )  # fmt: skip


def account_reads(account_id: uuid.UUID):
    """Every read of one account, each as (name, call(actor))."""
    return [
        ("account_get", lambda a: selectors.account_get(actor=a, account_id=account_id)),
        ("account_balances", lambda a: selectors.account_balances(actor=a, account_id=account_id)),
        ("account_history", lambda a: selectors.account_history(actor=a, account_id=account_id)),
        ("account_overview", lambda a: selectors.account_overview(actor=a, account_id=account_id)),
        ("account_statement", lambda a: selectors.account_statement(
            actor=a, account_id=account_id, from_date=STATEMENT_DAY, to_date=STATEMENT_DAY)),
    ]  # fmt: skip


def every_read(ledger: Ledger):
    """Every public read the ledger has, each as (name, call(actor))."""
    return [
        *account_reads(ledger.alice_wallet),
        ("accounts_search", lambda a: selectors.accounts_search(actor=a)),
        ("transfer_get", lambda a: selectors.transfer_get(actor=a, transfer_id=ledger.to_alice)),
        ("transfers_get_many", lambda a: selectors.transfers_get_many(
            actor=a, transfer_ids=[ledger.to_alice])),
        ("transfers_list", lambda a: selectors.transfers_list(actor=a)),
        ("trial_balance", lambda a: selectors.trial_balance(actor=a)),
    ]  # fmt: skip


class TestCustomerActor:
    def test_a_customer_reads_their_own_account_with_its_history(self, ledger):
        for name, read in account_reads(ledger.alice_wallet):
            assert read(ledger.alice) is not None, name

        history = selectors.account_history(actor=ledger.alice, account_id=ledger.alice_wallet)

        assert [e.transfer_id for e in history.entries] == [ledger.to_alice]

    def test_a_customer_reading_another_customer_s_account_gets_not_found(self, ledger):
        for name, read in account_reads(ledger.bob_wallet):
            with pytest.raises(AccountNotFound):
                read(ledger.alice)
            assert read(ledger.bob) is not None, name

    def test_a_customer_reading_the_house_s_own_account_gets_not_found(self, ledger):
        with pytest.raises(AccountNotFound):
            selectors.account_get(actor=ledger.alice, account_id=ledger.bank)

    def test_a_customer_finds_only_their_own_accounts(self, ledger):
        page = selectors.accounts_search(actor=ledger.alice)
        by_owner = selectors.accounts_search(actor=ledger.alice, owner_ref="customer:bob")

        assert [a.id for a in page.accounts] == [ledger.alice_wallet]
        assert by_owner.accounts == []

    def test_a_customer_sees_only_the_transfers_that_touch_their_accounts(self, ledger):
        listed = selectors.transfers_list(actor=ledger.alice)
        many = selectors.transfers_get_many(
            actor=ledger.alice, transfer_ids=[ledger.to_alice, ledger.to_bob]
        )

        assert [t.id for t in listed.transfers] == [ledger.to_alice]
        assert [t.id for t in many] == [ledger.to_alice]
        assert selectors.transfer_get(actor=ledger.alice, transfer_id=ledger.to_alice)
        with pytest.raises(TransferNotFound):
            selectors.transfer_get(actor=ledger.alice, transfer_id=ledger.to_bob)

    def test_a_customer_may_not_read_the_whole_ledger_s_trial_balance(self, ledger):
        with pytest.raises(PermissionDenied):
            selectors.trial_balance(actor=ledger.alice)

    def test_a_customer_the_ledger_knows_no_accounts_of_sees_none(self, ledger):
        stranger = Actor(kind="customer", id="u-nobody")

        with pytest.raises(AccountNotFound):
            selectors.account_get(actor=stranger, account_id=ledger.alice_wallet)
        assert selectors.accounts_search(actor=stranger).accounts == []
        assert selectors.transfers_list(actor=stranger).transfers == []

    def test_accounts_without_an_owner_belong_to_no_customer(self, book, monkeypatch):
        from hujin.ledger import scope

        monkeypatch.setattr(scope, "_owner_resolvers", [])
        selectors.readable_owners_register(  # a resolver gone wrong
            lambda actor: selectors.ReadableOwners(owner_refs=frozenset({""}))
        )
        house = book.open("1001.bank", kind="asset")

        with pytest.raises(AccountNotFound):
            selectors.account_get(actor=Actor(kind="customer", id="u"), account_id=house)


class TestCustomerActorThroughTheCustomersApp:
    def test_a_customer_owns_the_accounts_under_their_customer_id(self, book, customer_user):
        from django.contrib.auth import get_user_model

        from hujin.customers.models import Customer
        from hujin.customers.services.wallet import owner_ref_for
        from hujin.identity.access import customer_actor

        mine = Customer.objects.create(user=customer_user, created_at=book.now)
        other_user = get_user_model().objects.create(username="other", kind="customer")
        other = Customer.objects.create(user=other_user, created_at=book.now)
        my_wallet = book.open("2001.wallet", owner_ref=owner_ref_for(mine.id))
        their_wallet = book.open("2001.wallet", owner_ref=owner_ref_for(other.id))
        actor = customer_actor(customer_user)

        assert selectors.account_get(actor=actor, account_id=my_wallet).id == my_wallet
        with pytest.raises(AccountNotFound):
            selectors.account_get(actor=actor, account_id=their_wallet)


class TestApiKeyActor:
    def test_a_key_without_the_read_scope_is_refused_by_every_read(self, ledger):
        key = Actor(kind="api_key", id="k1", scopes=frozenset({"ledger:write"}))

        for name, read in every_read(ledger):
            with pytest.raises(PermissionDenied) as refused:
                read(key)
            assert refused.value.details == {"required_scope": "ledger:read"}, name

    def test_a_key_with_the_read_scope_reads_the_whole_ledger(self, ledger):
        key = Actor(kind="api_key", id="k2", scopes=frozenset({"ledger:read"}))

        for name, read in every_read(ledger):
            assert read(key) is not None, name
        assert len(selectors.accounts_search(actor=key).accounts) == 3

    def test_a_staff_permission_is_not_an_api_key_scope(self, ledger):
        key = Actor(kind="api_key", id="k3", scopes=frozenset({"ledger.view_account"}))

        with pytest.raises(PermissionDenied):
            selectors.accounts_search(actor=key)


class TestStaffActor:
    def test_staff_without_the_ledger_read_permission_are_refused_by_every_read(self, ledger):
        clerk = Actor(kind="staff", id="1", scopes=frozenset({"customers.view_customer"}))

        for name, read in every_read(ledger):
            with pytest.raises(PermissionDenied) as refused:
                read(clerk)
            assert refused.value.details == {"required_permission": "ledger.view_account"}, name

    def test_staff_with_the_permission_read_the_whole_ledger(self, ledger):
        auditor = Actor(kind="staff", id="2", scopes=frozenset({"ledger.view_account"}))

        for name, read in every_read(ledger):
            assert read(auditor) is not None, name
        assert len(selectors.transfers_list(actor=auditor).transfers) == 2

    def test_an_api_scope_is_not_a_staff_permission(self, ledger):
        staff = Actor(kind="staff", id="3", scopes=frozenset({"ledger:read"}))

        with pytest.raises(PermissionDenied):
            selectors.accounts_search(actor=staff)


class TestStaffAModuleLetsReadOwners:
    """Staff without the ledger read permission read what a registered resolver grants them:
    here, staff holding "customers.view_customers" read the whole "customer:" namespace."""

    @pytest.fixture
    def agent(self, ledger, monkeypatch) -> Actor:
        from hujin.ledger import scope

        def customer_service(actor: Actor) -> selectors.ReadableOwners:
            if actor.kind == "staff" and actor.has_scope("customers.view_customers"):
                return selectors.ReadableOwners(namespaces=frozenset({"customer:"}))
            return selectors.ReadableOwners()

        monkeypatch.setattr(scope, "_owner_resolvers", [])
        selectors.readable_owners_register(customer_service)
        return Actor(kind="staff", id="4", scopes=frozenset({"customers.view_customers"}))

    def test_they_read_every_account_in_the_namespace(self, ledger, agent):
        for wallet in (ledger.alice_wallet, ledger.bob_wallet):
            for name, read in account_reads(wallet):
                assert read(agent) is not None, name
        page = selectors.accounts_search(actor=agent)
        assert {a.id for a in page.accounts} == {ledger.alice_wallet, ledger.bob_wallet}

    def test_the_house_s_accounts_are_not_found(self, ledger, agent):
        for name, read in account_reads(ledger.bank):
            with pytest.raises(AccountNotFound):
                read(agent)
            assert read(SYSTEM) is not None, name

    def test_the_whole_ledger_s_trial_balance_is_refused(self, ledger, agent):
        with pytest.raises(PermissionDenied) as refused:
            selectors.trial_balance(actor=agent)
        assert refused.value.details == {"required_permission": "ledger.view_account"}

    def test_a_namespace_matches_exactly_not_ignoring_case(self, ledger, agent, book):
        lookalike = book.open("2001.wallet", owner_ref="Customer:alice")
        no_colon = book.open("2001.wallet", owner_ref="customerx")

        for account_id in (lookalike, no_colon):
            with pytest.raises(AccountNotFound):
                selectors.account_get(actor=agent, account_id=account_id)

    @pytest.mark.parametrize("namespace", ["", ":", "customer", "a:b:"])
    def test_a_namespace_that_is_not_a_name_and_a_colon_grants_nothing(
        self, ledger, monkeypatch, namespace
    ):
        from hujin.ledger import scope

        monkeypatch.setattr(scope, "_owner_resolvers", [])
        selectors.readable_owners_register(
            lambda actor: selectors.ReadableOwners(namespaces=frozenset({namespace}))
        )
        clerk = Actor(kind="staff", id="5")

        with pytest.raises(PermissionDenied):
            selectors.account_get(actor=clerk, account_id=ledger.bank)

    def test_a_customer_granted_a_namespace_reads_it_too(self, ledger, monkeypatch):
        from hujin.ledger import scope

        monkeypatch.setattr(scope, "_owner_resolvers", [])
        selectors.readable_owners_register(
            lambda actor: selectors.ReadableOwners(namespaces=frozenset({"customer:"}))
        )

        assert selectors.account_get(actor=ledger.alice, account_id=ledger.bob_wallet)
        with pytest.raises(AccountNotFound):
            selectors.account_get(actor=ledger.alice, account_id=ledger.bank)


class TestOtherActors:
    def test_the_system_reads_the_whole_ledger(self, ledger):
        for name, read in every_read(ledger):
            assert read(SYSTEM) is not None, name

    @pytest.mark.parametrize(
        "actor",
        [None, "system", Actor(kind="robot", id="r", scopes=frozenset({"ledger:read"}))],
        ids=["none", "a-string", "an-unknown-kind"],
    )
    def test_anything_but_a_known_actor_is_refused(self, ledger, actor):
        for _name, read in every_read(ledger):
            with pytest.raises(PermissionDenied):
                read(actor)


class TestOneAccountAlreadyRead:
    """``ReadScope.owns``: the scope's rule for an account whose owner reference was read in
    plain SQL (a credit decision reads the wallet so), the same as its rule for a query."""

    def test_everything_owns_every_account_the_house_s_included(self):
        from hujin.ledger.scope import EVERYTHING

        assert EVERYTHING.owns("") and EVERYTHING.owns("customer:c-1")

    def test_an_owner_reference_or_a_namespace_grants_exactly_what_it_names(self):
        from hujin.ledger.scope import ReadScope

        scope = ReadScope(everything=False, owner_refs=frozenset({"customer:c-1"}),
                          namespaces=frozenset({"merchant:"}))  # fmt: skip

        assert scope.owns("customer:c-1") and scope.owns("merchant:m-9")
        assert not scope.owns("customer:c-2")
        assert not scope.owns("Merchant:m-9")  # a namespace is compared exactly
        assert not scope.owns("")  # an account without an owner is the house's
