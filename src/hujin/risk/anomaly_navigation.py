"""Where the anomaly model appears: "Anomaly model" in the console's risk area (for who holds
``risk.view_risk``), its versions' states as badges, its audit actions and a version as the audit
trail's object (linked to the model page), and its activation's line in the approvals inbox."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import AREA_RISK, console_entry_register, url_if_mounted
from hujin.core.statuses import TONE_MUTED, TONE_SUCCESS, TONE_WARNING, status_register
from hujin.risk.models_anomaly import M_ACTIVE, M_CANDIDATE, M_RETIRED, AnomalyModel
from hujin.risk.permissions import VIEW_RISK

LABEL = gettext_lazy("Activate a version of the anomaly model")
TARGET = "risk.anomaly_model"
STATES = {
    M_CANDIDATE: (pgettext_lazy("anomaly model", "Candidate"), TONE_WARNING),
    M_ACTIVE: (pgettext_lazy("anomaly model", "Active"), TONE_SUCCESS),
    M_RETIRED: (pgettext_lazy("anomaly model", "Retired"), TONE_MUTED),
}
AUDIT_ACTION_LABELS = {
    "risk.anomaly_model_registered": pgettext_lazy("audit action", "Anomaly model trained"),
    "risk.anomaly_model_proposed": pgettext_lazy("audit action",
                                                 "Anomaly model proposed for activation"),
    "risk.anomaly_model_activated": pgettext_lazy("audit action", "Anomaly model activated"),
}  # fmt: skip


def state_key(state: str) -> str:
    """A version's state in the shared vocabulary of badges (kept apart from other "active")."""
    return f"risk.model.{state}"


def version_name(version) -> str:
    return _("Anomaly model v%(version)s") % {"version": version}


def activation_describe(request) -> str:
    """The approvals inbox's line: the version and what the checker is asked (from the payload
    alone: no query per row)."""
    payload = request.payload or {}
    line = _("Make %(name)s the active model (the one it replaces is retired)") % {
        "name": version_name(payload.get("version", "?"))}  # fmt: skip
    threshold = payload.get("threshold")
    if not isinstance(threshold, (int, float)):
        return line
    return f"{line} — " + _("threshold %(threshold).3f") % {"threshold": threshold}


def model_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    ids = uuids_parsed(target_ids)
    rows = {m.id: m for m in AnomalyModel.objects.filter(id__in=list(ids.values()))
            .only("id", "version")}  # fmt: skip
    url = (url_if_mounted("risk:models") or "") if actor.has_scope(VIEW_RISK) else ""
    return {raw: TargetLink(version_name(rows[key].version), url=url)
            for raw, key in ids.items() if key in rows}  # fmt: skip


def register() -> None:
    console_entry_register(
        key="risk.models", area=AREA_RISK, label=gettext_lazy("Anomaly model"),
        url_name="risk:models", permission=VIEW_RISK, order=30,
    )  # fmt: skip
    for state, (label, tone) in STATES.items():
        status_register(state_key(state), label, tone)
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    target_type_register(TARGET, label=pgettext_lazy("audit target", "Anomaly model version"),
                         resolve=model_targets)  # fmt: skip
