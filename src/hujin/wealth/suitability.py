"""The suitability rules: whether a customer of risk tolerance C1–C5 may buy a product of risk
level R1–R5, in plain words. Pure: the services feed it and record what it says.

In order:

1. The customer must be verified and active (a frozen or closed account buys nothing).
2. They must hold a valid risk assessment: one taken, and not expired (the suitability module
   keeps an assessment valid for 12 months).
3. Cn may buy R1 up to Rn.
4. Above their level, the policy decides:
   - ``strict`` (the default; bank wealth products, 《商业银行理财业务监督管理办法》 2018):
     refused;
   - ``confirm`` (securities and funds, 《证券期货投资者适当性管理办法》 art. 22 and 25): allowed
     only after a special written risk warning the customer explicitly confirms, which is
     recorded; never for C1, the lowest level, which is refused whatever it asks.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

STRICT = "strict"
CONFIRM = "confirm"
POLICIES = (STRICT, CONFIRM)

ALLOWED = "allowed"
WARNING_REQUIRED = "warning_required"
REFUSED = "refused"

LOWEST_LEVEL = "C1"

MESSAGES = {
    "not_verified": _("Verify your identity first: buying wealth products needs it."),
    "not_active": _("Your account is frozen or closed: it cannot buy wealth products."),
    "no_assessment": _(
        "Take the risk questionnaire first: every purchase needs a valid risk assessment."
    ),
    "assessment_expired": _(
        "Your risk assessment has expired (it is valid for 12 months). Take the questionnaire "
        "again to buy."
    ),
    "within_level": _("This product's risk is within your risk tolerance."),
    "above_level": _(
        "This product's risk is above your risk tolerance, so it cannot be sold to you."
    ),
    "above_lowest_level": _(
        "This product's risk is above your risk tolerance. Customers assessed as conservative "
        "cannot buy products above their level, even at their own request."
    ),
    "warning_required": _(
        "This product's risk is above your risk tolerance. You may still buy it, but only after "
        "reading a special risk warning and confirming it."
    ),
    "warning_confirmed": _(
        "This product's risk is above your risk tolerance; you confirmed the special risk warning."
    ),
}


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the rules say: ``outcome`` (allowed, warning_required, refused) and why
    (``code``, a key of ``MESSAGES``)."""

    outcome: str
    code: str

    @property
    def message(self):
        return MESSAGES[self.code]


def level_rank(level: str) -> int:
    return int(level[1:])


def suitability_decide(
    *, verified: bool, active: bool, customer_level: str | None, assessment_expired: bool,
    product_level: str, policy: str, warning_confirmed: bool = False,
) -> Verdict:  # fmt: skip
    """The rules above. ``customer_level`` is None when the customer never took the
    questionnaire; ``warning_confirmed``: they confirmed the special warning for this product
    and this assessment."""
    if policy not in POLICIES:
        raise ValueError(f"unknown suitability policy {policy!r}")
    if not verified:
        return Verdict(REFUSED, "not_verified")
    if not active:
        return Verdict(REFUSED, "not_active")
    if customer_level is None:
        return Verdict(REFUSED, "no_assessment")
    if assessment_expired:
        return Verdict(REFUSED, "assessment_expired")
    if level_rank(product_level) <= level_rank(customer_level):
        return Verdict(ALLOWED, "within_level")
    if policy == STRICT:
        return Verdict(REFUSED, "above_level")
    if customer_level == LOWEST_LEVEL:
        return Verdict(REFUSED, "above_lowest_level")
    if warning_confirmed:
        return Verdict(ALLOWED, "warning_confirmed")
    return Verdict(WARNING_REQUIRED, "warning_required")
