"""What the close-of-business page calls steps, result keys, durations and who started a run.

A step is named by the module that registers it (``hujin.core.cob_labels.cob_step_label_register``).
The steps of core, and those of modules registered before they named their own, are named here,
so the page never shows a dotted code where a person expects words; a module that later names
its step with the same words (the same msgid, context "cob step") is accepted, other words are
refused at start-up: one step, one name. A step nobody named shows as its code.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from hujin.core.cob import ADVANCE_STEP_NAME
from hujin.core.cob_labels import cob_step_label_register

STEP_LABELS = {
    "payments.resolve_unknown": pgettext_lazy(
        "cob step", "Ask the channel about unanswered payments"
    ),
    "payments.reconcile": pgettext_lazy("cob step", "Reconcile with the payment channels"),
    "ledger.expire_pending": pgettext_lazy("cob step", "Expire pending transfers past their time"),
    "core.audit_seal": pgettext_lazy("cob step", "Seal the audit trail"),
    ADVANCE_STEP_NAME: pgettext_lazy("cob step", "Move to the next business date"),
}

# The keys the steps put in their results, for any step; a key not here shows as recorded (it may
# be data, such as a channel's name). Results are small summaries: counts, codes, a date.
RESULT_KEY_LABELS = {
    "business_date": pgettext_lazy("cob result", "Business date"),
    "expired": pgettext_lazy("cob result", "Expired"),
    "succeeded": pgettext_lazy("cob result", "Succeeded"),
    "failed": pgettext_lazy("cob result", "Failed"),
    "still_open": pgettext_lazy("cob result", "Still open"),
    "confirmed": pgettext_lazy("cob result", "Confirmed"),
    "refunded": pgettext_lazy("cob result", "Refunded"),
    "released": pgettext_lazy("cob result", "Released"),
    "paid": pgettext_lazy("cob result", "Paid"),
    "chain": pgettext_lazy("cob result", "Chain"),
    "position": pgettext_lazy("cob result", "Position"),
    "status": pgettext_lazy("cob result", "Status"),
    "reason": pgettext_lazy("cob result", "Reason"),
    "run_id": pgettext_lazy("cob result", "Run"),
    "residual_minor": pgettext_lazy("cob result", "Residual (minor units)"),
    "breaks_new": pgettext_lazy("cob result", "New breaks"),
    "breaks_open": pgettext_lazy("cob result", "Open breaks"),
    "checked": pgettext_lazy("cob result", "Checked"),
    "missing": pgettext_lazy("cob result", "Missing"),
    "distributed": pgettext_lazy("cob result", "Distributed"),
    "holders": pgettext_lazy("cob result", "Holders"),
    "declared_minor": pgettext_lazy("cob result", "Declared (minor units)"),
    "waiting": pgettext_lazy("cob result", "Waiting"),
    "error": pgettext_lazy("cob result", "Errors"),
    "closed": pgettext_lazy("cob result", "Closed"),
}


def register() -> None:
    """Called from ``ComplianceConfig.ready``."""
    for name, label in STEP_LABELS.items():
        cob_step_label_register(name, label)


def result_key_label(key: str):
    label = RESULT_KEY_LABELS.get(key)
    return label if label is not None else key


def started_by_label(started_by: str) -> str:
    """``system:cli:ops`` -> "Command line (ops)"; ``system:cob-scheduler`` -> "Schedule";
    anything else as recorded."""
    kind, _sep, who = started_by.partition(":")
    if kind == "system" and who.startswith("cli:"):
        return _("Command line (%(user)s)") % {"user": who[4:]}
    if kind == "system" and who == "cob-scheduler":
        return _("Schedule")
    return who or started_by


def duration_words(milliseconds: int | None) -> str:
    """Milliseconds in words, the two largest units that are not zero: "2 min 14 s", "1 h 5 min";
    under a second, milliseconds: "27 ms"."""
    if milliseconds is None:
        return ""
    if milliseconds < 1000:
        return _("%(n)s ms") % {"n": max(milliseconds, 0)}
    hours, rest = divmod(milliseconds // 1000, 3600)
    minutes, seconds = divmod(rest, 60)
    units = ((hours, _("%(n)s h")), (minutes, _("%(n)s min")), (seconds, _("%(n)s s")))
    return " ".join([text % {"n": count} for count, text in units if count][:2])
