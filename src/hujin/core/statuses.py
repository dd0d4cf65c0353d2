"""One status vocabulary: every state a page shows has one word and one colour everywhere.

A page shows a state with ``{% status_badge value %}`` (``{% load hujin_format %}``), never with
its own ``<span class="badge ...">``. The words below are the shared ones; a module whose objects
have a state of their own registers it in its ``AppConfig.ready()``:

    status_register("settled", _("Settled"), TONE_SUCCESS)

Registering a word that exists with another label or tone is refused at start-up: one state,
one name. Tones: success (done, in good standing), warning (waits for someone), danger (refused,
blocked, failed), info (in progress by the system), muted (over, no longer current).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

from hujin.core.labels import LabelRegistry

TONE_SUCCESS = "success"
TONE_WARNING = "warning"
TONE_DANGER = "danger"
TONE_INFO = "info"
TONE_MUTED = "muted"
TONES = (TONE_SUCCESS, TONE_WARNING, TONE_DANGER, TONE_INFO, TONE_MUTED)


@dataclass(frozen=True)
class Status:
    key: str
    label: Promise | str
    tone: str


def _s(key: str, label: str, tone: str) -> Status:
    return Status(key, pgettext_lazy("status", label), tone)


_VOCABULARY = LabelRegistry("status")


def status_register(key: str, label: Promise | str, tone: str) -> None:
    """Add a state to the vocabulary; the same key again must say the same thing."""
    if tone not in TONES:
        raise ValueError(f"unknown tone {tone!r}; one of {TONES}")
    _VOCABULARY.register(key, label, tone=tone)


def status_get(key: str) -> Status | None:
    entry = _VOCABULARY.get(key)
    return Status(entry.key, entry.label, entry.extra["tone"]) if entry is not None else None


def statuses() -> dict[str, Status]:
    return {key: status_get(key) for key in _VOCABULARY.entries()}


for _status in (
    # Standing of a customer, an account, a key, a login.
    _s("active", "Active", TONE_SUCCESS),
    _s("open", "Open", TONE_SUCCESS),
    _s("frozen", "Frozen", TONE_DANGER),
    _s("closed", "Closed", TONE_MUTED),
    _s("revoked", "Revoked", TONE_MUTED),
    _s("expired", "Expired", TONE_MUTED),
    _s("inactive", "Inactive", TONE_MUTED),
    _s("replaced", "Replaced", TONE_MUTED),
    _s("draft", "Draft", TONE_INFO),
    _s("retired", "Retired", TONE_MUTED),
    # Something someone must decide.
    _s("registered", "Registered", TONE_MUTED),
    _s("submitted", "Submitted", TONE_WARNING),
    _s("pending", "Pending", TONE_WARNING),
    _s("needs_review", "Under review", TONE_WARNING),
    _s("in_progress", "In progress", TONE_INFO),
    _s("overdue", "Overdue", TONE_DANGER),
    # Decided.
    _s("verified", "Verified", TONE_SUCCESS),
    _s("approved", "Approved", TONE_SUCCESS),
    _s("accepted", "Accepted", TONE_SUCCESS),
    _s("completed", "Completed", TONE_SUCCESS),
    _s("rejected", "Rejected", TONE_DANGER),
    _s("withdrawn", "Withdrawn", TONE_MUTED),
    _s("cancelled", "Cancelled", TONE_MUTED),
    _s("failed", "Failed", TONE_DANGER),
    # Money in the ledger.
    _s("posted", "Posted", TONE_SUCCESS),
    _s("voided", "Voided", TONE_MUTED),
    _s("timed_out", "Timed out", TONE_MUTED),
    # Background work.
    _s("parked", "Parked", TONE_DANGER),
    _s("delivered", "Delivered", TONE_SUCCESS),
):
    status_register(_status.key, _status.label, _status.tone)
