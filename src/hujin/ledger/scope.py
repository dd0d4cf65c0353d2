"""Who may read what in the ledger: the one rule every selector applies to the Actor that asks.

- The system sees everything.
- Staff see everything when they hold the ledger read permission (``ledger.view_account``).
- An API key sees everything when it holds the ``ledger:read`` scope.
- Staff without that permission, and customers, see the accounts of the owners the modules above
  the ledger say they may read (an account's ``owner_ref``, e.g. ``customer:<customer id>``) and
  the transfers that touch them. Anything else is "not found", exactly as if it did not exist;
  the ledger-wide trial balance is refused.
- Anyone else, staff no module lets read an owner, and keys without the grant, are refused (403).

Pages and endpoints may check early, but this is the line that holds.

The ledger does not know who owns what outside it. A module that keeps owners (customers keeps
the ``customer:`` namespace) registers a resolver (``readable_owners_register``) that answers,
for an actor, which owner references it may read: a customer their own, customer service every
customer's. Until one does, a customer reads nothing here, and staff only with the permission.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Substr
from django.db.models.lookups import Exact

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied

LEDGER_READ_PERMISSION = "ledger.view_account"
LEDGER_READ_SCOPE = "ledger:read"
# The owner references the customers module gives its customers' accounts. Only its services
# open accounts under it; the JSON API refuses it (``hujin.ledger.schemas``).
CUSTOMER_OWNER_NAMESPACE = "customer:"


@dataclass(frozen=True, slots=True)
class ReadableOwners:
    """What a resolver answers for an actor: the owner references it may read, named one by one
    (``owner_refs``) or as whole namespaces (``namespaces``, e.g. ``"customer:"``: every owner
    reference that starts with it). Empty references, and namespaces that are not a name
    followed by ``:``, grant nothing: an account without an owner is the house's."""

    owner_refs: frozenset[str] = frozenset()
    namespaces: frozenset[str] = frozenset()


NOBODY = ReadableOwners()
ReadableOwnersResolver = Callable[[Actor], ReadableOwners]
_owner_resolvers: list[ReadableOwnersResolver] = []


def readable_owners_register(resolver: ReadableOwnersResolver) -> None:
    """Tell the ledger which owners' accounts an actor (staff or customer) may read without the
    ledger's own permission. Called once, from the ready() of the module that keeps the owners;
    each registered resolver adds to what the others grant."""
    if resolver not in _owner_resolvers:
        _owner_resolvers.append(resolver)


def _readable_owners(actor: Actor) -> tuple[frozenset[str], frozenset[str]]:
    refs: set[str] = set()
    namespaces: set[str] = set()
    for resolve in _owner_resolvers:
        owners = resolve(actor)
        refs.update(ref for ref in owners.owner_refs if ref)
        namespaces.update(ns for ns in owners.namespaces if _is_namespace(ns))
    return frozenset(refs), frozenset(namespaces)


def _is_namespace(namespace: str) -> bool:
    return len(namespace) > 1 and namespace.endswith(":") and ":" not in namespace[:-1]


@dataclass(frozen=True, slots=True)
class ReadScope:
    """What an actor may read: everything, or only the accounts owned under ``owner_refs`` or
    under one of ``namespaces``."""

    everything: bool
    owner_refs: frozenset[str] = frozenset()
    namespaces: frozenset[str] = frozenset()

    def _owned(self, owner_ref: str) -> Q:
        """Accounts (``owner_ref`` is the lookup path to their owner reference) in the scope.

        A namespace is compared exactly, as the bytes it starts with: SQLite's LIKE, which
        Django's ``startswith`` uses, ignores case, and ``Customer:`` is not ``customer:``."""
        owned = Q(**{f"{owner_ref}__in": self.owner_refs})
        for namespace in sorted(self.namespaces):
            start = Substr(owner_ref, 1, len(namespace))
            owned |= Q(Exact(start, Value(namespace)))
        return owned

    def owns(self, owner_ref: str) -> bool:
        """An account whose owner reference is ``owner_ref`` is in the scope: ``accounts``'
        rule for one account already read."""
        if self.everything:
            return True
        return bool(owner_ref) and (
            owner_ref in self.owner_refs
            or any(owner_ref.startswith(namespace) for namespace in self.namespaces)
        )

    def accounts(self, qs: QuerySet) -> QuerySet:
        return qs if self.everything else qs.filter(self._owned("owner_ref"))

    def transfers(self, qs: QuerySet) -> QuerySet:
        """Transfers with at least one account inside the scope."""
        if self.everything:
            return qs
        return qs.filter(
            self._owned("debit_account__owner_ref") | self._owned("credit_account__owner_ref")
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
    if actor.kind == "api_key":
        if actor.has_scope(LEDGER_READ_SCOPE):
            return EVERYTHING
        raise PermissionDenied(
            f"This API key lacks the '{LEDGER_READ_SCOPE}' scope.",
            details={"required_scope": LEDGER_READ_SCOPE},
        )
    if actor.kind == "staff" and actor.has_scope(LEDGER_READ_PERMISSION):
        return EVERYTHING
    if actor.kind not in ("staff", "customer"):
        raise PermissionDenied("Only a known actor may read the ledger.")
    refs, namespaces = _readable_owners(actor)
    if actor.kind == "staff" and not (refs or namespaces):
        raise PermissionDenied(
            "Reading the ledger needs the ledger read permission.",
            details={"required_permission": LEDGER_READ_PERMISSION},
        )
    # A customer who owns nothing reads an empty ledger: "not found", never "forbidden".
    return ReadScope(everything=False, owner_refs=refs, namespaces=namespaces)
