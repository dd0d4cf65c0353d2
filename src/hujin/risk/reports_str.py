"""The draft of a suspicious-transaction report (可疑交易报告) from a case closed as suspicious.

What the draft holds (``Report.content``; no personal data in the clear: the customer is kept by
id, and the legal name and the identity document are read from customers when the file is
exported or a page shows it, masked by role there):

- ``institution``: the reporting institution (``settings.HUJIN_RISK_REPORTING_INSTITUTION``);
- ``customer``: the customer's id and type;
- ``transactions``: the case's movements as its page shows them (``cases_movements``: the
  movements of its alerts and every other money movement of the customer over the case's
  period, from 30 days before its first alert to its closing), each with its time, kind,
  direction, amount in fen, currency, channel, status (``completed``, ``held``, ``pending``,
  ``failed``, ``refused``: risk/reports_moves.py) and counterparty (another customer's id,
  ``card:<id>``, "" when the movement has none; ``counterparty_kept`` false when it is no
  longer known);
- ``typology`` and ``narrative``: the case's (the narrative may be edited while a draft).

``occurred_on`` is the date in the business time zone (Asia/Shanghai) on which the case was
judged suspicious; ``due_on`` the fifth working day after it, that day itself not counted
(PBoC Order 〔2016〕 No. 3, art. 13: "最迟不超过5个工作日").
"""

from datetime import datetime

from django.conf import settings
from django.db import connection
from django.db.models import Q

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.dates import calendar_date_at
from hujin.core.events import event_emit
from hujin.core.workdays import working_days_after
from hujin.risk import events
from hujin.risk.cases_movements import case_movements
from hujin.risk.errors import ReportSourceInvalid
from hujin.risk.models import Decision
from hujin.risk.models_cases import CASE_CLOSED, STR, SUSPICIOUS, Case, Report
from hujin.risk.numbers import number_next
from hujin.risk.reports_moves import counterparties, movements_status
from hujin.risk.rulebook import person_id

TARGET = "risk.report"  # audit's target type
FILING_WORKING_DAYS = 5  # art. 5 (large-value) and art. 13 (suspicious)
DEFAULT_INSTITUTION = {"code": "HUJIN-DEV", "name": "Hujin development institution"}
_NUMBER_LOCK = 0x5250  # the advisory lock of a day's report numbers ("RP")


def reporting_institution() -> dict:
    """The institution that files the reports: ``{"code", "name"}`` from the setting."""
    value = getattr(settings, "HUJIN_RISK_REPORTING_INSTITUTION", None) or DEFAULT_INSTITUTION
    return {"code": str(value.get("code", "")), "name": str(value.get("name", ""))}


def numbers_next(kind: str, on, count: int = 1) -> list[str]:
    """The next ``count`` report numbers of ``kind`` for the day ``on`` (``STR-20261207-0001``;
    ``risk.numbers``), in the caller's transaction: on PostgreSQL an advisory lock makes writers
    take turns."""
    prefix = f"{kind.upper()}-{on:%Y%m%d}-"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_NUMBER_LOCK, on.toordinal()])
    first = number_next(Report, prefix, 4)
    start = int(first[len(prefix) :])
    return [f"{prefix}{n:04d}" for n in range(start, start + count)]


def transaction_record(decision: Decision, counterparty: str | None, status: str) -> dict:
    """One movement as a report keeps it (``counterparty`` None: not kept any more)."""
    return {
        "decision_id": str(decision.id),
        "occurred_at": decision.occurred_at.isoformat(),
        "kind": decision.kind,
        "direction": decision.direction,
        "amount_minor": decision.amount,
        "currency": decision.currency,
        "channel": decision.channel,
        "counterparty": counterparty or "",
        "counterparty_kept": counterparty is not None,
        "status": status,
    }


def _case_transactions(case: Case, now: datetime) -> list[dict]:
    """The case's movements (``cases_movements``: the ones its page shows), oldest first."""
    chosen = list(reversed(case_movements(case, now=now)))
    others, status = counterparties(chosen), movements_status(chosen)
    # A movement refused or failed stays in the report, with its status: it was attempted.
    return [transaction_record(d, others[d.id], status[d.id]) for d in chosen]


def report_recorded(actor: Actor, report: Report, now: datetime, *, action: str, event: str,
                    before: dict | None = None, extra: dict | None = None) -> None:  # fmt: skip
    """The audit entry and the event of a change of ``report`` (in the caller's transaction).
    Neither carries the narrative nor personal data."""
    after = {"number": report.number, "kind": report.kind, "state": report.state,
             "due_on": report.due_on.isoformat(), **(extra or {})}  # fmt: skip
    audit_record(actor=actor, action=action, target_type=TARGET, target_id=str(report.id),
                 occurred_at=now, before=before, after=after)  # fmt: skip
    event_emit(aggregate_type=TARGET, aggregate_id=str(report.id), event_type=event,
               occurred_at=now,
               payload={"report_id": str(report.id), "number": report.number,
                        "kind": report.kind, "state": report.state,
                        "customer_id": str(report.customer_id), **(extra or {})})  # fmt: skip


def str_draft_from_case(*, actor: Actor, case: Case, now: datetime) -> Report:
    """Write the suspicious-transaction report's draft of ``case`` (closed as suspicious), in
    the caller's transaction, with its audit entry and ``risk.report_drafted``. Raises
    ReportSourceInvalid when the case is not closed as suspicious or already has its report."""
    if case.state != CASE_CLOSED or case.conclusion != SUSPICIOUS:
        raise ReportSourceInvalid(details={"case": case.number, "state": case.state,
                                           "conclusion": case.conclusion})  # fmt: skip
    if Report.objects.filter(Q(case=case) & Q(kind=STR)).exists():
        raise ReportSourceInvalid(details={"case": case.number, "reason": "reported"})
    occurred_on = calendar_date_at(case.closed_at or now)
    report = Report.objects.create(
        number=numbers_next(STR, occurred_on)[0],
        kind=STR,
        customer_id=case.customer_id,
        case=case,
        occurred_on=occurred_on,
        due_on=working_days_after(occurred_on, FILING_WORKING_DAYS),
        content={
            "institution": reporting_institution(),
            "customer": {"id": str(case.customer_id)},
            "case": {"number": case.number, "title": case.title},
            "transactions": _case_transactions(case, now),
            "typology": case.typology,
            "narrative": case.narrative,
            "makers": [str(p) for p in (person_id(actor),) if p is not None],
        },
        made_by=person_id(actor),
        made_at=now,
    )
    report_recorded(actor, report, now, action="risk.report_draft",
                    event=events.REPORT_DRAFTED, extra={"case_id": str(case.id)})  # fmt: skip
    return report
