"""The measurement half of ``hujin bench ledger``: what runs in the subprocess on the scratch
database (setup, the single-transfer and batch phases, ``ledger_verify``).

``bench/ledger.py`` starts it (``--_inner RESULT_FILE``) and reads its results; the leading
underscore keeps ``hujin bench`` from listing this file as a benchmark of its own.
"""

import json
import multiprocessing
import os
import platform
import queue
import random
import sys
import threading
import time
import traceback
from collections import Counter
from datetime import UTC, date, datetime
from pathlib import Path

CURRENCY = "CNY"
FUNDING = 100_000_000  # 1,000,000.00 CNY per wallet: P2P amounts (at most 100.00) never drain it
MAX_AMOUNT = 10_000
MERCHANTS = 10
# The transfer mix: P2P between wallets, payments to merchants, top-ups from the bank account.
P2P_SHARE, PAYMENT_SHARE = 0.80, 0.10

SCRATCH_ENV = "HUJIN_BENCH_SCRATCH_DB"


def printer(to_stderr: bool):
    def say(text: str) -> None:
        print(text, file=sys.stderr if to_stderr else sys.stdout, flush=True)

    return say


def inner_main(opts) -> int:
    from django.conf import settings
    from django.db import connection

    scratch = os.environ.get(SCRATCH_ENV, "")
    name = str(settings.DATABASES["default"]["NAME"])
    if (
        not scratch
        or name != scratch
        or not (name.endswith("_bench") or name.endswith("bench.sqlite3"))
    ):
        print("refusing to run the measurement outside a bench scratch database", file=sys.stderr)
        return 2
    vendor = connection.vendor
    say = printer(False)
    started = datetime.now(UTC)
    report: dict = {
        "environment": {
            "started_at": started.isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "server_version": _server_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "seconds": opts.seconds,
        "dispatch": "off (--no-dispatch)" if opts.no_dispatch else "huey, scratch SQLite queue",
    }
    connection.close()
    if opts.no_dispatch:
        from hujin.core import events

        events.dispatch_request = lambda: None  # inherited by the forked workers

    say(f"  setup: {opts.accounts:,} wallets ...")
    accounts, report["setup"] = _setup(opts, vendor)
    setup = report["setup"]
    say(f"  setup: accounts in {setup['accounts_s']} s, funding in {setup['funding_s']} s")

    probes = []
    mode = opts.mode
    if mode == "auto":
        mode = "processes"
        if vendor == "sqlite" and opts.workers > 1:
            probe_s = min(3.0, max(1.0, opts.seconds / 3))
            for candidate in ("threads", "processes"):
                stats = _single_phase(candidate, opts, accounts, probe_s)
                probes.append({"mode": candidate, "seconds": probe_s,
                               "transfers_per_s": stats["transfers_per_s"]})  # fmt: skip
                say(f"  probe {candidate}: {stats['transfers_per_s']:,.0f} transfers/s")
            mode = max(probes, key=lambda p: p["transfers_per_s"])["mode"]
    say(f"  single transfers: {opts.workers} workers ({mode}), {opts.seconds:g} s ...")
    _settle(vendor)
    single = _single_phase(mode, opts, accounts, opts.seconds)
    single["probes"] = probes
    report["single"] = single
    say(f"  single: {single['transfers_per_s']:,.0f} transfers/s, p50 {single['p50_ms']:.2f} ms, "
        f"p99 {single['p99_ms']:.2f} ms")  # fmt: skip

    report["batches"] = []
    for size in opts.sizes:
        say(f"  batches of {size:,}: {opts.batch_workers} worker(s), {opts.seconds:g} s ...")
        _settle(vendor)
        batch = _batch_phase(size, opts, accounts, opts.seconds)
        report["batches"].append(batch)
        say(f"  batches of {size:,}: {batch['transfers_per_s']:,.0f} transfers/s")

    report["verify"] = _verify(say)
    report["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    Path(opts.inner).write_text(json.dumps(report))
    return 0


def _settle(vendor: str) -> None:
    """Untimed, before each measured phase on PostgreSQL: VACUUM (ANALYZE) the scratch database,
    as pgbench vacuums its own tables before each run. Otherwise the dead rows and the inserts of
    one phase set autovacuum off during the next, on the same two CPUs, and a phase's figure
    depends on which phases ran before it."""
    if vendor != "postgresql":
        return
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    connection.close()  # the workers fork from this process: no shared connection


def _server_version() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            return "PostgreSQL " + cursor.fetchone()[0].split()[0]
        cursor.execute("SELECT sqlite_version()")
        return "SQLite " + cursor.fetchone()[0]


def _verify(say) -> dict | None:
    ledger_verify = None
    for module in ("hujin.ledger.selectors", "hujin.ledger.verify"):
        try:
            ledger_verify = __import__(module, fromlist=["ledger_verify"]).ledger_verify
            break
        except (ImportError, AttributeError):
            continue
    if ledger_verify is None:
        say("  ledger verify: not available")
        return None
    say("  ledger verify ...")
    t0 = time.monotonic()
    result = ledger_verify()
    outcome = {
        "ok": bool(result.ok),
        "accounts_checked": result.accounts_checked,
        "transfers_checked": result.transfers_checked,
        "problems": list(result.problems)[:10],
        "seconds": round(time.monotonic() - t0, 1),
    }
    say(f"  ledger verify: {'OK' if outcome['ok'] else 'FAILED'} in {outcome['seconds']} s")
    return outcome


# -- workers -------------------------------------------------------------------------------------


def _run_workers(mode: str, n: int, fn, args: tuple) -> list[dict]:
    """Run ``fn(index, *args, wait_go=...)`` n times concurrently; return their results.

    processes: n forked processes, one thread each; threads: one forked process, n threads. Every
    worker opens its own database connection, then calls wait_go(); all start together.
    """
    from django.db import connections

    connections.close_all()  # the children must not share this process's connections
    ctx = multiprocessing.get_context("fork")
    ready, results = ctx.Queue(), ctx.Queue()
    go = ctx.Event()
    groups = [(i, 1) for i in range(n)] if mode == "processes" else [(0, n)]
    procs = [
        ctx.Process(target=_process_entry, args=(fn, first, count, args, ready, go, results))
        for first, count in groups
    ]
    for p in procs:
        p.start()
    errors = [m for m in _collect(ready, procs, n) if m != "ready"]
    go.set()
    collected: list[dict] = [r for rs in _collect(results, procs, len(procs)) for r in rs]
    for p in procs:
        p.join()
    errors += [r["error"] for r in collected if "error" in r]
    if errors:
        raise RuntimeError("bench worker failed:\n" + errors[0])
    return collected


def _collect(q, procs: list, count: int) -> list:
    """``count`` messages from ``q``; raises if a worker process dies without sending its own."""
    messages = []
    while len(messages) < count:
        try:
            messages.append(q.get(timeout=1))
        except queue.Empty:
            dead = [p.exitcode for p in procs if p.exitcode not in (None, 0)]
            if dead:
                raise RuntimeError(f"a bench worker process died (exit code {dead[0]})") from None
    return messages


def _process_entry(fn, first: int, count: int, args: tuple, ready, go, results) -> None:
    out: list[dict] = [{} for _ in range(count)]

    def one(j: int) -> None:
        signalled = False

        def wait_go() -> None:
            nonlocal signalled
            signalled = True
            ready.put("ready")
            go.wait()

        try:
            out[j] = fn(first + j, *args, wait_go=wait_go)
        except BaseException:
            out[j] = {"error": traceback.format_exc()}
            if not signalled:
                ready.put(out[j]["error"])
        finally:
            from django.db import connections

            connections.close_all()

    if count == 1:
        one(0)
    else:
        threads = [threading.Thread(target=one, args=(j,)) for j in range(count)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    results.put(out)


class _Mix:
    """Random transfers among the bench accounts."""

    def __init__(self, accounts: dict, seed: int):
        self.rng = random.Random(seed)
        self.wallets = accounts["wallets"]
        self.merchants = accounts["merchants"]
        self.bank = accounts["bank"]

    def request(self, code_prefix: str = "bench"):
        from hujin.core.ids import new_id
        from hujin.ledger.engine import TransferRequest

        rng = self.rng
        pick = rng.random()
        if pick < P2P_SHARE:
            debit, credit = rng.sample(self.wallets, 2)
            code = "p2p"
        elif pick < P2P_SHARE + PAYMENT_SHARE:
            debit, credit = rng.choice(self.wallets), rng.choice(self.merchants)
            code = "payment"
        else:
            debit, credit = self.bank, rng.choice(self.wallets)
            code = "topup"
        return TransferRequest(
            id=new_id(),
            debit_account_id=debit,
            credit_account_id=credit,
            amount=rng.randint(1, MAX_AMOUNT),
            currency=CURRENCY,
            code=f"{code_prefix}.{code}",
        )


def _setup_operating(index: int, opts, *, wait_go) -> dict:
    """The business date and the operating accounts: a bank account and the merchants."""
    from django.utils import timezone

    from hujin.core.dates import business_date_get

    wait_go()
    now = timezone.now()
    business_date = business_date_get(now=now)
    bank = _account("1002.bank", "asset", "bench settlement bank", now=now)
    merchants = [_account("2202.merchant", "liability", f"bench merchant {i}", now=now)
                 for i in range(MERCHANTS)]  # fmt: skip
    return {"bank": bank, "merchants": merchants, "business_date": business_date.isoformat()}


def _setup_wallets(index: int, opts, slices: list[range], *, wait_go) -> dict:
    """Customer wallets ``slices[index]``, a thousand accounts per transaction."""
    from django.db import transaction
    from django.utils import timezone

    wait_go()
    now = timezone.now()
    wallets = []
    numbers = slices[index]
    for start in range(numbers.start, numbers.stop, 1000):
        with transaction.atomic():
            for i in range(start, min(start + 1000, numbers.stop)):
                wallets.append(_account("2001.wallet", "liability", f"bench wallet {i}", now=now,
                                        owner_ref=f"bench-customer-{i}",
                                        debits_must_not_exceed_credits=True))  # fmt: skip
    return {"wallets": wallets}


def _setup_funding(index: int, opts, accounts: dict, *, wait_go) -> dict:
    """A top-up of every wallet from the bank account, in batches of MAX_BATCH."""
    from django.db import connection
    from django.utils import timezone

    from hujin.core.actors import system_actor
    from hujin.core.ids import new_id
    from hujin.ledger.engine import TransferRequest
    from hujin.ledger.services import MAX_BATCH, transfers_create

    wait_go()
    bank, wallets = accounts["bank"], accounts["wallets"]
    business_date = date.fromisoformat(accounts["business_date"])
    funded = 0
    for start in range(0, len(wallets), MAX_BATCH):
        batch = [
            TransferRequest(id=new_id(), debit_account_id=bank, credit_account_id=w,
                            amount=FUNDING, currency=CURRENCY, code="bench.funding")
            for w in wallets[start : start + MAX_BATCH]
        ]  # fmt: skip
        results = transfers_create(transfers=batch, actor=system_actor("bench"),
                                   now=timezone.now(), business_date=business_date)  # fmt: skip
        funded += sum(r.ok for r in results)
    if funded != len(wallets):
        raise RuntimeError(f"funding: only {funded} of {len(wallets)} transfers succeeded")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum keeps them in production
    return {"funded": funded}


def _account(code: str, kind: str, name: str, *, now, **fields):
    from hujin.core.actors import system_actor
    from hujin.ledger.services import account_create

    account, _ = account_create(currency=CURRENCY, code=code, kind=kind,
                                actor=system_actor("bench"), now=now, name=name,
                                **fields)  # fmt: skip
    return account.id


def _setup(opts, vendor: str) -> tuple[dict, dict]:
    """Open and fund the accounts; PostgreSQL opens the wallets from several processes."""
    t0 = time.monotonic()
    (accounts,) = _run_workers("processes", 1, _setup_operating, (opts,))
    n = min(4, opts.workers) if vendor == "postgresql" else 1
    step = -(-opts.accounts // n)
    slices = [range(i, min(i + step, opts.accounts)) for i in range(0, opts.accounts, step)]
    parts = _run_workers("processes", len(slices), _setup_wallets, (opts, slices))
    accounts["wallets"] = [w for part in parts for w in part["wallets"]]
    accounts_s = time.monotonic() - t0
    t0 = time.monotonic()
    (funding,) = _run_workers("processes", 1, _setup_funding, (opts, accounts))
    return accounts, {
        "wallets": len(accounts["wallets"]),
        "operating_accounts": 1 + len(accounts["merchants"]),
        "accounts_s": round(accounts_s, 1),
        "funding_transfers": funding["funded"],
        "funding_s": round(time.monotonic() - t0, 1),
    }


def _worker(index: int, opts, accounts: dict, size: int, seconds: float, *, wait_go) -> dict:
    """Call ``transfers_create`` for ``seconds``: single transfers (``size`` 0, one per call) or
    batches of ``size``. Requests are built before each call, outside its timing."""
    from django.db import connection
    from django.utils import timezone

    from hujin.core.actors import system_actor
    from hujin.ledger.services import transfers_create

    connection.ensure_connection()
    actor = system_actor("bench")
    business_date = date.fromisoformat(accounts["business_date"])
    mix = _Mix(accounts, seed=opts.seed * 1000 + (500 if size else 0) + index)
    code_prefix = f"bench.b{size}" if size else "bench"
    call_times: list[float] = []
    ok = 0
    failed: Counter = Counter()
    perf = time.perf_counter
    wait_go()
    t0 = time.monotonic()
    deadline = t0 + seconds
    while time.monotonic() < deadline:
        transfers = [mix.request(code_prefix) for _ in range(size or 1)]
        now = timezone.now()
        start = perf()
        results = transfers_create(transfers=transfers, actor=actor, now=now,
                                   business_date=business_date)  # fmt: skip
        call_times.append(perf() - start)
        for r in results:
            if r.ok:
                ok += 1
            else:
                failed[r.result] += 1
    return {"ok": ok, "failed": dict(failed), "call_times": call_times, "t0": t0,
            "t1": time.monotonic()}  # fmt: skip


def _percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def _merge_failed(results: list[dict]) -> dict:
    failed: Counter = Counter()
    for r in results:
        failed.update(r["failed"])
    return dict(failed)


def _single_phase(mode: str, opts, accounts: dict, seconds: float) -> dict:
    results = _run_workers(mode, opts.workers, _worker, (opts, accounts, 0, seconds))
    elapsed = max(r["t1"] for r in results) - min(r["t0"] for r in results)
    latencies = sorted(x for r in results for x in r["call_times"])
    ok = sum(r["ok"] for r in results)
    return {
        "workers": opts.workers,
        "mode": mode,
        "seconds": round(elapsed, 2),
        "calls": len(latencies),
        "ok": ok,
        "failed": _merge_failed(results),
        "transfers_per_s": round(ok / elapsed, 1),
        "p50_ms": round(_percentile(latencies, 50) * 1000, 3),
        "p99_ms": round(_percentile(latencies, 99) * 1000, 3),
        "mean_ms": round(sum(latencies) / max(1, len(latencies)) * 1000, 3),
    }


def _batch_phase(size: int, opts, accounts: dict, seconds: float) -> dict:
    workers = opts.batch_workers
    results = _run_workers("processes", workers, _worker, (opts, accounts, size, seconds))
    ok = sum(r["ok"] for r in results)
    call_times = sorted(x for r in results for x in r["call_times"])
    if workers == 1:
        # Time inside transfers_create; building the requests is the client's work.
        busy = sum(call_times)
    else:
        busy = max(r["t1"] for r in results) - min(r["t0"] for r in results)
    return {
        "size": size,
        "workers": workers,
        "calls": len(call_times),
        "ok": ok,
        "failed": _merge_failed(results),
        "seconds": round(busy, 2),
        "transfers_per_s": round(ok / busy, 1) if busy else 0.0,
        "p50_ms": round(_percentile(call_times, 50) * 1000, 1),
        "max_ms": round(call_times[-1] * 1000, 1) if call_times else 0.0,
    }
