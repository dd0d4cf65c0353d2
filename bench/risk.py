"""Risk rules replayed over a synthetic labelled history: events decided per second, and what
the rules caught.

``hujin bench risk [--customers 21000] [--per-typology 20] [--seed 1] [--seconds 10]
[--paced 50] [--screen-customers 64] [--database-url URL] [--no-screen] [--json]``

Builds, untimed, ``risk.synthetic``'s seeded history (about 48 events per ordinary customer:
the default makes a little over 1,000,000 events), then replays it through the shipped rules
(``risk.windows.replay``: each event decided on the history before it, with the sliding-window
aggregates in memory) and times that. It reports the events per second, the rules, each
typology's recall and the share of ordinary customers flagged (docs/modules/risk.md).

Then, on PostgreSQL (the configured database or --database-url), the screening of payments:
``hujin bench payments --risk-shadow`` runs transfers between customers with 8 clients on a
scratch database, first with no rule in force, then with the shipped rules in shadow (each
evaluated on both sides of every transfer, its decision kept, none deciding), the screen timed
inside each transfer. It reports the screen's p50 and p99 (the latency it adds to a payment),
the screens per second, and the transfers' own figures without and with the rules. The 8
clients there go as fast as the machine lets them, so those figures include the queue for its
CPUs; ``--paced`` then runs both phases again with the clients starting a fixed number of
transfers a second between them, below saturation (``screen_paced``). On SQLite,
or with --no-screen, those figures are null and the report says why. See
docs/operations/benchmarks.md.
"""

import argparse
import json
import os
import platform
import sys
import time
from datetime import UTC, datetime

TARGETS = {"replay_events_per_s": 3000, "recall": "0.95", "normal_alert_rate": "0.02",
           "screen_p99_ms": 10}  # fmt: skip


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--customers", type=int, default=21_000,
        help="ordinary customers (21000: a little over 1,000,000 events)",
    )  # fmt: skip
    parser.add_argument("--per-typology", type=int, default=20,
                        help="customers of each injected typology (20)")  # fmt: skip
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--seconds", type=float, default=10,
                        help="each phase of the screening's payments (10)")  # fmt: skip
    parser.add_argument("--database-url",
                        help="the PostgreSQL the screening runs on (DATABASE_URL)")  # fmt: skip
    parser.add_argument("--paced", type=float, default=50, metavar="PER_S",
                        help="the transfers again, started PER_S a second by the 8 clients "
                        "together: the screen below saturation (50; 0: not measured)")  # fmt: skip
    parser.add_argument("--screen-customers", type=int, default=64, metavar="N",
                        help="the customers paying each other in the screening's transfers "
                        "(64: each pays or is paid a few times a second, far more than a real "
                        "customer; more make each one's windows smaller and the graph the cycle "
                        "rule walks wider)")  # fmt: skip
    parser.add_argument("--no-screen", action="store_true", help="the replay only")
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="hujin bench risk", description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    add_arguments(parser)
    opts = parser.parse_args(argv)
    if opts.customers < 1 or opts.per_typology < 1 or opts.paced < 0 or opts.screen_customers < 2:
        parser.error("--customers and --per-typology are at least 1, --screen-customers at "
                     "least 2, --paced at least 0")  # fmt: skip
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hujin.config.settings")
    import django

    django.setup()
    report = measure(opts, progress=None if opts.json else print)
    report.update(_screening(opts, progress=None if opts.json else print))
    _screen_target(report)
    if opts.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0


def measure(opts, progress=None) -> dict:
    from hujin.risk.shipped import shipped_rules
    from hujin.risk.synthetic import NORMAL, TYPOLOGIES, synthetic_history
    from hujin.risk.synthetic import measure as measure_replay

    say = progress or (lambda *a: None)
    started = datetime.now(UTC)
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    rules = shipped_rules()
    t0 = time.perf_counter()
    history = synthetic_history(seed=opts.seed, normal=opts.customers,
                                per_typology=opts.per_typology)  # fmt: skip
    built = time.perf_counter() - t0
    say(f"  history: {len(history):,} events built in {built:.1f} s; replaying ...")
    t1 = time.perf_counter()
    measured = measure_replay(history, rules)
    seconds = time.perf_counter() - t1
    recall = {t: str(measured.recall(t).quantize(_CENT)) for t in TYPOLOGIES}
    per_s = round(len(history) / seconds, 1)
    alert_rate = measured.normal_alert_rate
    return {
        "rules": len(rules),
        "events": len(history),
        "customers": dict(measured.customers),
        "seconds": round(seconds, 2),
        "replay_events_per_s": per_s,
        "recall_by_typology": recall,
        "normal_customers_flagged": measured.flagged[NORMAL],
        "normal_alert_rate": str(alert_rate.quantize(_TENTH_PERCENT)),
        "normal_rules_fired": dict(measured.rules_fired.most_common()),
        "targets": [
            {
                "name": "replay events/s",
                "target": TARGETS["replay_events_per_s"],
                "value": per_s,
                "pass": per_s >= TARGETS["replay_events_per_s"],
            },
            {
                "name": "recall, every typology",
                "target": TARGETS["recall"],
                "value": min(recall.values()),
                "pass": min(measured.recall(t) for t in TYPOLOGIES) >= _dec(TARGETS["recall"]),
            },
            {
                "name": "ordinary customers flagged",
                "target": TARGETS["normal_alert_rate"],
                "value": str(alert_rate.quantize(_TENTH_PERCENT)),
                "pass": alert_rate <= _dec(TARGETS["normal_alert_rate"]),
            },
        ],
        "environment": {
            "started_at": started.isoformat(timespec="seconds"),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "history_built_s": round(built, 1),
            "seed": opts.seed,
            "load_average_at_start": load_at_start,
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        },
    }


def _screening(opts, progress=None) -> dict:
    """The screen inside payments, from ``hujin bench payments --risk-shadow`` (a subprocess:
    it makes and drops its own scratch database)."""
    import subprocess

    from django.conf import settings

    none = {"screen_p50_ms": None, "screen_p99_ms": None, "screens_per_s": None,
            "screen_paced": None}  # fmt: skip
    url = opts.database_url or getattr(settings, "DATABASE_URL", "") or ""
    if opts.no_screen:
        return {**none, "not_measured": "the screening of payments (--no-screen)"}
    if not url.startswith(("postgres://", "postgresql://")):
        return {**none, "not_measured": "the screening of payments: PostgreSQL only "
                                        "(give --database-url)"}  # fmt: skip
    (progress or (lambda *a: None))("  screening: hujin bench payments --risk-shadow ...")
    command = [
        sys.executable,
        "-m",
        "hujin.config.cli",
        "bench",
        "payments",
        "--database-url",
        url,
        "--seconds",
        str(opts.seconds),
        "--customers",
        str(opts.screen_customers),
        "--risk-shadow",
        "--no-pgbench",
        "--json",
        *(["--paced", str(opts.paced)] if opts.paced else []),
    ]
    done = subprocess.run(command, capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit("hujin bench risk: the screening's payments failed")
    payments = json.loads(done.stdout)
    plain, screened = payments["transfer"], payments["transfer_risk"]
    keep = ("per_s", "p50_ms", "p99_ms", "failed")
    paced = None
    if "transfer_risk_paced" in payments:
        without, ruled = payments["transfer_paced"], payments["transfer_risk_paced"]
        paced = {
            "per_s": ruled["paced_per_s"],
            "screen_p50_ms": ruled["screen_p50_ms"],
            "screen_p99_ms": ruled["screen_p99_ms"],
            "transfers_without_rules": {k: without[k] for k in keep},
            "transfers_with_rules": {k: ruled[k] for k in keep},
        }
    return {
        "screen_p50_ms": screened["screen_p50_ms"],
        "screen_p99_ms": screened["screen_p99_ms"],
        "screens_per_s": screened["screens_per_s"],
        "screening": {
            "rules_in_shadow": payments["risk_rules_in_shadow"],
            "customers": payments["setup"]["customers"],
            "clients": plain["workers"],
            "screens": screened["screens"],
            "screen_mean_ms": screened["screen_mean_ms"],
            "transfers_without_rules": {k: plain[k] for k in keep},
            "transfers_with_rules": {k: screened[k] for k in keep},
            "ledger_verified": payments["ledger_verified"],
            "database": "postgresql",
        },
        "screen_paced": paced,
    }


def _screen_target(report: dict) -> None:
    p99 = report["screen_p99_ms"]
    if p99 is not None:
        report["targets"].append({"name": "screen p99 ms (latency added to a payment)",
                                  "target": TARGETS["screen_p99_ms"], "value": p99,
                                  "pass": p99 <= TARGETS["screen_p99_ms"]})  # fmt: skip


def _dec(text: str):
    from decimal import Decimal

    return Decimal(text)


_CENT, _TENTH_PERCENT = _dec("0.01"), _dec("0.001")


def _print(report: dict) -> None:
    env = report["environment"]
    print(f"hujin bench risk: {report['rules']} rules over {report['events']:,} events, "
          f"{env['cpus']} CPUs, load average {env['load_average_at_start'][0]}")  # fmt: skip
    if env["load_average_at_start"][0] > 0.5 * (env["cpus"] or 1):
        print("   (the machine was busy when the bench started: expect lower, noisier figures)")
    print(f"  replay: {report['replay_events_per_s']:,} events/s ({report['seconds']} s)")
    for typology, recall in report["recall_by_typology"].items():
        print(f"  recall {typology:<24} {recall}")
    print(f"  ordinary customers flagged: {report['normal_customers_flagged']} "
          f"({report['normal_alert_rate']}) by {report['normal_rules_fired']}")  # fmt: skip
    if report["screen_p50_ms"] is None:
        print(f"  not measured: {report['not_measured']}")
    else:
        screening = report["screening"]
        plain, ruled = screening["transfers_without_rules"], screening["transfers_with_rules"]
        print(
            f"  screen ({screening['rules_in_shadow']} rules, {screening['clients']} clients): "
            f"p50 {report['screen_p50_ms']} ms, p99 {report['screen_p99_ms']} ms, "
            f"{report['screens_per_s']:,} screens/s"
        )
        print(f"  transfers without the rules: {plain['per_s']:,}/s, p50 {plain['p50_ms']} ms, "
              f"p99 {plain['p99_ms']} ms; with them: {ruled['per_s']:,}/s, "
              f"p50 {ruled['p50_ms']} ms, p99 {ruled['p99_ms']} ms")  # fmt: skip
    paced = report.get("screen_paced")
    if paced:
        without, ruled = paced["transfers_without_rules"], paced["transfers_with_rules"]
        print(f"  paced at {paced['per_s']:g} transfers/s: the screen p50 {paced['screen_p50_ms']} "
              f"ms, p99 {paced['screen_p99_ms']} ms; transfers p50 {without['p50_ms']} → "
              f"{ruled['p50_ms']} ms, p99 {without['p99_ms']} → {ruled['p99_ms']} ms")  # fmt: skip
    for target in report["targets"]:
        verdict = "met" if target["pass"] else "NOT met"
        print(f"  target {target['name']}: {target['value']} vs {target['target']}: {verdict}")
    sys.stdout.flush()
