"""A reconciliation run: read the channel's file for a business date, check that it can be
trusted, match it three ways (``matching``), state the clearing account's balance, and record
the breaks — new, persisting (found again: same id) or resolved (no longer found) — in one
transaction with its audit entry and event.

A run that cannot conclude is ``incomplete`` with its reason and changes no break:

- ``file_missing``: the channel has not published the file;
- ``file_malformed``: it does not follow the format (counts, totals);
- ``file_changed``: its SHA-256 changed while the run read it, or differs from the one an
  earlier run of the same day read (the channel replaced a file Hujin had already reconciled);
- ``sequence_gap``: its sequence number is not the one the last earlier file implies.

The balance statement of the channel's clearing account for the day (top-ups only: withdrawals
never touch it): ``opening + flows + in transit + breaks + corrections = closing + residual``,
where ``flows`` is what the file says the channel collected (succeeded ``in`` lines), ``in
transit`` the timing differences (a payment the ledger posted on another business date, or
still in flight within the grace period), ``breaks`` what the day's breaks make the ledger differ
from the file, ``corrections`` what resolutions of breaks posted that day; the ``residual`` is
what nothing explains (a transfer on the clearing account that is no payment's): 0 on a green
run, which also has no open break.

Replaying a past date is another run of it (``replay=True``), compared with what Hujin and the
ledger say now; the COB step runs the closing business date.
"""

from datetime import date, datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Sum

from hujin.core.actors import Actor, system_actor
from hujin.core.audit import audit_record
from hujin.core.dates import business_date_get
from hujin.core.events import event_emit
from hujin.ledger.errors import AccountNotFound
from hujin.ledger.selectors import account_statement
from hujin.payments.channels import card_channel, channel_named
from hujin.payments.models import PaymentChannel
from hujin.payments.models_reconciliation import (
    BREAK_OPEN,
    BREAK_RESOLVED,
    REASON_FILE_CHANGED,
    REASON_FILE_MALFORMED,
    REASON_FILE_MISSING,
    REASON_SEQUENCE_GAP,
    RESOLVED_CLEARED,
    RUN_COMPLETE,
    RUN_INCOMPLETE,
    Break,
    ReconciliationRun,
)
from hujin.payments.permissions import RECONCILE
from hujin.payments.reconciliation import events
from hujin.payments.reconciliation.errors import (
    ReconciliationDateInvalid,
    ReconciliationFileMissing,
    ReconciliationNotPermitted,
)
from hujin.payments.reconciliation.files import ChannelFile, FileMalformed, file_parse, file_sha256
from hujin.payments.reconciliation.matching import Found, Match, break_key, match_day
from hujin.payments.services.house import clearing_code, house_account_id

ACTOR = system_actor("payments")
TARGET = "payments.reconciliation_run"


def _may_reconcile(actor: Actor) -> None:
    if actor.kind != "system" and not actor.has_scope(RECONCILE):
        raise ReconciliationNotPermitted(details={"required_permission": RECONCILE})


def _read(channel, business_date: date) -> tuple[bytes | None, str]:
    try:
        return channel.reconciliation_file(business_date=business_date), ""
    except ReconciliationFileMissing:
        return None, REASON_FILE_MISSING


def _next_day_references(channel, business_date: date) -> set[str]:
    """References in the next day's file, if it is out: a movement the channel settled just
    after the cut-off is a timing difference, not a break."""
    content, _ = _read(channel, business_date + timedelta(days=1))
    if content is None:
        return set()
    try:
        parsed = file_parse(content, channel=channel.name,
                            business_date=business_date + timedelta(days=1))  # fmt: skip
    except FileMalformed:
        return set()
    return {line.reference for line in parsed.lines}


def _trust(name: str, business_date: date, parsed: ChannelFile) -> str:
    """Why the file cannot be trusted ("" when it can): changed or out of sequence."""
    runs = ReconciliationRun.objects.filter(channel=name).exclude(file_sha256="")
    earlier = runs.filter(business_date=business_date).order_by("started_at").first()
    if earlier is not None and earlier.file_sha256 != parsed.sha256:
        return REASON_FILE_CHANGED
    before = (
        runs.filter(business_date__lt=business_date, file_sequence__isnull=False)
        .order_by("-business_date", "-started_at")
        .first()
    )
    if before is not None:
        expected = before.file_sequence + (business_date - before.business_date).days
        if parsed.sequence != expected:
            return REASON_SEQUENCE_GAP
    return ""


def _balances(name: str, business_date: date) -> tuple[int, int]:
    """The clearing account's opening and closing posted balance of the day (debit side)."""
    try:
        statement = account_statement(
            actor=ACTOR, account_id=house_account_id(clearing_code(name)),
            from_date=business_date, to_date=business_date, limit=1,
        )  # fmt: skip
    except AccountNotFound:
        return 0, 0
    return statement.opening.net("asset"), statement.closing.net("asset")


def _corrections(name: str, business_date: date) -> int:
    """What resolutions of breaks posted to the clearing account on the day (signed)."""
    rows = Break.objects.filter(channel=name, resolution_business_date=business_date)
    return int(rows.aggregate(total=Sum("correction_clearing_minor"))["total"] or 0)


def reconciliation_run(
    *, business_date: date, actor: Actor, now: datetime, channel: str = "", replay: bool = False
) -> ReconciliationRun:
    """Reconcile ``channel`` (default: the one cards are verified with) for ``business_date``;
    returns the
    run, complete or incomplete (``replay``: asked for by hand, or the date was run before).
    Raises ReconciliationNotPermitted (needs ``payments.reconcile``), ReconciliationDateInvalid
    (an unknown channel, or a date after the current business date)."""
    _may_reconcile(actor)
    configured = channel_named(channel) if channel else card_channel()
    if configured is None or business_date > business_date_get(now=now):
        raise ReconciliationDateInvalid(details={"channel": channel})
    name = configured.name
    earlier = ReconciliationRun.objects.filter(channel=name, business_date=business_date)
    replay = replay or earlier.exists()
    started = dict(channel=name, business_date=business_date, started_at=now, replay=replay)
    content, reason = _read(configured, business_date)
    parsed = None
    if content is not None:
        try:
            parsed = file_parse(content, channel=name, business_date=business_date)
        except FileMalformed:
            reason = REASON_FILE_MALFORMED
    if parsed is not None:
        started.update(file_sha256=parsed.sha256, file_sequence=parsed.sequence,
                       file_lines=len(parsed.lines))  # fmt: skip
        reason = _trust(name, business_date, parsed)
    if reason:
        return _record_incomplete(started, reason, actor, now)
    match = match_day(channel=name, business_date=business_date, file=parsed,
                      next_day_references=_next_day_references(configured, business_date),
                      now=now)  # fmt: skip
    again, _ = _read(configured, business_date)
    if again is None or file_sha256(again) != parsed.sha256:
        return _record_incomplete(started, REASON_FILE_CHANGED, actor, now)
    return _record_complete(started, parsed, match, actor, now)


def _record_incomplete(started: dict, reason: str, actor: Actor, now: datetime):
    with transaction.atomic():
        run = ReconciliationRun.objects.create(
            status=RUN_INCOMPLETE, reason=reason, finished_at=now, **started
        )
        _record(run, actor, now)
    return run


def _record_complete(started, parsed: ChannelFile, match: Match, actor, now):
    name, business_date = started["channel"], started["business_date"]
    opening, closing = _balances(name, business_date)
    corrections = _corrections(name, business_date)
    explained = parsed.total_in_minor + match.in_transit_minor + match.breaks_minor + corrections
    with transaction.atomic():
        run = ReconciliationRun.objects.create(
            status=RUN_COMPLETE, opening_minor=opening, flows_minor=parsed.total_in_minor,
            in_transit_minor=match.in_transit_minor, breaks_minor=match.breaks_minor,
            corrections_minor=corrections, ledger_flows_minor=closing - opening,
            closing_minor=closing, residual_minor=closing - opening - explained,
            matched_count=match.matched, in_flight_count=match.in_flight, finished_at=now,
            **started,
        )  # fmt: skip
        _breaks_record(run, match.found, now)
        run.save(update_fields=["breaks_new", "breaks_persisting", "breaks_resolved"])
        _record(run, actor, now)
    return run


def _breaks_record(run: ReconciliationRun, found: list[Found], now: datetime) -> None:
    """New breaks created, found ones touched, the day's open ones not found resolved. A break
    resolved by a correction stays resolved (what it corrected is history)."""
    day = Break.objects.select_for_update().filter(
        channel=run.channel, business_date=run.business_date
    )
    existing = {b.id: b for b in day.order_by("pk")}
    found_ids = set()
    for item in found:
        key = break_key(run.channel, item.reference, item.kind)
        if key in found_ids:
            continue
        found_ids.add(key)
        known = existing.get(key) or Break.objects.select_for_update().filter(id=key).first()
        if known is None:
            known = _break_create(run, item, key, now)
            if known is None:
                run.breaks_new += 1
                continue
        if known.status == BREAK_RESOLVED and known.resolution != RESOLVED_CLEARED:
            continue
        known.status = BREAK_OPEN if known.status == BREAK_RESOLVED else known.status
        known.resolved_at, known.resolution = None, ""
        known.last_run, known.last_seen_at, known.times_seen = run, now, known.times_seen + 1
        known.channel_amount_minor = item.channel_amount_minor
        known.hujin_amount_minor, known.hujin_status = item.hujin_amount_minor, item.hujin_status
        known.channel_status = item.channel_status
        known.save()
        run.breaks_persisting += 1
    for gone in existing.values():
        if gone.id not in found_ids and gone.status == BREAK_OPEN:
            gone.status, gone.resolution, gone.resolved_at = BREAK_RESOLVED, RESOLVED_CLEARED, now
            gone.last_run = run
            gone.save(update_fields=["status", "resolution", "resolved_at", "last_run"])
            run.breaks_resolved += 1


def _break_create(run: ReconciliationRun, item: Found, key, now: datetime) -> Break | None:
    """Create the break; None when created. Another run of the day creating it at the same
    moment wins: its row is returned (locked) and this run finds it persisting."""
    try:
        with transaction.atomic():
            Break.objects.create(
                id=key, channel=run.channel, business_date=run.business_date,
                reference=item.reference, kind=item.kind, direction=item.direction,
                channel_amount_minor=item.channel_amount_minor,
                hujin_amount_minor=item.hujin_amount_minor, channel_status=item.channel_status,
                hujin_status=item.hujin_status, payment_id=item.payment_id, first_run=run,
                last_run=run, first_seen_at=now, last_seen_at=now,
            )  # fmt: skip
    except IntegrityError:
        return Break.objects.select_for_update().get(id=key)
    return None


def _record(run: ReconciliationRun, actor: Actor, now: datetime) -> None:
    after = {
        "channel": run.channel, "business_date": run.business_date.isoformat(),
        "status": run.status, "reason": run.reason, "file_sha256": run.file_sha256,
        "residual_minor": run.residual_minor, "breaks_new": run.breaks_new,
        "breaks_persisting": run.breaks_persisting, "breaks_resolved": run.breaks_resolved,
    }  # fmt: skip
    audit_record(actor=actor, action="payments.reconciliation_run", target_type=TARGET,
                 target_id=str(run.id), occurred_at=now, after=after)  # fmt: skip
    event_emit(
        aggregate_type=TARGET, aggregate_id=str(run.id), occurred_at=now,
        event_type=(events.RECONCILIATION_COMPLETED if run.status == RUN_COMPLETE
                    else events.RECONCILIATION_INCOMPLETE),
        payload={"run_id": str(run.id), **after},
    )  # fmt: skip


def cob_reconcile(business_date: date, now: datetime) -> dict:
    """COB step: reconcile every configured channel (a disabled one too: it may have settled
    that day) for the closing business date."""
    names = list(PaymentChannel.objects.order_by("priority", "name").values_list("name", flat=True))
    report = {}
    for name in names or [card_channel().name]:
        run = reconciliation_run(business_date=business_date, actor=ACTOR, now=now, channel=name)
        report[name] = {"run_id": str(run.id), "status": run.status, "reason": run.reason,
                        "residual_minor": run.residual_minor, "breaks_new": run.breaks_new,
                        "breaks_open": run.open_breaks}  # fmt: skip
    return report
