import threading
from datetime import date, timedelta

import pytest

from hujin.core.cob import ADVANCE_STEP_NAME, cob_run, cob_run_due, cob_run_get, register_cob_step
from hujin.core.dates import business_date_get, business_date_set
from hujin.core.errors import CobAlreadyRunning, CobDateInvalid
from hujin.core.models import AuditEntry, CobRun, CobStepRun, OutboxEvent
from tests.core.conftest import in_thread

MARCH_14 = date(2025, 3, 14)
MARCH_15 = date(2025, 3, 15)


def step_rows(run: CobRun) -> list[tuple[str, str]]:
    return [(step.name, step.status) for step in run.steps.all()]


@pytest.mark.django_db
class TestCobRun:
    def test_runs_every_step_in_order_then_advances_the_business_date(
        self, open_day, step_log, actor, now
    ):
        open_day(MARCH_14)
        register_cob_step(name="b.second", order=20, func=step_log.step("b.second"))
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first", {"n": 3}))

        run = cob_run(now=now, actor=actor)

        assert step_log.calls == [("a.first", MARCH_14), ("b.second", MARCH_14)]
        assert run.status == "done" and run.business_date == MARCH_14
        assert not run.was_already_completed
        assert business_date_get() == MARCH_15
        assert step_rows(run) == [
            ("a.first", "done"),
            ("b.second", "done"),
            (ADVANCE_STEP_NAME, "done"),
        ]

    def test_records_each_step_s_timing_and_result(self, open_day, step_log, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first", {"n": 3}))

        run = cob_run(now=now, actor=actor)

        first, advance = run.steps.all()
        assert first.result == {"n": 3} and first.attempts == 1
        assert now <= first.started_at <= first.finished_at <= now + timedelta(seconds=5)
        assert first.duration_ms is not None and first.duration_ms >= 0
        assert advance.result == {"business_date": "2025-03-15"}
        assert run.started_at >= now and run.finished_at >= advance.started_at

    def test_each_step_is_given_the_business_date_and_an_aware_now(self, open_day, actor, now):
        received = []
        register_cob_step(
            name="a.first", order=10, func=lambda on, at: received.append((on, at)) or None
        )
        open_day(MARCH_14)

        cob_run(now=now, actor=actor)

        ((on, at),) = received
        assert on == MARCH_14 and at.tzinfo is not None and at >= now

    def test_a_run_for_a_date_already_closed_does_nothing_and_says_so(
        self, open_day, step_log, actor, now
    ):
        open_day(MARCH_14)
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))
        cob_run(now=now, actor=actor)

        again = cob_run(business_date=MARCH_14, now=now, actor=actor)

        assert again.was_already_completed and again.status == "done"
        assert step_log.names() == ["a.first"]
        assert business_date_get() == MARCH_15
        assert CobRun.objects.get().attempts == 1

    def test_the_next_run_closes_the_next_day(self, open_day, step_log, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))

        cob_run(now=now, actor=actor)
        cob_run(now=now, actor=actor)

        assert step_log.calls == [("a.first", MARCH_14), ("a.first", MARCH_15)]
        assert business_date_get() == date(2025, 3, 16)

    def test_a_failing_step_stops_the_run_and_the_date_stays(self, open_day, step_log, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))
        register_cob_step(name="b.broken", order=20, func=step_log.step("b.broken", fail=True))
        register_cob_step(name="c.third", order=30, func=step_log.step("c.third"))

        run = cob_run(now=now, actor=actor)

        assert run.status == "failed"
        assert step_log.names() == ["a.first", "b.broken"]
        assert step_rows(run) == [
            ("a.first", "done"),
            ("b.broken", "failed"),
            ("c.third", "pending"),
            (ADVANCE_STEP_NAME, "pending"),
        ]
        broken = run.steps.get(name="b.broken")
        assert "RuntimeError: b.broken broke" in broken.error
        assert business_date_get() == MARCH_14
        assert OutboxEvent.objects.filter(event_type="core.cob.failed").get().payload == {
            "business_date": "2025-03-14",
            "failed_step": "b.broken",
        }

    def test_a_rerun_resumes_after_the_failed_step_without_repeating_done_ones(
        self, open_day, step_log, actor, now
    ):
        open_day(MARCH_14)
        broken = {"yes": True}

        def flaky(business_date, at):
            step_log.calls.append(("b.flaky", business_date))
            if broken["yes"]:
                raise RuntimeError("not today")
            return {"fixed": True}

        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))
        register_cob_step(name="b.flaky", order=20, func=flaky)
        register_cob_step(name="c.third", order=30, func=step_log.step("c.third"))
        cob_run(now=now, actor=actor)
        broken["yes"] = False

        run = cob_run(now=now + timedelta(hours=1), actor=actor)

        assert run.status == "done" and run.attempts == 2
        assert step_log.names() == ["a.first", "b.flaky", "b.flaky", "c.third"]
        flaky_row = run.steps.get(name="b.flaky")
        assert (flaky_row.attempts, flaky_row.error, flaky_row.result) == (2, "", {"fixed": True})
        assert business_date_get() == MARCH_15

    def test_a_step_left_running_by_a_crash_is_run_again(self, open_day, step_log, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))
        register_cob_step(name="b.second", order=20, func=step_log.step("b.second"))
        crashed = CobRun.objects.create(
            business_date=MARCH_14, status="running", attempts=1, started_at=now
        )
        CobStepRun.objects.create(run=crashed, name="a.first", order=10, status="done")
        CobStepRun.objects.create(run=crashed, name="b.second", order=20, status="running")

        run = cob_run(now=now, actor=actor)

        assert run.pk == crashed.pk and run.status == "done"
        assert step_log.names() == ["b.second"]

    def test_a_step_that_returns_something_other_than_a_dict_fails(self, open_day, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="a.odd", order=10, func=lambda on, at: ["not", "a", "dict"])

        run = cob_run(now=now, actor=actor)

        assert run.status == "failed"
        assert "returns a dict or None" in run.steps.get(name="a.odd").error

    def test_a_result_that_is_not_json_fails_the_step_instead_of_the_run(
        self, open_day, actor, now
    ):
        open_day(MARCH_14)
        register_cob_step(name="a.odd", order=10, func=lambda on, at: {"x": object()})

        run = cob_run(now=now, actor=actor)

        assert run.steps.get(name="a.odd").status == "failed"

    def test_a_step_registered_after_a_failure_joins_the_resumed_run(
        self, open_day, step_log, actor, now
    ):
        open_day(MARCH_14)
        register_cob_step(name="b.broken", order=20, func=step_log.step("b.broken", fail=True))
        cob_run(now=now, actor=actor)
        register_cob_step(name="a.new", order=10, func=step_log.step("a.new"))

        run = cob_run(now=now, actor=actor)

        assert step_log.names() == ["b.broken", "a.new", "b.broken"]
        assert run.steps.get(name="a.new").status == "done"

    def test_refuses_a_date_that_has_not_begun(self, open_day, actor, now):
        open_day(MARCH_14)

        with pytest.raises(CobDateInvalid, match="has not begun"):
            cob_run(business_date=MARCH_15, now=now, actor=actor)

        assert not CobRun.objects.exists()

    def test_refuses_a_past_date_that_was_never_closed(self, open_day, actor, now):
        open_day(MARCH_14)
        business_date_set(to_date=MARCH_15, actor=actor, now=now)  # moved by hand

        with pytest.raises(CobDateInvalid, match="already moved past"):
            cob_run(business_date=MARCH_14, now=now, actor=actor)

    def test_without_a_business_date_the_first_run_starts_from_today(self, actor, now):
        run = cob_run(now=now, actor=actor)

        assert run.business_date == date(2025, 3, 14)  # 10:00 in Shanghai
        assert business_date_get() == MARCH_15

    def test_writes_an_audit_trail_and_a_completion_event(self, open_day, step_log, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))

        cob_run(now=now, actor=actor)

        actions = list(
            AuditEntry.objects.filter(action__startswith="cob.")
            .order_by("id")
            .values_list("action", flat=True)
        )
        assert actions == ["cob.run_started", "cob.step_done", "cob.step_done", "cob.run_completed"]
        assert set(AuditEntry.objects.values_list("actor_label", flat=True)) == {"test"}
        completed = OutboxEvent.objects.get(event_type="core.cob.completed")
        assert completed.payload == {
            "business_date": "2025-03-14",
            "next_business_date": "2025-03-15",
        }

    def test_progress_is_reported_before_and_after_each_step(self, open_day, step_log, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))
        seen = []

        cob_run(now=now, actor=actor, progress=seen.append)

        assert [(p.step, p.index, p.total, p.status) for p in seen] == [
            ("a.first", 1, 2, "running"),
            ("a.first", 1, 2, "done"),
            (ADVANCE_STEP_NAME, 2, 2, "running"),
            (ADVANCE_STEP_NAME, 2, 2, "done"),
        ]


@pytest.mark.django_db
class TestCobRunGet:
    def test_returns_the_latest_run_or_the_one_asked_for(self, open_day, actor, now):
        open_day(MARCH_14)
        cob_run(now=now, actor=actor)
        cob_run(now=now, actor=actor)

        assert cob_run_get().business_date == MARCH_15
        assert cob_run_get(business_date=MARCH_14).business_date == MARCH_14
        assert cob_run_get(business_date=date(2025, 1, 1)) is None


@pytest.mark.django_db
class TestCobRunDue:
    def test_closes_every_business_day_that_has_ended_and_stops_at_today(
        self, open_day, step_log, actor, now
    ):
        open_day(date(2025, 3, 11))
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))

        runs = cob_run_due(now=now, actor=actor)  # 10:00 on the 14th in Shanghai

        assert [run.business_date for run in runs] == [date(2025, 3, d) for d in (11, 12, 13)]
        assert business_date_get() == MARCH_14

    def test_does_nothing_while_the_business_day_is_still_open(self, open_day, actor, now):
        open_day(MARCH_14)

        assert cob_run_due(now=now, actor=actor) == []
        assert business_date_get() == MARCH_14

    def test_stops_at_the_first_failed_day(self, open_day, step_log, actor, now):
        open_day(date(2025, 3, 12))
        register_cob_step(name="b.broken", order=20, func=step_log.step("b.broken", fail=True))

        runs = cob_run_due(now=now, actor=actor)

        assert [(run.business_date, run.status) for run in runs] == [(date(2025, 3, 12), "failed")]
        assert business_date_get() == date(2025, 3, 12)


@pytest.mark.django_db(transaction=True)
class TestCobRunConcurrently:
    def test_a_second_run_while_one_is_running_is_refused(self, open_day, actor, now):
        open_day(MARCH_14)
        inside = threading.Event()
        release = threading.Event()

        def slow(business_date, at):
            inside.set()
            assert release.wait(10)
            return None

        register_cob_step(name="a.slow", order=10, func=slow)
        first, outcome = in_thread(lambda: cob_run(now=now, actor=actor))
        assert inside.wait(10)

        try:
            with pytest.raises(CobAlreadyRunning) as refused:
                cob_run(now=now, actor=actor)
        finally:
            release.set()
            first.join(10)

        assert refused.value.code == "cob_already_running"
        assert outcome["value"].status == "done"
        assert business_date_get() == MARCH_15

    def test_the_lock_is_released_when_a_run_ends(self, open_day, actor, now):
        open_day(MARCH_14)
        register_cob_step(name="b.broken", order=20, func=lambda on, at: 1 / 0)
        cob_run(now=now, actor=actor)

        thread, outcome = in_thread(lambda: cob_run(now=now, actor=actor))
        thread.join(10)

        assert outcome["value"].status == "failed" and outcome["value"].attempts == 2
