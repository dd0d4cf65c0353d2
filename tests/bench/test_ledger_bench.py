"""`hujin bench ledger` runs end to end on the suite's database vendor and reports what the
issue asks for. A smoke run with tiny figures: the figures themselves are not judged here."""

import json
import os
import subprocess
import sys

from django.db import connection


def test_the_ledger_bench_runs_and_reports_every_figure_as_json(tmp_path):
    env = {**os.environ, "HUJIN_VAR_DIR": str(tmp_path)}
    if connection.vendor != "postgresql":
        env.pop("DATABASE_URL", None)  # the default: SQLite under the var dir
    command = [
        sys.executable, "-c", "from hujin.config.cli import main; main()",
        "bench", "ledger", "--seconds", "1", "--accounts", "40", "--workers", "2",
        "--sizes", "10,20", "--no-pgbench", "--json",
    ]  # fmt: skip

    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["database"] == connection.vendor
    assert report["single"]["workers"] == 2
    assert report["single"]["transfers_per_s"] > 0
    assert {"p50_ms", "p99_ms"} <= set(report["single"])
    assert [b["size"] for b in report["batches"]] == [10, 20]
    assert all(b["transfers_per_s"] > 0 for b in report["batches"])
    assert report["verify"]["ok"] is True


def test_the_pgbench_figure_is_the_mean_of_the_runs_before_and_after_the_ledger_s():
    from bench.ledger import _add_pgbench

    report: dict = {}
    _add_pgbench(report, [{"when": "before", "tps": 3000.0}, {"when": "after", "tps": 4001.0}])

    assert report["pgbench_tpcb_tps"] == 3500.5
    assert [r["when"] for r in report["pgbench"]] == ["before", "after"]


def test_a_failed_pgbench_run_is_reported_and_left_out_of_the_mean():
    from bench.ledger import _add_pgbench

    report: dict = {}
    _add_pgbench(report, [{"when": "before", "error": "no room"}, {"when": "after", "tps": 4e3}])

    assert report["pgbench_tpcb_tps"] == 4000.0
    assert report["pgbench"][0]["error"] == "no room"
