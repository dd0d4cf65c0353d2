"""`hujin bench risk` replays a synthetic labelled history through the shipped rules and reports
events per second and what the rules caught. A smoke run with a tiny history: the figures
themselves are not judged here."""

import json
import subprocess
import sys


def test_the_risk_bench_reports_the_replay_and_the_recall_as_json():
    command = [sys.executable, "-c", "from hujin.config.cli import main; main()", "bench", "risk",
               "--customers", "40", "--per-typology", "1", "--json"]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)

    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert report["rules"] >= 25 and report["events"] > 1000
    assert report["replay_events_per_s"] > 0
    assert set(report["recall_by_typology"]) >= {"structuring", "rapid_in_out", "large_value"}
    assert report["screen_p50_ms"] is None and "still to come" in report["not_measured"]
    assert [t["name"] for t in report["targets"]] == [
        "replay events/s", "recall, every typology", "ordinary customers flagged",
    ]  # fmt: skip
