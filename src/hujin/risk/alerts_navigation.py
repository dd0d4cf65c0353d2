"""Where the alerts and the decision log appear: "Alerts" in the console's risk and compliance
area with the open alerts as its waiting work, "Decision log" beside it (both for who holds
``risk.view_risk``); the words of an alert's state and a decision's outcome as badges; the
triage's audit actions and an alert as the audit trail's object, linked to its page."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import AREA_RISK, console_entry_register, url_if_mounted
from hujin.core.statuses import (
    TONE_DANGER,
    TONE_MUTED,
    TONE_SUCCESS,
    TONE_WARNING,
    status_register,
)
from hujin.risk.permissions import VIEW_RISK

ALERT_STATES = {
    "open": (pgettext_lazy("alert", "Open"), TONE_WARNING),
    "escalated": (pgettext_lazy("alert", "Escalated"), TONE_DANGER),
    "dismissed": (pgettext_lazy("alert", "Dismissed"), TONE_MUTED),
}
OUTCOMES = {
    "allow": (pgettext_lazy("risk decision", "Allowed"), TONE_SUCCESS),
    "review": (pgettext_lazy("risk decision", "Held for review"), TONE_WARNING),
    "block": (pgettext_lazy("risk decision", "Blocked"), TONE_DANGER),
}
AUDIT_ACTION_LABELS = {
    "risk.alert_dismiss": pgettext_lazy("audit action", "Risk alert dismissed"),
    "risk.alert_escalate": pgettext_lazy("audit action", "Risk alert escalated"),
}


def alert_state_key(state: str) -> str:
    """An alert's state in the shared vocabulary of badges (kept apart from other "open")."""
    return f"risk.alert.{state}"


def outcome_key(outcome: str) -> str:
    return f"risk.decision.{outcome}"


def open_alerts_count(actor: Actor) -> int:
    from hujin.risk.alerts_selectors import alerts_open_count

    return alerts_open_count(actor=actor)


def alert_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    from hujin.risk.models import Alert

    ids = uuids_parsed(target_ids)
    rows = {a.id: a for a in Alert.objects.filter(id__in=list(ids.values())).only("id", "code")}
    may_open = actor.has_scope(VIEW_RISK)
    return {
        raw: TargetLink(
            rows[key].code,
            url=(url_if_mounted("risk:alert", [rows[key].id]) or "") if may_open else "",
        )
        for raw, key in ids.items()
        if key in rows
    }


def register() -> None:
    console_entry_register(
        key="risk.alerts", area=AREA_RISK, label=_("Alerts"), url_name="risk:alerts",
        permission=VIEW_RISK, order=20, waiting=open_alerts_count,
        waiting_label=ngettext_lazy(
            "%(n)d risk alert waits for an analyst", "%(n)d risk alerts wait for an analyst",
            "n",
        ),
    )  # fmt: skip
    console_entry_register(
        key="risk.decisions", area=AREA_RISK, label=_("Decision log"),
        url_name="risk:decisions", permission=VIEW_RISK, order=21,
    )  # fmt: skip
    for state, (label, tone) in ALERT_STATES.items():
        status_register(alert_state_key(state), label, tone)
    for outcome, (label, tone) in OUTCOMES.items():
        status_register(outcome_key(outcome), label, tone)
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    target_type_register("risk.alert", label=pgettext_lazy("audit target", "Risk alert"),
                         resolve=alert_targets)  # fmt: skip
