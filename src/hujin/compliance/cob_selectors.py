"""The close-of-business page's reads: the business date and the runs, page by page, and one run
step by step. Pages get plain values (dataclasses), never querysets.

Reading them needs ``core.view_cobrun`` (granted to operations, auditors and administrators in
``ComplianceConfig.ready``); the check is here, not only on the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.cob_labels import cob_step_label
from hujin.core.dates import business_date_get
from hujin.core.errors import NotFound, PermissionDenied
from hujin.core.models import CobRun, CobStatus

VIEW_COB = "core.view_cobrun"
PAGE_SIZE = 30
RESULT_DEPTH = 2  # a step's result is shown two levels deep; anything deeper as compact text


class CobRunNotFound(NotFound):
    code = "cob_run_not_found"
    message = _("No close of business for that date.")


@dataclass(frozen=True, slots=True)
class CobRunRow:
    business_date: date
    status: str
    attempts: int
    started_at: datetime
    finished_at: datetime | None
    duration_ms: int | None  # None while it runs
    started_by: str  # the actor as the runner recorded it: "system:cli:ops", "staff:li"


@dataclass(frozen=True, slots=True)
class CobOverview:
    business_date: date  # the current one
    runs: list[CobRunRow]
    newer_cursor: date | None  # ?after=
    older_cursor: date | None  # ?before=


@dataclass(frozen=True, slots=True)
class ResultItem:
    """One key of a step's result: a plain value, or ``items`` for a nested dict."""

    key: str
    value: Any = None
    items: tuple[ResultItem, ...] = ()


@dataclass(frozen=True, slots=True)
class CobStepRow:
    index: int  # 1-based position in the run
    name: str
    label: str | Promise | None  # None: nobody named the step (the page shows its name)
    status: str
    attempts: int
    started_at: datetime | None
    finished_at: datetime | None
    duration_ms: int | None
    result: tuple[ResultItem, ...]
    error: str  # the traceback of a failed step (no personal data); "" otherwise


@dataclass(frozen=True, slots=True)
class CobRunDetail:
    run: CobRunRow
    steps: list[CobStepRow]
    total: int
    done: int
    current: int | None  # the position of the step running now, or the next one to run

    @property
    def is_running(self) -> bool:
        return self.run.status == CobStatus.RUNNING


def _require_reader(actor: Actor) -> None:
    if not actor.has_scope(VIEW_COB):
        raise PermissionDenied(details={"required_permission": VIEW_COB})


def _duration_ms(started_at: datetime | None, finished_at: datetime | None) -> int | None:
    if started_at is None or finished_at is None:
        return None
    return max(0, int((finished_at - started_at).total_seconds() * 1000))


def _run_row(run: CobRun) -> CobRunRow:
    return CobRunRow(
        business_date=run.business_date,
        status=run.status,
        attempts=run.attempts,
        started_at=run.started_at,
        finished_at=run.finished_at,
        duration_ms=_duration_ms(run.started_at, run.finished_at),
        started_by=run.started_by,
    )


def result_items(result: Any, *, depth: int = RESULT_DEPTH) -> tuple[ResultItem, ...]:
    """A step's small JSON result as keys and values, in its own order: a nested dict becomes
    nested items; a list, or anything below ``depth``, one value joined with commas."""
    if result is None:
        return ()
    if not isinstance(result, dict):
        return (ResultItem(key="", value=_flat(result)),)
    items = []
    for key, value in result.items():
        if isinstance(value, dict) and depth > 1:
            items.append(ResultItem(key=str(key), items=result_items(value, depth=depth - 1)))
        else:
            items.append(ResultItem(key=str(key), value=_flat(value)))
    return tuple(items)


def _flat(value: Any) -> Any:
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_flat(inner)}" for key, inner in value.items())
    if isinstance(value, list | tuple):
        return ", ".join(str(_flat(inner)) for inner in value)
    return value


def cob_overview_get(
    *,
    actor: Actor,
    now: datetime,
    before: date | None = None,
    after: date | None = None,
    limit: int | None = None,
) -> CobOverview:
    """The current business date and the runs, newest business date first; ``before``: the
    runs of earlier dates, ``after``: of later ones. Raises PermissionDenied."""
    _require_reader(actor)
    limit = limit or PAGE_SIZE
    current = business_date_get(now=now)
    runs = CobRun.objects.all()
    if after is not None:
        window = list(runs.filter(business_date__gt=after).order_by("business_date")[: limit + 1])
        has_newer = len(window) > limit
        rows = list(reversed(window[:limit]))
        has_older = True
    else:
        if before is not None:
            runs = runs.filter(business_date__lt=before)
        window = list(runs.order_by("-business_date")[: limit + 1])
        rows = window[:limit]
        has_older = len(window) > limit
        has_newer = before is not None
    if not rows:
        return CobOverview(business_date=current, runs=[], newer_cursor=None, older_cursor=None)
    return CobOverview(
        business_date=current,
        runs=[_run_row(run) for run in rows],
        newer_cursor=rows[0].business_date if has_newer else None,
        older_cursor=rows[-1].business_date if has_older else None,
    )


def cob_run_detail_get(*, actor: Actor, business_date: date) -> CobRunDetail:
    """The run of ``business_date`` with every step in the order it runs, and how far it got.

    Raises PermissionDenied, CobRunNotFound.
    """
    _require_reader(actor)
    run = CobRun.objects.filter(business_date=business_date).first()
    if run is None:
        raise CobRunNotFound(details={"business_date": business_date.isoformat()})
    steps = [
        CobStepRow(
            index=index,
            name=step.name,
            label=cob_step_label(step.name),
            status=step.status,
            attempts=step.attempts,
            started_at=step.started_at,
            finished_at=step.finished_at,
            duration_ms=step.duration_ms,
            result=result_items(step.result),
            error=step.error if step.status == CobStatus.FAILED else "",
        )
        for index, step in enumerate(run.steps.order_by("order", "name"), start=1)
    ]
    running = [s.index for s in steps if s.status == CobStatus.RUNNING]
    waiting = [s.index for s in steps if s.status in (CobStatus.PENDING, CobStatus.FAILED)]
    current = running[0] if running else (waiting[0] if waiting else None)
    return CobRunDetail(
        run=_run_row(run),
        steps=steps,
        total=len(steps),
        done=sum(1 for s in steps if s.status == CobStatus.DONE),
        current=current,
    )
