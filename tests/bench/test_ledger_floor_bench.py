"""`hujin bench ledger_floor` grows two scratch SQLite ledgers side by side and reports SQLite's
share of a batch. A smoke run with tiny figures: the figures themselves are not judged here."""

import json
import os
import sqlite3
import subprocess
import sys


def _floor(tmp_path, *extra: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "HUJIN_VAR_DIR": str(tmp_path)}
    command = [
        sys.executable, "-c", "from hujin.config.cli import main; main()",
        "bench", "ledger_floor", "--accounts", "30", "--transfers", "250", "--size", "50",
        *extra,
    ]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)


def test_the_floor_bench_reports_both_ledgers_side_by_side_as_json(tmp_path):
    done = _floor(tmp_path, "--json")

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["database"] == "sqlite"
    assert set(report["variants"]) == {"ledger", "no_history"}
    for variant in report["variants"].values():
        assert variant["batches"] == 5
        assert variant["transfers_per_s"] > 0
        assert {"insert_ms", "update_ms", "commit_ms", "p50_ms"} <= set(variant)
        assert [part["from"] for part in variant["by_ledger_size"]] == [0, 50, 100, 150, 200]
    assert not (tmp_path / "bench-floor").exists()


def test_the_kept_ledgers_hold_every_row_and_only_one_lost_its_history_indexes(tmp_path):
    done = _floor(tmp_path, "--keep")

    assert done.returncode == 0, done.stderr[-2000:]
    assert "ceiling" in done.stdout
    for name, history_indexes in (("ledger", 2), ("no_history", 0)):
        conn = sqlite3.connect(tmp_path / "bench-floor" / f"{name}.sqlite3")
        assert conn.execute(
            "SELECT count(*), min(seq), max(seq) FROM ledger_transfer"
        ).fetchone() == (250, 1, 250)
        indexes = conn.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' "
            "AND tbl_name = 'ledger_transfer' AND name LIKE '%history'"
        ).fetchone()[0]
        assert indexes == history_indexes
