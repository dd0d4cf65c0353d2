"""Close of business (COB): the end-of-day batch that closes one business date.

Apps register steps in ``AppConfig.ready()``::

    from hujin.core.cob import cob_step

    @cob_step("ledger.expire_pending", order=100)
    def expire_pending(business_date: date, now: datetime) -> dict | None:
        ...  # idempotent for business_date; returns a small JSON-able summary or None

The same ``ready()`` names the step for the console's close-of-business page
(``hujin.core.cob_labels.cob_step_label_register``).

``cob_run`` runs every registered step in ``(order, name)`` order for one business date, then
advances the business date by one day as its own last step. Each step's status, timing, result or
error is committed as it happens, so a rerun after a failure or a crash skips the steps already
done and retries the rest. Only one COB runs at a time (``hujin.core.locks``).

A step runs outside any transaction and opens its own (one, or one per chunk of work); because a
rerun may repeat part of its work, it must be idempotent for the business date it is given.
"""

import json
import logging
import time
import traceback
from collections.abc import Callable
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.dates import business_date_get, business_date_set, calendar_date_at
from hujin.core.errors import CobAlreadyRunning, CobDateInvalid
from hujin.core.events import event_emit
from hujin.core.locks import LockNotAcquired, exclusive_lock
from hujin.core.models import CobRun, CobStatus, CobStepRun

logger = logging.getLogger(__name__)

StepFunc = Callable[[date, datetime], dict[str, Any] | None]

ADVANCE_STEP_NAME = "core.business_date_advance"
ADVANCE_STEP_ORDER = 1_000_000  # always last: registered steps must use a smaller order
LOCK_NAME = "cob"
MAX_CATCH_UP_DAYS = 31
ERROR_MAX_CHARS = 4000


@dataclass(frozen=True, slots=True)
class CobStep:
    name: str
    order: int
    func: StepFunc


@dataclass(frozen=True, slots=True)
class CobProgress:
    """Reported to ``cob_run(progress=...)`` before and after each step."""

    business_date: date
    step: str
    index: int  # 1-based position of the step in this run
    total: int
    status: str  # "running", then "done" or "failed"; "skipped" when done by an earlier attempt


ProgressFunc = Callable[[CobProgress], None]

_steps: dict[str, CobStep] = {}


def register_cob_step(*, name: str, order: int, func: StepFunc) -> CobStep:
    """Add a step to every close of business. Call from AppConfig.ready().

    Registering the same function under the same name again replaces it (a module reload);
    a different function under a taken name is a configuration error.
    """
    if not name or len(name) > 100:
        raise ImproperlyConfigured(f"COB step name must be 1-100 characters: {name!r}")
    if name == ADVANCE_STEP_NAME or order >= ADVANCE_STEP_ORDER:
        raise ImproperlyConfigured(
            f"COB step {name!r}: order must be below {ADVANCE_STEP_ORDER}; advancing the business "
            "date is always the last step"
        )
    existing = _steps.get(name)
    if existing is not None and _qualified_name(existing.func) != _qualified_name(func):
        raise ImproperlyConfigured(
            f"COB step {name!r} is already registered by {_qualified_name(existing.func)}"
        )
    step = CobStep(name=name, order=order, func=func)
    _steps[name] = step
    return step


def cob_step(name: str, order: int) -> Callable[[StepFunc], StepFunc]:
    """Decorator form of ``register_cob_step``."""

    def decorator(func: StepFunc) -> StepFunc:
        register_cob_step(name=name, order=order, func=func)
        return func

    return decorator


def cob_steps() -> list[CobStep]:
    """The registered steps in the order they run (the business-date advance not included)."""
    return sorted(_steps.values(), key=lambda step: (step.order, step.name))


def cob_run(
    *,
    business_date: date | None = None,
    now: datetime,
    actor: Actor,
    progress: ProgressFunc | None = None,
) -> CobRun:
    """Close ``business_date`` (default: the current business date) and advance the date.

    Returns the CobRun: ``status`` is "done" or "failed" (the failed step has the error). For a
    date already closed nothing runs and the run returned has ``was_already_completed`` set.
    Step timestamps are ``now`` plus the time elapsed since the call began (monotonic clock).

    Raises CobAlreadyRunning when another COB holds the lock, CobDateInvalid for a date after the
    current business date, or before it but never closed.
    """
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(LOCK_NAME))
        except LockNotAcquired as exc:
            raise CobAlreadyRunning(
                "Another close of business is running; wait for it to finish."
            ) from exc
        return _cob_run_locked(
            business_date=business_date,
            clock=_Clock(now),
            actor=actor,
            progress=progress or _no_progress,
        )


def cob_run_due(
    *, now: datetime, actor: Actor, progress: ProgressFunc | None = None
) -> list[CobRun]:
    """Close every business date before the calendar date of ``now`` (the scheduled COB).

    Catches up at most MAX_CATCH_UP_DAYS dates per call; stops at the first failed run.
    """
    today = calendar_date_at(now)
    runs: list[CobRun] = []
    for _ in range(MAX_CATCH_UP_DAYS):
        if business_date_get(now=now) >= today:
            break
        run = cob_run(now=now, actor=actor, progress=progress)
        runs.append(run)
        if run.status != CobStatus.DONE:
            break
    return runs


def cob_run_get(*, business_date: date | None = None) -> CobRun | None:
    """The COB run of ``business_date``, or the most recent one; None if there is none."""
    runs = CobRun.objects.all()
    if business_date is not None:
        return runs.filter(business_date=business_date).first()
    return runs.order_by("-business_date").first()


class _Clock:
    """``now`` as passed in, moved on by the monotonic clock: timing without wall-clock reads."""

    def __init__(self, start: datetime):
        self._start = start
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._t0)


def _no_progress(_: CobProgress) -> None:
    return None


def _cob_run_locked(
    *, business_date: date | None, clock: _Clock, actor: Actor, progress: ProgressFunc
) -> CobRun:
    current = business_date_get(now=clock.now())
    target = business_date or current
    if target > current:
        raise CobDateInvalid(
            f"The business date is {current.isoformat()}; {target.isoformat()} has not begun.",
            details={"business_date": current.isoformat(), "requested": target.isoformat()},
        )
    existing = CobRun.objects.filter(business_date=target).first()
    if existing is not None and existing.status == CobStatus.DONE:
        existing.was_already_completed = True
        return existing
    if target < current:
        raise CobDateInvalid(
            f"The business date has already moved past {target.isoformat()} without a close of "
            "business for it.",
            details={"business_date": current.isoformat(), "requested": target.isoformat()},
        )

    run = _run_start(target, at=clock.now(), actor=actor)
    steps = _step_rows(run)
    total = len(steps)
    for index, (row, func) in enumerate(steps, start=1):
        if row.status == CobStatus.DONE:
            progress(CobProgress(target, row.name, index, total, "skipped"))
            continue
        progress(CobProgress(target, row.name, index, total, "running"))
        if func is None:
            ok = _advance_step(run, row, clock=clock, actor=actor)
        else:
            ok = _step_execute(run, row, func, clock=clock, actor=actor)
        progress(CobProgress(target, row.name, index, total, "done" if ok else "failed"))
        if not ok:
            _run_fail(run, row, at=clock.now(), actor=actor)
            break
    return run


def _run_start(target: date, *, at: datetime, actor: Actor) -> CobRun:
    with transaction.atomic():
        run, _ = CobRun.objects.select_for_update().get_or_create(
            business_date=target,
            defaults={"status": CobStatus.RUNNING, "started_at": at},
        )
        run.status = CobStatus.RUNNING
        run.attempts += 1
        run.started_at = at
        run.finished_at = None
        run.started_by = str(actor)[:150]
        run.save(update_fields=["status", "attempts", "started_at", "finished_at", "started_by"])
        audit_record(
            actor=actor,
            action="cob.run_started",
            target_type="cob_run",
            target_id=target.isoformat(),
            occurred_at=at,
            after={"attempt": run.attempts},
        )
    return run


def _step_rows(run: CobRun) -> list[tuple[CobStepRun, StepFunc | None]]:
    """One row per step of this run, created on the first attempt or when a step is new."""
    wanted: list[tuple[str, int, StepFunc | None]] = [
        (step.name, step.order, step.func) for step in cob_steps()
    ]
    wanted.append((ADVANCE_STEP_NAME, ADVANCE_STEP_ORDER, None))
    with transaction.atomic():
        rows = {row.name: row for row in run.steps.select_for_update()}
        for name, order, _ in wanted:
            row = rows.get(name)
            if row is None:
                rows[name] = CobStepRun.objects.create(run=run, name=name, order=order)
            elif row.order != order:
                row.order = order
                row.save(update_fields=["order"])
    return [(rows[name], func) for name, _, func in wanted]


def _step_execute(
    run: CobRun, row: CobStepRun, func: StepFunc, *, clock: _Clock, actor: Actor
) -> bool:
    started_at = _step_begin(row, at=clock.now())
    try:
        # Called inside a transaction (tests, a caller's atomic block): a savepoint keeps a failing
        # step from breaking it. Otherwise the step manages its own transactions.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            result = func(run.business_date, started_at)
            if result is not None and not isinstance(result, dict):
                raise TypeError(f"a COB step returns a dict or None, not {type(result).__name__}")
            json.dumps(result, cls=DjangoJSONEncoder)
    except Exception as exc:
        # The runner's boundary: any failure of any app's step is recorded on the step, and the
        # run stops there, resumable, instead of crashing the scheduler or the command.
        logger.warning("COB step %s failed: %s", row.name, type(exc).__name__)
        _step_end(row, CobStatus.FAILED, at=clock.now(), actor=actor, error=_describe(exc))
        return False
    _step_end(row, CobStatus.DONE, at=clock.now(), actor=actor, result=result)
    return True


def _advance_step(run: CobRun, row: CobStepRun, *, clock: _Clock, actor: Actor) -> bool:
    """The last step: the new business date, the step and the run are committed together."""
    started_at = _step_begin(row, at=clock.now())
    next_date = run.business_date + timedelta(days=1)
    try:
        with transaction.atomic():
            business_date_set(to_date=next_date, actor=actor, now=started_at)
            finished_at = clock.now()
            result = {"business_date": next_date.isoformat()}
            _step_end(row, CobStatus.DONE, at=finished_at, actor=actor, result=result)
            run.status = CobStatus.DONE
            run.finished_at = finished_at
            run.save(update_fields=["status", "finished_at"])
            _run_record(
                run,
                "completed",
                at=finished_at,
                actor=actor,
                details={"next_business_date": next_date.isoformat()},
            )
    except Exception as exc:
        # Same boundary as for any step (e.g. the date was moved by hand meanwhile).
        logger.warning("COB step %s failed: %s", row.name, type(exc).__name__)
        _step_end(row, CobStatus.FAILED, at=clock.now(), actor=actor, error=_describe(exc))
        return False
    return True


def _run_fail(run: CobRun, row: CobStepRun, *, at: datetime, actor: Actor) -> None:
    with transaction.atomic():
        run.status = CobStatus.FAILED
        run.finished_at = at
        run.save(update_fields=["status", "finished_at"])
        _run_record(run, "failed", at=at, actor=actor, details={"failed_step": row.name})


def _run_record(
    run: CobRun, outcome: str, *, at: datetime, actor: Actor, details: dict[str, Any]
) -> None:
    audit_record(
        actor=actor,
        action=f"cob.run_{outcome}",
        target_type="cob_run",
        target_id=run.business_date.isoformat(),
        occurred_at=at,
        after={"attempt": run.attempts, **details},
    )
    event_emit(
        aggregate_type="cob_run",
        aggregate_id=run.business_date.isoformat(),
        event_type=f"core.cob.{outcome}",
        payload={"business_date": run.business_date.isoformat(), **details},
        occurred_at=at,
    )


def _step_begin(row: CobStepRun, *, at: datetime) -> datetime:
    with transaction.atomic():
        row.status = CobStatus.RUNNING
        row.attempts += 1
        row.started_at = at
        row.finished_at = None
        row.error = ""
        row.result = None
        row.save(
            update_fields=["status", "attempts", "started_at", "finished_at", "error", "result"]
        )
    return at


def _step_end(
    row: CobStepRun,
    status: str,
    *,
    at: datetime,
    actor: Actor,
    result: dict[str, Any] | None = None,
    error: str = "",
) -> None:
    with transaction.atomic():
        row.status = status
        row.finished_at = at
        row.result = result
        row.error = error
        row.save(update_fields=["status", "finished_at", "result", "error"])
        audit_record(
            actor=actor,
            action=f"cob.step_{status}",
            target_type="cob_step",
            target_id=str(row.pk),
            occurred_at=at,
            after={
                "business_date": row.run.business_date.isoformat(),
                "step": row.name,
                "attempt": row.attempts,
                "duration_ms": row.duration_ms,
            },
        )


def _describe(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc, limit=-8))
    return text[-ERROR_MAX_CHARS:]


def _qualified_name(func: Callable[..., Any]) -> str:
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"
