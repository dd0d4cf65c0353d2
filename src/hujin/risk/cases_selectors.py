"""The cases' reads, for who holds ``risk.view_risk``: the case queue (open or closed, mine,
overdue; the clock's nearest first), its count for the menu, each case's clock (working days
left or overdue) and the case an alert joined. One case's page is ``cases_detail``.

Customers and staff are named as the console names them (masked by the viewer's role), never
by an id. Values out, never querysets."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from hujin.core.actors import Actor, require_scope
from hujin.core.dates import business_time_zone
from hujin.core.links import TargetLink
from hujin.core.workdays import working_days_between
from hujin.identity.selectors import user_labels
from hujin.risk.decisions_selectors import customer_links
from hujin.risk.models import Alert
from hujin.risk.models_cases import CASE_OPEN, Case
from hujin.risk.permissions import VIEW_RISK
from hujin.risk.rulebook import person_id

QUEUE_MAX = 200
VIEWS = ("open", "mine", "overdue", "closed", "all")


@dataclass(frozen=True, slots=True)
class CaseClock:
    due_on: date
    days_left: int  # working days after today up to the due day (0: due today)
    days_over: int  # working days past the due day, at least 1 after it (0: not overdue)
    stopped: bool  # closed: the clock no longer runs

    @property
    def overdue(self) -> bool:
        return self.days_over > 0


@dataclass(frozen=True, slots=True)
class CaseRow:
    id: uuid.UUID
    number: str
    title: str
    state: str
    customer: TargetLink | None
    assignee: str
    opened_at: datetime
    clock: CaseClock
    alerts: int
    conclusion: str


def case_clock(case: Case, now: datetime) -> CaseClock:
    """The clock on the calendar day of ``now`` (or of the closing) in the business time zone:
    overdue on every day after the due day, a weekend or a holiday included (then by at least
    one working day: the day the work should have been done)."""
    zone = business_time_zone()
    due_on = case.due_at.astimezone(zone).date()
    today = (case.closed_at or now).astimezone(zone).date()
    over = max(1, working_days_between(due_on, today)) if today > due_on else 0
    return CaseClock(due_on=due_on, days_left=working_days_between(today, due_on),
                     days_over=over, stopped=case.state != CASE_OPEN)  # fmt: skip


def case_rows(actor: Actor, cases: list[Case], now: datetime) -> list[CaseRow]:
    """The cases as the queue and a case's header show them."""
    customers = customer_links(actor, {c.customer_id for c in cases})
    people = user_labels(user_ids=[c.assignee for c in cases if c.assignee])
    counts: dict[uuid.UUID, int] = {}
    for case_id in Alert.objects.filter(case__in=[c.id for c in cases]).values_list(
        "case_id", flat=True
    ):
        counts[case_id] = counts.get(case_id, 0) + 1
    return [
        CaseRow(
            id=c.id,
            number=c.number,
            title=c.title,
            state=c.state,
            customer=customers.get(c.customer_id),
            assignee=people.get(str(c.assignee), ""),
            opened_at=c.opened_at,
            clock=case_clock(c, now),
            alerts=counts.get(c.id, 0),
            conclusion=c.conclusion,
        )
        for c in cases
    ]


def case_queue(*, actor: Actor, view: str = "open", now: datetime,
               limit: int = QUEUE_MAX) -> list[CaseRow]:  # fmt: skip
    """The first ``limit`` cases of ``view`` (``open``, ``mine``: open and assigned to
    ``actor``, ``overdue``: open past their clock, ``closed``, ``all``), the nearest clock first
    (closed ones: the latest closed first); ask for one more than is shown to tell whether
    others follow. Raises PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    rows = Case.objects.all()
    if view in ("open", "mine", "overdue"):
        rows = rows.filter(state=CASE_OPEN).order_by("due_at", "number")
        if view == "mine":
            rows = rows.filter(assignee=person_id(actor))
        if view == "overdue":
            rows = rows.filter(due_at__lt=now)
    elif view == "closed":
        rows = rows.exclude(state=CASE_OPEN).order_by("-closed_at", "-number")
    else:
        rows = rows.order_by("-opened_at", "-number")
    return case_rows(actor, list(rows[: max(1, limit)]), now)


def cases_open_count(*, actor: Actor) -> int:
    """The open cases (the menu's waiting work); 0 for who may not see them."""
    if not actor.has_scope(VIEW_RISK):
        return 0
    return Case.objects.filter(state=CASE_OPEN).count()


@dataclass(frozen=True, slots=True)
class CaseRef:
    id: uuid.UUID
    number: str
    state: str


def case_of_alert(*, alert_id) -> CaseRef | None:
    """The case the alert joined (for the alert's page, which ``risk.view_risk`` guards)."""
    row = Case.objects.filter(alerts__id=alert_id).values_list("id", "number", "state").first()
    return CaseRef(*row) if row else None
