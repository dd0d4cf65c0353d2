"""The close-of-business pages: the business date and the runs, and one run step by step."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from hujin.compliance import cob_names
from hujin.compliance.cob_selectors import result_items
from hujin.core.cob import ADVANCE_STEP_NAME
from hujin.core.cob_labels import cob_step_label, cob_step_label_register
from hujin.core.dates import business_date_get
from hujin.core.models import CobRun, CobStepRun

pytestmark = pytest.mark.django_db

VIEW = "core.view_cobrun"
MARCH_13 = date(2025, 3, 13)
MARCH_14 = date(2025, 3, 14)
LIST = reverse("compliance:cob")


def run_url(day: date) -> str:
    return reverse("compliance:cob_run", args=[day.isoformat()])


def make_run(now, day: date, status: str, steps: list[tuple[str, str, dict | None, str]]):
    """A run of ``day`` with ``steps`` as (name, status, result, error), in that order."""
    run = CobRun.objects.create(
        business_date=day, status=status, attempts=1, started_at=now,
        finished_at=None if status == "running" else now + timedelta(minutes=2, seconds=14),
        started_by="system:cli:ops",
    )  # fmt: skip
    for order, (name, step_status, result, error) in enumerate(steps, start=1):
        started = step_status != "pending"
        CobStepRun.objects.create(
            run=run, name=name, order=order * 10, status=step_status,
            attempts=1 if started else 0,
            started_at=now if started else None,
            finished_at=now + timedelta(seconds=3) if step_status in ("done", "failed") else None,
            result=result, error=error,
        )  # fmt: skip
    return run


@pytest.fixture
def viewer(staff_with):
    return staff_with(VIEW, username="ops")


@pytest.fixture
def done_run(now):
    return make_run(
        now, MARCH_13, "done",
        [
            ("ledger.expire_pending", "done", {"expired": 2}, ""),
            ("wealth.orders_confirm", "done", {"confirmed": 12, "failed": 0}, ""),
            ("acme.unnamed_step", "done", None, ""),
            (ADVANCE_STEP_NAME, "done", {"business_date": "2025-03-14"}, ""),
        ],
    )  # fmt: skip


@pytest.fixture
def failed_run(now):
    return make_run(
        now, MARCH_14, "failed",
        [
            ("ledger.expire_pending", "done", {"expired": 0}, ""),
            ("payments.reconcile", "failed", None,
             "Traceback (most recent call last):\nConnectionError: channel file not reachable"),
            (ADVANCE_STEP_NAME, "pending", None, ""),
        ],
    )  # fmt: skip


@pytest.fixture
def running_run(now):
    return make_run(
        now, MARCH_14, "running",
        [
            ("payments.resolve_unknown", "done", {"succeeded": 1}, ""),
            ("payments.reconcile", "done", {"sandbox": {"status": "complete", "breaks_new": 0}},
             ""),
            ("ledger.expire_pending", "running", None, ""),
            ("core.audit_seal", "pending", None, ""),
            (ADVANCE_STEP_NAME, "pending", None, ""),
        ],
    )  # fmt: skip


class TestWhoMaySee:
    @pytest.mark.parametrize("role", ["operations", "auditor", "administrator"])
    def test_the_roles_that_watch_the_business_day_see_both_pages(
        self, role_client, role, done_run
    ):
        client = role_client(role)

        assert client.get(LIST).status_code == 200
        assert client.get(run_url(MARCH_13)).status_code == 200

    @pytest.mark.parametrize("role", ["customer_service", "risk_analyst", "product_manager"])
    def test_other_roles_are_refused(self, role_client, role, done_run):
        client = role_client(role)

        assert client.get(LIST).status_code == 403
        assert client.get(run_url(MARCH_13)).status_code == 403

    def test_staff_without_the_permission_and_customers_are_refused(
        self, staff_with, customer_client, done_run
    ):
        _, clerk = staff_with("core.manage_events", username="clerk")

        assert clerk.get(LIST).status_code == 403
        assert customer_client.get(run_url(MARCH_13)).status_code == 403

    def test_the_console_menu_offers_the_page_to_who_may_see_it(self, viewer, staff_with):
        _, client = viewer
        _, clerk = staff_with(username="clerk")

        home = reverse("web:home")

        assert f'href="{LIST}"' in client.get(home).content.decode()
        assert f'href="{LIST}"' not in clerk.get(home).content.decode()


class TestTheRunsPage:
    def test_shows_the_business_date_and_the_runs_newest_first(
        self, viewer, done_run, failed_run, now
    ):
        _, client = viewer

        response = client.get(LIST)

        content = response.content.decode()
        assert response.context["business_date"] == business_date_get()
        assert [r["business_date"] for r in response.context["runs"]] == [MARCH_14, MARCH_13]
        assert 'data-status="done"' in content and 'data-status="failed"' in content
        assert "2 min 14 s" in content
        assert "Command line (ops)" in content
        assert f'href="{run_url(MARCH_13)}"' in content

    def test_pages_through_the_runs(self, viewer, now, monkeypatch):
        from hujin.compliance import cob_selectors

        monkeypatch.setattr(cob_selectors, "PAGE_SIZE", 2)
        for offset in range(3):
            make_run(now, MARCH_14 - timedelta(days=offset), "done", [])
        _, client = viewer

        first = client.get(LIST).context
        second = client.get(LIST, {"before": first["older"]}).context

        assert [r["business_date"].day for r in first["runs"]] == [14, 13]
        assert [r["business_date"].day for r in second["runs"]] == [12]
        assert second["newer"] == "2025-03-12" and second["older"] is None

    def test_says_so_when_no_run_happened_yet(self, viewer):
        _, client = viewer

        response = client.get(LIST)

        assert response.status_code == 200
        assert "No close of business has run yet" in response.content.decode()


class TestTheRunPage:
    def test_shows_every_step_in_order_with_its_name_status_and_result(self, viewer, done_run):
        _, client = viewer

        response = client.get(run_url(MARCH_13))

        content = response.content.decode()
        names = [step["name"] for step in response.context["steps"]]
        assert names == [
            "ledger.expire_pending", "wealth.orders_confirm", "acme.unnamed_step",
            ADVANCE_STEP_NAME,
        ]  # fmt: skip
        assert "Expire pending transfers past their time" in content
        assert "Confirm orders" in content
        assert "<code>acme.unnamed_step</code>" in content  # nobody named it: its code
        assert "Confirmed</span></dt><dd>12</dd>" in content  # keys and values, not JSON
        steps = content.split('id="cob-steps"')[1]
        assert not any(raw in steps for raw in ("{&quot;", "{&#x27;", '{"'))  # no JSON, no dict
        assert "3.0 s" not in content and "3 s" in content

    def test_a_failed_step_shows_its_error_folded_away(self, viewer, failed_run):
        _, client = viewer

        response = client.get(run_url(MARCH_14))

        content = response.content.decode()
        assert '<details class="cob-error">' in content
        assert "<code>ConnectionError: channel file not reachable</code></summary>" in content
        assert "Traceback (most recent call last)" in content  # all of it, folded
        (failed,) = [s for s in response.context["steps"] if s["status"] == "failed"]
        assert failed["name"] == "payments.reconcile" and failed["error"]

    def test_an_unknown_or_malformed_date_is_not_found(self, viewer, done_run):
        _, client = viewer

        assert client.get(run_url(date(2024, 1, 1))).status_code == 404
        assert client.get("/compliance/cob/2025-02-30/").status_code == 404
        assert client.get("/compliance/cob/20250313/").status_code == 404


class TestPolling:
    def test_a_running_run_polls_its_steps_and_shows_how_far_it_got(self, viewer, running_run):
        _, client = viewer

        response = client.get(run_url(MARCH_14))

        content = response.content.decode()
        assert 'hx-trigger="every 3s"' in content
        assert f'hx-get="{run_url(MARCH_14)}"' in content
        assert "Step 3 of 5" in content
        assert '<svg class="cob-bar"' in content and 'width="40.0"' in content
        assert "style=" not in content.split('id="cob-steps"')[1]  # the CSP blocks inline styles

    def test_the_poll_gets_only_the_fragment(self, viewer, running_run):
        _, client = viewer

        response = client.get(run_url(MARCH_14), headers={"HX-Request": "true"})

        content = response.content.decode()
        assert content.lstrip().startswith('<div id="cob-steps"')
        assert "<html" not in content
        assert "HX-Request" in response.get("Vary", "")

    def test_a_finished_run_does_not_poll(self, viewer, done_run, failed_run):
        _, client = viewer

        for day in (MARCH_13, MARCH_14):
            content = client.get(run_url(day)).content.decode()
            assert "hx-trigger" not in content and "Step " not in content


class TestStepNames:
    WEALTH = {
        "wealth.nav_check": ("Check NAVs and income", "核对净值与收益"),
        "wealth.income_distribute": ("Distribute money-market income", "分配货币基金收益"),
        "wealth.cooling_off_release": ("Release orders past cooling-off", "冷静期届满订单放行"),
        "wealth.orders_confirm": ("Confirm orders", "确认订单"),
        "wealth.raise_close": (
            "Close fundraising (confirm or refund)", "募集结束（成立或退款）",
        ),
        "wealth.maturity_pay": ("Pay matured products", "到期兑付"),
    }  # fmt: skip

    def test_every_registered_step_has_a_name_in_english_and_chinese(self):
        from hujin.core.cob import cob_steps

        names = [step.name for step in cob_steps()] + [ADVANCE_STEP_NAME, *self.WEALTH]
        unnamed, untranslated = [], []
        for name in names:
            label = cob_step_label(name)
            if label is None:
                unnamed.append(name)
                continue
            with translation.override("en"):
                english = str(label)
            with translation.override("zh-hans"):
                chinese = str(label)
            if chinese == english or "." in english:
                untranslated.append(name)

        assert len(names) >= 11
        assert (unnamed, untranslated) == ([], [])

    @pytest.mark.parametrize(("name", "words"), WEALTH.items())
    def test_wealth_s_coming_steps_are_named_as_agreed(self, name, words):
        label = cob_step_label(name)

        with translation.override("en"):
            assert str(label) == words[0]
        with translation.override("zh-hans"):
            assert str(label) == words[1]

    def test_the_run_page_shows_the_names_in_chinese(self, viewer, done_run):
        _, client = viewer

        content = client.get(run_url(MARCH_13), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

        assert "确认订单" in content and "日终批处理" in content
        assert "已确认" in content  # the result's key

    def test_a_module_may_name_its_step_again_with_the_same_words_not_others(self):
        from django.utils.translation import pgettext_lazy

        cob_step_label_register(
            "wealth.orders_confirm", pgettext_lazy("cob step", "Confirm orders")
        )
        with pytest.raises(ValueError, match="already"):
            cob_step_label_register(
                "wealth.orders_confirm", pgettext_lazy("cob step", "Confirm the orders")
            )


class TestWords:
    @pytest.mark.parametrize(
        ("ms", "words"),
        [
            (None, ""), (0, "0 ms"), (27, "27 ms"), (3_000, "3 s"), (134_000, "2 min 14 s"),
            (3_605_000, "1 h 5 s"), (3_660_000, "1 h 1 min"), (7_384_000, "2 h 3 min"),
        ],
    )  # fmt: skip
    def test_durations(self, ms, words):
        with translation.override("en"):
            assert cob_names.duration_words(ms) == words

    def test_results_keep_their_order_and_nest_one_level(self):
        items = result_items({"b": 1, "a": {"x": [1, 2], "y": {"deep": True}}})

        assert [i.key for i in items] == ["b", "a"]
        assert [(i.key, i.value) for i in items[1].items] == [("x", "1, 2"), ("y", "deep: True")]

    def test_started_by(self):
        with translation.override("en"):
            assert cob_names.started_by_label("system:cli:ops") == "Command line (ops)"
            assert cob_names.started_by_label("system:cob-scheduler") == "Schedule"
            assert cob_names.started_by_label("staff:li.ops") == "li.ops"
