"""Operations set the limits and fees: figures that make no sense are refused with the field
named, every change is audited with before and after, and only staff allowed to change them can."""

import pytest

from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry
from hujin.payments import errors
from hujin.payments.models import FeeRule, LimitRule
from hujin.payments.services import fee_rule_set, limit_rule_delete, limit_rule_set
from tests.payments.rules_helpers import CLERK, OPERATIONS


def _limits(**figures):
    values = {"per_transaction_minor": 1_000_00, "per_day_minor": 5_000_00,
              "per_month_minor": 20_000_00, **figures}  # fmt: skip
    return values


def test_a_limit_rule_for_a_tier_is_added_and_its_change_audited(db, now):
    rule = limit_rule_set(actor=OPERATIONS, kind="withdrawal", tier="gold", level="*",
                          now=now, **_limits())  # fmt: skip
    limit_rule_set(actor=OPERATIONS, kind="withdrawal", tier="gold", level="*", now=now,
                   **_limits(per_day_minor=8_000_00))  # fmt: skip

    rule.refresh_from_db()
    assert rule.per_day_minor == 8_000_00
    changes = AuditEntry.objects.filter(action="payments.rules_change")
    change = changes.order_by("-occurred_at", "-id").first()
    assert change.before["per_day_minor"] == 5_000_00 and change.after["per_day_minor"] == 8_000_00


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"per_transaction_minor": 0}, "per_transaction_minor"),
        ({"per_day_minor": -1}, "per_day_minor"),
        ({"per_transaction_minor": 6_000_00}, "per_day_minor"),
        ({"per_month_minor": 4_000_00}, "per_month_minor"),
        ({"per_day_minor": 1.5}, "per_day_minor"),
    ],
    ids=["zero", "negative", "one payment above the day", "the day above the month", "a float"],
)
def test_limits_that_make_no_sense_are_refused_with_the_field_named(db, now, figures, field):
    with pytest.raises(errors.RuleInvalid) as refused:
        limit_rule_set(actor=OPERATIONS, kind="transfer", level="verified", now=now,
                       **_limits(**figures))  # fmt: skip

    assert refused.value.details == {"field": field}
    assert LimitRule.objects.get(kind="transfer", level="verified").per_day_minor == 5_000_00


def test_the_rule_for_everyone_cannot_be_removed_but_a_narrower_one_can(db, now):
    everyone = LimitRule.objects.get(kind="topup", tier="*", level="*")
    narrow = limit_rule_set(actor=OPERATIONS, kind="topup", tier="gold", now=now, **_limits())

    with pytest.raises(errors.RuleInvalid):
        limit_rule_delete(actor=OPERATIONS, rule_id=everyone.id, now=now)
    limit_rule_delete(actor=OPERATIONS, rule_id=narrow.id, now=now)

    assert not LimitRule.objects.filter(tier="gold").exists()


@pytest.mark.parametrize(
    ("figures", "field"),
    [({"rate": "1"}, "rate"), ({"rate": "abc"}, "rate"), ({"rate": "0.0000001"}, "rate"),
     ({"minimum_minor": 5_00, "maximum_minor": 1_00}, "maximum_minor"),
     ({"free_per_month": -1}, "free_per_month")],
    ids=["a rate of 100 percent", "not a number", "below a millionth", "max below min",
         "negative allowance"],
)  # fmt: skip
def test_fees_that_make_no_sense_are_refused(db, now, figures, field):
    values = {"free_per_month": 0, "rate": "0.001", **figures}

    with pytest.raises(errors.RuleInvalid) as refused:
        fee_rule_set(actor=OPERATIONS, kind="withdrawal", now=now, **values)

    assert refused.value.details == {"field": field}
    assert FeeRule.objects.get(kind="withdrawal").free_per_month == 3


def test_only_staff_who_may_change_the_rules_can(db, now):
    with pytest.raises(PermissionDenied):
        fee_rule_set(actor=CLERK, kind="withdrawal", free_per_month=9, rate="0", now=now)
    with pytest.raises(PermissionDenied):
        limit_rule_set(actor=CLERK, kind="topup", now=now, **_limits())
