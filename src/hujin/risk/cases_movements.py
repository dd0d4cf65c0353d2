"""One definition of a case's period and movements, for its page and its report draft.

The period (``case_period``) runs from ``LOOKBACK`` before the case's first alert (or its
opening, if earlier) to its closing; the movements (``case_movements``) are the customer's money
movements over it — never a log-in — and every movement one of the case's alerts is about."""

from datetime import datetime, timedelta

from hujin.risk.models import Alert, Decision
from hujin.risk.models_cases import Case

LOOKBACK = timedelta(days=30)
NOT_MOVEMENTS = ("login", "login_failed")  # decisions on events that move no money


def case_period(case: Case, now: datetime | None = None) -> tuple[datetime, datetime | None]:
    """From ``LOOKBACK`` before the case's first alert (or its opening, if earlier) to its
    closing, else ``now`` (None: no end yet)."""
    first = (
        Alert.objects.filter(case=case)
        .order_by("raised_at")
        .values_list("raised_at", flat=True)
        .first()
    )
    return min(case.opened_at, first or case.opened_at) - LOOKBACK, case.closed_at or now


def case_movements(case: Case, *, now: datetime | None = None,
                   limit: int | None = None) -> list[Decision]:  # fmt: skip
    """The case's movements, newest first: the customer's money movements over
    ``case_period(case, now)`` (the newest ``limit`` of them when given) and every movement one
    of the case's alerts is about. Their ``alerted`` attribute says which."""
    start, end = case_period(case, now)
    alerted = set(Alert.objects.filter(case=case).exclude(decision=None)
                  .values_list("decision_id", flat=True))  # fmt: skip
    rows = Decision.objects.defer("findings").exclude(kind__in=NOT_MOVEMENTS)
    over = rows.filter(customer_id=case.customer_id, occurred_at__gte=start)
    over = over.filter(occurred_at__lte=end) if end is not None else over
    over = over.order_by("-occurred_at", "-id")
    chosen = {d.id: d for d in (over[:limit] if limit else over)}
    chosen.update({d.id: d for d in rows.filter(id__in=alerted)})
    for d in chosen.values():
        d.alerted = d.id in alerted
    return sorted(chosen.values(), key=lambda d: (d.occurred_at, str(d.id)), reverse=True)
