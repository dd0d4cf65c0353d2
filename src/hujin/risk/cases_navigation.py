"""Where the cases appear: "Cases" in the console's risk and compliance area with the open cases
as its waiting work (for who holds ``risk.view_risk``); a case's state as a badge; the
casework's audit actions, and a case as the audit trail's object, named by its number and
linked to its page."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import AREA_RISK, console_entry_register, url_if_mounted
from hujin.core.statuses import TONE_MUTED, TONE_WARNING, status_register
from hujin.risk.cases_names import CASE_STATES
from hujin.risk.permissions import VIEW_RISK

TONES = {"open": TONE_WARNING, "closed": TONE_MUTED}
AUDIT_ACTION_LABELS = {
    "risk.case_open": pgettext_lazy("audit action", "Risk case opened"),
    "risk.case_alert_add": pgettext_lazy("audit action", "Alert joined a risk case"),
    "risk.case_note_add": pgettext_lazy("audit action", "Note added to a risk case"),
    "risk.case_attachment_add": pgettext_lazy("audit action", "File attached to a risk case"),
    "risk.case_attachment_download": pgettext_lazy("audit action",
                                                   "Risk case file downloaded"),
    "risk.case_assign": pgettext_lazy("audit action", "Risk case assigned"),
    "risk.case_freeze_request": pgettext_lazy("audit action",
                                              "Freeze asked for from a risk case"),
    "risk.case_close": pgettext_lazy("audit action", "Risk case closed"),
}  # fmt: skip


def case_state_key(state: str) -> str:
    return f"risk.case.{state}"


def open_cases_count(actor: Actor) -> int:
    from hujin.risk.cases_selectors import cases_open_count

    return cases_open_count(actor=actor)


def case_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    from hujin.risk.models_cases import Case

    ids = uuids_parsed(target_ids)
    rows = dict(Case.objects.filter(id__in=list(ids.values())).values_list("id", "number"))
    may_open = actor.has_scope(VIEW_RISK)
    return {
        raw: TargetLink(rows[key],
                        url=(url_if_mounted("risk:case", [key]) or "") if may_open else "")
        for raw, key in ids.items()
        if key in rows
    }  # fmt: skip


def register() -> None:
    console_entry_register(
        key="risk.cases", area=AREA_RISK, label=_("Cases"), url_name="risk:cases",
        permission=VIEW_RISK, order=22, waiting=open_cases_count,
        waiting_label=ngettext_lazy("%(n)d risk case is open", "%(n)d risk cases are open", "n"),
    )  # fmt: skip
    for state, label in CASE_STATES.items():
        status_register(case_state_key(state), label, TONES[state])
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    target_type_register("risk.case", label=pgettext_lazy("audit target", "Risk case"),
                         resolve=case_targets)  # fmt: skip
