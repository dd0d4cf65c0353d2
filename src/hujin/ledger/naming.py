"""What people call the ledger's codes: owners by name, transfer codes by what they are for.

The ledger stores references, not names: an account's owner is ``customer:<id>`` or ``demo:wang``
and a transfer's code is ``topup`` or ``fee.transfer``. The pages show names instead, and two
registries say which:

- **Owners.** A module that keeps owners registers a resolver (``owner_labels_register``) from its
  ``AppConfig.ready()``: ``resolver(actor, owner_refs) -> {ref: OwnerLabel}``. It gets every
  reference on a page at once (one query for the page, not one per row), answers those in its own
  namespace and leaves the others alone. An ``OwnerLabel`` is the owner's name as ``actor`` may
  see it (a customer's masked), the page about the owner when ``actor`` may open it, and how the
  accounts of that owner are called (``account_name``): an account's stored name may have been
  written by whoever opened it, and an owner that keeps personal data decides what shows
  instead. An owner no resolver answers shows as its reference, unless that reference names a
  UUID: nobody reads those, so the page says the owner is unknown.
- **Transfer codes.** ``transfer_code_label_register(code, label)`` gives a code its translated
  label; the ledger registers the codes every deployment uses, and a module registers its own.
  A code without a label shows as it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.labels import LabelRegistry

# -- owners ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OwnerLabel:
    """An owner as a page shows it to one actor.

    ``name``: what to call the owner (masked where the owner module masks it); ``url``: the page
    about the owner, or "" when the actor may not open it; ``account_name``: when set, what to
    call an account of this owner, given its stored name (None: the stored name, as it is)."""

    name: str | Promise
    url: str = ""
    account_name: Callable[[str], str | Promise] | None = None

    def name_of_account(self, stored_name: str) -> str | Promise:
        return stored_name if self.account_name is None else self.account_name(stored_name)


OwnerLabelsResolver = Callable[[Actor, frozenset[str]], Mapping[str, OwnerLabel]]
_owner_label_resolvers: list[OwnerLabelsResolver] = []

HOUSE = OwnerLabel(pgettext_lazy("ledger owner", "House"))  # an account without an owner
UNKNOWN_OWNER = OwnerLabel(_("Unknown owner"))


def owner_labels_register(resolver: OwnerLabelsResolver) -> None:
    """Tell the ledger's pages what to call the owners a module keeps. Called once, from the
    ready() of that module; registering the same resolver twice changes nothing."""
    if resolver not in _owner_label_resolvers:
        _owner_label_resolvers.append(resolver)


def _names_a_uuid(owner_ref: str) -> bool:
    for part in (owner_ref, owner_ref.partition(":")[2]):
        try:
            uuid.UUID(part)
        except ValueError:
            continue
        return True
    return False


def _fallback(owner_ref: str) -> OwnerLabel:
    if not owner_ref:
        return HOUSE
    if _names_a_uuid(owner_ref):
        return UNKNOWN_OWNER
    return OwnerLabel(owner_ref)


def owner_labels(*, actor: Actor, owner_refs: Iterable[str]) -> dict[str, OwnerLabel]:
    """Every reference in ``owner_refs`` with its label for ``actor``: the first registered
    resolver that answers it names it, else the reference itself (never a bare UUID)."""
    refs = frozenset(owner_refs)
    answered: dict[str, OwnerLabel] = {}
    asked = frozenset(ref for ref in refs if ref)
    for resolve in _owner_label_resolvers:
        if not asked:
            break
        for ref, label in resolve(actor, asked).items():
            if ref in asked and ref not in answered:
                answered[ref] = label
        asked = asked - answered.keys()
    return {ref: answered.get(ref) or _fallback(ref) for ref in refs}


# -- transfer codes -------------------------------------------------------------------------------

_TRANSFER_CODES = LabelRegistry("transfer code")


def transfer_code_label_register(code: str, label: str | Promise) -> None:
    """Give transfer ``code`` a (lazily translated) label. The same code again must say the same
    thing: one code, one name."""
    _TRANSFER_CODES.register(code, label)


def transfer_code_label(code: str) -> str | Promise | None:
    """The label of ``code``, or None when no module named it."""
    return _TRANSFER_CODES.label(code)


def transfer_code_labels() -> dict[str, str | Promise]:
    return {key: entry.label for key, entry in _TRANSFER_CODES.entries().items()}


# The codes money moves under in every deployment (payments, fees, the house's own books).
for _code, _label in (
    ("topup", pgettext_lazy("transfer code", "Top-up")),
    ("p2p", pgettext_lazy("transfer code", "Transfer between customers")),
    ("fee.transfer", pgettext_lazy("transfer code", "Transfer fee")),
    ("withdrawal", pgettext_lazy("transfer code", "Withdrawal")),
    ("settlement", pgettext_lazy("transfer code", "Channel settlement")),
    ("channel.cost", pgettext_lazy("transfer code", "Payment channel cost")),
    ("capital.injection", pgettext_lazy("transfer code", "Capital injection")),
    ("reversal", pgettext_lazy("transfer code", "Reversal")),
):
    transfer_code_label_register(_code, _label)
