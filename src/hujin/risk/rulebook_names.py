"""What the console calls the rule store's things where other pages show them: the approvals
inbox's line for a proposal (code, version, what is asked, the condition), a version in the
audit trail (linked to its rule's page), the audit actions and the versions' states in words."""

from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import url_if_mounted
from hujin.core.statuses import (
    TONE_DANGER,
    TONE_INFO,
    TONE_MUTED,
    TONE_SUCCESS,
    TONE_WARNING,
    status_register,
)
from hujin.risk.models import DRAFT, LIVE, PROPOSED, REJECTED, RETIRED, SHADOW, RuleVersion
from hujin.risk.permissions import VIEW_RISK
from hujin.risk.rulebook import TARGET

CONDITION_SHOWN = 300  # characters of the condition on the inbox's line

STATES = {
    DRAFT: (pgettext_lazy("rule version", "Draft"), TONE_MUTED),
    PROPOSED: (pgettext_lazy("rule version", "Proposed"), TONE_WARNING),
    SHADOW: (pgettext_lazy("rule version", "In shadow"), TONE_INFO),
    LIVE: (pgettext_lazy("rule version", "Live"), TONE_SUCCESS),
    RETIRED: (pgettext_lazy("rule version", "Retired"), TONE_MUTED),
    REJECTED: (pgettext_lazy("rule version", "Rejected"), TONE_DANGER),
}
OUTCOMES = {
    "allow": pgettext_lazy("rule outcome", "Allow"),
    "review": pgettext_lazy("rule outcome", "Hold for review"),
    "block": pgettext_lazy("rule outcome", "Block"),
    "alert": pgettext_lazy("rule outcome", "Alert only"),
}
AUDIT_ACTION_LABELS = {
    "risk.rule_version_written": pgettext_lazy("audit action", "Rule version written"),
    "risk.rule_version_proposed": pgettext_lazy("audit action", "Rule version proposed"),
    "risk.rule_proposal_closed": pgettext_lazy("audit action", "Rule proposal closed"),
    "risk.rule_in_force_changed": pgettext_lazy("audit action", "Rules in force changed"),
}


def state_key(state: str) -> str:
    """The version's state in the shared vocabulary of badges (kept apart from other modules'
    "draft" and "live")."""
    return f"risk.rule.{state}"


def target_words(target: str) -> str:
    return {
        SHADOW: _("put in shadow"),
        LIVE: _("put live"),
        RETIRED: _("retire"),
    }.get(target, target)


def rule_request_describe(request) -> str:
    """One line for the approvals inbox: the code, the version, what is asked, the condition."""
    payload = request.payload or {}
    version = RuleVersion.objects.filter(id=payload.get("version_id")).first()
    line = _("%(code)s v%(number)s: %(what)s") % {
        "code": payload.get("code", "?"), "number": payload.get("number", "?"),
        "what": target_words(payload.get("target", "")),
    }  # fmt: skip
    if version is None:
        return line
    condition = " ".join(version.condition.split())
    if len(condition) > CONDITION_SHOWN:
        condition = condition[: CONDITION_SHOWN - 1] + "…"
    name = version.name_zh if (get_language() or "").startswith("zh") else version.name_en
    outcome = OUTCOMES.get(version.outcome, version.outcome)
    score = _("score %(score)d") % {"score": version.score}
    return f"{line} — {name} · {outcome} · {score} — {condition}"


def version_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    ids = uuids_parsed(target_ids)
    rows = {v.id: v for v in RuleVersion.objects.filter(id__in=list(ids.values()))
            .only("id", "code", "number")}  # fmt: skip
    may_open = actor.has_scope(VIEW_RISK)
    return {
        raw: TargetLink(
            f"{rows[key].code} v{rows[key].number}",
            url=(url_if_mounted("risk:rule", [rows[key].code]) or "") if may_open else "",
        )
        for raw, key in ids.items()
        if key in rows
    }


def register() -> None:
    target_type_register(TARGET, label=pgettext_lazy("audit target", "Risk rule version"),
                         resolve=version_targets)  # fmt: skip
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    for state, (label, tone) in STATES.items():
        status_register(state_key(state), label, tone)


LABEL = gettext_lazy("Put a risk rule in force or retire it")
