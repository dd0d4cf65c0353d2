"""``ledger_verify``: the ledger's invariants, checked from the rows themselves."""

import uuid
from collections import defaultdict

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
    problems += _currencies_balance()
    accounts_checked = _stored_equals_summed(problems)
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


def _currencies_balance() -> list[str]:
    problems = []
    totals = Account.objects.values("currency").annotate(
        dp=Sum("debits_pending"), dpo=Sum("debits_posted"),
        cp=Sum("credits_pending"), cpo=Sum("credits_posted"),
    )  # fmt: skip
    for t in totals:
        if t["dpo"] != t["cpo"]:
            problems.append(
                f"{t['currency']}: posted debits {t['dpo']} != posted credits {t['cpo']}"
            )
        if t["dp"] != t["cp"]:
            problems.append(
                f"{t['currency']}: pending debits {t['dp']} != pending credits {t['cp']}"
            )
    return problems


def _grouped(qs, side: str, amount: str = "amount") -> dict:
    return dict(qs.values_list(side).annotate(total=Sum(amount)).values_list(side, "total"))


def _stored_equals_summed(problems: list[str]) -> int:
    posting = Transfer.objects.filter(kind__in=POSTING_KINDS)
    holds = Transfer.objects.filter(kind="pending")
    releases = Transfer.objects.filter(pending__isnull=False)
    expected: dict = defaultdict(lambda: [0, 0, 0, 0])
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
            expected[account_id][index] += sign * total
    names = ("debits_pending", "debits_posted", "credits_pending", "credits_posted")
    count = 0
    for row in Account.objects.values_list("id", *names).iterator(chunk_size=5000):
        count += 1
        want = expected.get(row[0], [0, 0, 0, 0])
        for name, stored, summed in zip(names, row[1:], want, strict=True):
            if stored != summed:
                problems.append(
                    f"account {row[0]}: stored {name} {stored} != sum of transfers {summed}"
                )
    return count


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
