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
import sys
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


_scratch = _sibling("_scratch.py")  # the scratch database, shared with the lending bench
_measure = _scratch.ledger_bench()._measure


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--holdings", type=int, default=1_000_000, help="holdings (1,000,000)")
    _scratch.add_scratch_arguments(parser)


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
    say = _measure.printer(opts.json)
    report = _scratch.measured_in_scratch(
        name="cob", opts=opts, inner_args=["--holdings", str(opts.holdings)], say=say
    )
    if report is None:
        return 2
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
