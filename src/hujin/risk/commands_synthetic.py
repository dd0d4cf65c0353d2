"""``hujin risk synthetic [--seed N] [--customers N] [--per-typology N] [--out FILE]``: write
the synthetic labelled history (``risk.synthetic``: ordinary customers plus customers each
carrying one injected typology) as CSV, one event a line, with its label, and print what the
shipped rules catch on it. The same history ``hujin bench risk`` replays and the anomaly model
trains on; the columns are documented in docs/modules/risk.md ("Measured on a synthetic
history")."""

import csv

from django.core.management.base import CommandError

from hujin.risk.shipped import shipped_rules
from hujin.risk.synthetic import NORMAL, measure, synthetic_history

AREA = "synthetic"
COLUMNS = ("occurred_at", "customer", "typology", "kind", "direction", "amount_fen",
           "counterparty", "device", "ip", "values")  # fmt: skip
MAX_CUSTOMERS = 100_000


def synthetic_parser_add(sub) -> None:
    fit = sub.add_parser(AREA, help="Write the synthetic labelled history as CSV.")
    fit.add_argument("--seed", type=int, default=1, help="The history's seed (1).")
    fit.add_argument("--customers", type=int, default=2_000,
                     help="Ordinary customers (2000).")  # fmt: skip
    fit.add_argument("--per-typology", dest="per_typology", type=int, default=20,
                     help="Customers of each typology (20).")  # fmt: skip
    fit.add_argument("--out", default="-", help="The CSV file (default: standard output).")


def synthetic_rows(history) -> list[list]:
    """The history as the CSV's rows, in ``COLUMNS`` order."""
    rows = []
    for item in history:
        e = item.event
        values = {k: v for k, v in sorted(item.values.items())
                  if k not in ("kind", "direction", "amount")}  # fmt: skip
        rows.append([e.occurred_at.isoformat(), item.customer, item.typology, e.kind,
                     e.direction, e.amount, e.counterparty, e.keys.get("device", ""),
                     e.keys.get("ip", ""),
                     ";".join(f"{k}={v}" for k, v in values.items())])  # fmt: skip
    return rows


def synthetic_handle(command, options: dict) -> None:
    customers, per = options["customers"], options["per_typology"]
    if not 1 <= customers <= MAX_CUSTOMERS or not 1 <= per <= 1_000:
        raise CommandError(f"--customers is 1 to {MAX_CUSTOMERS}, --per-typology 1 to 1000")
    history = synthetic_history(seed=options["seed"], normal=customers, per_typology=per)
    out = options["out"]
    try:
        stream = command.stdout if out == "-" else open(out, "w", newline="", encoding="utf-8")  # noqa: SIM115
    except OSError as exc:
        raise CommandError(f"{out}: {exc.strerror}") from None
    with stream if out != "-" else _kept_open(stream):
        writer = csv.writer(stream)
        writer.writerow(COLUMNS)
        writer.writerows(synthetic_rows(history))
    measured = measure(history, shipped_rules())
    summary = ", ".join(f"{t} {measured.recall(t):.2f}" for t in sorted(measured.customers)
                        if t != NORMAL)  # fmt: skip
    command.stderr.write(
        f"{len(history)} events of {sum(measured.customers.values())} customers; recall of the "
        f"shipped rules: {summary}; ordinary customers flagged: "
        f"{measured.normal_alert_rate:.2%}"
    )


class _kept_open:
    """The command's output in a ``with`` without closing it."""

    def __init__(self, stream):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        self.stream.flush()
        return False
