"""``ledger_verify``: the ledger's invariants, checked from the rows themselves."""

import uuid
from collections import defaultdict

from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum

from hujin.ledger.models import Account, AccountDebitFreeze, AccountDebitFreezeChange, Transfer
from hujin.ledger.selectors import POSTING_KINDS, VerifyReport

MAX_REPORTED = 50


def ledger_verify() -> VerifyReport:
    """Check that debits equal credits per currency, that every account's stored balances are
    the sums of its transfers, that no balance-limit flag was ever crossed and that no transfer
    debited an account while its debits were frozen (as far as the freeze history tells), and
    that an account's debits are frozen exactly while a reason to freeze them is recorded."""
    problems: list[str] = []
    problems += _references_resolve()
    currency_problems, account_problems, accounts_checked = _balances_add_up()
    problems += currency_problems + account_problems
    problems += _limits_never_crossed()
    problems += _resolutions_match_their_pending()
    history = _replayed_history()
    problems += _freezes_match_their_flags(history)
    problems += _no_debits_while_frozen(history)
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


class _History:
    """The freeze history replayed: the reasons active now, keyed by (account id, reason) with
    the freeze's ``transfers_seq``, and each account's frozen spans of transfer seq, (after,
    until], ``until`` None while the reason is active."""

    def __init__(self) -> None:
        self.active: dict[tuple[uuid.UUID, str], int] = {}
        self.spans: dict[uuid.UUID, list[tuple[int, int | None]]] = defaultdict(list)


def _replayed_history() -> _History:
    history = _History()
    changes = AccountDebitFreezeChange.objects.order_by("id").values_list(
        "account_id", "reason_code", "frozen", "transfers_seq"
    )
    for account_id, reason, frozen, seq in changes.iterator(chunk_size=5000):
        key = (account_id, reason)
        if frozen:
            history.active.setdefault(key, seq)
        elif key in history.active:
            history.spans[account_id].append((history.active.pop(key), seq))
    for (account_id, _), seq in history.active.items():
        history.spans[account_id].append((seq, None))
    return history


def _freezes_match_their_flags(history: _History) -> list[str]:
    """Every account's ``debits_frozen`` flag is set exactly while it has a reason
    (``AccountDebitFreeze``), and its reasons are what their history says.

    A flag set or cleared by a migration or by hand, a reason row inserted or deleted around the
    services: each shows up here. The history is append-only (database triggers).
    """
    problems = []
    reasonless = Account.objects.filter(debits_frozen=True).filter(
        ~Exists(AccountDebitFreeze.objects.filter(account_id=OuterRef("pk")))
    )
    problems += [
        f"account {a}: debits frozen with no reason recorded"
        for a in reasonless.order_by("pk").values_list("id", flat=True)[:MAX_REPORTED]
    ]
    unflagged = (
        AccountDebitFreeze.objects.filter(account__debits_frozen=False)
        .order_by("account_id", "reason_code")
        .values_list("account_id", "reason_code")
    )
    problems += [
        f"account {a}: debits not frozen though frozen for {reason}"
        for a, reason in unflagged[:MAX_REPORTED]
    ]
    active = dict(history.active)
    for account_id, reason, seq in AccountDebitFreeze.objects.order_by(
        "account_id", "reason_code"
    ).values_list("account_id", "reason_code", "transfers_seq"):
        if active.pop((account_id, reason), None) != seq:
            problems.append(
                f"account {account_id}: frozen for {reason} with no such freeze in its history"
            )
    problems += [
        f"account {account_id}: its history freezes it for {reason}, which is not recorded"
        for account_id, reason in sorted(active, key=str)
    ]
    return problems


def _no_debits_while_frozen(history: _History) -> list[str]:
    """No transfer debited an account while one of its reasons to be frozen was active.

    A reason's freeze and its lift each record ``transfers_seq``, the highest transfer ``seq``
    then, read under the account's lock: the account's transfers after the freeze have a greater
    ``seq``, those before the lift one at most the lift's. A debiting transfer (single, pending,
    or a post of a hold) inside such a span is reported, for the spans the history gives and for
    the reasons recorded now (even one missing from the history). A flag with no reason gives
    no span: ``_freezes_match_their_flags`` reports it.
    """
    spans = defaultdict(list, {a: list(s) for a, s in history.spans.items()})
    current = AccountDebitFreeze.objects.values_list("account_id", "transfers_seq")
    for account_id, seq in current.iterator(chunk_size=5000):
        spans[account_id].append((seq, None))
    numbers = dict(Account.objects.filter(id__in=list(spans)).values_list("id", "number"))
    problems = []
    for account_id, account_spans in spans.items():
        for after_seq, until_seq in _merged(account_spans):
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


def _merged(spans: list[tuple[int, int | None]]) -> list[tuple[int, int | None]]:
    """Overlapping spans (two reasons at once) as one, so a debit is reported once."""
    merged: list[tuple[int, int | None]] = []
    for after, until in sorted(spans, key=lambda span: span[0]):
        if merged and (merged[-1][1] is None or after <= merged[-1][1]):
            last_after, last_until = merged[-1]
            merged[-1] = (
                last_after,
                None if None in (last_until, until) else max(last_until, until),
            )
        else:
            merged.append((after, until))
    return merged
