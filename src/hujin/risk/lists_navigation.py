"""Where the screening lists' pages appear (``hujin.core.navigation``): "Screening lists" and
"Watch-list hits" in the console's risk and compliance area, for who holds ``risk.view_risk``;
the hits' waiting work is the open ones. And the lists' words in the audit trail: its actions
and a list version as a target, linked to its page."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import AREA_RISK, console_entry_register, url_if_mounted
from hujin.risk.models_lists import WatchListVersion
from hujin.risk.permissions import VIEW_RISK

VERSION_TARGET = "risk.watchlist_version"
AUDIT_ACTION_LABELS = {
    "risk.watchlist_import": pgettext_lazy("audit action", "Screening list imported"),
    "risk.watchlist_hit": pgettext_lazy("audit action", "Watch-list hit raised"),
}


def version_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    """List versions named in the audit trail: "un_consolidated v3", linked to the entries."""
    ids = uuids_parsed(target_ids)
    rows = {v.id: v for v in WatchListVersion.objects.select_related("watchlist")
            .filter(id__in=list(ids.values()))}  # fmt: skip
    may_open = actor.has_scope(VIEW_RISK)
    return {
        raw: TargetLink(
            f"{rows[key].watchlist.code} v{rows[key].number}",
            url=(url_if_mounted("risk:list_version", [key]) or "") if may_open else "",
        )
        for raw, key in ids.items()
        if key in rows
    }


def register() -> None:
    target_type_register(
        VERSION_TARGET, label=pgettext_lazy("audit target", "Screening list version"),
        resolve=version_targets,
    )  # fmt: skip
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    console_entry_register(
        key="risk.lists", area=AREA_RISK, label=_("Screening lists"), url_name="risk:lists",
        permission=VIEW_RISK, order=40,
    )  # fmt: skip
    # The open hits are alerts: the "Alerts" entry counts them with the others' (one count).
    console_entry_register(
        key="risk.list_hits", area=AREA_RISK, label=_("Watch-list hits"),
        url_name="risk:list_hits", permission=VIEW_RISK, order=41,
    )  # fmt: skip
