"""`hujin bench risk` replays a synthetic labelled history through the shipped rules and reports
events per second and what the rules caught; on PostgreSQL it also times the screen inside
payments. Smoke runs with a tiny history and short phases: the figures themselves are not judged
here."""

import json
import subprocess
import sys

import pytest


def test_the_risk_bench_reports_the_replay_and_the_recall_as_json():
    done = bench_risk("--database-url", "sqlite:///unused.sqlite3")

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["rules"] >= 25 and report["events"] > 1000
    assert report["replay_events_per_s"] > 0
    assert set(report["recall_by_typology"]) >= {"structuring", "rapid_in_out", "large_value"}
    assert report["screen_p50_ms"] is None and "PostgreSQL only" in report["not_measured"]
    assert [t["name"] for t in report["targets"]] == [
        "replay events/s", "recall, every typology", "ordinary customers flagged",
    ]  # fmt: skip


def bench_risk(*more: str):
    command = [sys.executable, "-c", "from hujin.config.cli import main; main()", "bench", "risk",
               "--customers", "40", "--per-typology", "1", "--json", *more]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=600)


@pytest.mark.postgres
def test_on_postgresql_it_times_the_screen_inside_payments():
    from django.conf import settings

    done = bench_risk("--seconds", "0.5", "--screen-customers", "6",
                      "--database-url", settings.DATABASE_URL)  # fmt: skip

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["screen_p50_ms"] > 0 and report["screen_p99_ms"] >= report["screen_p50_ms"]
    assert report["screening"]["rules_in_shadow"] == report["rules"]
    assert report["screening"]["ledger_verified"] is True
    assert report["targets"][-1]["name"].startswith("screen p99")
    paced = report["screen_paced"]  # the same transfers again, started 50 a second
    assert paced["per_s"] == 50 and paced["screen_p99_ms"] >= paced["screen_p50_ms"] > 0
    assert paced["transfers_without_rules"]["failed"] == {}
