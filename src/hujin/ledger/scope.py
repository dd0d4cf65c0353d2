"""Who may read what in the ledger: the one rule every selector applies to the Actor that asks.

- The system sees everything.
- Staff see everything when they hold the ledger read permission (``ledger.view_account``).
- An API key sees everything when it holds the ``ledger:read`` scope.
- A customer sees only the accounts they own (an account's ``owner_ref``, e.g.
  ``customer:<customer id>``) and the transfers that touch them. Anything else is "not found",
  exactly as if it did not exist; the ledger-wide trial balance is refused.
- Anyone else, and staff or keys without the grant, are refused (403).

Pages and endpoints may check early, but this is the line that holds.

The ledger does not know who owns what outside it. The app that keeps customers tells it how to
find a customer actor's owner references (``customer_owner_refs_register``); until one does, a
customer owns nothing here.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied

LEDGER_READ_PERMISSION = "ledger.view_account"
LEDGER_READ_SCOPE = "ledger:read"

OwnerRefsResolver = Callable[[Actor], Iterable[str]]
_customer_owner_refs: list[OwnerRefsResolver] = []


def customer_owner_refs_register(resolver: OwnerRefsResolver) -> None:
    """Tell the ledger how to find the ``owner_ref`` values of the accounts a customer actor
    owns. Called once, from the ready() of the app that keeps customers."""
    if resolver not in _customer_owner_refs:
        _customer_owner_refs.append(resolver)


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What an actor may read: everything, or only the accounts owned under ``owner_refs``."""

    everything: bool
    owner_refs: frozenset[str] = frozenset()

    def may_see(self, owner_ref: str) -> bool:
        return self.everything or (bool(owner_ref) and owner_ref in self.owner_refs)

    def accounts(self, qs: QuerySet) -> QuerySet:
        return qs if self.everything else qs.filter(owner_ref__in=self.owner_refs)

    def transfers(self, qs: QuerySet) -> QuerySet:
        """Transfers with at least one account inside the scope."""
        if self.everything:
            return qs
        return qs.filter(
            Q(debit_account__owner_ref__in=self.owner_refs)
            | Q(credit_account__owner_ref__in=self.owner_refs)
        )

    def require_everything(self) -> None:
        """For reads over the whole ledger (the trial balance)."""
        if not self.everything:
            raise PermissionDenied(details={"required_permission": LEDGER_READ_PERMISSION})


EVERYTHING = ReadScope(everything=True)


def read_scope(actor: Actor) -> ReadScope:
    """What ``actor`` may read in the ledger. Raises PermissionDenied when it may read nothing."""
    if not isinstance(actor, Actor):
        raise PermissionDenied("Only a known actor may read the ledger.")
    if actor.kind == "system":
        return EVERYTHING
    if actor.kind == "staff":
        if actor.has_scope(LEDGER_READ_PERMISSION):
            return EVERYTHING
        raise PermissionDenied(
            "Reading the ledger needs the ledger read permission.",
            details={"required_permission": LEDGER_READ_PERMISSION},
        )
    if actor.kind == "api_key":
        if actor.has_scope(LEDGER_READ_SCOPE):
            return EVERYTHING
        raise PermissionDenied(
            f"This API key lacks the '{LEDGER_READ_SCOPE}' scope.",
            details={"required_scope": LEDGER_READ_SCOPE},
        )
    if actor.kind == "customer":
        refs = {ref for resolve in _customer_owner_refs for ref in resolve(actor) if ref}
        return ReadScope(everything=False, owner_refs=frozenset(refs))
    raise PermissionDenied("Only a known actor may read the ledger.")
