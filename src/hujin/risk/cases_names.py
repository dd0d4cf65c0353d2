"""The casework's words: the typologies a case closed as suspicious names (a fixed list, the
patterns the shipped rules and the synthetic history know, plus sanctions and "other"), the
timeline's kinds of entry, a case's states and conclusions."""

from django.utils.translation import pgettext_lazy

TYPOLOGIES = {
    "structuring": pgettext_lazy("typology", "Structuring below a reporting threshold"),
    "rapid_in_out": pgettext_lazy("typology", "Rapid movement in and out"),
    "fan_in": pgettext_lazy("typology", "Many payers into one account (fan-in)"),
    "fan_out": pgettext_lazy("typology", "One account paying many (fan-out)"),
    "cycle": pgettext_lazy("typology", "Money moving in a cycle"),
    "dormant_reactivated": pgettext_lazy("typology", "Dormant account reactivated"),
    "account_takeover": pgettext_lazy("typology", "Account takeover (new device, then payout)"),
    "elderly_exploitation": pgettext_lazy("typology", "Elderly customer exploited"),
    "card_misuse": pgettext_lazy("typology", "Card bound and drained the same day"),
    "unusual_activity": pgettext_lazy("typology", "Activity unusual for the customer"),
    "large_value": pgettext_lazy("typology", "Large values without an evident purpose"),
    "sanctions": pgettext_lazy("typology", "Sanctions or watch-list match"),
    "other": pgettext_lazy("typology", "Other"),
}

ENTRY_LABELS = {
    "opened": pgettext_lazy("case timeline", "Case opened"),
    "alert": pgettext_lazy("case timeline", "Alert joined"),
    "note": pgettext_lazy("case timeline", "Note"),
    "attachment": pgettext_lazy("case timeline", "File attached"),
    "assigned": pgettext_lazy("case timeline", "Assigned"),
    "freeze": pgettext_lazy("case timeline", "Freeze requested"),
    "closed": pgettext_lazy("case timeline", "Case closed"),
    "report": pgettext_lazy("case timeline", "Report drafted"),
}

CASE_STATES = {
    "open": pgettext_lazy("case", "Open"),
    "closed": pgettext_lazy("case", "Closed"),
}

CONCLUSIONS = {
    "suspicious": pgettext_lazy("case conclusion", "Suspicious"),
    "not_suspicious": pgettext_lazy("case conclusion", "Not suspicious"),
}


def typology_label(code: str) -> str:
    """A typology's words in the page's language; an unknown code as itself."""
    return str(TYPOLOGIES.get(code, code))
