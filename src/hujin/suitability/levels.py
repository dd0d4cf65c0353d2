"""Risk-tolerance levels C1–C5, the score bands leading to them, the product levels they allow.

Bands are on the share of the questionnaire's maximum score, so a later questionnaire version
with a different number of questions keeps the same meaning:

    C1  0–20 %   保守 Conservative
    C2  21–40 %  稳健 Moderately conservative
    C3  41–60 %  平衡 Balanced
    C4  61–80 %  成长 Growth
    C5  81–100 % 进取 Aggressive

A customer of level Cn may buy products of risk level R1 up to Rn (docs/modules/suitability.md).
"""

from django.utils.translation import gettext_lazy as _

LEVELS = ("C1", "C2", "C3", "C4", "C5")

LEVEL_LABELS = {
    "C1": _("Conservative"),
    "C2": _("Moderately conservative"),
    "C3": _("Balanced"),
    "C4": _("Growth"),
    "C5": _("Aggressive"),
}

LEVEL_DESCRIPTIONS = {
    "C1": _(
        "You want to keep your capital safe above all and accept only very small, short-lived "
        "changes in value."
    ),
    "C2": _(
        "You accept small losses in exchange for returns somewhat above deposits, but capital "
        "safety still comes first."
    ),
    "C3": _("You accept moderate ups and downs in value for a better return over several years."),
    "C4": _(
        "You accept substantial swings and possible losses of part of your capital for higher "
        "long-term growth."
    ),
    "C5": _(
        "You accept large swings and the possible loss of a large part of your capital in "
        "pursuit of the highest returns."
    ),
}

PRODUCT_LEVELS = ("R1", "R2", "R3", "R4", "R5")

PRODUCT_LEVEL_LABELS = {
    "R1": _("Low risk"),
    "R2": _("Medium-low risk"),
    "R3": _("Medium risk"),
    "R4": _("Medium-high risk"),
    "R5": _("High risk"),
}

# Upper bound (inclusive) of each band, in percent of the maximum score.
BAND_UPPER_PERCENT = (("C1", 20), ("C2", 40), ("C3", 60), ("C4", 80), ("C5", 100))


def level_for_score(*, score: int, max_score: int) -> str:
    """The level a raw score reaches. Integer arithmetic: 20 % of 100 is C1, 21 % is C2."""
    if max_score <= 0 or not 0 <= score <= max_score:
        raise ValueError(f"score {score} out of range 0..{max_score}")
    for level, upper in BAND_UPPER_PERCENT:
        if score * 100 <= upper * max_score:
            return level
    return "C5"  # unreachable: the last band ends at 100 %


def level_min(a: str, b: str) -> str:
    return a if LEVELS.index(a) <= LEVELS.index(b) else b


def product_levels_allowed(level: str) -> tuple[str, ...]:
    """Cn may buy R1..Rn."""
    return PRODUCT_LEVELS[: LEVELS.index(level) + 1]
