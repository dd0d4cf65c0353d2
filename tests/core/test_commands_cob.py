"""``hujin cob``: run through ``run_from_argv``, as the shell runs it, to see the exit status."""

import threading
from datetime import date

import pytest
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.cob import cob_run, register_cob_step
from hujin.core.dates import business_date_get
from hujin.core.management.commands.cob import Command
from tests.core.conftest import in_thread


def hujin_cob(*args: str) -> int:
    """Run ``hujin cob ARGS`` and return its exit status."""
    try:
        Command().run_from_argv(["hujin", "cob", *args])
    except SystemExit as exit_:
        return exit_.code
    return 0


@pytest.mark.django_db(transaction=True)
class TestCobRunCommand:
    def test_a_successful_run_exits_0_and_says_where_the_date_is(self, open_day, step_log, capsys):
        open_day(date(2025, 3, 14))
        register_cob_step(name="a.first", order=10, func=step_log.step("a.first"))

        assert hujin_cob("run") == 0

        out = capsys.readouterr().out
        assert "1/2 done     a.first" in out
        assert "COB for 2025-03-14 done; the business date is now 2025-03-15." in out
        assert business_date_get() == date(2025, 3, 15)

    def test_a_failed_step_exits_1_and_a_rerun_resumes(self, open_day, capsys):
        open_day(date(2025, 3, 14))
        broken = {"yes": True}

        def flaky(business_date, now):
            if broken["yes"]:
                raise RuntimeError("statement file missing")

        register_cob_step(name="a.flaky", order=10, func=flaky)

        assert hujin_cob("run") == 1
        err = capsys.readouterr().err
        assert "RuntimeError: statement file missing" in err
        assert "failed at step a.flaky" in err

        broken["yes"] = False
        assert hujin_cob("run") == 0
        assert business_date_get() == date(2025, 3, 15)

    def test_a_date_already_closed_exits_0_and_says_so(self, open_day, capsys):
        open_day(date(2025, 3, 14))
        assert hujin_cob("run") == 0
        capsys.readouterr()

        assert hujin_cob("run", "--date", "2025-03-14") == 0

        assert "already complete; nothing to do" in capsys.readouterr().out

    @pytest.mark.parametrize("on_date", ["2025-03-15", "2025-03-13", "14/03/2025"])
    def test_a_date_that_cannot_be_closed_exits_2(self, open_day, on_date, capsys):
        open_day(date(2025, 3, 14))

        assert hujin_cob("run", "--date", on_date) == 2

        assert "CommandError" in capsys.readouterr().err
        assert business_date_get() == date(2025, 3, 14)

    def test_a_run_while_another_is_running_exits_2(self, open_day, capsys):
        open_day(date(2025, 3, 14))
        inside, release = threading.Event(), threading.Event()

        def slow(business_date, now):
            inside.set()
            assert release.wait(10)

        register_cob_step(name="a.slow", order=10, func=slow)
        first, _ = in_thread(lambda: cob_run(now=timezone.now(), actor=system_actor("other")))
        assert inside.wait(10)
        try:
            status = hujin_cob("run")
        finally:
            release.set()
            first.join(10)

        assert status == 2
        assert "Another close of business is running" in capsys.readouterr().err


@pytest.mark.django_db(transaction=True)
class TestCobStatusCommand:
    def test_shows_the_business_date_and_the_latest_run_with_its_steps(self, open_day, capsys):
        open_day(date(2025, 3, 14))
        register_cob_step(name="a.broken", order=10, func=lambda on, at: 1 / 0)
        hujin_cob("run")
        capsys.readouterr()

        assert hujin_cob("status") == 0

        out = capsys.readouterr().out
        assert "Business date: 2025-03-14" in out
        assert "COB for 2025-03-14: failed (attempt 1" in out
        assert "failed   a.broken" in out and "ZeroDivisionError: division by zero" in out
        assert "pending  core.business_date_advance" in out

    def test_says_when_there_is_no_run_yet(self, open_day, capsys):
        open_day(date(2025, 3, 14))

        assert hujin_cob("status", "--date", "2025-03-10") == 0

        assert "No COB run for 2025-03-10 yet." in capsys.readouterr().out
