"""Lending: credit decisions per second, and the daily accrual of N loans vs a bare UPDATE.

``hujin bench lending [--loans 1000000] [--decisions 400] [--clients 8]
[--client-mode process|thread] [--no-dispatch] [--tasks-url REDIS_URL] [--json]
[--database-url URL] [--keep] [--no-verify]``

On a scratch copy of the configured database (PostgreSQL ``<db>_lending_bench``, or SQLite
under HUJIN_VAR_DIR), in a subprocess as the close-of-business bench does
(``bench/_scratch.py``; the measurement itself in ``bench/_lending_measure.py``):

- **Decisions**: ``--decisions`` verified customers, a loan product on sale and a champion
  scorecard; ``--clients`` clients (processes forked after the setup, or threads with
  ``--client-mode thread``; each its own database connection; one on SQLite), each warmed up by
  one untimed application, submit one application per customer through
  ``services.application_submit`` - features, the simulated bureau, the score, the policy, the
  stored decision - each call timed: throughput over the wall time, p50 and p99 latency.
  Each decision's commit enqueues its outbox dispatch: into the scratch SQLite queue file (the
  embedded shape), or with ``--tasks-url`` into Redis (the shape of several processes).
- **Accrual**: N active 12-month 等额本息 loans written set-based, their claims and cash
  posted; ``cob_accrual.interest_accrue`` - the close of business's step, one ledger fan-in of
  every loan's day - timed on the tenth day, and beside it a bare ``UPDATE`` of N rows of a
  scratch table on the same server (the floor), with the ratio.

``hujin ledger verify`` and ``hujin lending verify`` run afterwards unless ``--no-verify``.
Targets (issue 15): decision p99 <= 50 ms; the accrual of 1,000,000 loans < 60 s.
"""

import argparse
import json
import sys
from pathlib import Path

DECISION_P99_TARGET_MS = 50.0
ACCRUAL_SECONDS_TARGET = 60.0


def _cob():
    """``bench/cob.py``, whose loader and scratch helpers this bench shares."""
    from hujin.core.management.commands.bench import load_benchmark

    return sys.modules.get("hujin_bench_cob") or load_benchmark(Path(__file__).with_name("cob.py"))


_sibling = _cob()._sibling
_scratch = _sibling("_scratch.py")
_measure = _scratch.ledger_bench()._measure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--loans", type=int, default=1_000_000, help="active loans (1,000,000)")
    parser.add_argument("--decisions", type=int, default=400, help="applications decided (400)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients (8)")
    parser.add_argument("--client-mode", choices=("process", "thread"), default="process",
                        help="the clients are processes, as API workers are (default), or "
                             "threads of one process")  # fmt: skip
    parser.add_argument("--no-dispatch", action="store_true",
                        help="diagnostic: the decisions skip the outbox's after-commit dispatch "
                             "enqueue (the task queue's cost) to see their own")  # fmt: skip
    parser.add_argument("--tasks-url", default="", metavar="REDIS_URL",
                        help="the task queue the decisions' outbox dispatch goes to: a Redis "
                             "URL, as a deployment of several processes has (a queue of the "
                             "bench's own name, emptied afterwards); default the scratch SQLite "
                             "queue")  # fmt: skip
    _scratch.add_scratch_arguments(parser)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hujin bench lending",
                                     description=__doc__.split("\n\n")[0])  # fmt: skip
    add_arguments(parser)
    opts = parser.parse_args(argv)
    if opts.loans < 1 or opts.decisions < 1 or opts.clients < 1:
        parser.error("--loans, --decisions and --clients must be positive")
    if opts.inner:
        return _sibling("_lending_measure.py").inner_main(opts)
    return _outer_main(opts)


def _outer_main(opts) -> int:
    say = _measure.printer(opts.json)
    inner = ["--loans", str(opts.loans), "--decisions", str(opts.decisions),
             "--clients", str(opts.clients), "--client-mode", opts.client_mode]  # fmt: skip
    inner += ["--no-dispatch"] if opts.no_dispatch else []
    if opts.tasks_url and not opts.tasks_url.startswith("redis"):
        print("hujin bench lending: --tasks-url takes a redis:// URL", file=sys.stderr)
        return 2
    report = _scratch.measured_in_scratch(name="lending", opts=opts, inner_args=inner, say=say)
    if report is None:
        return 2
    summarise(report)
    verified = [report.get(key) for key in ("verify", "lending_verify")]
    status = 0 if all(v is None or v["ok"] for v in verified) else 1
    if opts.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        _print(report, say)
    return status


def summarise(report: dict) -> None:
    """The targets, judged on the measured figures."""
    report["targets"] = {
        "decision_p99_ms_at_most": DECISION_P99_TARGET_MS,
        "accrual_seconds_below": ACCRUAL_SECONDS_TARGET,
        "met": report["decision_p99_ms"] <= DECISION_P99_TARGET_MS
        and report["accrual_seconds"] < ACCRUAL_SECONDS_TARGET,
    }


def _print(report: dict, say) -> None:
    kind = "threads" if report.get("client_mode") == "thread" else "processes"
    say(f"decisions:               {report['decisions']:,} by {report['clients']} clients, "
        f"{kind} ({report['decision_outcomes']})")  # fmt: skip
    say(f"decisions per second:    {report['decisions_per_s']}")
    say(f"decision latency:        p50 {report['decision_p50_ms']} ms, "
        f"p99 {report['decision_p99_ms']} ms (target <= {DECISION_P99_TARGET_MS:g})")  # fmt: skip
    say(f"loans:                   {report['loans']:,}")
    say(f"interest accrued:        {report['accrued_minor'] / 100:,.2f} on "
        f"{report['accrued_loans']:,} loans in {report['accrual_seconds']} s "
        f"(target < {ACCRUAL_SECONDS_TARGET:g})")  # fmt: skip
    say(f"bare UPDATE of N rows:   {report['bare_update_seconds']} s (ratio {report['ratio']})")
    if report.get("server_settings"):
        say("server:                  " + ", ".join(
            f"{name} {value}" for name, value in report["server_settings"].items()))  # fmt: skip
    say(f"targets met:             {report['targets']['met']}")
    for key, label in (("verify", "ledger verify"), ("lending_verify", "lending verify")):
        if key in report:
            say(f"{label + ':':<25}{'OK' if report[key]['ok'] else 'FAILED'} "
                f"in {report[key]['seconds']} s")  # fmt: skip
