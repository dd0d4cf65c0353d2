"""Writes to the ledger's accounts: open, close or reopen, freeze or unfreeze their debits."""

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.ids import new_id
from hujin.core.money import currency_exponent
from hujin.ledger import store
from hujin.ledger.errors import (
    AccountExistsWithDifferentFields,
    AccountInvalid,
    AccountNotFound,
    AccountsNotAtZero,
)
from hujin.ledger.json_equality import same_json
from hujin.ledger.models import Account, AccountDebitFreeze, AccountDebitFreezeChange, AccountKind
from hujin.ledger.services._retries import with_retries
from hujin.ledger.validation import CODE_RE, metadata_problem

TARGET = "ledger.account"  # the audit entries' target type, the events' aggregate type


def account_create(
    *,
    currency: str,
    code: str,
    kind: str,
    actor: Actor,
    now: datetime,
    id: uuid.UUID | None = None,
    name: str = "",
    owner_ref: str = "",
    debits_must_not_exceed_credits: bool = False,
    credits_must_not_exceed_debits: bool = False,
    metadata: dict[str, Any] | None = None,
    debits_frozen: bool = False,
    debits_frozen_reason_code: str = "",
) -> tuple[Account, bool]:
    """Open a ledger account; returns (account, created).

    With ``debits_frozen`` it opens with its debits frozen, for ``debits_frozen_reason_code``
    (required then, and only then), in the same transaction: a module opening an account for an
    owner whose accounts it has frozen (``customers.freeze``) opens it frozen for that reason,
    and lifting the reason (``account_debits_unfreeze``) lifts it with the others.

    Idempotent on ``id``: the same id with the same fields (``debits_frozen`` among them)
    returns the existing account. The audit entry and the ``ledger.account_created`` event carry
    the account's references (id, number, code, currency, kind, owner_ref, limit flags,
    debits_frozen), not its ``name`` or ``metadata``; a frozen opening also writes the freeze's
    own entry and event. Raises AccountInvalid, AccountExistsWithDifferentFields.
    """
    currency_exponent(currency)  # raises InvalidCurrency
    if kind not in AccountKind.values:
        raise AccountInvalid("Unknown account kind.", details={"kind": kind})
    if not CODE_RE.match(code or ""):
        raise AccountInvalid(
            "Code must be 1-64 letters, digits or _.:- characters.", details={"code": code}
        )
    if debits_must_not_exceed_credits and credits_must_not_exceed_debits:
        raise AccountInvalid("An account takes at most one balance-limit flag.")
    for field_name, value in (("name", name), ("owner_ref", owner_ref)):
        limit = Account._meta.get_field(field_name).max_length
        if not isinstance(value, str) or len(value) > limit:
            raise AccountInvalid(
                f"{field_name} is text of at most {limit} characters.",
                details={"field": field_name},
            )
    problem = metadata_problem(metadata or {})
    if problem:
        raise AccountInvalid(problem, details={"field": "metadata"})
    if bool(debits_frozen) != bool(debits_frozen_reason_code) or (
        debits_frozen and not CODE_RE.match(debits_frozen_reason_code)
    ):
        raise AccountInvalid(
            "An account opens frozen with a reason code, and only frozen with one.",
            details={"field": "debits_frozen_reason_code"},
        )
    fields = {
        "currency": currency,
        "code": code,
        "kind": kind,
        "name": name,
        "owner_ref": owner_ref,
        "debits_must_not_exceed_credits": debits_must_not_exceed_credits,
        "credits_must_not_exceed_debits": credits_must_not_exceed_debits,
        "metadata": metadata or {},
        "debits_frozen": bool(debits_frozen),
    }
    account_id = id or new_id()

    def attempt() -> tuple[Account, bool]:
        with transaction.atomic():
            existing = Account.objects.filter(id=account_id).first()
            if existing is not None:
                if not _same_account_fields(existing, fields):
                    raise AccountExistsWithDifferentFields(details={"id": str(account_id)})
                return existing, False
            # Opened unfrozen, then frozen by the freeze service, which records the reason and
            # where the account's history stands (``ledger_verify`` reads both).
            account = Account.objects.create(
                id=account_id, number=store.next_account_number(), created_at=now,
                **{**fields, "debits_frozen": False},
            )  # fmt: skip
            after = {**_references(account), "debits_frozen": fields["debits_frozen"]}
            audit_record(actor=actor, action="ledger.account_create", target_type=TARGET,
                         target_id=str(account.id), occurred_at=now, after=after)  # fmt: skip
            event_emit(aggregate_type=TARGET, aggregate_id=str(account.id),
                       event_type="ledger.account_created", occurred_at=now,
                       payload=after)  # fmt: skip
            if debits_frozen:
                account_debits_freeze(account_ids=[account.id], actor=actor, now=now,
                                      reason_code=debits_frozen_reason_code)  # fmt: skip
                account.refresh_from_db(fields=["debits_frozen"])
            return account, True

    return with_retries(attempt)


def _references(account: Account) -> dict[str, Any]:
    """What the audit log and the outbox say of an account: references and its rules, never the
    free-text ``name`` or the ``metadata``, which may hold personal data (a customer's legal
    name) that an append-only log could never erase."""
    return {
        "id": str(account.id),
        "number": account.number,
        "code": account.code,
        "currency": account.currency,
        "kind": account.kind,
        "owner_ref": account.owner_ref,
        "debits_must_not_exceed_credits": account.debits_must_not_exceed_credits,
        "credits_must_not_exceed_debits": account.credits_must_not_exceed_debits,
    }


def _same_account_fields(existing: Account, fields: dict[str, Any]) -> bool:
    """Whether a retried opening asks for what is stored; metadata compares as JSON does."""
    return all(
        same_json(getattr(existing, k), v) if k == "metadata" else getattr(existing, k) == v
        for k, v in fields.items()
    )


def account_set_closed(
    *, account_id: uuid.UUID, closed: bool, actor: Actor, now: datetime
) -> Account:
    """Close an account (no new transfers; pending ones may still be voided) or reopen it.

    Raises AccountNotFound.
    """

    def attempt() -> Account:
        with transaction.atomic():
            account = Account.objects.select_for_update().filter(id=account_id).first()
            if account is None:
                raise AccountNotFound(details={"id": str(account_id)})
            _closed_set(account, closed, actor=actor, now=now)
            return account

    return with_retries(attempt)


def accounts_close(*, owner_ref: str, actor: Actor, now: datetime) -> list[uuid.UUID]:
    """Close every account of ``owner_ref``, all or none: each must be at zero (posted debits
    equal posted credits, nothing pending). Returns their ids in id order (empty when the owner
    has none); accounts already closed stay closed.

    Raises AccountInvalid (no owner_ref), AccountsNotAtZero (details: ``accounts``, the ids of
    those not at zero).
    """
    if not owner_ref:
        raise AccountInvalid(
            "Name the owner whose accounts are closed.", details={"field": "owner_ref"}
        )

    def attempt() -> list[uuid.UUID]:
        with transaction.atomic():
            accounts = _locked(owner_ref=owner_ref)
            not_zero = [
                str(a.id)
                for a in accounts
                if a.debits_posted != a.credits_posted or a.debits_pending or a.credits_pending
            ]
            if not_zero:
                raise AccountsNotAtZero(details={"accounts": not_zero})
            for account in accounts:
                _closed_set(account, True, actor=actor, now=now)
            return [a.id for a in accounts]

    return with_retries(attempt)


def _closed_set(account: Account, closed: bool, *, actor: Actor, now: datetime) -> None:
    if account.closed == closed:
        return
    account.closed = closed
    account.save(update_fields=["closed"])
    action = "ledger.account_close" if closed else "ledger.account_reopen"
    audit_record(actor=actor, action=action, target_type=TARGET, target_id=str(account.id),
                 occurred_at=now, before={"closed": not closed},
                 after={"closed": closed})  # fmt: skip
    event_emit(aggregate_type=TARGET, aggregate_id=str(account.id),
               event_type="ledger.account_closed" if closed else "ledger.account_reopened",
               occurred_at=now, payload={"id": str(account.id)})  # fmt: skip


# -- frozen debits -------------------------------------------------------------------------------


def account_debits_freeze(
    *,
    account_ids: Sequence[uuid.UUID] = (),
    owner_ref: str = "",
    reason_code: str,
    actor: Actor,
    now: datetime,
) -> list[uuid.UUID]:
    """Freeze the debits of some accounts for a reason: from now on the ledger refuses, with the
    result code ``debits_frozen``, every single or pending transfer that debits one of them and
    every post of a hold on one of them. Credits still arrive; holds can still be voided and
    still expire.

    The accounts are named by ``account_ids`` or are all the accounts of ``owner_ref`` (exactly
    one of the two). ``reason_code`` says why, as a code (``customers.freeze``, ``risk.case:17``),
    never as prose. An account stays frozen until every reason it was frozen for is lifted
    (``account_debits_unfreeze``); freezing for a reason already active changes nothing. Per
    account it changes: the reason (``AccountDebitFreeze``), a history row, an audit entry and an
    event. One transaction, accounts locked in id order; inside a caller's transaction, that one.
    Returns the ids of the accounts this call added the reason to, in id order.

    Raises AccountInvalid, AccountNotFound (an id in ``account_ids`` names no account).
    """
    return _debit_freezes_change(
        True, account_ids=account_ids, owner_ref=owner_ref, reason_code=reason_code,
        actor=actor, now=now,
    )  # fmt: skip


def account_debits_unfreeze(
    *,
    account_ids: Sequence[uuid.UUID] = (),
    owner_ref: str = "",
    reason_code: str,
    actor: Actor,
    now: datetime,
) -> list[uuid.UUID]:
    """Lift one reason the accounts' debits are frozen for (``account_debits_freeze``'s reverse,
    with the same arguments); an account stays frozen while another reason remains.

    ``reason_code`` is the reason to lift: exactly the code the accounts were frozen with
    (``customers.freeze``, ``risk.case:17``, ``legacy``), never another name for it. An account
    not frozen for that reason is left alone (no error: an owner may have opened accounts since
    the freeze, or another path lifted it already) and nothing is written for it. Returns the
    ids of the accounts this call lifted the reason from, in id order.

    Raises AccountInvalid, AccountNotFound.
    """
    return _debit_freezes_change(
        False, account_ids=account_ids, owner_ref=owner_ref, reason_code=reason_code,
        actor=actor, now=now,
    )  # fmt: skip


def _debit_freezes_change(
    frozen: bool,
    *,
    account_ids: Sequence[uuid.UUID],
    owner_ref: str,
    reason_code: str,
    actor: Actor,
    now: datetime,
) -> list[uuid.UUID]:
    """Add (``frozen``) or lift ``reason_code`` on the accounts that do not have it as asked."""
    if bool(account_ids) == bool(owner_ref):
        raise AccountInvalid(
            "Name the accounts by account_ids or by owner_ref, not both.",
            details={"field": "account_ids"},
        )
    if not isinstance(reason_code, str) or not CODE_RE.match(reason_code):
        raise AccountInvalid(
            "The reason is a code of 1-64 letters, digits or _.:- characters.",
            details={"field": "reason_code"},
        )
    ids = sorted(set(account_ids))

    def attempt() -> list[uuid.UUID]:
        with transaction.atomic():
            accounts = _locked(account_ids=ids) if ids else _locked(owner_ref=owner_ref)
            if ids and len(accounts) != len(ids):
                missing = sorted(set(ids) - {a.id for a in accounts})
                raise AccountNotFound(details={"id": str(missing[0])})
            reasons: dict[uuid.UUID, set[str]] = {a.id: set() for a in accounts}
            rows = AccountDebitFreeze.objects.filter(account_id__in=list(reasons))
            for account_id, code in rows.values_list("account_id", "reason_code"):
                reasons[account_id].add(code)  # read under the accounts' locks
            changed = [a for a in accounts if (reason_code in reasons[a.id]) != frozen]
            # Where the accounts' histories stand: ``ledger_verify`` checks that no transfer
            # debited them between a reason's freeze mark and its lift's.
            seq = store.highest_seq() if changed else 0
            for account in changed:
                _debit_freeze_record(account, reasons[account.id], frozen=frozen,
                                     reason_code=reason_code, seq=seq, actor=actor,
                                     now=now)  # fmt: skip
            return [a.id for a in changed]

    return with_retries(attempt)


def _debit_freeze_record(
    account: Account,
    reasons: set[str],
    *,
    frozen: bool,
    reason_code: str,
    seq: int,
    actor: Actor,
    now: datetime,
) -> None:
    """Add or lift one reason on a locked account whose active ``reasons`` are given (and
    updated): the reason row, the flag (set while a reason remains), the history row, the audit
    entry and the event."""
    who = {"actor_kind": actor.kind[:16], "actor_id": actor.id[:64]}
    if frozen:
        AccountDebitFreeze.objects.create(account=account, reason_code=reason_code,
                                          frozen_at=now, transfers_seq=seq, **who)  # fmt: skip
        reasons.add(reason_code)
    else:
        AccountDebitFreeze.objects.filter(account=account, reason_code=reason_code).delete()
        reasons.discard(reason_code)
    was_frozen, account.debits_frozen = account.debits_frozen, bool(reasons)
    if account.debits_frozen != was_frozen:
        account.save(update_fields=["debits_frozen"])
    AccountDebitFreezeChange.objects.create(
        account=account, reason_code=reason_code, frozen=frozen,
        debits_frozen=account.debits_frozen, occurred_at=now, transfers_seq=seq, **who,
    )  # fmt: skip
    action, event_type = _FROZEN_NAMES[frozen]
    audit_record(actor=actor, action=action, target_type=TARGET, target_id=str(account.id),
                 occurred_at=now, before={"debits_frozen": was_frozen},
                 after={"debits_frozen": account.debits_frozen, "reason_code": reason_code,
                        "reason_codes": sorted(reasons), "transfers_seq": seq})  # fmt: skip
    event_emit(aggregate_type=TARGET, aggregate_id=str(account.id), event_type=event_type,
               occurred_at=now,
               payload={"id": str(account.id), "number": account.number,
                        "owner_ref": account.owner_ref, "reason_code": reason_code,
                        "debits_frozen": account.debits_frozen})  # fmt: skip


_FROZEN_NAMES = {  # the audit action and the event type: a reason added, a reason lifted
    True: ("ledger.account_debits_freeze", "ledger.account_debits_frozen"),
    False: ("ledger.account_debits_unfreeze", "ledger.account_debits_unfrozen"),
}


def _locked(*, account_ids: Sequence[uuid.UUID] = (), owner_ref: str = "") -> list[Account]:
    """The accounts, locked in id order (the order every ledger write locks accounts in)."""
    accounts = Account.objects.select_for_update()
    accounts = (
        accounts.filter(id__in=account_ids) if account_ids else accounts.filter(owner_ref=owner_ref)
    )
    return list(accounts.order_by("pk"))
