"""`hujin bench payments` runs end to end on the suite's database vendor and reports what the
issue asks for. A smoke run with tiny counts: the figures themselves are not judged here."""

import json
import os
import subprocess
import sys

from django.db import connection


def test_the_payments_bench_runs_and_reports_every_figure_as_json(tmp_path):
    env = {**os.environ, "HUJIN_VAR_DIR": str(tmp_path)}
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)  # the default: SQLite under the var dir
    command = [
        sys.executable, "-c", "from hujin.config.cli import main; main()",
        "bench", "payments", "--count", "3", "--customers", "4", "--clients", "2",
        "--no-pgbench", "--json",
    ]  # fmt: skip

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["database"] == connection.vendor
    assert report["clients"] == 2
    assert report["topup"]["ok"] == 6 and report["transfer"]["ok"] == 6
    assert report["topups_per_s"] > 0 and report["transfers_per_s"] > 0
    assert report["transfer_p99_ms"] >= report["transfer_p50_ms"] > 0
    assert "pgbench_tpcb_tps" in report
    assert report["payments_not_final"] == {}
    assert report["ledger_verified"] is True


def _phase(per_s: float) -> dict:
    return {"per_s": per_s, "p50_ms": 10.0, "p99_ms": 20.0, "workers": 8}


def test_the_ratios_to_pgbench_are_judged_against_the_issue_s_targets():
    from bench.payments import summarise

    report = {"topup": _phase(120.0), "transfer": _phase(240.0), "pgbench_tpcb_tps": 1000.0,
              "verify": {"ok": True}}  # fmt: skip

    summarise(report)

    assert report["transfers_vs_pgbench"] == 0.24
    assert report["topups_vs_pgbench"] == 0.12
    assert [(t["name"], t["pass"]) for t in report["targets"]] == [
        ("transfers/s / pgbench tps", False),
        ("topups/s / pgbench tps", True),
    ]


def test_without_pgbench_there_is_no_ratio_and_its_figure_is_null():
    from bench.payments import summarise

    report = {"topup": _phase(1.0), "transfer": _phase(2.0), "verify": None}

    summarise(report)

    assert report["pgbench_tpcb_tps"] is None
    assert report["targets"] == []
    assert report["ledger_verified"] is False
