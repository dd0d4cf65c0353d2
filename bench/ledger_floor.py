"""SQLite's own share of a ledger batch: the floor under `hujin bench ledger`'s batch figure.

``hujin bench ledger_floor [--accounts 10000] [--transfers 500000] [--size 8000] [--json]``

Writes batches of pre-built transfer rows into a scratch SQLite ledger (``<var>/bench-floor/``,
migrated like any other and removed afterwards unless --keep) with the ledger store's own
statements and the application's SQLite settings: the ``INSERT`` of the transfers, the ``UPDATE``
of the touched accounts' balances, the commit. No validation, engine, audit entry or event runs
and the rows are made before the clock starts; what is timed is SQLite's work and the sqlite3
module's binding of the parameters, as in the ledger. Its transfers/s is therefore a ceiling for
the batch phase of ``hujin bench ledger`` on the same machine.

Two ledgers grow side by side, one batch each in turn: one with the ledger's indexes, one without
the two per-account history indexes. See docs/operations/benchmarks.md.
"""

import argparse
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

VARIANTS = {
    "ledger": "with the ledger's indexes",
    "no_history": "without the two history indexes",
}
HISTORY_INDEXES = ("ledger_transfer_dr_history", "ledger_transfer_cr_history")


def _ledger_bench():
    """``bench/ledger.py``, loaded as ``hujin bench`` loads it: its transfer mix is used here."""
    from hujin.core.management.commands.bench import load_benchmark

    return load_benchmark(Path(__file__).with_name("ledger.py"))


_mix = _ledger_bench()
P2P_SHARE, PAYMENT_SHARE, MERCHANTS = _mix.P2P_SHARE, _mix.PAYMENT_SHARE, _mix.MERCHANTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--accounts", type=int, default=10_000, help="customer wallets (10000)")
    parser.add_argument(
        "--transfers", type=int, default=500_000, help="grow each ledger to this size (500000)"
    )
    parser.add_argument("--size", type=int, default=8000, help="transfers per batch (8000)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch databases")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--seed", type=int, default=1)


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="hujin bench ledger_floor", description=__doc__)
    add_arguments(parser)
    opts = parser.parse_args(argv)
    if opts.accounts < 2 + MERCHANTS or opts.size < 1 or opts.transfers < opts.size:
        parser.error("needs --accounts >= 12, --size >= 1 and --transfers >= --size")

    from django.conf import settings

    say = (lambda *a: print(*a, file=sys.stderr)) if opts.json else print
    scratch = Path(settings.VAR_DIR) / "bench-floor"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    try:
        paths = _scratch_ledgers(scratch, opts, say)
        report = _measure(paths, opts, say)
    finally:
        if opts.keep:
            say(f"kept the scratch databases in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    if opts.json:
        print(json.dumps(report, indent=2, sort_keys=True))
    else:
        _print_report(report)
    return 0


def _scratch_ledgers(scratch: Path, opts, say) -> dict[str, Path]:
    """One migrated ledger with the accounts, copied; the copy loses its history indexes."""
    base = scratch / "ledger.sqlite3"
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{base}", HUJIN_VAR_DIR=str(scratch))
    env.pop("HUJIN_TASKS_URL", None)
    t0 = time.monotonic()
    migrate = subprocess.run(
        [sys.executable, "-m", "hujin.config.cli", "migrate", "--no-input", "-v", "0"],
        env=env,
        capture_output=True,
        text=True,
    )
    if migrate.returncode:
        raise SystemExit(f"hujin bench ledger_floor: migrate failed\n{migrate.stderr[-2000:]}")
    conn = _connect(base)
    _open_accounts(conn, opts.accounts)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    paths = {"ledger": base, "no_history": scratch / "no_history.sqlite3"}
    shutil.copy(base, paths["no_history"])
    conn = _connect(paths["no_history"])
    for index in HISTORY_INDEXES:
        conn.execute(f"DROP INDEX {index}")
    conn.close()
    say(f"hujin bench ledger_floor: two scratch ledgers of {opts.accounts:,} accounts in "
        f"{time.monotonic() - t0:.1f} s ({scratch})")  # fmt: skip
    return paths


def _connect(path: Path) -> sqlite3.Connection:
    from django.conf import settings

    conn = sqlite3.connect(path, isolation_level=None)
    conn.executescript(settings.SQLITE_INIT_COMMAND)
    return conn


def _open_accounts(conn: sqlite3.Connection, count: int) -> None:
    from hujin.core.ids import new_id

    created = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    rows = []
    for number in range(1, count + 1):
        code, kind = ("1002.bank", "asset") if number == 1 else ("2001.wallet", "liability")
        if 1 < number <= 1 + MERCHANTS:
            code = "2202.merchant"
        rows.append((new_id().hex, number, "CNY", code, kind, f"floor {number}", "",
                     number > 1, False, False, False, 0, 0, 0, 10**12, "{}", created))  # fmt: skip
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(
        "INSERT INTO ledger_account (id, number, currency, code, kind, name, owner_ref, "
        "debits_must_not_exceed_credits, credits_must_not_exceed_debits, closed, debits_frozen, "
        "debits_pending, debits_posted, credits_pending, credits_posted, metadata, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.execute("COMMIT")


class _Rows:
    """Batches of transfer rows in the store's column order, made outside the timed part."""

    def __init__(self, conn: sqlite3.Connection, opts):
        from hujin.ledger.store.write import _INSERT_COLUMNS

        self.columns = [c.strip() for c in _INSERT_COLUMNS.split(",")]
        self.ids = dict(conn.execute("SELECT number, id FROM ledger_account"))
        numbers = sorted(self.ids)
        self.bank, self.merchants = numbers[0], numbers[1 : 1 + MERCHANTS]
        self.wallets = numbers[1 + MERCHANTS :]
        self.rng = random.Random(opts.seed)
        self.size = opts.size

    def batch(self, first_seq: int) -> tuple[list[tuple], list[tuple]]:
        from hujin.core.ids import new_id

        rng, ids = self.rng, self.ids
        now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
        rows, touched = [], set()
        batch_id = new_id().hex
        for seq in range(first_seq, first_seq + self.size):
            pick = rng.random()
            if pick < P2P_SHARE:
                dr, cr = rng.sample(self.wallets, 2)
            elif pick < P2P_SHARE + PAYMENT_SHARE:
                dr, cr = rng.choice(self.wallets), rng.choice(self.merchants)
            else:
                dr, cr = self.bank, rng.choice(self.wallets)
            touched.update((dr, cr))
            values = {
                "id": new_id().hex, "kind": "single", "debit_account_id": ids[dr],
                "credit_account_id": ids[cr], "debit_number": dr, "credit_number": cr,
                "currency": "CNY", "amount": rng.randint(1, 10_000), "pending_id": None,
                "linked": False, "timeout_seconds": None, "expires_at": None,
                "code": "bench.floor.p2p", "metadata": "{}", "business_date": now[:10],
                "created_at": now, "seq": seq, "actor_kind": "system", "actor_id": "bench",
                "batch_id": batch_id,
                **{f"{side}_{b}": rng.randint(0, 10**9) for side in ("dr", "cr")
                   for b in ("debits_pending", "debits_posted", "credits_pending",
                             "credits_posted")},
            }  # fmt: skip
            rows.append(tuple(values[c] for c in self.columns))
        # Within the wallets' limit (debits_must_not_exceed_credits), as the engine keeps them.
        balances = []
        for number in sorted(touched):
            debits = rng.randint(0, 10**9)
            balances.append((0, debits, 0, debits + rng.randint(0, 10**9), number))
        return rows, balances


def _measure(paths: dict[str, Path], opts, say) -> dict:
    from hujin.ledger.store import SQLITE_INSERT_TRANSFER, SQLITE_UPDATE_BALANCES

    insert = SQLITE_INSERT_TRANSFER.replace("%s", "?")
    update = SQLITE_UPDATE_BALANCES.replace("%s", "?")
    conns = {name: _connect(path) for name, path in paths.items()}
    rows = _Rows(conns["ledger"], opts)
    samples: dict[str, list[dict]] = {name: [] for name in conns}
    report = {
        "database": "sqlite",
        "environment": {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "sqlite": sqlite3.sqlite_version,
            "cpus": os.cpu_count(),
            "load_average_at_start": list(os.getloadavg()),
        },
        "accounts": opts.accounts,
        "size": opts.size,
        "transfers": opts.transfers,
    }
    say(f"  growing both ledgers to {opts.transfers:,} transfers in batches of {opts.size:,} ...")
    perf = time.perf_counter
    for first_seq in range(1, opts.transfers + 1, opts.size):
        batch, balances = rows.batch(first_seq)
        for name, conn in conns.items():  # the same rows into each ledger, one after the other
            t0 = perf()
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany(insert, batch)
            t1 = perf()
            conn.executemany(update, balances)
            t2 = perf()
            conn.execute("COMMIT")
            t3 = perf()
            parts = {"insert": t1 - t0, "update": t2 - t1, "commit": t3 - t2, "total": t3 - t0}
            samples[name].append({"ledger_size": first_seq - 1, **parts})
    for conn in conns.values():
        conn.close()
    report["variants"] = {name: _summary(s, opts) for name, s in samples.items()}
    return report


def _summary(samples: list[dict], opts) -> dict:
    def ms(values: list[float]) -> float:
        return round(statistics.mean(values) * 1000, 1)

    totals = [s["total"] for s in samples]
    fifth = -(-len(samples) // 5)  # five parts, by ledger size
    return {
        "batches": len(samples),
        "mean_ms": ms(totals),
        "p50_ms": round(statistics.median(totals) * 1000, 1),
        "insert_ms": ms([s["insert"] for s in samples]),
        "update_ms": ms([s["update"] for s in samples]),
        "commit_ms": ms([s["commit"] for s in samples]),
        "transfers_per_s": round(opts.size / statistics.mean(totals)),
        "by_ledger_size": [
            {"from": part[0]["ledger_size"], "mean_ms": ms([s["total"] for s in part])}
            for part in (samples[i : i + fifth] for i in range(0, len(samples), fifth))
        ],
    }


def _print_report(r: dict) -> None:
    env = r["environment"]
    a, b = r["variants"]["ledger"], r["variants"]["no_history"]
    load = env["load_average_at_start"][0]
    print(f"\n== hujin bench ledger_floor: SQLite {env['sqlite']}, {env['cpus']} CPUs, "
          f"{env['started_at']}, load average {load:.2f} ==")  # fmt: skip
    print(
        f"{r['accounts']:,} accounts; batches of {r['size']:,} pre-built transfers: INSERT, "
        "balances UPDATE, commit; no Python logic timed"
    )
    print(f"{'ledger size from':>18} | {VARIANTS['ledger']:>26} | {VARIANTS['no_history']:>32}")
    for x, y in zip(a["by_ledger_size"], b["by_ledger_size"], strict=True):
        print(f"{x['from']:>18,} | {x['mean_ms']:>23.1f} ms | {y['mean_ms']:>29.1f} ms")
    for name, v in (("ledger", a), ("no_history", b)):
        print(f"{VARIANTS[name]}: mean {v['mean_ms']} ms per batch (insert {v['insert_ms']}, "
              f"update {v['update_ms']}, commit {v['commit_ms']}), p50 {v['p50_ms']} ms; "
              f"ceiling {v['transfers_per_s']:,} transfers/s")  # fmt: skip
