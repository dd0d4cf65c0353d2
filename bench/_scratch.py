"""What the close-of-business benchmarks (``bench/cob.py``, ``bench/lending.py``) share.

The outer half: a scratch copy of the configured database (PostgreSQL ``<db>_<suffix>``, or
SQLite under HUJIN_VAR_DIR), migrated, the measurement run in a subprocess
(``hujin bench <name> --_inner RESULT_FILE ...``), its report read back, the scratch dropped
unless ``--keep``. The inner half, on the scratch database: the guard that refuses any other
database, ledger accounts opened set-based (numbers from the ledger's own sequence), ANALYZE,
and the floor every set-based step is compared with: a bare UPDATE of N rows of a scratch table.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def bench_module(filename: str):
    """``bench/<filename>``, a benchmark, loaded once under its bench name (as ``hujin bench``
    loads it)."""
    name = f"hujin_bench_{Path(filename).stem}"
    if name not in sys.modules:
        from hujin.core.management.commands.bench import load_benchmark

        load_benchmark(Path(__file__).with_name(filename))
    return sys.modules[name]


def ledger_bench():
    """``bench/ledger.py``: the scratch database helpers and the ledger check."""
    return bench_module("ledger.py")


def add_scratch_arguments(parser) -> None:
    """The options every scratch benchmark takes."""
    parser.add_argument(
        "--database-url",
        help="the database whose kind (and for PostgreSQL, whose server) the scratch copy takes "
        "(default: DATABASE_URL)",
    )
    parser.add_argument("--no-verify", action="store_true", help="skip the verification")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--_inner", dest="inner", metavar="RESULT_FILE", help=argparse.SUPPRESS)


def measured_in_scratch(*, name: str, opts, inner_args: list[str], say) -> dict | None:
    """Run ``hujin bench <name> --_inner RESULT_FILE <inner_args>`` on a fresh scratch database
    and return its report with ``database`` (the vendor) added; None (said why) when the
    database is of no supported kind, the migration or the measurement fails."""
    from django.conf import settings

    ledger = ledger_bench()
    url, db = bench_module("payments.py")._database(opts)  # DATABASE_URL, or --database-url
    engine = db["ENGINE"]
    if not (engine.endswith("postgresql") or engine.endswith("sqlite3")):
        print(f"hujin bench {name}: unsupported database engine {engine}", file=sys.stderr)
        return None
    vendor = "postgresql" if engine.endswith("postgresql") else "sqlite"
    scratch_var = Path(settings.VAR_DIR) / f"bench-{name}"
    if scratch_var.exists():
        shutil.rmtree(scratch_var)
    scratch_var.mkdir(parents=True)
    pg_admin = None
    if vendor == "postgresql":
        scratch_db = f"{db['NAME']}_{name}_bench"
        scratch_url = ledger._url_with_db(url, scratch_db)
        pg_admin = ledger._url_with_db(url, "postgres")
        ledger._pg_recreate(pg_admin, scratch_db)
    else:
        scratch_db = str(scratch_var / "bench.sqlite3")
        scratch_url = f"sqlite:///{scratch_db}"
    env = dict(
        os.environ, DATABASE_URL=scratch_url, HUJIN_VAR_DIR=str(scratch_var), DEBUG="0",
        LOG_LEVEL=os.environ.get("HUJIN_BENCH_LOG_LEVEL", "ERROR"),
        **{ledger._measure.SCRATCH_ENV: scratch_db},
    )  # fmt: skip
    env.pop("HUJIN_TASKS_URL", None)
    if getattr(opts, "tasks_url", ""):  # a Redis queue of the bench's own, emptied afterwards
        env.update(HUJIN_TASKS_URL=opts.tasks_url, HUJIN_TASKS_NAME=f"hujin-bench-{name}")
    hujin = [sys.executable, "-m", "hujin.config.cli"]
    try:
        say(f"hujin bench {name}: scratch {vendor} database {scratch_db}")
        if not ledger.scratch_migrate(hujin, env, say):
            return None
        with tempfile.NamedTemporaryFile(suffix=".json", dir=scratch_var, delete=False) as f:
            result_file = f.name
        args = ["--_inner", result_file, *inner_args]
        args += ["--no-verify"] if opts.no_verify else []
        measure = subprocess.run([*hujin, "bench", name, *args], env=env,
                                 stdout=sys.stderr if opts.json else None)  # fmt: skip
        if measure.returncode:
            print(f"hujin bench {name}: the measurement failed", file=sys.stderr)
            return None
        report = json.loads(Path(result_file).read_text())
    finally:
        if opts.keep:
            say(f"kept the scratch database: DATABASE_URL={ledger._shown(scratch_url)}")
        else:
            if pg_admin is not None:
                ledger._pg_drop(pg_admin, scratch_db)
            shutil.rmtree(scratch_var, ignore_errors=True)
    report["database"] = vendor
    return report


# == the inner half, on the scratch database =====================================================


def say(text: str) -> None:
    print(text, flush=True)


def in_scratch(name: str) -> bool:
    """Whether this process runs on the scratch database of ``hujin bench <name>``: refused
    (said why) otherwise, so a measurement never writes into a real database."""
    from django.conf import settings

    scratch = os.environ.get(ledger_bench()._measure.SCRATCH_ENV, "")
    db_name = str(settings.DATABASES["default"]["NAME"])
    if (
        scratch
        and db_name == scratch
        and (db_name.endswith(f"_{name}_bench") or db_name.endswith("bench.sqlite3"))
    ):
        return True
    print("refusing to run the measurement outside a bench scratch database", file=sys.stderr)
    return False


def system():
    from hujin.core.actors import system_actor

    return system_actor("bench")


def series() -> str:
    """A query of the numbers 1..N as column ``n``, N its one placeholder."""
    from django.db import connection

    if connection.vendor == "postgresql":
        return "SELECT g AS n FROM generate_series(1, %s) g"
    return "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < %s) " \
        "SELECT n FROM g"  # fmt: skip


def new_uuid() -> str:
    """An SQL expression of a new random id, as the vendor stores a UUIDField."""
    from django.db import connection

    return (
        "gen_random_uuid()" if connection.vendor == "postgresql" else "lower(hex(randomblob(16)))"
    )


_ACCOUNT_COLUMNS = (
    "id, number, currency, code, kind, name, owner_ref, debits_must_not_exceed_credits, "
    "credits_must_not_exceed_debits, closed, debits_frozen, debits_pending, debits_posted, "
    "credits_pending, credits_posted, metadata, created_at"
)


def accounts_insert(cursor, *, rows_sql: str, params: list, currency: str, code: str, kind: str,
                    limited: bool, now) -> None:  # fmt: skip
    """Open ledger accounts set-based, as ``account_create`` would one by one: one per row of
    ``rows_sql``, a query selecting (id, name, owner_ref) with ``params`` as its placeholders;
    numbered in the rows' order from the ledger's sequence (SQLite: after the highest)."""
    from django.db import connection

    postgres = connection.vendor == "postgresql"
    number = (
        "nextval('ledger_account_number_seq')"
        if postgres
        else "(SELECT COALESCE(MAX(number), 0) FROM ledger_account) + ROW_NUMBER() OVER ()"
    )
    flags = "%s, false, false, false, 0, 0, 0, 0" if postgres else "%s, 0, 0, 0, 0, 0, 0, 0"
    cursor.execute(
        f"INSERT INTO ledger_account ({_ACCOUNT_COLUMNS}) "
        f"SELECT r.id, {number}, %s, %s, %s, r.name, r.owner_ref, {flags}, '{{}}', %s "
        f"FROM ({rows_sql}) r",
        [currency, code, kind, limited, now, *params],
    )


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def bare_update(rows: int) -> float:
    """A scratch table of ``rows`` rows (id, value), then one UPDATE of every row, timed: the
    floor no set-based step over as many rows can beat on this server."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_scratch_update")
        cursor.execute(
            "CREATE TABLE bench_scratch_update (id BIGINT PRIMARY KEY, v BIGINT NOT NULL)"
        )
        cursor.execute(f"INSERT INTO bench_scratch_update SELECT n, n FROM ({series()}) s", [rows])
        cursor.execute("ANALYZE bench_scratch_update")
    t0 = time.monotonic()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE bench_scratch_update SET v = v + 1")
    seconds = round(time.monotonic() - t0, 2)
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE bench_scratch_update")
    return seconds


SERVER_SETTINGS = ("shared_buffers", "max_wal_size", "synchronous_commit", "max_connections")


def server_settings() -> dict:
    """The PostgreSQL settings a set-based step's time depends on most, as the server ran with
    them ({} on SQLite): figures from servers set up differently are not comparable."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name = ANY(%s) "
            "ORDER BY name",
            [list(SERVER_SETTINGS)],
        )
        return dict(cursor.fetchall())
