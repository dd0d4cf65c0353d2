"""Migration 0009 gives every account frozen today its reason, from the audit trail or ``legacy``.

Before it, one ``debits_frozen`` flag served every reason. The migration replays the ledger's
freeze and unfreeze audit entries (a freeze added its ``reason_code``, an unfreeze lifted the
reason then active) into the append-only history, and makes each frozen account's active reason
its current one; a flag the trail does not explain (set by a migration or by hand) gets the
reason ``legacy``, dated to the migration, so verify checks its debits from then on.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hujin.core.actors import SYSTEM
from hujin.ledger.errors import Result
from hujin.ledger.models import Account, AccountDebitFreeze, AccountDebitFreezeChange, Transfer
from hujin.ledger.services import account_debits_unfreeze
from hujin.ledger.verify import ledger_verify
from tests.ledger.conftest import Book

BEFORE = ("ledger", "0008_history_append_only")
AFTER = ("ledger", "0009_account_debit_freeze_reasons")


def migrate_to(target) -> None:
    MigrationExecutor(connection).migrate([target])


def migrate_to_latest() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.fixture(autouse=True)
def back_to_the_latest_migrations():
    """Today's code reads today's tables: every test ends at the latest state."""
    yield
    migrate_to_latest()


def tables() -> set[str]:
    return set(connection.introspection.table_names())


@pytest.fixture
def frozen_before_0009(transactional_db):
    """Accounts frozen as the ledger stood before 0009: the audit trail holds the services'
    freezes and unfreezes; one flag was set, and one cleared, around them."""
    book = Book()
    bank = book.open("1001.bank", kind="asset")
    names = ("by_risk", "refrozen", "by_hand", "thawed_by_hand", "never")
    accounts = {name: book.open(f"2001.{name}") for name in names}
    assert book.apply(book.single(bank, accounts["by_risk"], 500)) == [Result.OK]
    book.freeze(accounts["by_risk"])  # test.freeze, after the first transfer
    book.freeze(accounts["refrozen"])
    book.unfreeze(accounts["refrozen"])
    assert book.apply(book.single(bank, accounts["refrozen"], 500)) == [Result.OK]
    book.freeze(accounts["refrozen"])  # again, after the second
    book.freeze(accounts["thawed_by_hand"])
    migrate_to(BEFORE)  # the reasons and their history go; the flags and the audit trail stay
    Account.objects.filter(id=accounts["by_hand"]).update(debits_frozen=True)
    Account.objects.filter(id=accounts["thawed_by_hand"]).update(debits_frozen=False)
    assert book.apply(book.single(bank, accounts["never"], 500)) == [Result.OK]  # the third
    return book, bank, accounts


def current(account_id) -> list[tuple]:
    rows = AccountDebitFreeze.objects.filter(account_id=account_id)
    return list(rows.values_list("reason_code", "transfers_seq", "actor_kind", "actor_id"))


def history(account_id) -> list[tuple]:
    rows = AccountDebitFreezeChange.objects.filter(account_id=account_id).order_by("id")
    return list(rows.values_list("reason_code", "frozen", "debits_frozen", "transfers_seq"))


@pytest.mark.django_db(transaction=True)
def test_frozen_accounts_get_their_reasons_and_their_history(frozen_before_0009):
    _, _, accounts = frozen_before_0009
    assert "ledger_accountdebitfreeze" not in tables()
    first, second, third = Transfer.objects.order_by("seq").values_list("seq", flat=True)

    migrate_to(AFTER)

    assert current(accounts["by_risk"]) == [("test.freeze", first, "system", "system")]
    assert history(accounts["by_risk"]) == [("test.freeze", True, True, first)]
    assert current(accounts["refrozen"]) == [("test.freeze", second, "system", "system")]
    assert history(accounts["refrozen"]) == [
        ("test.freeze", True, True, first),
        ("test.freeze", False, False, first),
        ("test.freeze", True, True, second),
    ]
    assert current(accounts["by_hand"]) == [("legacy", third, "system", "migration")]
    assert history(accounts["by_hand"]) == [("legacy", True, True, third)]
    assert current(accounts["thawed_by_hand"]) == []
    assert history(accounts["thawed_by_hand"]) == [
        ("test.freeze", True, True, second),
        ("test.freeze", False, False, third),
    ]
    assert (current(accounts["never"]), history(accounts["never"])) == ([], [])
    assert ledger_verify().problems == []


@pytest.mark.django_db(transaction=True)
def test_a_flag_set_by_a_migration_has_its_debits_checked_from_then_on(frozen_before_0009):
    book, _, accounts = frozen_before_0009
    migrate_to(AFTER)
    payment = book.single(accounts["by_hand"], accounts["never"], 100)
    assert book.apply(payment) == [Result.DEBITS_FROZEN]
    Account.objects.filter(id=accounts["by_hand"]).update(debits_frozen=False)
    sneaked = book.single(accounts["by_hand"], accounts["never"], 100)
    assert book.apply(sneaked) == [Result.OK]
    Account.objects.filter(id=accounts["by_hand"]).update(debits_frozen=True)

    assert ledger_verify().problems == [
        f"transfer {sneaked.id}: debited account {accounts['by_hand']} while its debits were frozen"
    ]


@pytest.mark.django_db(transaction=True)
def test_the_legacy_reason_is_lifted_by_its_own_code(frozen_before_0009):
    book, _, accounts = frozen_before_0009
    migrate_to_latest()

    lifted = account_debits_unfreeze(
        account_ids=[accounts["by_hand"]], reason_code="legacy", actor=SYSTEM, now=book.now
    )

    assert lifted == [accounts["by_hand"]]
    assert not Account.objects.get(id=accounts["by_hand"]).debits_frozen


@pytest.mark.django_db(transaction=True)
def test_going_back_drops_the_reasons_and_leaves_the_flags(frozen_before_0009):
    _, _, accounts = frozen_before_0009
    migrate_to(AFTER)

    migrate_to(BEFORE)

    assert {"ledger_accountdebitfreeze", "ledger_accountdebitfreezechange"}.isdisjoint(tables())
    frozen = set(Account.objects.filter(debits_frozen=True).values_list("id", flat=True))
    assert frozen == {accounts["by_risk"], accounts["refrozen"], accounts["by_hand"]}
