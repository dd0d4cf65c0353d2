"""The suitability rules over the whole matrix: C1–C5 × R1–R5 × both policies × a valid or an
expired assessment, with and without the special warning confirmed; and the customer's
standing, which comes before any level."""

import pytest

from hujin.wealth.suitability import (
    ALLOWED,
    CONFIRM,
    REFUSED,
    STRICT,
    WARNING_REQUIRED,
    suitability_decide,
)

CUSTOMER_LEVELS = ("C1", "C2", "C3", "C4", "C5")
PRODUCT_LEVELS = ("R1", "R2", "R3", "R4", "R5")


def decide(customer_level="C3", product_level="R3", policy=STRICT, **changes):
    facts = dict(verified=True, active=True, customer_level=customer_level,
                 assessment_expired=False, product_level=product_level, policy=policy)  # fmt: skip
    return suitability_decide(**{**facts, **changes})


def expected(customer_level: str, product_level: str, policy: str, expired: bool, confirmed):
    """The matrix as the issue states it, written independently of the rules' code."""
    if expired:
        return REFUSED, "assessment_expired"
    if int(product_level[1]) <= int(customer_level[1]):
        return ALLOWED, "within_level"
    if policy == STRICT:
        return REFUSED, "above_level"
    if customer_level == "C1":
        return REFUSED, "above_lowest_level"
    return (ALLOWED, "warning_confirmed") if confirmed else (WARNING_REQUIRED, "warning_required")


@pytest.mark.parametrize("confirmed", [False, True], ids=["unconfirmed", "confirmed"])
@pytest.mark.parametrize("expired", [False, True], ids=["valid", "expired"])
@pytest.mark.parametrize("policy", [STRICT, CONFIRM])
@pytest.mark.parametrize("product_level", PRODUCT_LEVELS)
@pytest.mark.parametrize("customer_level", CUSTOMER_LEVELS)
def test_the_matrix(customer_level, product_level, policy, expired, confirmed):
    verdict = decide(customer_level, product_level, policy, assessment_expired=expired,
                     warning_confirmed=confirmed)  # fmt: skip

    assert (verdict.outcome, verdict.code) == expected(
        customer_level, product_level, policy, expired, confirmed
    )


class TestInPlainWords:
    def test_a_balanced_customer_may_buy_a_medium_risk_product(self):
        assert decide("C3", "R3").outcome == ALLOWED

    def test_a_strict_platform_refuses_anything_above_the_customers_level(self):
        verdict = decide("C3", "R4", STRICT)

        assert verdict.outcome == REFUSED
        assert "cannot be sold to you" in str(verdict.message)

    def test_under_the_confirm_policy_a_warning_is_needed_above_the_level(self):
        verdict = decide("C2", "R5", CONFIRM)

        assert verdict.outcome == WARNING_REQUIRED
        assert "special risk warning" in str(verdict.message)

    def test_a_conservative_customer_can_never_buy_above_their_level(self):
        verdict = decide("C1", "R2", CONFIRM, warning_confirmed=True)

        assert verdict.outcome == REFUSED and verdict.code == "above_lowest_level"


class TestStandingComesFirst:
    @pytest.mark.parametrize(
        "changes, code",
        [
            ({"verified": False}, "not_verified"),
            ({"active": False}, "not_active"),
            ({"customer_level": None}, "no_assessment"),
            ({"assessment_expired": True}, "assessment_expired"),
        ],
    )
    def test_even_an_r1_product_is_refused(self, changes, code):
        verdict = decide(**{"customer_level": "C5", "product_level": "R1", "policy": CONFIRM,
                            **changes})  # fmt: skip

        assert (verdict.outcome, verdict.code) == (REFUSED, code)

    def test_an_unknown_policy_is_a_configuration_error(self):
        with pytest.raises(ValueError):
            decide(policy="lenient")
