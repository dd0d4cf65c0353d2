"""Ledger throughput: single transfers with N workers, batches of 1,000 and 8,000, vs pgbench.

``hujin bench ledger [--seconds 10] [--workers 8] [--json] [--keep]``

Runs on a scratch copy of the configured database (DATABASE_URL): PostgreSQL ``<db>_bench``
(created, migrated, dropped afterwards unless --keep) or SQLite ``<var>/bench/bench.sqlite3``
(recreated). The measurement itself runs in a subprocess whose DATABASE_URL and HUJIN_VAR_DIR
point at the scratch database and directory, so the user's data and task queue are never touched.
See docs/operations/benchmarks.md.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

SINGLE_TARGET = 0.5  # single transfers/s at 8 workers / pgbench TPC-B tps
BATCH_TARGET = 10.0  # batch transfers/s / pgbench TPC-B tps
SQLITE_BATCH_TARGET = 50_000  # batch transfers/s on SQLite

PGBENCH_TPS_RE = re.compile(r"^tps = ([0-9.]+)", re.MULTILINE)
PGBENCH_LAT_RE = re.compile(r"^latency average = ([0-9.]+) ms", re.MULTILINE)


def _measure_module():
    """``bench/_ledger_measure.py``, loaded beside this file (``bench/`` is not a package on the
    import path: ``hujin bench`` loads benchmarks by file)."""
    import importlib.util

    path = Path(__file__).with_name("_ledger_measure.py")
    name = "hujin_bench__ledger_measure"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # the forked workers pickle functions by module name
    spec.loader.exec_module(module)
    return module


_measure = _measure_module()
CURRENCY, MAX_AMOUNT, MERCHANTS = _measure.CURRENCY, _measure.MAX_AMOUNT, _measure.MERCHANTS
P2P_SHARE, PAYMENT_SHARE = _measure.P2P_SHARE, _measure.PAYMENT_SHARE
SCRATCH_ENV, _printer = _measure.SCRATCH_ENV, _measure.printer


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=10, help="length of each phase (10)")
    parser.add_argument(
        "--workers", type=int, default=8, help="concurrent single-transfer workers (8)"
    )
    parser.add_argument(
        "--mode",
        choices=("auto", "processes", "threads"),
        default="auto",
        help="how the single-transfer workers run; auto: processes on PostgreSQL, on SQLite "
        "whichever a short probe of both finds faster",
    )
    parser.add_argument("--accounts", type=int, default=10_000, help="customer wallets (10000)")
    parser.add_argument(
        "--sizes", default="1000,8000", help="batch sizes, comma-separated (1000,8000)"
    )
    parser.add_argument(
        "--batch-workers", type=int, default=1, help="concurrent workers in the batch phases (1)"
    )
    parser.add_argument("--no-pgbench", action="store_true", help="skip the pgbench comparison")
    parser.add_argument(
        "--no-dispatch",
        action="store_true",
        help="diagnostic: skip the outbox's after-commit dispatch enqueue (the task queue's "
        "cost) to see the ledger's own",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=1)
    # Internal: the measurement subprocess, on the scratch database; writes its results here.
    parser.add_argument("--_inner", dest="inner", metavar="RESULT_FILE", help=argparse.SUPPRESS)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hujin bench ledger", description=__doc__.split("\n\n")[0]
    )
    add_arguments(parser)
    opts = parser.parse_args(argv)
    opts.sizes = [int(s) for s in str(opts.sizes).split(",") if s.strip()]
    if opts.workers < 1 or opts.batch_workers < 1 or opts.seconds <= 0 or opts.accounts < 2:
        parser.error("--workers, --batch-workers, --seconds and --accounts must be positive")
    if any(not 1 <= s <= 8000 for s in opts.sizes):
        parser.error("batch sizes are 1..8000")
    if opts.inner:
        return _measure.inner_main(opts)
    return _outer_main(opts)


# == the outer process: scratch database, subprocesses, pgbench, report ===========================


def _outer_main(opts) -> int:
    from django.conf import settings

    db = settings.DATABASES["default"]
    engine = db["ENGINE"]
    if engine.endswith("postgresql"):
        vendor = "postgresql"
    elif engine.endswith("sqlite3"):
        vendor = "sqlite"
    else:
        print(f"hujin bench ledger: unsupported database engine {engine}", file=sys.stderr)
        return 2
    say = _printer(opts.json)
    var_dir = Path(settings.VAR_DIR)
    scratch_var = var_dir / "bench"
    if scratch_var.exists():
        shutil.rmtree(scratch_var)
    scratch_var.mkdir(parents=True)

    pg_admin = None
    if vendor == "postgresql":
        scratch_db = f"{db['NAME']}_bench"
        url = getattr(settings, "DATABASE_URL", None) or os.environ["DATABASE_URL"]
        scratch_url = _url_with_db(url, scratch_db)
        pg_admin = _url_with_db(url, "postgres")
        _pg_recreate(pg_admin, scratch_db)
        where = f"PostgreSQL database {scratch_db} on {db.get('HOST') or 'localhost'}"
    else:
        scratch_db = str(scratch_var / "bench.sqlite3")
        scratch_url = f"sqlite:///{scratch_db}"
        where = f"SQLite file {scratch_db}"
    env = dict(
        os.environ,
        DATABASE_URL=scratch_url,
        HUJIN_VAR_DIR=str(scratch_var),  # the task queue file too: not the user's queue
        LOG_LEVEL=os.environ.get("HUJIN_BENCH_LOG_LEVEL", "ERROR"),
        DEBUG="0",  # as in production: no query log, no SQL formatting per statement
        **{SCRATCH_ENV: scratch_db},
    )
    env.pop("HUJIN_TASKS_URL", None)
    hujin = [sys.executable, "-m", "hujin.config.cli"]

    report: dict = {}
    status = 0
    try:
        say(f"hujin bench ledger: scratch {where}")
        if not scratch_migrate(hujin, env, say):
            return 2
        # pgbench runs before and after the ledger's phases: the machine's speed drifts over a
        # run (a shared host), and the ratios use the mean of the two.
        compare = pgbench_wanted(vendor, opts, say)
        pgbench_runs = [_pgbench_run(db, pg_admin, opts, say, "before")] if compare else []

        with tempfile.NamedTemporaryFile(suffix=".json", dir=scratch_var, delete=False) as f:
            result_file = f.name
        inner_args = [
            "--_inner", result_file, "--seconds", str(opts.seconds),
            "--workers", str(opts.workers), "--mode", opts.mode,
            "--accounts", str(opts.accounts), "--sizes", ",".join(map(str, opts.sizes)),
            "--batch-workers", str(opts.batch_workers), "--seed", str(opts.seed),
        ] + (["--no-dispatch"] if opts.no_dispatch else [])  # fmt: skip
        measure = subprocess.run(
            [*hujin, "bench", "ledger", *inner_args],
            env=env,
            stdout=sys.stderr if opts.json else None,
        )
        if measure.returncode:
            print("hujin bench ledger: the measurement failed", file=sys.stderr)
            return 2
        report = json.loads(Path(result_file).read_text())

        if compare:
            pgbench_runs.append(_pgbench_run(db, pg_admin, opts, say, "after"))
            _add_pgbench(report, pgbench_runs)
    finally:
        if opts.keep:
            say(f"kept the scratch database: DATABASE_URL={_shown(scratch_url)}")
        else:
            if pg_admin is not None:
                _pg_drop(pg_admin, scratch_db)
            shutil.rmtree(scratch_var, ignore_errors=True)

    report["database"] = vendor
    report["scratch_database"] = scratch_db
    _add_targets(report)
    if report.get("verify") and not report["verify"].get("ok", True):
        status = 1
    if opts.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        _print_report(report)
    return status


def _shown(url: str) -> str:
    return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", url)


def _url_with_db(url: str, name: str) -> str:
    parts = urlsplit(url)
    scheme = "postgresql" if parts.scheme in ("postgres", "postgresql", "pgsql") else parts.scheme
    return urlunsplit((scheme, parts.netloc, "/" + name, parts.query, ""))


def _pg_admin_connect(admin_url: str):
    import psycopg

    return psycopg.connect(admin_url, autocommit=True)


def _pg_drop(admin_url: str, name: str) -> None:
    from psycopg import sql

    with _pg_admin_connect(admin_url) as conn:
        force = sql.SQL(" WITH (FORCE)") if conn.info.server_version >= 130000 else sql.SQL("")
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)) + force)


def _pg_recreate(admin_url: str, name: str) -> None:
    from psycopg import sql

    _pg_drop(admin_url, name)
    with _pg_admin_connect(admin_url) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def scratch_migrate(hujin: list[str], env: dict, say) -> bool:
    """Migrate the scratch database ``env`` names; False (the output printed) when it fails."""
    t0 = time.monotonic()
    migrate = subprocess.run(
        [*hujin, "migrate", "--no-input", "-v", "0"], env=env, capture_output=True, text=True
    )
    if migrate.returncode:
        print(migrate.stdout + migrate.stderr, file=sys.stderr)
        return False
    say(f"  migrated in {time.monotonic() - t0:.1f} s")
    return True


def pgbench_wanted(vendor: str, opts, say) -> bool:
    """Whether this run compares with pgbench: on PostgreSQL, unless told not to, when it is
    installed."""
    compare = vendor == "postgresql" and not opts.no_pgbench
    if compare and not shutil.which("pgbench"):
        say("pgbench is not on PATH: no comparison")
        compare = False
    return compare


def _pgbench_run(db: dict, admin_url: str, opts, say, when: str, *, suffix="pgbench") -> dict:
    """pgbench's TPC-B-like script on a database of its own (``<db>_<suffix>``), or the error."""
    say(
        f"pgbench TPC-B-like ({when}): -c {opts.workers} -j {min(2, opts.workers)} "
        f"-T {opts.seconds:g}, scale {opts.workers} ..."
    )
    try:
        return {"when": when, **_pgbench(db, admin_url, f"{db['NAME']}_{suffix}", opts)}
    except (RuntimeError, OSError) as exc:
        say(f"pgbench failed: {exc}")
        return {"when": when, "error": str(exc)}


def _add_pgbench(report: dict, runs: list[dict]) -> None:
    """``pgbench`` (each run) and ``pgbench_tpcb_tps``, the mean of the runs that worked."""
    report["pgbench"] = runs
    measured = [r["tps"] for r in runs if r.get("tps")]
    if measured:
        report["pgbench_tpcb_tps"] = round(sum(measured) / len(measured), 1)


def _pgbench(db: dict, admin_url: str, name: str, opts) -> dict:
    """pgbench's built-in TPC-B-like script on the same server, in a scratch database.

    Scale = client count: TPC-B updates one of `scale` branch rows per transaction, so with
    scale 1 every client would queue on the same row; one branch per client avoids that.
    """
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER"),
                     ("PASSWORD", "PGPASSWORD")):  # fmt: skip
        if db.get(key):
            env[var] = str(db[key])
    if (db.get("OPTIONS") or {}).get("sslmode"):
        env["PGSSLMODE"] = db["OPTIONS"]["sslmode"]
    clients = opts.workers
    scale = clients
    threads = min(2, clients)
    seconds = max(1, round(opts.seconds))
    _pg_recreate(admin_url, name)
    try:
        t0 = time.monotonic()
        init = subprocess.run(
            ["pgbench", "-i", "-q", "-s", str(scale), name], env=env, capture_output=True,
            text=True,
        )  # fmt: skip
        if init.returncode:
            raise RuntimeError(f"pgbench -i failed: {init.stderr.strip()}")
        init_s = time.monotonic() - t0
        bench = subprocess.run(
            ["pgbench", "-c", str(clients), "-j", str(threads), "-T", str(seconds), name],
            env=env, capture_output=True, text=True,
        )  # fmt: skip
        if bench.returncode:
            raise RuntimeError(f"pgbench failed: {bench.stderr.strip()}")
    finally:
        _pg_drop(admin_url, name)
    tps = PGBENCH_TPS_RE.search(bench.stdout)
    latency = PGBENCH_LAT_RE.search(bench.stdout)
    return {
        "script": "tpcb-like (built-in)",
        "clients": clients,
        "threads": threads,
        "seconds": seconds,
        "scale": scale,
        "init_s": round(init_s, 1),
        "tps": float(tps.group(1)) if tps else None,
        "latency_avg_ms": float(latency.group(1)) if latency else None,
    }


def _add_targets(report: dict) -> None:
    targets = []
    batches = report.get("batches", [])
    best_batch = max((b["transfers_per_s"] for b in batches), default=0.0)
    pg_tps = report.get("pgbench_tpcb_tps")
    if report["database"] == "postgresql" and pg_tps:
        single_ratio = report["single"]["transfers_per_s"] / pg_tps
        report["single_vs_pgbench"] = round(single_ratio, 3)
        targets.append({
            "name": f"single ({report['single']['workers']} workers) / pgbench tps",
            "value": round(single_ratio, 3), "target": SINGLE_TARGET,
            "pass": single_ratio >= SINGLE_TARGET,
        })  # fmt: skip
        for b in batches:
            ratio = b["transfers_per_s"] / pg_tps
            b["vs_pgbench"] = round(ratio, 2)
            targets.append({
                "name": f"batch {b['size']} / pgbench tps", "value": round(ratio, 2),
                "target": BATCH_TARGET, "pass": ratio >= BATCH_TARGET,
            })  # fmt: skip
        report["batch_vs_pgbench"] = round(best_batch / pg_tps, 2)
    elif report["database"] == "sqlite":
        for b in batches:
            targets.append({
                "name": f"batch {b['size']} transfers/s", "value": round(b["transfers_per_s"]),
                "target": SQLITE_BATCH_TARGET,
                "pass": b["transfers_per_s"] >= SQLITE_BATCH_TARGET,
            })  # fmt: skip
    report["targets"] = targets


def _print_report(r: dict) -> None:
    env = r.get("environment", {})
    cpus = env.get("cpus") or 1
    load = env.get("load_average_at_start", [0.0])[0]
    single, setup = r["single"], r["setup"]
    topups = 1 - P2P_SHARE - PAYMENT_SHARE
    lines = [
        "",
        f"== hujin bench ledger: {r['database']} ({env.get('server_version', '')}), {cpus} CPUs, "
        f"{env.get('started_at', '')}, load average {load} ==",
    ]
    if load > 0.5 * cpus:
        lines.append(
            "   (the machine was busy when the bench started: expect lower, noisier figures)"
        )
    lines += [
        f"setup: {setup['wallets']:,} wallets (debits_must_not_exceed_credits) + "
        f"{setup['operating_accounts']} operating accounts in {setup['accounts_s']} s; "
        f"{setup['funding_transfers']:,} funding transfers in batches in {setup['funding_s']} s",
        f"mix: {P2P_SHARE:.0%} wallet->wallet, {PAYMENT_SHARE:.0%} wallet->merchant "
        f"({MERCHANTS} merchants), {topups:.0%} bank->wallet top-ups; "
        f"amounts 0.01..{MAX_AMOUNT / 100:.2f} {CURRENCY}",
        f"after-commit outbox dispatch: {r.get('dispatch')}",
    ]
    if r["database"] == "postgresql":
        lines.append("each phase starts after VACUUM (ANALYZE), as pgbench vacuums before its run")
    for probe in single.get("probes", []):
        lines.append(
            f"  probe {probe['mode']:<9}: {probe['transfers_per_s']:>10,.0f} transfers/s "
            f"({probe['seconds']:g} s)"
        )
    failed = sum(single["failed"].values())
    lines.append(
        f"single transfers, {single['workers']} workers ({single['mode']}): "
        f"{single['transfers_per_s']:,.0f} transfers/s, p50 {single['p50_ms']:.2f} ms, "
        f"p99 {single['p99_ms']:.2f} ms per call ({single['ok']:,} ok, {failed:,} failed)"
    )
    for b in r["batches"]:
        workers = f"{b['workers']} worker{'s' if b['workers'] > 1 else ''}"
        failed = sum(b["failed"].values())
        lines.append(
            f"batches of {b['size']:,} ({workers}): {b['transfers_per_s']:,.0f} transfers/s, "
            f"{b['calls']} calls, p50 {b['p50_ms']:.0f} ms per call ({failed:,} failed)"
        )
    for pg in r.get("pgbench", []):
        if "error" in pg:
            lines.append(f"pgbench ({pg['when']}): failed, {pg['error']}")
            continue
        lines.append(
            f"pgbench TPC-B-like (built-in script, {pg['when']} the ledger's phases), "
            f"-c {pg['clients']} -j {pg['threads']} -T {pg['seconds']}, scale {pg['scale']} "
            f"(one branch row per client, so the branch row is not a single hotspot): "
            f"{pg['tps']:,.0f} tps, latency avg {pg['latency_avg_ms']} ms"
        )
    if r.get("pgbench_tpcb_tps"):
        lines.append(f"pgbench mean: {r['pgbench_tpcb_tps']:,.0f} tps (the ratios below use it)")
    if r["targets"]:
        lines.append("targets:")
    for t in r["targets"]:
        value = t["value"]
        shown = f"{value:,.2f}" if isinstance(value, float) else f"{value:,}"
        verdict = "PASS" if t["pass"] else "MISS"
        lines.append(f"  {t['name']:<34} {shown:>10}  (target >= {t['target']:,})  {verdict}")
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
