"""`hujin bench lending` runs end to end on SQLite with tiny figures and reports what the issue
asks for; the figures themselves are not judged here, only that each is there and consistent."""

import json
import os
import subprocess
import sys


def test_the_lending_bench_runs_and_reports_every_figure_as_json(tmp_path):
    env = {**os.environ, "HUJIN_VAR_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)  # the default: SQLite under the var dir
    command = [
        sys.executable, "-c", "from hujin.config.cli import main; main()",
        "bench", "lending", "--loans", "30", "--decisions", "6", "--clients", "3", "--json",
    ]  # fmt: skip

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["database"] == "sqlite"
    assert report["clients"] == 1  # SQLite takes one writer: one client
    assert report["decisions"] == 6 == sum(report["decision_outcomes"].values())
    assert report["decisions_per_s"] > 0
    assert report["decision_p99_ms"] >= report["decision_p50_ms"] > 0
    assert report["loans"] == 30 == report["accrued_loans"]
    assert report["accrued_minor"] > 0
    assert report["accrual_seconds"] >= 0 and report["bare_update_seconds"] >= 0
    assert "ratio" in report
    assert report["verify"]["ok"] is True
    assert report["lending_verify"] == {**report["lending_verify"], "ok": True, "loans": 30}
    assert set(report["targets"]) == {"decision_p99_ms_at_most", "accrual_seconds_below", "met"}


def _judged(p99_ms: float, accrual_seconds: float) -> dict:
    from bench.lending import summarise

    report = {"decision_p99_ms": p99_ms, "accrual_seconds": accrual_seconds}
    summarise(report)
    return report["targets"]


def test_the_targets_are_met_only_when_both_the_latency_and_the_accrual_are_within_them():
    assert _judged(50.0, 59.9)["met"] is True
    assert _judged(50.1, 10.0)["met"] is False
    assert _judged(20.0, 60.0)["met"] is False
