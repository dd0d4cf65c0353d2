"""Names on the ledger's pages: who owns an account, what an account is called, what the
account on the other side of a transfer is. Each page names all its accounts and owners at once
(one read of the accounts, one question per owner module), never row by row."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.ledger import selectors
from hujin.ledger.models import Account
from hujin.ledger.naming import OwnerLabel, owner_labels
from hujin.ledger.services.accounts import TARGET
from hujin.ledger.services.transfers import BATCH_TARGET

# A pending transfer's outcome as the shared status vocabulary names it (hujin.core.statuses).
PENDING_STATUS_BADGES = {
    "pending": "pending",
    "posted": "posted",
    "voided": "voided",
    "expired": "timed_out",
}


@dataclass(frozen=True, slots=True)
class AccountName:
    """An account as a page names it: its display name and code, and its owner's label. An
    account the viewer may not see is ``hidden`` and shows nothing of itself."""

    id: uuid.UUID
    code: str = ""
    name: str = ""
    owner: OwnerLabel | None = None
    owned: bool = False  # False: the house's own account
    hidden: bool = False


def _account_name(account: Account, owner: OwnerLabel) -> AccountName:
    return AccountName(
        id=account.id,
        code=account.code,
        name=str(owner.name_of_account(account.name)),
        owner=owner,
        owned=bool(account.owner_ref),
    )


class PageNames:
    """The accounts and owners one page shows, named for the actor reading it."""

    def __init__(self, actor: Actor, accounts: Iterable[Account] = (), *, others=()):
        """``accounts``: accounts the page already holds; ``others``: ids of more accounts to
        name (read in one query, as far as ``actor`` may see them)."""
        self._accounts = {account.id: account for account in accounts}
        missing = {uuid.UUID(str(i)) for i in others if i is not None} - self._accounts.keys()
        if missing:
            self._accounts.update(selectors.accounts_get_many(actor=actor, account_ids=missing))
        self._owners = owner_labels(
            actor=actor, owner_refs={a.owner_ref for a in self._accounts.values()}
        )

    def owner(self, account: Account) -> OwnerLabel:
        return self._owners[account.owner_ref]

    def account(self, account_id) -> AccountName:
        account = self._accounts.get(uuid.UUID(str(account_id)))
        if account is None:
            return AccountName(id=account_id, hidden=True)
        return _account_name(account, self._owners[account.owner_ref])

    def named_account_row(self, row: dict, account: Account) -> dict:
        """A presented account (``presenters.account_out``) with its owner and display name."""
        owner = self.owner(account)
        return {**row, "owner": owner, "display_name": str(owner.name_of_account(account.name))}


# -- the ledger's objects in the audit trail and approvals (hujin.core.links) ---------------------


def account_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    """Audit objects of type ``ledger.account``: the account by code and name (its owner's
    label after it), linked to its page; nothing for an actor the ledger does not let read it."""
    ids = uuids_parsed(target_ids)
    try:
        names = PageNames(actor, others=ids.values())
    except PermissionDenied:
        return {}
    links = {}
    for raw, account_id in ids.items():
        named = names.account(account_id)
        if named.hidden:
            continue
        owner = f" · {named.owner.name}" if named.owned and named.owner else ""
        links[raw] = TargetLink(
            f"{named.code} {named.name}{owner}".strip(),
            url=reverse("ledger:account_detail", args=[account_id]),
        )
    return links


def register_target_types() -> None:
    """Called from ``LedgerConfig.ready``."""
    target_type_register(
        TARGET, label=pgettext_lazy("target", "Ledger account"), resolve=account_targets
    )
    target_type_register(BATCH_TARGET, label=pgettext_lazy("target", "Transfer batch"))
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)


AUDIT_ACTION_LABELS = {
    "ledger.account_create": pgettext_lazy("audit action", "Ledger account opened"),
    "ledger.account_close": pgettext_lazy("audit action", "Ledger account closed"),
    "ledger.account_reopen": pgettext_lazy("audit action", "Ledger account reopened"),
    "ledger.account_debits_freeze": pgettext_lazy("audit action", "Account debits frozen"),
    "ledger.account_debits_unfreeze": pgettext_lazy("audit action", "Account debits unfrozen"),
    "ledger.transfers_create": pgettext_lazy("audit action", "Transfers recorded"),
    "ledger.transfers_fan_out": pgettext_lazy("audit action", "Transfers fanned out"),
    "ledger.transfers_fan_in": pgettext_lazy("audit action", "Transfers fanned in"),
}
