"""The risk module's writes (its public face): the rule store, the screening lists, the alerts'
triage.

A rule's version is written as a draft, proposed for shadow or live, and put there (or retired)
by a checker in the approvals inbox; the shipped rules are the house's initial set, put in force
by the system. See ``rulebook`` and ``rulebook_shipped``. A list is imported as a new version
and every customer screened against it; a party (a customer, a payee) is screened on its own.
See ``lists`` and ``lists_screening``."""

from hujin.risk.alerts import AlertTriaged, alert_dismiss, alert_escalate
from hujin.risk.lists import ImportedVersion, watchlist_import
from hujin.risk.lists_screening import (
    ScreenHit,
    ScreeningReport,
    party_screen,
    watchlist_version_screen,
    watchlists_rescreen,
)
from hujin.risk.rulebook import (
    ACTION as RULE_PUT_IN_FORCE,
)
from hujin.risk.rulebook import (
    rule_retire,
    rule_version_propose,
    rule_version_write,
)
from hujin.risk.rulebook_shipped import ShippedLoad, shipped_rules_load

__all__ = [
    "RULE_PUT_IN_FORCE",
    "AlertTriaged",
    "ImportedVersion",
    "ScreenHit",
    "ScreeningReport",
    "ShippedLoad",
    "alert_dismiss",
    "alert_escalate",
    "party_screen",
    "rule_retire",
    "rule_version_propose",
    "rule_version_write",
    "shipped_rules_load",
    "watchlist_import",
    "watchlist_version_screen",
    "watchlists_rescreen",
]
