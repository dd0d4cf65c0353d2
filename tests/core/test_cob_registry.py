import pytest
from django.core.exceptions import ImproperlyConfigured

from hujin.core.cob import ADVANCE_STEP_NAME, cob_step, cob_steps, register_cob_step


def expire_pending(business_date, now):
    return None


def accrue_interest(business_date, now):
    return None


class TestRegisterCobStep:
    def test_steps_run_in_order_then_name(self):
        register_cob_step(name="wealth.accrue", order=200, func=accrue_interest)
        register_cob_step(name="ledger.expire_pending", order=100, func=expire_pending)
        register_cob_step(name="lending.accrue", order=200, func=accrue_interest)

        assert [step.name for step in cob_steps()] == [
            "ledger.expire_pending",
            "lending.accrue",
            "wealth.accrue",
        ]

    def test_the_decorator_registers_and_returns_the_function(self):
        @cob_step("risk.rescore", order=300)
        def rescore(business_date, now):
            return {"scored": 0}

        (step,) = cob_steps()
        assert (step.name, step.order, step.func) == ("risk.rescore", 300, rescore)

    def test_registering_the_same_function_again_is_harmless(self):
        register_cob_step(name="ledger.expire_pending", order=100, func=expire_pending)
        register_cob_step(name="ledger.expire_pending", order=100, func=expire_pending)

        assert len(cob_steps()) == 1

    def test_a_second_function_under_a_taken_name_is_refused(self):
        register_cob_step(name="ledger.expire_pending", order=100, func=expire_pending)

        with pytest.raises(ImproperlyConfigured, match="already registered"):
            register_cob_step(name="ledger.expire_pending", order=100, func=accrue_interest)

    @pytest.mark.parametrize(
        ("name", "order"),
        [(ADVANCE_STEP_NAME, 1), ("late.step", 1_000_000), ("", 1), ("x" * 101, 1)],
    )
    def test_the_business_date_advance_stays_last_and_names_are_sane(self, name, order):
        with pytest.raises(ImproperlyConfigured):
            register_cob_step(name=name, order=order, func=expire_pending)
