"""The console's "Limits and fees" page, in English and Chinese: both tables with amounts as
people read them and kinds and levels by name; the forms only for who may change the rules;
a figure that makes no sense is said next to its field and changes nothing."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from hujin.payments.models import FeeRule, LimitRule

URL = "/payments/rules/"


def _main(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url=URL, language="en") -> str:
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == 200, response.status_code
    return _main(response)


def _limits(**figures) -> dict:
    return {"per_transaction": "1000.00", "per_day": "5000.00", "per_month": "20000.00",
            "note": "", **figures}  # fmt: skip


@pytest.fixture
def operations(role_client):
    return role_client("operations")


class TestTheTables:
    def test_show_amounts_kinds_and_levels_as_people_read_them(self, role_client):
        main = _get(role_client("customer_service"))

        limits = main[
            main.index('data-testid="limit-rules"') : main.index('data-testid="fee-rules"')
        ]
        assert "¥50,000.00" in limits and "¥2,000.00" in limits
        assert "Identity verified" in limits and "Identity and bank card verified" in limits
        assert "Every tier" in limits and "Withdrawal" in limits
        assert "card_verified" not in limits.replace('data-rule="', "")
        fees = main[main.index('data-testid="fee-rules"') :]
        assert "3 free a month" in fees and "0.1 %" in fees and "¥25.00" in fees and "—" in fees

    def test_staff_who_may_only_read_see_no_form(self, role_client):
        main = _get(role_client("auditor"))

        assert "limit-add-form" not in main and "/payments/rules/limits/" not in main
        assert "/payments/rules/fees/" not in main

    def test_operations_see_the_add_form_and_an_edit_link_per_rule(self, operations):
        main = _get(operations)

        assert 'data-testid="limit-add-form"' in main
        assert main.count('href="/payments/rules/limits/') == LimitRule.objects.count()
        assert 'href="/payments/rules/fees/withdrawal/"' in main

    def test_read_in_chinese(self, operations):
        main = _get(operations, language="zh-hans")

        assert "限额与费用" in main and "已实名认证" in main and "每月免费 3 笔" in main
        assert "提现" in main and "所有等级" in main

    def test_are_refused_to_staff_without_the_permission_and_to_customers(
        self, role_client, customer_client
    ):
        assert role_client("product_manager").get(URL).status_code == 403
        assert customer_client.get(URL).status_code == 403


class TestEditingALimit:
    def test_the_figures_typed_in_yuan_change_the_rule(self, operations):
        rule = LimitRule.objects.get(kind="transfer", level="verified")
        url = reverse("payments:rules_limit", args=[rule.id])
        assert 'value="5000.00"' in _get(operations, url)

        response = operations.post(url, _limits(per_day="8,000.00", per_month="", note="Q1"))

        assert response.status_code == 302 and response.url == URL
        rule.refresh_from_db()
        assert (rule.per_transaction_minor, rule.per_day_minor) == (1_000_00, 8_000_00)
        assert rule.per_month_minor is None and rule.note == "Q1"
        assert "The limit rule is saved" in _get(operations)

    @pytest.mark.parametrize(
        ("figures", "field", "said"),
        [
            ({"per_day": "30000.00"}, "per_month", "at least the daily limit"),
            ({"per_transaction": "0"}, "per_transaction", "Above zero"),
            ({"per_month": "lots"}, "per_month", "Type an amount in yuan"),
            ({"per_day": "1.001"}, "per_day", "Type an amount in yuan"),
        ],
        ids=["the day above the month", "zero", "not a number", "a thousandth of a yuan"],
    )
    def test_a_figure_that_makes_no_sense_is_said_next_to_it_and_changes_nothing(
        self, operations, figures, field, said
    ):
        rule = LimitRule.objects.get(kind="transfer", level="verified")
        before = (rule.per_transaction_minor, rule.per_day_minor, rule.per_month_minor)

        response = operations.post(
            reverse("payments:rules_limit", args=[rule.id]), _limits(**figures)
        )

        assert response.status_code == 400
        main = _main(response)
        block = main[main.index(f'for="id_{field}"') :]
        assert said in block[: block.index("</div>")]
        rule.refresh_from_db()
        assert (rule.per_transaction_minor, rule.per_day_minor, rule.per_month_minor) == before

    def test_staff_who_may_only_read_cannot_change_a_rule(self, role_client):
        rule = LimitRule.objects.get(kind="topup", tier="*", level="*")
        client = role_client("customer_service")
        url = reverse("payments:rules_limit", args=[rule.id])

        assert client.get(url).status_code == 403
        assert client.post(url, _limits()).status_code == 403
        rule.refresh_from_db()
        assert rule.per_day_minor == 50_000_00


class TestAddingAndRemovingARule:
    def test_a_rule_for_a_tier_and_level_is_added(self, operations):
        data = {"kind": "withdrawal", "tier": "gold", "level": "verified", **_limits()}

        response = operations.post(reverse("payments:rules_limit_add"), data)

        assert response.status_code == 302
        rule = LimitRule.objects.get(kind="withdrawal", tier="gold", level="verified")
        assert rule.per_month_minor == 20_000_00
        assert "gold" in _get(operations)

    def test_a_refused_rule_keeps_the_form_filled_with_the_error_next_to_the_field(
        self, operations
    ):
        data = {"kind": "withdrawal", "tier": "gold", "level": "verified",
                **_limits(per_transaction="9000.00")}  # fmt: skip

        response = operations.post(reverse("payments:rules_limit_add"), data)

        assert response.status_code == 400
        main = _main(response)
        assert 'value="gold"' in main and "no more than the monthly limit" in main
        assert not LimitRule.objects.filter(tier="gold").exists()

    def test_a_narrower_rule_is_removed_but_not_the_rule_for_everyone(self, operations):
        narrow = LimitRule.objects.get(kind="transfer", level="verified")
        everyone = LimitRule.objects.get(kind="topup", tier="*", level="*")
        assert "limit-delete-form" not in _get(
            operations, reverse("payments:rules_limit", args=[everyone.id])
        )

        operations.post(reverse("payments:rules_limit_delete", args=[narrow.id]))
        refused = operations.post(reverse("payments:rules_limit_delete", args=[everyone.id]))

        assert not LimitRule.objects.filter(pk=narrow.pk).exists()
        assert refused.status_code == 302 and LimitRule.objects.filter(pk=everyone.pk).exists()
        assert "cannot be removed" in _get(operations)


class TestEditingAFee:
    def test_the_rate_typed_as_a_percentage_is_kept_as_a_fraction(self, operations):
        url = reverse("payments:rules_fee", args=["withdrawal"])
        assert 'value="0.1"' in _get(operations, url)

        response = operations.post(url, {"free_per_month": "5", "rate": "0.2", "fixed": "0",
                                         "minimum": "2.00", "maximum": ""})  # fmt: skip

        assert response.status_code == 302
        rule = FeeRule.objects.get(kind="withdrawal")
        assert (rule.free_per_month, rule.rate) == (5, Decimal("0.002"))
        assert (rule.minimum_minor, rule.maximum_minor) == (2_00, None)
        assert "0.2 %" in _get(operations) and "5 free a month" in _get(operations)

    @pytest.mark.parametrize(
        ("figures", "field"),
        [({"rate": "100"}, "rate"), ({"rate": "abc"}, "rate"),
         ({"minimum": "5.00", "maximum": "1.00"}, "maximum"), ({"free_per_month": "-1"},
         "free_per_month")],
        ids=["a rate of 100 percent", "not a number", "max below min", "negative allowance"],
    )  # fmt: skip
    def test_a_figure_that_makes_no_sense_is_said_next_to_it_and_changes_nothing(
        self, operations, figures, field
    ):
        data = {"free_per_month": "3", "rate": "0.1", "fixed": "0", "minimum": "1.00",
                "maximum": "25.00", **figures}  # fmt: skip

        response = operations.post(reverse("payments:rules_fee", args=["withdrawal"]), data)

        assert response.status_code == 400
        main = _main(response)
        block = main[main.index(f'for="id_{field}"') :]
        assert 'class="errorlist' in block[: block.index("</div>")]
        rule = FeeRule.objects.get(kind="withdrawal")
        assert (rule.free_per_month, rule.rate, rule.minimum_minor) == (3, Decimal("0.001"), 1_00)
