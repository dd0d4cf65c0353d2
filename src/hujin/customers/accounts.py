"""A customer's ledger accounts as customers reads them: the accounts with their balances, and
whose accounts an actor may read (the resolver the ledger asks, registered in
``CustomersConfig.ready``). Re-exported by ``customers.selectors``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from hujin.core.actors import Actor
from hujin.core.money import format_minor
from hujin.customers.models import Customer
from hujin.customers.permissions import VIEW_CUSTOMERS
from hujin.customers.services.owners import owner_ref_for
from hujin.ledger import selectors as ledger_selectors


@dataclass(frozen=True, slots=True)
class AccountLine:
    id: uuid.UUID
    code: str
    currency: str
    balance_minor: int
    available_minor: int
    closed: bool

    @property
    def balance(self) -> str:
        return format_minor(self.balance_minor, self.currency)

    @property
    def available(self) -> str:
        return format_minor(self.available_minor, self.currency)


def accounts_of(*, actor: Actor, customer_id: uuid.UUID) -> list[AccountLine]:
    """The customer's ledger accounts with their posted and available balances (minor units,
    on each account's normal side, as the ledger defines them), by code.

    Read from the ledger as ``actor``, the one asking, and the ledger decides what it may see
    (``ledger_readable_owners``): the customer themselves, staff who may view customers, staff
    with the ledger read permission. Anyone else's customer gives no accounts; an actor the
    ledger refuses outright raises PermissionDenied.
    """
    page = ledger_selectors.accounts_search(
        actor=actor, owner_ref=owner_ref_for(customer_id), limit=ledger_selectors.MAX_PAGE
    )
    lines = []
    for account in sorted(page.accounts, key=lambda a: (a.code, str(a.id))):
        balances = ledger_selectors.Balances.of_account(account)
        lines.append(
            AccountLine(
                account.id,
                account.code,
                account.currency,
                balances.net(account.kind),
                balances.available(account.kind),
                account.closed,
            )
        )
    return lines


def ledger_readable_owners(actor: Actor) -> ledger_selectors.ReadableOwners:
    """Whose ledger accounts ``actor`` may read, as customers sees it (registered with the
    ledger in ``CustomersConfig.ready``): a customer, their own; staff who may view customers
    (customer service: Customer 360 shows balances), every customer's, and never the house's;
    anyone else, none by this module's say."""
    if actor.kind == "customer":
        ids = Customer.objects.filter(user_id=actor.id).values_list("id", flat=True)
        return ledger_selectors.ReadableOwners(owner_refs=frozenset(map(owner_ref_for, ids)))
    if actor.kind == "staff" and actor.has_scope(VIEW_CUSTOMERS):
        return ledger_selectors.ReadableOwners(
            namespaces=frozenset({ledger_selectors.CUSTOMER_OWNER_NAMESPACE})
        )
    return ledger_selectors.ReadableOwners()
