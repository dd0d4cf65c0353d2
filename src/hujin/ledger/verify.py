"""``ledger_verify``: the ledger's invariants, checked from the rows themselves."""

import uuid
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum

from hujin.core.models import AuditEntry
from hujin.ledger.models import Account, Transfer
from hujin.ledger.selectors import POSTING_KINDS, VerifyReport

MAX_REPORTED = 50


def ledger_verify() -> VerifyReport:
    """Check that debits equal credits per currency, that every account's stored balances are
    the sums of its transfers, that no balance-limit flag was ever crossed and that no transfer
    debited an account while its debits were frozen (as far as the audit trail tells)."""
    problems: list[str] = []
    problems += _references_resolve()
    currency_problems, account_problems, accounts_checked = _balances_add_up()
    problems += currency_problems + account_problems
    problems += _limits_never_crossed()
    problems += _resolutions_match_their_pending()
    problems += _no_debits_while_frozen()
    return VerifyReport(
        accounts_checked=accounts_checked,
        transfers_checked=Transfer.objects.count(),
        problems=problems[:MAX_REPORTED]
        + (
            [f"... and {len(problems) - MAX_REPORTED} more"] if len(problems) > MAX_REPORTED else []
        ),
    )


def _references_resolve() -> list[str]:
    """Every transfer names accounts that exist, by id and by that account's number, and every
    resolution a transfer that exists.

    The database keeps no foreign keys on transfers (see the model): this is where a row written
    around the ledger's services would show up.
    """
    problems = []
    for side, number in (("debit_account_id", "debit_number"),
                         ("credit_account_id", "credit_number")):  # fmt: skip
        of_side = Account.objects.filter(id=OuterRef(side)).values("number")[:1]
        rows = (
            Transfer.objects.annotate(account_number=Subquery(of_side))
            .filter(Q(account_number__isnull=True) | ~Q(account_number=F(number)))
            .values_list("id", "account_number")[:MAX_REPORTED]
        )
        problems += [
            f"transfer {t}: {side} names no account" if found is None
            else f"transfer {t}: {number} is not the number of its {side}"
            for t, found in rows
        ]  # fmt: skip
    unresolved = (
        Transfer.objects.filter(pending_id__isnull=False)
        .filter(~Exists(Transfer.objects.filter(id=OuterRef("pending_id"))))
        .values_list("id", flat=True)[:MAX_REPORTED]
    )
    problems += [f"transfer {t}: its pending transfer does not exist" for t in unresolved]
    return problems


def _balances_add_up() -> tuple[list[str], list[str], int]:
    """Per currency, debits equal credits (posted, and pending); every account's stored
    balances equal the sums of its transfers. Returns (currency problems, account problems,
    accounts checked).

    Sums are Python integers: a currency's balances together, or an account's holds made and
    released over time, can pass 2**63 - 1 though each balance fits in a BIGINT. The accounts are
    read once, streamed; so are the transfers on SQLite (see ``_summed_by_account``)."""
    expected = _summed_by_account()
    names = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    account_problems = []
    count = 0
    rows = Account.objects.values_list("id", "currency", *names).iterator(chunk_size=5000)
    for account_id, currency, *stored in rows:
        count += 1
        total = totals[currency]
        want = expected.get(account_id, (0, 0, 0, 0))
        for i, (name, value, summed) in enumerate(zip(names, stored, want, strict=True)):
            total[i] += value
            if value != summed:
                account_problems.append(
                    f"account {account_id}: stored {name} {value} != sum of transfers {summed}"
                )
    currency_problems = []
    for currency, (dp, dpo, cp, cpo) in sorted(totals.items()):
        if dpo != cpo:
            currency_problems.append(f"{currency}: posted debits {dpo} != posted credits {cpo}")
        if dp != cp:
            currency_problems.append(f"{currency}: pending debits {dp} != pending credits {cp}")
    return currency_problems, account_problems, count


def _summed_by_account() -> dict:
    """Each account's four balances as its transfers add them up.

    PostgreSQL sums bigints as numeric, so it sums by account itself. SQLite's SUM() stops at
    2**63 - 1 with ``integer overflow``, and an account's holds (each one added, then taken off
    by its post, void or expiry) can add up past that: there the transfers are read once,
    streamed, and summed in Python."""
    expected: dict = defaultdict(lambda: [0, 0, 0, 0])
    if connection.vendor == "postgresql":
        posting = Transfer.objects.filter(kind__in=POSTING_KINDS)
        holds = Transfer.objects.filter(kind="pending")
        releases = Transfer.objects.filter(pending__isnull=False)
        sums = [
            (0, _grouped(holds, "debit_account_id"), 1),
            (0, _grouped(releases, "debit_account_id", "pending__amount"), -1),
            (1, _grouped(posting, "debit_account_id"), 1),
            (2, _grouped(holds, "credit_account_id"), 1),
            (2, _grouped(releases, "credit_account_id", "pending__amount"), -1),
            (3, _grouped(posting, "credit_account_id"), 1),
        ]
        for index, by_account, sign in sums:
            for account_id, total in by_account.items():
                expected[account_id][index] += sign * int(total)
        return expected
    rows = Transfer.objects.values_list(
        "kind", "debit_account_id", "credit_account_id", "amount", "pending__amount"
    ).iterator(chunk_size=10_000)
    for kind, debit, credit, amount, held in rows:
        dr, cr = expected[debit], expected[credit]
        if kind == "pending":
            dr[0] += amount
            cr[2] += amount
        elif held is not None:  # a post, void or expiry releases the hold
            dr[0] -= held
            cr[2] -= held
        if kind in POSTING_KINDS:
            dr[1] += amount
            cr[3] += amount
    return expected


def _grouped(qs, side: str, amount: str = "amount") -> dict:
    return dict(qs.values_list(side).annotate(total=Sum(amount)).values_list(side, "total"))


def _limits_never_crossed() -> list[str]:
    crossed = Transfer.objects.filter(
        Q(debit_account__debits_must_not_exceed_credits=True,
          dr_credits_posted__lt=F("dr_debits_pending") + F("dr_debits_posted"))
        | Q(debit_account__credits_must_not_exceed_debits=True,
            dr_debits_posted__lt=F("dr_credits_pending") + F("dr_credits_posted"))
        | Q(credit_account__debits_must_not_exceed_credits=True,
            cr_credits_posted__lt=F("cr_debits_pending") + F("cr_debits_posted"))
        | Q(credit_account__credits_must_not_exceed_debits=True,
            cr_debits_posted__lt=F("cr_credits_pending") + F("cr_credits_posted"))
    )  # fmt: skip
    return [f"transfer {t} left an account past its balance limit"
            for t in crossed.values_list("id", flat=True)[:MAX_REPORTED]]  # fmt: skip


def _resolutions_match_their_pending() -> list[str]:
    bad = Transfer.objects.filter(pending__isnull=False).filter(
        ~Q(pending__kind="pending")
        | ~Q(debit_account_id=F("pending__debit_account_id"))
        | ~Q(credit_account_id=F("pending__credit_account_id"))
        | Q(amount__gt=F("pending__amount"))
        | (~Q(kind="post_pending") & ~Q(amount=F("pending__amount")))
    )
    return [f"transfer {t} does not match the pending transfer it resolves"
            for t in bad.values_list("id", flat=True)[:MAX_REPORTED]]  # fmt: skip


# Transfers that debit their debit account on their own account (voids and expiries release).
DEBITING_KINDS = ("single", "pending", "post_pending")
_FREEZE_ACTIONS = {"ledger.account_debits_freeze": True, "ledger.account_debits_unfreeze": False}


def _no_debits_while_frozen() -> list[str]:
    """No transfer debited an account between a freeze of its debits and the unfreeze.

    The flag alone says only whether an account is frozen now. Each freeze and unfreeze leaves an
    audit entry with ``transfers_seq``, the highest transfer ``seq`` when it happened, read under
    the account's lock: a transfer on that account with a greater ``seq`` came after it. Those
    marks give each account's frozen spans of history; a debiting transfer inside one is
    reported. Flags set without the services (no audit entry) give no span and are not checked.
    """
    spans: dict[uuid.UUID, list[tuple[int, int | None]]] = defaultdict(list)
    frozen_since: dict[uuid.UUID, int] = {}
    entries = (
        AuditEntry.objects.filter(target_type="ledger.account", action__in=_FREEZE_ACTIONS)
        .order_by("id")  # an account's freezes and unfreezes are serialised by its lock
        .values_list("target_id", "action", "after")
    )
    for target_id, action, after in entries.iterator(chunk_size=5000):
        seq = (after or {}).get("transfers_seq")
        if not isinstance(seq, int):
            continue
        account_id = uuid.UUID(target_id)
        if _FREEZE_ACTIONS[action]:
            frozen_since.setdefault(account_id, seq)
        elif account_id in frozen_since:
            spans[account_id].append((frozen_since.pop(account_id), seq))
    for account_id, seq in frozen_since.items():
        spans[account_id].append((seq, None))
    numbers = dict(Account.objects.filter(id__in=list(spans)).values_list("id", "number"))
    problems = []
    for account_id, account_spans in spans.items():
        for after_seq, until_seq in account_spans:
            debits = Transfer.objects.filter(
                debit_number=numbers.get(account_id), seq__gt=after_seq, kind__in=DEBITING_KINDS
            )
            if until_seq is not None:
                debits = debits.filter(seq__lte=until_seq)
            problems += [
                f"transfer {t}: debited account {account_id} while its debits were frozen"
                for t in debits.order_by("seq").values_list("id", flat=True)[:MAX_REPORTED]
            ]
    return problems
