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
