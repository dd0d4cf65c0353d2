"""The customer's words for lending's codes: loan purposes, repayment methods, the states of
applications, loans and instalments, and the reasons behind a decline, from the scorecard's
characteristics and the policy's hard rules, said to the customer in a sentence."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.lending import decision
from hujin.lending import types as t

PURPOSE_LABELS = {
    "consumption": pgettext_lazy("loan purpose", "Everyday spending"),
    "education": pgettext_lazy("loan purpose", "Education and training"),
    "medical": pgettext_lazy("loan purpose", "Medical care"),
    "travel": pgettext_lazy("loan purpose", "Travel"),
    "home_improvement": pgettext_lazy("loan purpose", "Home improvement and furnishing"),
    "business": pgettext_lazy("loan purpose", "Running a small business"),
    "securities": pgettext_lazy("loan purpose", "Buying shares, funds or futures"),
    "property_down_payment": pgettext_lazy("loan purpose", "A property down payment"),
}

METHOD_LABELS = {
    t.EQUAL_INSTALMENT: _("Equal instalments (principal and interest)"),
    t.EQUAL_PRINCIPAL: _("Equal principal, declining instalments"),
    t.INTEREST_ONLY: _("Interest monthly, principal at the end"),
    t.BULLET: _("One payment at the end"),
}

APPLICATION_STATE_LABELS = {
    t.APP_SUBMITTED: pgettext_lazy("loan application", "Being assessed"),
    t.APP_APPROVED: pgettext_lazy("loan application", "Approved"),
    t.APP_REFERRED: pgettext_lazy("loan application", "Under review"),
    t.APP_DECLINED: pgettext_lazy("loan application", "Declined"),
    t.APP_ACCEPTED: pgettext_lazy("loan application", "Contract signed"),
    t.APP_EXPIRED: pgettext_lazy("loan application", "Offer expired"),
    t.APP_CANCELLED: pgettext_lazy("loan application", "Cancelled"),
}
# The tone of each state, for the badge (hujin.core.statuses keys with the same tone).
APPLICATION_STATE_KEYS = {
    t.APP_SUBMITTED: "pending", t.APP_APPROVED: "approved", t.APP_REFERRED: "needs_review",
    t.APP_DECLINED: "rejected", t.APP_ACCEPTED: "accepted", t.APP_EXPIRED: "expired",
    t.APP_CANCELLED: "cancelled",
}  # fmt: skip

LOAN_STATE_LABELS = {
    t.LOAN_SIGNED: pgettext_lazy("loan", "Signed, being paid out"),
    t.LOAN_ACTIVE: pgettext_lazy("loan", "Repaying"),
    t.LOAN_SETTLED: pgettext_lazy("loan", "Repaid in full"),
    t.LOAN_WRITTEN_OFF: pgettext_lazy("loan", "Closed by the lender"),
}
LOAN_STATE_KEYS = {
    t.LOAN_SIGNED: "pending", t.LOAN_ACTIVE: "active", t.LOAN_SETTLED: "settled",
    t.LOAN_WRITTEN_OFF: "closed",
}  # fmt: skip

INSTALMENT_STATE_LABELS = {
    "paid": pgettext_lazy("instalment", "Paid"),
    "due": pgettext_lazy("instalment", "Due today"),
    "overdue": pgettext_lazy("instalment", "Overdue"),
    "upcoming": pgettext_lazy("instalment", "Upcoming"),
}
INSTALMENT_STATE_KEYS = {"paid": "completed", "due": "pending", "overdue": "overdue",
                         "upcoming": "draft"}  # fmt: skip

# Why an application was declined, as the customer is told: the scorecard's characteristics
# that cost the most points, and the hard rules that failed.
REASON_SENTENCES = {
    "age": _("Your age counts against a loan of this kind."),
    "kyc_age_days": _("Your account with us is still new."),
    "risk_level": _("Your risk assessment result weighs on the decision."),
    "wallet_balance_avg_90d": _("Your wallet has held little money over the last three months."),
    "wallet_inflow_90d": _("Little money has come into your wallet over the last three months."),
    "payments_failed_90d": _("Some of your recent payments failed."),
    "past_loans": _("You have little borrowing history with us."),
    "past_max_dpd": _("A past loan of yours was repaid late."),
    "security_events_90d": _("There were recent security alerts on your account."),
    "monthly_income": _("Your declared income is low for the amount asked."),
    "debt_to_income": _("Your repayments would take a large part of your income."),
    "bureau_inquiries_6m": _("Your credit report shows many recent credit applications."),
    "bureau_open_accounts": _("Your credit report shows many open credit accounts."),
    "bureau_delinquencies_24m": _(
        "Your credit report shows late repayments in the last two years."
    ),
    "bureau_utilisation": _("You are using a large share of your existing credit limits."),
    decision.NOT_VERIFIED: _("Your identity is not verified yet."),
    decision.NOT_ACTIVE: _("Your account is not active."),
    decision.AGE_UNKNOWN: _("We could not confirm your age from your identity document."),
    decision.AGE_OUT_OF_RANGE: _("This loan is only for borrowers within its age range."),
    decision.EXISTING_OVERDUE: _("You have a loan with us that is overdue."),
    decision.PURPOSE_REFUSED: _(
        "Loans cannot be used for investments such as shares, funds, futures or property "
        "down payments."
    ),
    decision.INCOME_MISSING: _("We need your monthly income to assess the loan."),
    decision.DEBT_TO_INCOME: _("Your repayments would take too large a part of your income."),
    decision.BELOW_MIN_SCORE: _("Your credit score is below what this product asks for."),
}
GENERAL_DECLINE = _("Your credit score is below what we can lend on today.")


def reasons_in_words(*, hard_rules, reasons, most: int = 3) -> list[str]:
    """The top reasons a decline is explained with: every hard rule that failed first, then the
    characteristics that cost the most points, at most ``most`` sentences, never repeated."""
    said: list[str] = []
    for code in [*hard_rules, *reasons]:
        sentence = REASON_SENTENCES.get(code)
        if sentence is not None and str(sentence) not in said:
            said.append(str(sentence))
    return said[:most] or [str(GENERAL_DECLINE)]


def term_label(term: int, unit: str) -> str:
    from django.utils.translation import ngettext

    if unit == t.TERM_DAYS:
        return ngettext("%(n)d day", "%(n)d days", term) % {"n": term}
    return ngettext("%(n)d month", "%(n)d months", term) % {"n": term}
