"""Payments end to end: top-ups (with their signed callback) and transfers, N clients, vs pgbench.

Top-ups and transfers between customers through the payments services, callbacks included.

``hujin bench payments [--seconds 10 | --count N] [--clients 8] [--customers 64] [--json]
[--database-url URL] [--keep]``

Runs on a scratch copy of the configured database (DATABASE_URL, or --database-url): PostgreSQL
``<db>_payments_bench`` (created, migrated, dropped afterwards unless --keep) or SQLite
``<var>/bench-payments/bench.sqlite3`` (recreated). As ``hujin bench ledger`` does, the
measurement runs in a subprocess whose DATABASE_URL and HUJIN_VAR_DIR point at the scratch
database and directory, with the sandbox channel and its plain knobs, so the user's data, task
queue and channel are never touched. See docs/operations/benchmarks.md.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

TRANSFER_TARGET = 0.25  # transfers between customers/s at 8 clients / pgbench TPC-B tps
TOPUP_TARGET = 0.12  # top-ups/s (request + callback + post) at 8 clients / pgbench TPC-B tps
SANDBOX = "hujin.payments.channels.sandbox.SandboxChannel"


def _sibling(filename: str):
    """A module of ``bench/`` loaded by file, once (``bench/`` is not a package on the import
    path: ``hujin bench`` loads benchmarks by file); the forked clients find it by name."""
    import importlib.util

    name = f"hujin_bench_{Path(filename).stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(filename))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_ledger = _sibling("ledger.py")  # the scratch database and pgbench helpers
_measure = _ledger._measure  # the ledger bench's measurement helpers, shared
_pay = _sibling("_payments_measure.py")  # the measurement, in the subprocess


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=10, help="length of each phase (10)")
    parser.add_argument(
        "--count", type=int, default=0,
        help="instead of --seconds: this many top-ups (then transfers) per client",
    )  # fmt: skip
    parser.add_argument(
        "--clients", "--workers", dest="workers", metavar="N", type=int, default=8,
        help="concurrent clients (8)",
    )  # fmt: skip
    parser.add_argument(
        "--mode",
        choices=("auto", "processes", "threads"),
        default="auto",
        help="how the clients run; auto: processes on PostgreSQL, on SQLite whichever a short "
        "probe of both finds faster (as hujin bench ledger)",
    )
    parser.add_argument(
        "--customers", type=int, default=64, help="bench customers, made through the services (64)"
    )
    parser.add_argument(
        "--database-url",
        help="the database whose kind (and for PostgreSQL, whose server) the scratch copy takes "
        "(default: DATABASE_URL); a SQLite scratch copy is always under HUJIN_VAR_DIR",
    )
    parser.add_argument("--no-pgbench", action="store_true", help="skip the pgbench comparison")
    parser.add_argument(
        "--risk-shadow", action="store_true",
        help="then put the shipped risk rules in shadow and run the transfers again: the "
        "screen's own p50/p99 inside them (hujin bench risk uses it)",
    )  # fmt: skip
    parser.add_argument(
        "--paced", type=float, default=0, metavar="PER_S",
        help="with --risk-shadow: then the transfers once more without and with the rules, the "
        "clients together starting PER_S a second on a fixed schedule (a load below what the "
        "machine can take), each timed from its scheduled start",
    )  # fmt: skip
    parser.add_argument(
        "--no-dispatch",
        action="store_true",
        help="diagnostic: skip the outbox's after-commit dispatch enqueue (the task queue's cost)",
    )
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="diagnostic: cProfile the first client of each phase into PREFIX.<phase>.prof "
        "(the profiler slows that client)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=1)
    # Internal: the measurement subprocess, on the scratch database; writes its results here.
    parser.add_argument("--_inner", dest="inner", metavar="RESULT_FILE", help=argparse.SUPPRESS)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hujin bench payments", description=__doc__.split("\n\n")[0]
    )
    add_arguments(parser)
    opts = parser.parse_args(argv)
    if opts.workers < 1 or opts.seconds <= 0 or opts.count < 0 or opts.customers < 2:
        parser.error("--clients, --seconds and --count must be positive, --customers at least 2")
    if opts.paced < 0 or (opts.paced and (not opts.risk_shadow or opts.count)):
        parser.error("--paced is a positive rate, with --risk-shadow and --seconds")
    if opts.inner:
        return _pay.inner_main(opts)
    return _outer_main(opts)


# == the outer process: scratch database, subprocess, pgbench, report ============================


def _database(opts) -> tuple[str, dict]:
    from django.conf import settings

    if not opts.database_url:
        url = getattr(settings, "DATABASE_URL", None) or os.environ["DATABASE_URL"]
        return url, settings.DATABASES["default"]
    import dj_database_url

    return opts.database_url, dj_database_url.parse(opts.database_url)


def _outer_main(opts) -> int:
    from django.conf import settings

    url, db = _database(opts)
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        vendor = "postgresql"
    elif engine.endswith("sqlite3"):
        vendor = "sqlite"
    else:
        print(f"hujin bench payments: unsupported database engine {engine}", file=sys.stderr)
        return 2
    say = _measure.printer(opts.json)
    scratch_var = Path(settings.VAR_DIR) / "bench-payments"
    if scratch_var.exists():
        shutil.rmtree(scratch_var)
    scratch_var.mkdir(parents=True)

    pg_admin = None
    if vendor == "postgresql":
        scratch_db = f"{db['NAME']}_payments_bench"
        scratch_url = _ledger._url_with_db(url, scratch_db)
        pg_admin = _ledger._url_with_db(url, "postgres")
        _ledger._pg_recreate(pg_admin, scratch_db)
        where = f"PostgreSQL database {scratch_db} on {db.get('HOST') or 'localhost'}"
    else:
        scratch_db = str(scratch_var / "bench.sqlite3")
        scratch_url = f"sqlite:///{scratch_db}"
        where = f"SQLite file {scratch_db}"
    env = dict(
        os.environ,
        DATABASE_URL=scratch_url,
        HUJIN_VAR_DIR=str(scratch_var),  # the task queue and the channel's secret too
        LOG_LEVEL=os.environ.get("HUJIN_BENCH_LOG_LEVEL", "ERROR"),
        DEBUG="0",  # as in production: no query log
        HUJIN_PAYMENTS_CHANNEL=SANDBOX,
        HUJIN_PAYMENTS_SANDBOX="{}",  # no failures, delays, duplicates or lost answers
        HUJIN_PAYMENTS_CHANNEL_SECRETS="{}",  # a secret of the scratch directory's own
        **{_measure.SCRATCH_ENV: scratch_db},
    )
    env.pop("HUJIN_TASKS_URL", None)
    hujin = [sys.executable, "-m", "hujin.config.cli"]

    report: dict = {}
    try:
        say(f"hujin bench payments: scratch {where}")
        if not _ledger.scratch_migrate(hujin, env, say):
            return 2
        # pgbench before and after the payments' phases, on the same server; the ratios use
        # the mean of the two (the machine's speed drifts over a run).
        compare = _ledger.pgbench_wanted(vendor, opts, say)
        runs = [_pgbench_run(db, pg_admin, opts, say, "before")] if compare else []

        with tempfile.NamedTemporaryFile(suffix=".json", dir=scratch_var, delete=False) as f:
            result_file = f.name
        inner_args = [
            "--_inner", result_file, "--seconds", str(opts.seconds), "--count", str(opts.count),
            "--clients", str(opts.workers), "--mode", opts.mode,
            "--customers", str(opts.customers), "--seed", str(opts.seed),
        ] + (["--no-dispatch"] if opts.no_dispatch else []) + (
            ["--risk-shadow"] if opts.risk_shadow else []) + (
            ["--paced", str(opts.paced)] if opts.paced else []) + (
            ["--profile", str(Path(opts.profile).resolve())] if opts.profile else []
        )  # fmt: skip
        measure = subprocess.run(
            [*hujin, "bench", "payments", *inner_args],
            env=env,
            stdout=sys.stderr if opts.json else None,
        )
        if measure.returncode:
            print("hujin bench payments: the measurement failed", file=sys.stderr)
            return 2
        report = json.loads(Path(result_file).read_text())

        if compare:
            runs.append(_pgbench_run(db, pg_admin, opts, say, "after"))
            _ledger._add_pgbench(report, runs)
    finally:
        if opts.keep:
            say(f"kept the scratch database: DATABASE_URL={_ledger._shown(scratch_url)}")
        else:
            if pg_admin is not None:
                _ledger._pg_drop(pg_admin, scratch_db)
            shutil.rmtree(scratch_var, ignore_errors=True)

    report["database"] = vendor
    report["scratch_database"] = scratch_db
    summarise(report)
    if opts.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        print_report(report)
    return 0 if report["ledger_verified"] and not report["payments_not_final"] else 1


def _pgbench_run(db: dict, admin_url: str, opts, say, when: str) -> dict:
    return _ledger._pgbench_run(db, admin_url, opts, say, when, suffix="payments_pgbench")


def summarise(report: dict) -> None:
    """The headline figures at the top level of the report, the ratios and the targets."""
    topup, transfer = report["topup"], report["transfer"]
    verify = report.get("verify")
    report.update(
        topups_per_s=topup["per_s"],
        topup_p50_ms=topup["p50_ms"],
        topup_p99_ms=topup["p99_ms"],
        transfers_per_s=transfer["per_s"],
        transfer_p50_ms=transfer["p50_ms"],
        transfer_p99_ms=transfer["p99_ms"],
        clients=transfer["workers"],
        ledger_verified=bool(verify and verify["ok"]),
    )
    report.setdefault("pgbench_tpcb_tps", None)
    targets = []
    pg_tps = report["pgbench_tpcb_tps"]
    if pg_tps:
        for name, per_s, target in (
            ("transfers", transfer["per_s"], TRANSFER_TARGET),
            ("topups", topup["per_s"], TOPUP_TARGET),
        ):
            ratio = round(per_s / pg_tps, 3)
            report[f"{name}_vs_pgbench"] = ratio
            targets.append({"name": f"{name}/s / pgbench tps", "value": ratio,
                            "target": target, "pass": ratio >= target})  # fmt: skip
    report["targets"] = targets


def print_report(r: dict) -> None:
    env = r.get("environment", {})
    cpus = env.get("cpus") or 1
    load = env.get("load_average_at_start", [0.0])[0]
    setup = r["setup"]
    length = f"{r['count']} per client" if r.get("count") else f"{r['seconds']:g} s each"
    lines = [
        "",
        f"== hujin bench payments: {r['database']} ({env.get('server_version', '')}), {cpus} CPUs,"
        f" {env.get('started_at', '')}, load average {load} ==",
    ]
    if load > 0.5 * cpus:
        lines.append("   (the machine was busy when the bench started: expect lower figures)")
    lines += [
        f"setup: {setup['customers']} verified customers with a wallet, a bound card and "
        f"¥{setup['funding_minor'] / 100:,.2f} topped up, through the services in "
        f"{setup['seconds']} s ({setup['processes']} processes)",
        f"clients: {r['clients']} ({r['mode']}); phases: {length}; amounts ¥1.00..¥10.00; "
        f"after-commit outbox dispatch: {r.get('dispatch')}",
    ]
    for probe in r.get("probes", []):
        lines.append(f"  probe {probe['mode']:<9}: {probe['transfers_per_s']:>8,.0f} transfers/s")
    lines += [
        "",
        f"  {'':<34} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8} {'mean ms':>8} {'ok':>7}  failed",
    ]
    for kind, title in (("topup", "top-ups (request+callback+post)"),
                        ("transfer", "transfers between customers")):  # fmt: skip
        p = r[kind]
        failed = ", ".join(f"{k} {v}" for k, v in sorted(p["failed"].items())) or "0"
        lines.append(
            f"  {title:<34} {p['per_s']:>8,.1f} {p['p50_ms']:>8.1f} {p['p99_ms']:>8.1f} "
            f"{p['mean_ms']:>8.1f} {p['ok']:>7,}  {failed}"
        )
    if "client_cpu_ms" in r["transfer"]:
        lines.append(
            f"  (the clients' own CPU per operation: top-up {r['topup']['client_cpu_ms']:.1f} ms, "
            f"transfer {r['transfer']['client_cpu_ms']:.1f} ms; {r['environment']['cpus']} CPUs "
            "for clients and server together)"
        )
    if "request_mean_ms" in r["topup"]:
        lines.append(
            f"  (a top-up: topup_request {r['topup']['request_mean_ms']:.1f} ms + "
            f"callback_receive {r['topup']['callback_mean_ms']:.1f} ms on average)"
        )
    lines.append("")
    for pg in r.get("pgbench", []):
        if "error" in pg:
            lines.append(f"pgbench ({pg['when']}): failed, {pg['error']}")
            continue
        lines.append(
            f"pgbench TPC-B-like (built-in, {pg['when']} the payments' phases), -c {pg['clients']}"
            f" -j {pg['threads']} -T {pg['seconds']}, scale {pg['scale']}: {pg['tps']:,.0f} tps,"
            f" latency avg {pg['latency_avg_ms']} ms"
        )
    if r.get("pgbench_tpcb_tps"):
        lines.append(f"pgbench mean: {r['pgbench_tpcb_tps']:,.0f} tps (the ratios below use it)")
    elif r["database"] == "postgresql":
        lines.append("pgbench: not run (no ratios)")
    for t in r["targets"]:
        verdict = "PASS" if t["pass"] else "MISS"
        lines.append(f"  {t['name']:<26} {t['value']:>7.3f}  (target >= {t['target']})  {verdict}")
    if r["payments_not_final"]:
        lines.append(f"payments not final: {r['payments_not_final']}")
    v = r.get("verify")
    if v is None:
        lines.append("ledger verify: not available")
    elif v["ok"]:
        lines.append(
            f"ledger verify: OK ({v['accounts_checked']:,} accounts, "
            f"{v['transfers_checked']:,} transfers checked in {v['seconds']} s)"
        )
    else:
        lines.append(f"ledger verify: FAILED {v['problems']}")
    print("\n".join(lines))
