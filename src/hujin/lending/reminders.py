"""The messages a borrower gets from lending, through the notification interface: an instalment
falls due in a few days (and what the wallet still lacks for it); an instalment is overdue, on
each bucket the loan moves into; and the loan is paid off. Each message is idempotent on its
reason (the loan, the due date or the bucket), so a close of business run twice sends once.

The reminders run as the close of business's last lending step (``lending.reminders``)."""

import uuid
from datetime import date, datetime, timedelta

from django.utils.translation import gettext_lazy as _

from hujin.core.money import display_amount
from hujin.customers.selectors import customer_user_id
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR
from hujin.lending.allocation import owed_of
from hujin.lending.models import Instalment, Loan, LoanStatusChange
from hujin.notifications.services import notification_kind_register, notification_send
from hujin.notifications.types import CATEGORY_MONEY, CHANNEL_INBOX, CHANNEL_SMS

DUE_SOON_KIND = "lending.due_soon"
OVERDUE_KIND = "lending.overdue"
SETTLED_KIND = "lending.settled"
DAYS_BEFORE = 3


def register() -> None:
    notification_kind_register(
        DUE_SOON_KIND, category=CATEGORY_MONEY, channels=(CHANNEL_INBOX, CHANNEL_SMS),
        title=_("Your loan instalment is due soon"),
        body=_("%(amount)s of loan %(number)s falls due on %(date)s. Keep it in your Hujin "
               "wallet and it is paid automatically."),
        url_name="lending:loan",
    )  # fmt: skip
    notification_kind_register(
        OVERDUE_KIND, category=CATEGORY_MONEY, channels=(CHANNEL_INBOX, CHANNEL_SMS),
        title=_("Your loan payment is overdue"),
        body=_("Loan %(number)s is %(days)s days overdue: %(amount)s is due now and penalty "
               "interest is running. Top up your wallet or repay on the loan's page."),
        url_name="lending:loan",
    )  # fmt: skip
    notification_kind_register(
        SETTLED_KIND, category=CATEGORY_MONEY, channels=(CHANNEL_INBOX,),
        title=_("Your loan is paid off"),
        body=_("Loan %(number)s is fully repaid. Thank you."),
        url_name="lending:loan",
    )  # fmt: skip


def _send(loan: Loan, kind: str, key: str, now: datetime, **params) -> None:
    user_id = customer_user_id(customer_id=loan.customer_id)
    if user_id is None:
        return
    notification_send(user_id=user_id, kind=kind, params={"number": loan.number, **params},
                      link_args=(str(loan.id),), dedupe_key=key, actor=ACTOR,
                      now=now)  # fmt: skip


def _owed_by(loan: Loan, day: date) -> int:
    rows = Instalment.objects.filter(loan=loan, schedule_version=loan.schedule_version,
                                     paid_on=None, due_date__lte=day)  # fmt: skip
    return sum(owed_of(r).total() for r in rows)


def reminders_send(*, business_date: date, now: datetime) -> dict:
    """Instalments due in DAYS_BEFORE days; loans that moved to a worse bucket today."""
    soon = business_date + timedelta(days=DAYS_BEFORE)
    due = (
        Instalment.objects.filter(
            due_date=soon, paid_on=None, superseded=False, loan__state=t.LOAN_ACTIVE
        )
        .select_related("loan")
        .order_by("loan_id")
    )
    sent_soon = 0
    for row in due:
        if row.schedule_version != row.loan.schedule_version:
            continue
        _send(row.loan, DUE_SOON_KIND, f"due:{row.loan_id}:{soon}", now,
              amount=display_amount(owed_of(row).total(), row.loan.currency),
              date=soon.isoformat())  # fmt: skip
        sent_soon += 1
    moved = (
        LoanStatusChange.objects.filter(business_date=business_date, reason="cob")
        .exclude(bucket="M0")
        .select_related("loan")
    )
    sent_overdue = 0
    for change in moved:
        if change.bucket <= change.previous_bucket:  # M1 < M2 < ... as text
            continue
        loan = change.loan
        _send(loan, OVERDUE_KIND, f"overdue:{loan.id}:{change.bucket}:{business_date}", now,
              days=change.dpd,
              amount=display_amount(_owed_by(loan, business_date), loan.currency))  # fmt: skip
        sent_overdue += 1
    return {"due_soon": sent_soon, "overdue": sent_overdue}


def on_loan_settled(event) -> None:
    """lending.loan_settled: the borrower hears the loan is paid off."""
    loan = Loan.objects.filter(id=uuid.UUID(event.payload["loan_id"])).first()
    if loan is not None:
        _send(loan, SETTLED_KIND, f"settled:{loan.id}", event.occurred_at)
