"""The close-of-business step ``risk.large_value_reports``: a large-value report (大额交易报告)
for every money movement of the business date in which a large-value rule's finding fired.

- **Which rules**: those whose code begins with ``LV-`` (the thresholds of PBoC Order 〔2016〕
  No. 3 art. 5, shipped in ``data/rules.json``), live or in shadow: whether a report is owed
  does not depend on whether the rule decides.
- **Which movements**: those whose money moved (status ``completed``, risk/reports_moves.py):
  payments says so (``hujin.core.screening.movement_outcomes``: the payment succeeded), not the
  window entries — a held transfer's payer side is in the windows from the hold and may be
  rejected later, and a payment a close-of-business step failed keeps its entries until the
  outbox tells risk. A ``held`` or ``pending`` movement is left for a later run (the look-back
  below); a ``failed`` or ``refused`` one is never reported. Log-ins are not movements.
- **Once per decision**: the database rule ``risk_report_lv_once``; the step skips the decisions
  already reported, so running it again writes nothing.
- **Late standing**: a transfer held for review moves only when released, perhaps days later;
  so each run also looks back ``LOOKBACK_DAYS`` over the movements not yet reported that have
  moved now, and reports them under their own transaction's date.
- ``due_on``: the fifth working day after the transaction's date (that day not counted).
"""

from datetime import date, datetime, time, timedelta

from django.db import transaction

from hujin.core.actors import system_actor
from hujin.core.dates import business_time_zone
from hujin.core.workdays import working_days_after
from hujin.risk import events
from hujin.risk.cases_movements import NOT_MOVEMENTS
from hujin.risk.decisions_selectors import code_of
from hujin.risk.models import Decision
from hujin.risk.models_cases import LV, Report
from hujin.risk.reports_moves import COMPLETED, HELD, PENDING, counterparties, movements_status
from hujin.risk.reports_str import (
    FILING_WORKING_DAYS,
    numbers_next,
    report_recorded,
    reporting_institution,
    transaction_record,
)

STEP = "risk.large_value_reports"
ORDER = 115  # after payments settle the day's unknowns (90, 95), before the windows' prune
LV_PREFIX = "LV-"
LOOKBACK_DAYS = 14  # a held transfer released within two weeks (a long holiday) is reported
ACTOR = system_actor(STEP)


def lv_codes(decision: Decision) -> list[str]:
    """The large-value rules that fired on the decision, live or in shadow, by code."""
    fired = {code_of(c) for c in [*(decision.fired or []), *(decision.shadow_fired or [])]}
    return sorted(c for c in fired if c.startswith(LV_PREFIX))


def _days(first: date, last: date) -> tuple[datetime, datetime]:
    zone = business_time_zone()
    start = datetime.combine(first, time.min, tzinfo=zone)
    return start, datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone)


def lv_candidates(first: date, last: date) -> list[tuple[Decision, list[str]]]:
    """The decisions on movements from ``first`` to ``last`` (dates in the business time zone)
    in which a large-value rule fired."""
    start, end = _days(first, last)
    decisions = (
        Decision.objects.filter(occurred_at__gte=start, occurred_at__lt=end,
                                customer_id__isnull=False)
        .exclude(kind__in=NOT_MOVEMENTS)
        .only("id", "customer_id", "event", "kind", "direction", "amount", "currency",
              "channel", "occurred_at", "outcome", "fired", "shadow_fired")
        .order_by("occurred_at", "id")
    )  # fmt: skip
    out = []
    for decision in decisions.iterator(chunk_size=2000):
        codes = lv_codes(decision)
        if codes:
            out.append((decision, codes))
    return out


def _by_date(items: list) -> dict[date, list]:
    zone, out = business_time_zone(), {}
    for d, codes in items:
        out.setdefault(d.occurred_at.astimezone(zone).date(), []).append((d, codes))
    return out


def lv_reports_write(*, business_date: date, now: datetime) -> dict:
    """Write the missing large-value reports of the business date and the ``LOOKBACK_DAYS``
    before it (one transaction, in bulk), each with its audit entry and ``risk.report_drafted``.
    Returns ``{"written", "skipped", "waiting"`` (held or pending: a later run reports them once
    they moved), ``"not_standing"`` (failed or refused: never reported)``}``."""
    with transaction.atomic():
        candidates = lv_candidates(business_date - timedelta(days=LOOKBACK_DAYS), business_date)
        reported = set(
            Report.objects.filter(kind=LV, decision_id__in=[d.id for d, _ in candidates])
            .values_list("decision_id", flat=True)
        )  # fmt: skip
        fresh = [(d, codes) for d, codes in candidates if d.id not in reported]
        status = movements_status([d for d, _ in fresh])
        to_write = [(d, codes) for d, codes in fresh if status[d.id] == COMPLETED]
        waiting = sum(1 for d, _ in fresh if status[d.id] in (HELD, PENDING))
        others = counterparties([d for d, _ in to_write])
        institution = reporting_institution()
        reports = []
        for on, day in _by_date(to_write).items():
            due_on = working_days_after(on, FILING_WORKING_DAYS)
            reports += [
                Report(
                    number=number, kind=LV, customer_id=d.customer_id, decision=d,
                    occurred_on=on, due_on=due_on, made_by=None, made_at=now,
                    content={"institution": institution, "customer": {"id": str(d.customer_id)},
                             "transactions": [transaction_record(d, others[d.id], COMPLETED)],
                             "rules": codes, "makers": []},
                )
                for number, (d, codes) in zip(numbers_next(LV, on, len(day)), day, strict=True)
            ]  # fmt: skip
        Report.objects.bulk_create(reports, batch_size=500)
        for report in reports:
            report_recorded(ACTOR, report, now, action="risk.report_draft",
                            event=events.REPORT_DRAFTED,
                            extra={"decision_id": str(report.decision_id)})  # fmt: skip
    return {"written": len(reports), "skipped": len(reported), "waiting": waiting,
            "not_standing": len(fresh) - len(to_write) - waiting}  # fmt: skip


def cob_large_value_reports(business_date: date, now: datetime) -> dict:
    """COB step: the business date's large-value reports (``lv_reports_write``)."""
    return lv_reports_write(business_date=business_date, now=now)
