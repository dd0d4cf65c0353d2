"""The measurement half of ``hujin bench payments``: what runs in the subprocess on the scratch
database (the bench customers, the top-up and transfer phases, ``ledger_verify``).

``bench/payments.py`` starts it (``--_inner RESULT_FILE``) and reads its results. The workers,
the percentiles, the VACUUM between phases and the ledger check are the ledger bench's own
(``bench/_ledger_measure.py``), so both benches measure the same way.
"""

import json
import os
import platform
import random
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

CHANNEL = "sandbox"
FUNDING_MINOR = 1_000_00  # each bench customer's first top-up (untimed), ¥1,000.00
MIN_AMOUNT, MAX_AMOUNT = 1_00, 10_00  # measured top-ups and transfers: ¥1.00 to ¥10.00
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"


def _ledger_measure():
    """``bench/_ledger_measure.py``, as ``bench/ledger.py`` loads it (one module object)."""
    name = "hujin_bench__ledger_measure"
    if name not in sys.modules:
        from hujin.core.management.commands.bench import load_benchmark

        load_benchmark(Path(__file__).with_name("ledger.py"))
    return sys.modules[name]


_lm = _ledger_measure()
SCRATCH_ENV, printer = _lm.SCRATCH_ENV, _lm.printer


def _risk_measure():
    """``bench/_risk_screen_measure.py`` (the ``--risk-shadow`` phase), loaded once."""
    import importlib.util

    name = "hujin_bench__risk_screen_measure"
    if name not in sys.modules:
        path = Path(__file__).with_name("_risk_screen_measure.py")
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        sys.modules[name] = module  # whole: a client thread never sees it half made
    return sys.modules[name]


_rm = _risk_measure()  # loaded here, before any client thread starts


# -- the bench customers -------------------------------------------------------------------------


def customer_spec(i: int) -> dict:
    """The ``i``-th bench customer: a mobile, a name, a valid resident ID (GB 11643: Beijing
    Chaoyang, born ``i`` days after 1970-01-01) and a debit card number (ICBC's BIN, Luhn)."""
    from hujin.demo.payments import luhn_completed

    g = len(GIVEN)
    name = SURNAMES[i % 20] + GIVEN[(i // 20) % g] + GIVEN[(i // (20 * g)) % g]
    body = "110105" + (date(1970, 1, 1) + timedelta(days=i)).strftime("%Y%m%d") + "101"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return {
        "mobile": f"+86139{i:08d}",
        "name": name,
        "document": body + check,
        "card": luhn_completed(f"622202{i:012d}"),
    }


def _make_customer(i: int, now: datetime) -> dict:
    """Sign-up, consents, identity check (reviewed by a bench checker), wallet, a bound card (the
    sandbox's code read back) and a first top-up, all through the services, as the demo does."""
    from django.db import transaction

    from hujin.core.actors import Actor, system_actor
    from hujin.customers.permissions import ALL as CUSTOMERS_PERMISSIONS
    from hujin.customers.selectors import customer_id_for_user
    from hujin.customers.services import kyc_review_decide, kyc_submit, wallet_open_if_ready
    from hujin.customers.types import RESIDENT_ID, ManualReviewProvider
    from hujin.identity.selectors import customer_actor_get
    from hujin.identity.services import customer_login_create
    from hujin.payments.models import Card, SandboxCode
    from hujin.payments.services import card_bind_begin, card_bind_confirm
    from hujin.privacy.selectors import KINDS
    from hujin.privacy.services import consent_accept, current_document

    system = system_actor("bench")
    checker = Actor(kind="system", id="bench-checker", label="bench checker",
                    scopes=frozenset(CUSTOMERS_PERMISSIONS))  # fmt: skip
    spec = customer_spec(i)
    user_id = customer_login_create(
        mobile=spec["mobile"], password=f"bench-{i}-{os.getpid()}", actor=system, now=now
    )
    actor = customer_actor_get(actor=system, user_id=user_id)
    with transaction.atomic():
        for kind in KINDS:
            document = current_document(kind)
            if document is not None:
                consent_accept(user_id=user_id, document_id=document.id, channel="web", ip=None,
                               actor=actor, now=now)  # fmt: skip
        application = kyc_submit(
            user_id=user_id, document_type=RESIDENT_ID, document_number=spec["document"],
            legal_name=spec["name"], actor=actor, now=now, provider=ManualReviewProvider(),
        )  # fmt: skip
        kyc_review_decide(application_id=application.id, approve=True, reason="", actor=checker,
                          now=now)  # fmt: skip
        customer_id = customer_id_for_user(user_id=user_id)
        wallet_id = wallet_open_if_ready(customer_id=customer_id, actor=checker, now=now)
    started = card_bind_begin(number=spec["card"], holder_name=spec["name"],
                              reserved_mobile=spec["mobile"], actor=actor, now=now)  # fmt: skip
    reference = Card.objects.get(id=started.card.id).channel_reference
    code = SandboxCode.objects.get(reference=reference).code  # what the customer would type
    card = card_bind_confirm(card_id=started.card.id, code=code, actor=actor, now=now)
    customer = {"i": i, "user_id": str(user_id), "mobile": spec["mobile"],
                "card_id": str(card.id), "wallet_id": str(wallet_id)}  # fmt: skip
    topup(customer, FUNDING_MINOR, f"bench-funding-{i}")
    return customer


def _setup_customers(index: int, opts, slices: list[range], *, wait_go) -> dict:
    from django.utils import timezone

    wait_go()
    return {"customers": [_make_customer(i, timezone.now()) for i in slices[index]]}


def _setup(opts, vendor: str) -> tuple[list[dict], dict]:
    """The bench customers, made by several processes on PostgreSQL (one on SQLite)."""
    t0 = time.monotonic()
    # The first customer alone: their first top-up opens the payments' house accounts, which two
    # first top-ups at the same moment would both try to insert (see the benchmarks page).
    parts = _lm._run_workers("processes", 1, _setup_customers, (opts, [range(1)]))
    n = min(4, opts.workers, opts.customers - 1) if vendor == "postgresql" else 1
    step = -(-(opts.customers - 1) // n)
    slices = [range(i, min(i + step, opts.customers)) for i in range(1, opts.customers, step)]
    parts += _lm._run_workers("processes", len(slices), _setup_customers, (opts, slices))
    customers = sorted((c for part in parts for c in part["customers"]), key=lambda c: c["i"])
    return customers, {
        "customers": len(customers),
        "processes": len(slices),  # after the first customer
        "funding_minor": FUNDING_MINOR,
        "seconds": round(time.monotonic() - t0, 1),
    }


# -- one top-up, one transfer --------------------------------------------------------------------


def _actor(customer: dict):
    from hujin.core.actors import Actor

    return Actor(kind="customer", id=customer["user_id"], label="bench customer")


def topup(customer: dict, amount: int, key: str) -> tuple[float, float]:
    """A top-up end to end: ``topup_request`` through the sandbox channel, then the channel's
    callback, signed as the sandbox signs it, through ``callback_receive`` (the webhook's own
    function): the wallet's pending credit is posted. Returns the two calls' seconds."""
    import uuid

    from django.utils import timezone

    from hujin.payments.services import callback_receive, topup_request
    from hujin.payments.signing import callback_signature

    perf = time.perf_counter
    start = perf()
    card_id = uuid.UUID(customer["card_id"])
    payment = topup_request(actor=_actor(customer), card_id=card_id, amount_minor=amount,
                            idempotency_key=key, now=timezone.now())  # fmt: skip
    requested = perf()
    if payment.status != "pending":
        raise RuntimeError(f"top-up {payment.id} is {payment.status}, not pending")
    # The body as the sandbox bank sends it (channels.sandbox.sandbox_callback_body).
    body = json.dumps(
        {"payment_id": str(payment.id), "reference": payment.channel_reference,
         "outcome": "succeeded", "failure_code": ""},
        separators=(",", ":"),
    ).encode()  # fmt: skip
    now = timezone.now()
    timestamp = str(int(now.timestamp()))
    signature = callback_signature(channel=CHANNEL, timestamp=timestamp, body=body)
    applied = callback_receive(channel=CHANNEL, timestamp=timestamp, signature=signature,
                               body=body, now=now)  # fmt: skip
    if applied.payment.status != "succeeded":
        raise RuntimeError(f"top-up {payment.id} is {applied.payment.status} after its callback")
    return requested - start, perf() - requested


def transfer(payer: dict, payee: dict, amount: int, key: str) -> None:
    from django.utils import timezone

    from hujin.payments.services import transfer_request

    transfer_request(actor=_actor(payer), payee_mobile=payee["mobile"], amount_minor=amount,
                     idempotency_key=key, now=timezone.now())  # fmt: skip


# -- the phases ----------------------------------------------------------------------------------


def _worker(index: int, opts, customers: list[dict], kind: str, label: str, *, wait_go) -> dict:
    """Top-ups or transfers among random bench customers, for ``opts.seconds`` or ``opts.count``
    operations. A refusal (a HujinError) is counted by its code; anything else stops the bench."""
    from django.db import connection

    from hujin.core.errors import HujinError

    connection.ensure_connection()
    rng = random.Random(opts.seed * 1000 + (500 if kind == "transfer" else 0) + index)
    times: list[float] = []
    parts: list[tuple[float, float]] = []
    failed: Counter = Counter()
    perf = time.perf_counter
    profile = None
    if getattr(opts, "profile", None) and index == 0:  # the first client's calls, profiled
        import cProfile

        profile = cProfile.Profile()
    wait_go()
    if profile is not None:
        profile.enable()
    screen = _rm.collected()
    screen.clear()  # what the screen took in the calls below (--risk-shadow)
    cpu0 = time.process_time()  # this process's CPU: the client's share of the two cores
    t0 = time.monotonic()
    deadline = t0 + opts.seconds
    n = 0
    # Paced (``pace``: starts a second, all clients together): each client starts on a fixed
    # schedule, the clients staggered, and each call is timed from its scheduled start, so that
    # a call that had to wait for the one before it counts the wait. Its first call is a warm-up:
    # few calls are timed, and the first of each client (statements prepared, caches filled)
    # would be its p99.
    pace = getattr(opts, "pace", 0)
    interval = opts.workers / pace if pace else 0.0
    scheduled = perf() + (index * interval / opts.workers if pace else 0.0)
    while (n < opts.count) if opts.count else (time.monotonic() < deadline):
        n += 1
        key = f"bench-{label}-{index}-{n}"  # unique: the idempotency key of a new payment
        amount = rng.randint(MIN_AMOUNT, MAX_AMOUNT)
        if pace:
            ahead = scheduled - perf()
            if ahead > 0:
                time.sleep(ahead)
            start, scheduled = scheduled, scheduled + interval
        else:
            start = perf()
        try:
            if kind == "topup":
                parts.append(topup(rng.choice(customers), amount, key))
            else:
                payer, payee = rng.sample(customers, 2)
                transfer(payer, payee, amount, key)
        except HujinError as error:
            failed[error.code] += 1
            continue
        if pace and n == 1:  # a paced client's first call warms it up (untimed)
            screen.clear()
            continue
        times.append(perf() - start)
    t1 = time.monotonic()
    cpu = time.process_time() - cpu0
    if profile is not None:
        profile.disable()
        profile.dump_stats(f"{opts.profile}.{label}.prof")
    return {"ok": len(times), "failed": dict(failed), "times": times, "parts": parts, "t0": t0,
            "t1": t1, "cpu": cpu, "calls": n, "screen": list(screen)}  # fmt: skip


def _phase(kind: str, mode: str, opts, customers: list[dict], label: str) -> dict:
    results = _lm._run_workers(mode, opts.workers, _worker, (opts, customers, kind, label))
    elapsed = max(r["t1"] for r in results) - min(r["t0"] for r in results)
    times = sorted(x for r in results for x in r["times"])
    ok = len(times)
    failed: Counter = Counter()
    for r in results:
        failed.update(r["failed"])
    pct = _lm._percentile
    phase = {
        "workers": opts.workers,
        "mode": mode,
        "seconds": round(elapsed, 2),
        "ok": ok,
        "failed": dict(failed),
        "per_s": round(ok / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(pct(times, 50) * 1000, 2),
        "p99_ms": round(pct(times, 99) * 1000, 2),
        "mean_ms": round(sum(times) / max(1, ok) * 1000, 2),
    }
    if mode == "processes":  # one client per process: its CPU time is the client's own
        calls = sum(r["calls"] for r in results)
        phase["client_cpu_ms"] = round(sum(r["cpu"] for r in results) / max(1, calls) * 1000, 2)
    if any(r["screen"] for r in results):
        phase.update(_rm.summary(results, elapsed, pct))
    parts = [p for r in results for p in r["parts"]]
    if parts:
        phase["request_mean_ms"] = round(sum(p[0] for p in parts) / len(parts) * 1000, 2)
        phase["callback_mean_ms"] = round(sum(p[1] for p in parts) / len(parts) * 1000, 2)
    return phase


def _paced_phase(opts, mode: str, customers: list[dict], label: str, say, vendor) -> dict:
    """Transfers started ``opts.pace`` a second on a fixed schedule (see ``_worker``)."""
    say(f"  transfers paced at {opts.pace:g}/s ({label}) ...")
    _lm._settle(vendor)
    r = _phase("transfer", mode, opts, customers, label)
    r["paced_per_s"] = opts.pace
    screen = f"; the screen p50 {r['screen_p50_ms']} ms, p99 {r['screen_p99_ms']} ms" \
        if r.get("screen_p50_ms") is not None else ""  # fmt: skip
    say(f"  {label}: {r['per_s']:,.1f}/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms"
        f"{screen}")  # fmt: skip
    return r


def _payments_left_open() -> dict:
    """Payments that are not final after the bench (there should be none), by status."""
    from django.db.models import Count

    from hujin.payments.models import Payment
    from hujin.payments.types import PAYMENT_FINAL

    rows = (
        Payment.objects.exclude(status__in=PAYMENT_FINAL).values("status").annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


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
    report: dict = {
        "environment": {
            "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "server_version": _lm._server_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        },
        "seconds": None if opts.count else opts.seconds,
        "count": opts.count or None,
        "dispatch": "off (--no-dispatch)" if opts.no_dispatch else "huey, scratch SQLite queue",
    }
    connection.close()
    if opts.no_dispatch:
        from hujin.core import events

        events.dispatch_request = lambda: None  # inherited by the forked workers

    say(f"  setup: {opts.customers} customers through the services ...")
    customers, report["setup"] = _setup(opts, vendor)
    say(f"  setup: {len(customers)} customers in {report['setup']['seconds']} s")

    mode = opts.mode
    probes = []
    if mode == "auto":
        mode = "processes"
        if vendor == "sqlite" and opts.workers > 1:
            probe = type(opts)(**{**vars(opts), "seconds": min(3.0, max(1.0, opts.seconds / 3)),
                                  "count": min(opts.count, 20) if opts.count else 0})  # fmt: skip
            for candidate in ("threads", "processes"):
                stats = _phase("transfer", candidate, probe, customers, f"probe-{candidate}")
                probes.append({"mode": candidate, "transfers_per_s": stats["per_s"]})
                say(f"  probe {candidate}: {stats['per_s']:,.0f} transfers/s")
            mode = max(probes, key=lambda p: p["transfers_per_s"])["mode"]
    report["mode"], report["probes"] = mode, probes

    for kind in ("topup", "transfer"):
        say(f"  {kind}s: {opts.workers} clients ({mode}) ...")
        _lm._settle(vendor)
        report[kind] = _phase(kind, mode, opts, customers, kind)
        r = report[kind]
        say(f"  {kind}s: {r['per_s']:,.1f}/s, p50 {r['p50_ms']:.1f} ms, p99 {r['p99_ms']:.1f} ms")

    paced = type(opts)(**{**vars(opts), "pace": opts.paced}) if opts.paced else None
    if paced is not None:
        report["transfer_paced"] = _paced_phase(paced, mode, customers, "transfer-paced", say,
                                                vendor)  # fmt: skip

    if opts.risk_shadow:
        risk = _rm
        report["risk_rules_in_shadow"] = risk.rules_in_shadow()
        risk.screen_timed()
        # Untimed first: transfers with the rules, so that the windows hold a history and the
        # planner's statistics of them are current when the timed phase starts, as a running
        # system's are (an empty table's statistics plan its first reads for no rows at all).
        warm = type(opts)(**{**vars(opts), "seconds": min(3.0, opts.seconds),
                             "count": min(opts.count, 5) if opts.count else 0})  # fmt: skip
        say("  the windows' history: transfers with the rules, untimed ...")
        _phase("transfer", mode, warm, customers, "transfer-risk-warm")
        say(f"  transfers with {report['risk_rules_in_shadow']} risk rules in shadow ...")
        _lm._settle(vendor)
        report["transfer_risk"] = r = _phase("transfer", mode, opts, customers, "transfer-risk")
        say(f"  transfers with the rules: {r['per_s']:,.1f}/s, p50 {r['p50_ms']:.1f} ms, "
            f"p99 {r['p99_ms']:.1f} ms; the screen p50 {r['screen_p50_ms']} ms, "
            f"p99 {r['screen_p99_ms']} ms")  # fmt: skip
        if paced is not None:
            report["transfer_risk_paced"] = _paced_phase(paced, mode, customers,
                                                         "transfer-risk-paced", say,
                                                         vendor)  # fmt: skip

    report["payments_not_final"] = _payments_left_open()
    report["verify"] = _lm._verify(say)
    report["environment"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    Path(opts.inner).write_text(json.dumps(report))
    return 0
