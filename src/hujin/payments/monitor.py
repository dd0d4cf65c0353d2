"""The console's reads over every customer's payments (re-exported by ``selectors``): the
monitor's matrix of states by age, the payments still unresolved (oldest first), a filtered list
in keyset pages, and how many unresolved payments wait past an hour (the menu's count).

Staff holding ``payments.view_payments`` only; anyone else is refused (PermissionDenied).
Customers are named as the console names them (``hujin.core.links``: a person's name masked,
linked to their page for who may open it). Values out, never querysets; ``now`` comes in.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Case, CharField, Count, Q, Sum, Value, When
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone
from hujin.core.errors import PermissionDenied
from hujin.core.links import TargetLink, target_links
from hujin.core.pages import moment_cursor, moment_cursor_parsed
from hujin.payments.models import Payment
from hujin.payments.permissions import VIEW_PAYMENTS
from hujin.payments.types import (
    PAYMENT_CREATED,
    PAYMENT_CURRENCY,
    PAYMENT_FINAL,
    PAYMENT_KINDS,
    PAYMENT_PENDING,
    PAYMENT_STATUSES,
    PAYMENT_UNKNOWN,
)

CUSTOMER_TARGET = "customers.customer"
# A payment the channel has not settled yet: created (the hold is placed), pending at the
# channel, or unknown (its answer was lost: the recovery job asks).
UNRESOLVED = (PAYMENT_CREATED, PAYMENT_PENDING, PAYMENT_UNKNOWN)
# The matrix's rows: the unresolved states, then any other state not final yet (held for
# review), then the final ones.
STATUS_ORDER = (
    *UNRESOLVED,
    *(s for s in PAYMENT_STATUSES if s not in UNRESOLVED and s not in PAYMENT_FINAL),
    *PAYMENT_FINAL,
)
# The menu counts the unresolved payments older than this: younger ones are the normal flow.
WAITING_AFTER = timedelta(hours=1)
PAGE_SIZE = 50
MAX_PAGE = 200
UNRESOLVED_LIMIT = 200


@dataclass(frozen=True, slots=True)
class AgeBucket:
    """Payments created between ``younger_than`` and ``older_than`` ago (``None``: no bound)."""

    key: str
    label: Promise | str
    older_than: timedelta
    younger_than: timedelta | None


AGE_BUCKETS = (
    AgeBucket("under_5m", _("Under 5 min"), timedelta(0), timedelta(minutes=5)),
    AgeBucket("5m_1h", _("5–60 min"), timedelta(minutes=5), timedelta(hours=1)),
    AgeBucket("1h_1d", _("1–24 h"), timedelta(hours=1), timedelta(days=1)),
    AgeBucket("over_1d", _("Over 1 day"), timedelta(days=1), None),
)
AGE_KEYS = tuple(bucket.key for bucket in AGE_BUCKETS)


@dataclass(frozen=True, slots=True)
class MonitorCell:
    status: str
    age: str  # an AGE_BUCKETS key
    count: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class MonitorRow:
    status: str
    unresolved: bool
    cells: list[MonitorCell]
    count: int
    amount_minor: int


@dataclass(frozen=True, slots=True)
class MonitorMatrix:
    """Payments by state (rows) and age (columns), with counts and sums in minor units."""

    rows: list[MonitorRow]
    buckets: tuple[AgeBucket, ...]
    currency: str
    count: int
    amount_minor: int
    unresolved_count: int
    now: datetime


@dataclass(frozen=True, slots=True)
class PaymentRow:
    """One payment in a console list: the customer by name, never an id on the page."""

    id: uuid.UUID
    kind: str
    status: str
    amount_minor: int
    fee_minor: int
    currency: str
    channel: str
    customer: TargetLink
    payee: TargetLink | None
    created_at: datetime
    age_seconds: int
    age: str  # an AGE_BUCKETS key


@dataclass(frozen=True, slots=True)
class PaymentFilters:
    kind: str = ""
    status: str = ""
    channel: str = ""
    age: str = ""  # an AGE_BUCKETS key
    date_from: date | None = None  # business days (Asia/Shanghai), inclusive
    date_to: date | None = None
    customer_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class PaymentListPage:
    rows: list[PaymentRow]
    next_cursor: str | None  # the ``before`` of the next (older) page
    filters: PaymentFilters = field(default_factory=PaymentFilters)
    customer: TargetLink | None = None  # the customer the list is filtered on, by name


def require_viewer(actor: Actor) -> None:
    """Staff holding ``payments.view_payments``; anyone else is refused."""
    if actor.kind != "staff" or not actor.has_scope(VIEW_PAYMENTS):
        raise PermissionDenied(
            _("You may not see customers' payments."),
            details={"required_permission": VIEW_PAYMENTS},
        )


def age_bucket_of(age: timedelta) -> str:
    for bucket in AGE_BUCKETS:
        if bucket.younger_than is None or age < bucket.younger_than:
            return bucket.key
    return AGE_BUCKETS[-1].key


def _age_annotation(now: datetime) -> Case:
    whens = [
        When(created_at__gt=now - bucket.younger_than, then=Value(bucket.key))
        for bucket in AGE_BUCKETS
        if bucket.younger_than is not None
    ]
    return Case(*whens, default=Value(AGE_KEYS[-1]), output_field=CharField())


def _age_filter(key: str, now: datetime) -> Q:
    bucket = next((b for b in AGE_BUCKETS if b.key == key), None)
    if bucket is None:
        return Q()
    condition = Q(created_at__lte=now - bucket.older_than) if bucket.older_than else Q()
    if bucket.younger_than is not None:
        condition &= Q(created_at__gt=now - bucket.younger_than)
    return condition


def payments_matrix(*, actor: Actor, now: datetime, kind: str = "") -> MonitorMatrix:
    """Every payment counted and summed by state and by age (since it was requested), in one
    grouped query. ``kind``: only top-ups, withdrawals or transfers."""
    require_viewer(actor)
    rows = Payment.objects.all()
    if kind in PAYMENT_KINDS:
        rows = rows.filter(kind=kind)
    grouped = (
        rows.annotate(age=_age_annotation(now))
        .values("status", "age")
        .annotate(n=Count("id"), total=Sum("amount"))
        .order_by()
    )
    found = {(g["status"], g["age"]): (g["n"], int(g["total"] or 0)) for g in grouped}
    matrix_rows = []
    for status in STATUS_ORDER:
        cells = [MonitorCell(status, key, *found.get((status, key), (0, 0))) for key in AGE_KEYS]
        matrix_rows.append(
            MonitorRow(
                status=status,
                unresolved=status in UNRESOLVED,
                cells=cells,
                count=sum(c.count for c in cells),
                amount_minor=sum(c.amount_minor for c in cells),
            )
        )
    return MonitorMatrix(
        rows=matrix_rows,
        buckets=AGE_BUCKETS,
        currency=PAYMENT_CURRENCY,
        count=sum(r.count for r in matrix_rows),
        amount_minor=sum(r.amount_minor for r in matrix_rows),
        unresolved_count=sum(r.count for r in matrix_rows if r.unresolved),
        now=now,
    )


def customer_links(actor: Actor, customer_ids) -> dict[uuid.UUID, TargetLink]:
    """The customers as the console names them for ``actor``, in one call for a whole page."""
    ids = {str(i) for i in customer_ids if i is not None}
    links = target_links(actor=actor, targets=[(CUSTOMER_TARGET, i) for i in ids])
    return {uuid.UUID(i): links[(CUSTOMER_TARGET, i)] for i in ids}


def payment_rows(actor: Actor, payments: list[Payment], now: datetime) -> list[PaymentRow]:
    names = customer_links(
        actor, {p.customer_id for p in payments} | {p.payee_id for p in payments}
    )
    return [
        PaymentRow(
            id=p.id,
            kind=p.kind,
            status=p.status,
            amount_minor=p.amount,
            fee_minor=p.fee,
            currency=p.currency,
            channel=p.channel,
            customer=names[p.customer_id],
            payee=names.get(p.payee_id) if p.payee_id else None,
            created_at=p.created_at,
            age_seconds=max(0, int((now - p.created_at).total_seconds())),
            age=age_bucket_of(now - p.created_at),
        )
        for p in payments
    ]


_ROW_FIELDS = (
    "id",
    "kind",
    "status",
    "amount",
    "fee",
    "currency",
    "channel",
    "customer_id",
    "payee_id",
    "created_at",
)


def payments_unresolved(
    *, actor: Actor, now: datetime, limit: int = UNRESOLVED_LIMIT
) -> list[PaymentRow]:
    """The payments not final yet (created, pending, unknown), the oldest first, with their
    age: what the recovery job and the COB must still resolve."""
    require_viewer(actor)
    rows = Payment.objects.filter(status__in=UNRESOLVED).only(*_ROW_FIELDS)
    return payment_rows(actor, list(rows.order_by("created_at", "id")[: max(1, limit)]), now)


@dataclass(frozen=True, slots=True)
class MonitorPage:
    matrix: MonitorMatrix
    unresolved: list[PaymentRow]


def payments_monitor(
    *, actor: Actor, now: datetime, kind: str = "", limit: int = UNRESOLVED_LIMIT
) -> MonitorPage:
    """The monitor's page: the matrix, and the unresolved payments oldest first."""
    return MonitorPage(
        matrix=payments_matrix(actor=actor, now=now, kind=kind),
        unresolved=payments_unresolved(actor=actor, now=now, limit=limit),
    )


def payments_waiting_count(*, actor: Actor, now: datetime) -> int:
    """Unresolved payments requested more than an hour ago (0 for who may not see them)."""
    if actor.kind != "staff" or not actor.has_scope(VIEW_PAYMENTS):
        return 0
    return Payment.objects.filter(
        status__in=UNRESOLVED, created_at__lte=now - WAITING_AFTER
    ).count()


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=business_time_zone())


def cursor_of(payment_row: PaymentRow) -> str:
    """Where the next page starts: after this row (its moment in microseconds, its id)."""
    return moment_cursor(payment_row.created_at, payment_row.id)


_cursor_parsed = moment_cursor_parsed


def payments_list(
    *, actor: Actor, filters: PaymentFilters, now: datetime, before: str = "",
    limit: int = PAGE_SIZE,
) -> PaymentListPage:  # fmt: skip
    """Payments matching ``filters``, the newest first, in keyset pages: ``before`` is the
    ``next_cursor`` of the page before (unparseable: the first page)."""
    require_viewer(actor)
    rows = Payment.objects.only(*_ROW_FIELDS)
    if filters.kind:
        rows = rows.filter(kind=filters.kind)
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.customer_id:
        rows = rows.filter(Q(customer_id=filters.customer_id) | Q(payee_id=filters.customer_id))
    if filters.age:
        rows = rows.filter(_age_filter(filters.age, now))
    if filters.date_from:
        rows = rows.filter(created_at__gte=_day_start(filters.date_from))
    if filters.date_to:
        rows = rows.filter(created_at__lt=_day_start(filters.date_to + timedelta(days=1)))
    position = _cursor_parsed(before) if before else None
    if position is not None:
        at, last_id = position
        rows = rows.filter(Q(created_at__lt=at) | Q(created_at=at, id__lt=last_id))
    limit = max(1, min(limit, MAX_PAGE))
    window = list(rows.order_by("-created_at", "-id")[: limit + 1])
    page = payment_rows(actor, window[:limit], now)
    more = len(window) > limit
    customer = None
    if filters.customer_id:
        customer = customer_links(actor, [filters.customer_id])[filters.customer_id]
    next_cursor = cursor_of(page[-1]) if more and page else None
    return PaymentListPage(page, next_cursor, filters, customer)
