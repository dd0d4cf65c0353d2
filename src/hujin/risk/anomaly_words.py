"""The anomaly model's words: each feature's name, and a reason an alert gives (the day's value
against what is usual for the customer) written once in English and once in Chinese when the
alert is raised, so the alert reads the same months later in either language; the typologies'
names on the model page."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from hujin.core.money import display_amount
from hujin.risk.anomaly_features import RATIOS, USUAL_FLOOR, DayFeatures

FEATURE_LABELS = {
    "out_minor": pgettext_lazy("anomaly feature", "Money sent"),
    "in_minor": pgettext_lazy("anomaly feature", "Money received"),
    "movements": pgettext_lazy("anomaly feature", "Movements"),
    "counterparties": pgettext_lazy("anomaly feature", "Counterparties"),
    "new_counterparties": pgettext_lazy("anomaly feature", "New counterparties"),
    "night_share": pgettext_lazy("anomaly feature", "Share at night"),
    "hours": pgettext_lazy("anomaly feature", "Hours active"),
    "logins": pgettext_lazy("anomaly feature", "Log-in attempts"),
    "amount_vs_median": pgettext_lazy("anomaly feature", "Largest amount"),
    "out_vs_usual": pgettext_lazy("anomaly feature", "Sent vs usual"),
    "in_vs_usual": pgettext_lazy("anomaly feature", "Received vs usual"),
}
MONEY = frozenset({"out_minor", "in_minor"}) | RATIOS
TYPOLOGY_LABELS = {
    "structuring": pgettext_lazy("typology", "Structuring"),
    "rapid_in_out": pgettext_lazy("typology", "Rapid in and out"),
    "fan_out": pgettext_lazy("typology", "Fan-out"),
    "fan_in": pgettext_lazy("typology", "Fan-in"),
    "dormant_reactivated": pgettext_lazy("typology", "Dormant account reactivated"),
    "new_device_withdrawal": pgettext_lazy("typology", "New device, then a withdrawal"),
    "elderly_new_payee": pgettext_lazy("typology", "Elderly customer, new payee"),
    "night_unusual": pgettext_lazy("typology", "Unusual night-time activity"),
    "round_amount": pgettext_lazy("typology", "Round amounts"),
    "cycle": pgettext_lazy("typology", "Money in a cycle"),
    "velocity": pgettext_lazy("typology", "Many movements in a short time"),
    "card_bound_and_used": pgettext_lazy("typology", "Card bound and used the same day"),
    "large_value": pgettext_lazy("typology", "Large-value transfers"),
}
LANGUAGES = {"en": "en", "zh": "zh-hans"}


def yuan(minor: float) -> str:
    return display_amount(round(minor), "CNY")


def _number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:.1f}"


def _ratio_sentence(feature: str, reason: dict) -> str:
    """A ratio said with the day's own amount and what it was divided by: the customer's usual,
    the floor when the usual is lower (never received money, say), or no history yet."""
    day, usual = yuan(reason.get("day", 0)), reason.get("usual")
    if usual is None:
        texts = {
            "out_vs_usual": _("Sent %(day)s in the day; no history yet."),
            "in_vs_usual": _("Received %(day)s in the day; no history yet."),
            "amount_vs_median": _("The largest amount was %(day)s; no history yet."),
        }
        return texts[feature] % {"day": day}
    values = {"day": day, "usual": yuan(usual), "ratio": _number(reason.get("value", 0)),
              "divisor": yuan(reason.get("divisor", 0))}  # fmt: skip
    if reason.get("floored") and not usual:
        texts = {
            "out_vs_usual": _("Sent %(day)s in the day; usually nothing sent (%(ratio)s times "
                              "%(divisor)s, the least a usual day is taken as)."),
            "in_vs_usual": _("Received %(day)s in the day; usually nothing received (%(ratio)s "
                             "times %(divisor)s, the least a usual day is taken as)."),
            "amount_vs_median": _("The largest amount was %(day)s (%(ratio)s times %(divisor)s, "
                                  "the least a usual amount is taken as)."),
        }  # fmt: skip
    elif reason.get("floored"):
        texts = {
            "out_vs_usual": _("Sent %(day)s in the day; usually %(usual)s a day (%(ratio)s times "
                              "%(divisor)s, the least a usual day is taken as)."),
            "in_vs_usual": _("Received %(day)s in the day; usually %(usual)s a day (%(ratio)s "
                             "times %(divisor)s, the least a usual day is taken as)."),
            "amount_vs_median": _("The largest amount was %(day)s; usually %(usual)s "
                                  "(%(ratio)s times %(divisor)s, the least a usual amount is "
                                  "taken as)."),
        }  # fmt: skip
    else:
        texts = {
            "out_vs_usual": _("Sent %(day)s in the day, %(ratio)s times the usual daily amount "
                              "(%(usual)s)."),
            "in_vs_usual": _("Received %(day)s in the day, %(ratio)s times the usual daily "
                             "amount (%(usual)s)."),
            "amount_vs_median": _("The largest amount was %(day)s, %(ratio)s times the usual "
                                  "amount (%(usual)s)."),
        }  # fmt: skip
    return texts[feature] % values


def _sentence(reason: dict) -> str:
    feature, value, usual = reason["feature"], reason.get("value", 0), reason.get("usual")
    if feature in RATIOS:
        return _ratio_sentence(feature, reason)
    if feature == "new_counterparties":
        return _("%(value)s counterparties not seen in the 30 days before.") % {
            "value": _number(value)}  # fmt: skip
    if usual is None:
        texts = {
            "out_minor": _("Sent %(value)s in the day; no history yet."),
            "in_minor": _("Received %(value)s in the day; no history yet."),
            "night_share": _("%(value)s%% of the day's movements at night; no history yet."),
            "movements": _("%(value)s movements in the day; no history yet."),
            "counterparties": _("%(value)s counterparties in the day; no history yet."),
            "hours": _("Money moved in %(value)s different hours; no history yet."),
            "logins": _("%(value)s log-in attempts; no history yet."),
        }
        shown = yuan(value) if feature in MONEY else _number(
            value * 100 if feature == "night_share" else value)  # fmt: skip
        return texts[feature] % {"value": shown}
    if feature == "out_minor":
        return _("Sent %(value)s in the day; usually %(usual)s a day.") % {
            "value": yuan(value), "usual": yuan(usual)}  # fmt: skip
    if feature == "in_minor":
        return _("Received %(value)s in the day; usually %(usual)s a day.") % {
            "value": yuan(value), "usual": yuan(usual)}  # fmt: skip
    if feature == "night_share":
        return _("%(value)s%% of the day's movements at night; usually %(usual)s%%.") % {
            "value": _number(value * 100), "usual": _number(usual * 100)}  # fmt: skip
    texts = {
        "movements": _("%(value)s movements in the day; usually %(usual)s."),
        "counterparties": _("%(value)s counterparties in the day; usually %(usual)s."),
        "hours": _("Money moved in %(value)s different hours; usually %(usual)s."),
        "logins": _("%(value)s log-in attempts; usually %(usual)s a day."),
    }
    return texts[feature] % {"value": _number(value), "usual": _number(usual)}


def reason_words(reason: dict) -> dict[str, str]:
    """The reason (``feature``, ``value``, ``usual`` — None: no history — and for a ratio
    ``day``, ``divisor``, ``floored``) in each language (``en``, ``zh``), as an alert keeps
    it."""
    words = {}
    for key, language in LANGUAGES.items():
        with translation.override(language):
            words[key] = _sentence(reason)
    return words


def reason_record(feature: str, distance: float, features: DayFeatures) -> dict:
    """One reason as an alert and a score keep it: the feature, the day's value (what the model
    read), the customer's usual (None: no history yet), how far it stood out, for a ratio the
    day's own amount, the divisor used and whether that was the floor; and the words."""
    usual = features.usual[feature]
    reason = {"feature": feature, "value": features.values[feature], "usual": usual,
              "distance": distance}  # fmt: skip
    if feature in RATIOS:
        reason |= {"day": features.day[feature], "divisor": features.divisor[feature],
                   "floored": usual is not None and usual < USUAL_FLOOR}  # fmt: skip
    return reason | reason_words(reason)


def reason_in_language(reason: dict, language: str | None) -> str:
    """The kept reason in the page's language (English when it has no Chinese)."""
    if (language or "").startswith("zh") and reason.get("zh"):
        return reason["zh"]
    return reason.get("en", "")
