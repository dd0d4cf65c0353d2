"""The close-of-business (COB) pages: the business date and the runs, and one run step by step.

A running run's page polls its steps fragment (htmx, every 3 s) until the run is no longer
running. Each view makes one selector call (``cob_selectors``) and hands the template plain
values: steps by their names (``cob_names``), results as keys and values, durations in words.
"""

import re
from datetime import date

from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from hujin.compliance import cob_names
from hujin.compliance.cob_selectors import (
    VIEW_COB,
    CobRunDetail,
    CobRunNotFound,
    CobRunRow,
    ResultItem,
    cob_overview_get,
    cob_run_detail_get,
)
from hujin.identity.access import staff_actor, staff_required

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
BAR_WIDTH = 100  # the progress bar's viewBox width: its parts are percentages


def _date(value: str | None) -> date | None:
    """A YYYY-MM-DD value, or None for anything else (a bad cursor is the first page)."""
    if not value or not _ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def _run(row: CobRunRow) -> dict:
    return {
        "business_date": row.business_date,
        "status": row.status,
        "attempts": row.attempts,
        "started_at": row.started_at,
        "finished_at": row.finished_at,
        "duration": cob_names.duration_words(row.duration_ms),
        "started_by": cob_names.started_by_label(row.started_by),
        "started_by_code": row.started_by,
    }


ERROR_LINE_CHARS = 200
SHOWN_CHARS = 24  # a longer value (an id) is cut on the page; its title holds all of it


def _result(items: tuple[ResultItem, ...]) -> list[dict]:
    rows = []
    for item in items:
        text = "" if item.value is None else str(item.value)
        rows.append(
            {
                "key": item.key,
                "label": cob_names.result_key_label(item.key),
                "value": text,
                "short": text[:8] + "…" if len(text) > SHOWN_CHARS else "",
                "items": _result(item.items),
            }
        )
    return rows


def _last_line(text: str) -> str:
    """A traceback's last line: the exception and its message."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:ERROR_LINE_CHARS] if lines else ""


def _detail_context(detail: CobRunDetail) -> dict:
    done_width = round(BAR_WIDTH * detail.done / detail.total, 2) if detail.total else 0
    return {
        "run": _run(detail.run),
        "running": detail.is_running,
        "total": detail.total,
        "done": detail.done,
        "current": detail.current,
        "bar_width": BAR_WIDTH,
        "bar_done": done_width,
        "steps": [
            {
                "index": step.index,
                "name": step.name,
                "label": step.label,
                "status": step.status,
                "attempts": step.attempts,
                "started_at": step.started_at,
                "finished_at": step.finished_at,
                "duration": cob_names.duration_words(step.duration_ms),
                "result": _result(step.result),
                "error": step.error,
                "error_line": _last_line(step.error),
            }
            for step in detail.steps
        ],
    }


@staff_required(permission=VIEW_COB)
def cob_runs(request):
    overview = cob_overview_get(
        actor=staff_actor(request.user),
        now=timezone.now(),
        before=_date(request.GET.get("before")),
        after=_date(request.GET.get("after")),
    )
    context = {
        "business_date": overview.business_date,
        "runs": [_run(row) for row in overview.runs],
        "newer": overview.newer_cursor.isoformat() if overview.newer_cursor else None,
        "older": overview.older_cursor.isoformat() if overview.older_cursor else None,
        "paged": bool(request.GET.get("before") or request.GET.get("after")),
    }
    return render(request, "compliance/cob/runs.html", context)


@staff_required(permission=VIEW_COB)
def cob_run_detail(request, business_date: str):
    """The run's page; an htmx request (the page polling itself) gets only the steps fragment."""
    on_date = _date(business_date)
    if on_date is None:
        raise Http404("not a business date")
    try:
        detail = cob_run_detail_get(actor=staff_actor(request.user), business_date=on_date)
    except CobRunNotFound:
        raise Http404("no close of business for that date") from None
    context = _detail_context(detail)
    fragment = request.headers.get("HX-Request") == "true"
    template = "compliance/cob/_steps.html" if fragment else "compliance/cob/run.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])  # one URL, two bodies: caches must tell them apart
    return response
