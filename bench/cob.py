"""Close of business: a money-market fund's income distributed to N holdings, vs a bare UPDATE.

``hujin bench cob [--holdings 1000000] [--json] [--database-url URL] [--keep] [--no-verify]``

On a scratch copy of the configured database (PostgreSQL ``<db>_cob_bench``, or SQLite under
HUJIN_VAR_DIR), in a subprocess as the other benchmarks do: one money-market fund put on sale
through the products services, N holding accounts in its units (opened set-based: the bench's
own shortcut, not the services') each given units by one ledger fan-out, the day's income
published. Then it times ``hujin.wealth.services.income_distribute`` — the close of business's
step, one set-based fan-out of N ledger transfers — and, on the same server in the same run,
a bare ``UPDATE`` of N rows of a scratch table (the floor no distribution can beat), and prints
the ratio. ``hujin ledger verify`` runs afterwards unless ``--no-verify``.
Target (issue 14): ``seconds`` < 60 and ≤ 8 × ``bare_update_seconds`` at 1,000,000 holdings.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SECONDS_TARGET = 60.0
RATIO_TARGET = 8.0


def _sibling(filename: str):
    import importlib.util

    name = f"hujin_bench_{Path(filename).stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(filename))
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


_ledger = _sibling("ledger.py")  # the scratch database helpers
_measure = _ledger._measure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--holdings", type=int, default=1_000_000, help="holdings (1,000,000)")
    parser.add_argument(
        "--database-url",
        help="the database whose kind (and for PostgreSQL, whose server) the scratch copy takes "
        "(default: DATABASE_URL)",
    )
    parser.add_argument("--no-verify", action="store_true", help="skip hujin ledger verify")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--_inner", dest="inner", metavar="RESULT_FILE", help=argparse.SUPPRESS)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hujin bench cob", description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    opts = parser.parse_args(argv)
    if opts.holdings < 1:
        parser.error("--holdings must be positive")
    if opts.inner:
        return _sibling("_cob_measure.py").inner_main(opts)
    return _outer_main(opts)


def _outer_main(opts) -> int:
    from django.conf import settings

    url, db = _sibling("payments.py")._database(opts)  # DATABASE_URL, or --database-url
    engine = db["ENGINE"]
    vendor = "postgresql" if engine.endswith("postgresql") else "sqlite"
    if not (engine.endswith("postgresql") or engine.endswith("sqlite3")):
        print(f"hujin bench cob: unsupported database engine {engine}", file=sys.stderr)
        return 2
    say = _measure.printer(opts.json)
    scratch_var = Path(settings.VAR_DIR) / "bench-cob"
    if scratch_var.exists():
        shutil.rmtree(scratch_var)
    scratch_var.mkdir(parents=True)
    pg_admin = None
    if vendor == "postgresql":
        scratch_db = f"{db['NAME']}_cob_bench"
        scratch_url = _ledger._url_with_db(url, scratch_db)
        pg_admin = _ledger._url_with_db(url, "postgres")
        _ledger._pg_recreate(pg_admin, scratch_db)
    else:
        scratch_db = str(scratch_var / "bench.sqlite3")
        scratch_url = f"sqlite:///{scratch_db}"
    env = dict(
        os.environ, DATABASE_URL=scratch_url, HUJIN_VAR_DIR=str(scratch_var), DEBUG="0",
        LOG_LEVEL=os.environ.get("HUJIN_BENCH_LOG_LEVEL", "ERROR"),
        **{_measure.SCRATCH_ENV: scratch_db},
    )  # fmt: skip
    env.pop("HUJIN_TASKS_URL", None)
    hujin = [sys.executable, "-m", "hujin.config.cli"]
    report: dict = {}
    try:
        say(f"hujin bench cob: scratch {vendor} database {scratch_db}")
        if not _ledger.scratch_migrate(hujin, env, say):
            return 2
        with tempfile.NamedTemporaryFile(suffix=".json", dir=scratch_var, delete=False) as f:
            result_file = f.name
        args = ["--_inner", result_file, "--holdings", str(opts.holdings)]
        args += ["--no-verify"] if opts.no_verify else []
        measure = subprocess.run([*hujin, "bench", "cob", *args], env=env,
                                 stdout=sys.stderr if opts.json else None)  # fmt: skip
        if measure.returncode:
            print("hujin bench cob: the measurement failed", file=sys.stderr)
            return 2
        report = json.loads(Path(result_file).read_text())
    finally:
        if opts.keep:
            say(f"kept the scratch database: DATABASE_URL={_ledger._shown(scratch_url)}")
        else:
            if pg_admin is not None:
                _ledger._pg_drop(pg_admin, scratch_db)
            shutil.rmtree(scratch_var, ignore_errors=True)
    report["database"] = vendor
    report["targets"] = {
        "seconds_below": SECONDS_TARGET,
        "ratio_at_most": RATIO_TARGET,
        "met": report["seconds"] < SECONDS_TARGET and report["ratio"] <= RATIO_TARGET,
    }
    status = 0 if report.get("verify", {}).get("ok", True) else 1
    if opts.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        _print(report, say)
    return status


def _print(report: dict, say) -> None:
    say(f"holdings:                {report['holdings']:,}")
    say(f"income distributed:      {report['declared_minor'] / 100:,.2f} in {report['seconds']} s")
    say(f"bare UPDATE of N rows:   {report['bare_update_seconds']} s")
    say(f"ratio:                   {report['ratio']} (target <= {RATIO_TARGET:g})")
    say(f"target met:              {report['targets']['met']}")
    if "verify" in report:
        say(f"ledger verify:           {'OK' if report['verify']['ok'] else 'FAILED'} "
            f"in {report['verify']['seconds']} s")  # fmt: skip
