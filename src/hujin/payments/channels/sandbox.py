"""The SANDBOX channel: a stand-in bank gateway for development, tests and the demo.

It sends no text message. Identity's public SMS function texts a customer's login number only,
not a card's reserved mobile, so the sandbox keeps each code in its own table
(``payments.SandboxCode``) and staff read it on the console's development page
(/payments/dev/codes/), as they read the development SMS outbox. Refused in production.

Knobs (``settings.HUJIN_PAYMENTS_SANDBOX``, a dict):

- ``verify_decline_share`` (0 to 1, default 0): the share of verifications the "bank" declines.
- ``code``: a fixed code instead of a random one (tests and the demo).

Money (top-ups and withdrawals): the sandbox records each instruction (``SandboxInstruction``)
and decides its outcome at once; ``sandbox_callbacks_run(now)`` — a task every minute, or tests —
later signs the callback and hands it to the same function Hujin's webhook view calls. Knobs:

- ``fail_share`` (0 to 1, default 0): the share of payments the "bank" fails;
- ``duplicate_share`` (0 to 1): the share whose callback comes twice;
- ``delay_seconds`` (default 0): how long after the instruction the callback is due;
- ``jitter_seconds`` (default 0): up to this much more, drawn per instruction, so that callbacks
  come out of order (a later payment's before an earlier one's);
- ``lost_share`` (0 to 1): the share whose answer to the instruction is lost (the payment is
  ``unknown`` until Hujin queries; the callback never comes);
- ``seed``: makes the n-th instruction's draws a function of the seed and n (tests, the demo);
- ``down``: the names of sandbox channels that refuse every connection (``ChannelDown``: the
  instruction is not taken), to see routing fail over to the next channel.

Operations may configure the sandbox adapter under several names (``sandbox``, ``sandbox-b``):
each name is its own "bank", with its own instructions, callbacks signed with its own secret and
its own reconciliation file.

The daily reconciliation file (``reconciliation_file``, format in ``channels.base``) lists every
instruction due that day (calendar date of ``due_at`` in the business time zone), settled at
``due_at``. Knobs to make it disagree with what the sandbox called back (each share is drawn per
line from the seed and the reference, so the same day's file is the same bytes every time):

- ``recon_drop_share``: the share of lines left out;
- ``recon_amount_share``: the share of lines whose amount is 1 yuan more;
- ``recon_status_share``: the share of lines whose status is flipped (succeeded ⇄ failed);
- ``recon_duplicate_share``: the share of lines written twice;
- ``recon_extra_lines``: how many lines of top-ups Hujin never asked for are added;
- ``recon_missing``: true: the file is withheld (``ReconciliationFileMissing``);
- ``recon_sequence_offset``: added to the file's sequence number (a jump: a gap).
"""

import json
import logging
import random
import secrets
import uuid
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings

from hujin.core.dates import business_time_zone
from hujin.core.masking import mask_mobile
from hujin.core.sql import Dialect, hot_rows
from hujin.payments.errors import CardVerificationDeclined, ChannelDown, ChannelUnavailable
from hujin.payments.models import SandboxCode, SandboxInstruction
from hujin.payments.types import (
    OUTCOME_FAILED,
    OUTCOME_NOT_FOUND,
    OUTCOME_PENDING,
    OUTCOME_SUCCEEDED,
    ChannelAnswer,
)

CODE_DIGITS = 6
logger = logging.getLogger(__name__)
_random = random.Random()


def _knobs() -> dict:
    return dict(getattr(settings, "HUJIN_PAYMENTS_SANDBOX", None) or {})


class SandboxChannel:
    name = "sandbox"
    development_only = True

    def __init__(self, *, name: str | None = None):
        if name:
            self.name = name

    def card_verify_begin(
        self,
        *,
        card_number: str,
        holder_name: str,
        reserved_mobile: str,
        id_number: str | None = None,
        now: datetime,
    ) -> str:
        knobs = _knobs()
        share = float(knobs.get("verify_decline_share", 0) or 0)
        if share and _random.random() < share:
            raise CardVerificationDeclined()
        code = str(knobs.get("code") or "").strip() or "".join(
            secrets.choice("0123456789") for _ in range(CODE_DIGITS)
        )
        reference = f"sbx-{secrets.token_hex(12)}"
        SandboxCode.objects.create(
            reference=reference,
            code=code,
            last4=card_number[-4:],
            mobile_masked=mask_mobile(reserved_mobile),
            created_at=now,
        )
        return reference

    def card_verify_confirm(self, *, reference: str, code: str, now: datetime) -> bool:
        row = SandboxCode.objects.filter(reference=reference).first()
        if row is None or not secrets.compare_digest(row.code, (code or "").strip()):
            return False
        SandboxCode.objects.filter(reference=reference).update(confirmed_at=now)
        return True

    def pay_in(self, *, payment_id, card_number, holder_name, amount_minor, currency, now) -> str:
        return _instruct(self.name, "in", payment_id, amount_minor, now)

    def pay_out(self, *, payment_id, card_number, holder_name, amount_minor, currency, now) -> str:
        return _instruct(self.name, "out", payment_id, amount_minor, now)

    def query(self, *, payment_id: uuid.UUID, now: datetime) -> ChannelAnswer:
        row = SandboxInstruction.objects.filter(payment_id=payment_id).first()
        if row is None:
            return ChannelAnswer(outcome=OUTCOME_NOT_FOUND)
        if row.due_at > now:
            return ChannelAnswer(outcome=OUTCOME_PENDING, reference=row.reference)
        return ChannelAnswer(
            outcome=row.outcome, reference=row.reference, failure_code=row.failure_code
        )

    def reconciliation_file(self, *, business_date: date) -> bytes:
        from hujin.payments.reconciliation.errors import ReconciliationFileMissing

        knobs = _knobs()
        if knobs.get("recon_missing"):
            raise ReconciliationFileMissing()
        start = datetime.combine(business_date, time(0), tzinfo=business_time_zone())
        rows = SandboxInstruction.objects.filter(
            channel=self.name, due_at__gte=start, due_at__lt=start + timedelta(days=1)
        ).order_by("due_at", "reference")
        lines: list[list[str]] = []
        for row in rows:
            lines.extend(_file_lines(row, knobs))
        for n in range(int(knobs.get("recon_extra_lines", 0) or 0)):
            reference = f"sbx-extra-{business_date.isoformat()}-{n}"
            lines.append(
                ["D", reference, str(uuid.uuid5(uuid.NAMESPACE_URL, reference)), "in", "12345",
                 "CNY", OUTCOME_SUCCEEDED, _utc(start + timedelta(hours=12))]
            )  # fmt: skip
        sequence = (business_date - SEQUENCE_EPOCH).days + int(
            knobs.get("recon_sequence_offset", 0) or 0
        )
        total = {
            d: sum(int(x[4]) for x in lines if x[3] == d and x[6] == OUTCOME_SUCCEEDED)
            for d in ("in", "out")
        }
        out = [["H", self.name, business_date.isoformat(), str(len(lines)), str(sequence)]]
        out += lines
        out.append(["T", str(len(lines)), str(total["in"]), str(total["out"])])
        return "".join(",".join(line) + "\n" for line in out).encode()


# The sandbox's file of 2020-01-01 is number 0.
SEQUENCE_EPOCH = date(2020, 1, 1)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _line_draw(knobs: dict, reference: str, name: str) -> bool:
    share = float(knobs.get(name, 0) or 0)
    return bool(share) and random.Random(f"{knobs.get('seed')}:{reference}:{name}").random() < share


def _file_lines(row: SandboxInstruction, knobs: dict) -> list[list[str]]:
    """The detail line(s) of one instruction as the knobs make them."""
    if _line_draw(knobs, row.reference, "recon_drop_share"):
        return []
    amount = row.amount + (100 if _line_draw(knobs, row.reference, "recon_amount_share") else 0)
    status = row.outcome
    if _line_draw(knobs, row.reference, "recon_status_share"):
        status = OUTCOME_FAILED if status == OUTCOME_SUCCEEDED else OUTCOME_SUCCEEDED
    line = ["D", row.reference, str(row.payment_id), row.direction, str(amount), "CNY", status,
            _utc(row.due_at)]  # fmt: skip
    twice = _line_draw(knobs, row.reference, "recon_duplicate_share")
    return [line, list(line)] if twice else [line]


def _draws(payment_id: uuid.UUID) -> random.Random:
    """With a seed, the n-th instruction's draws are a function of the seed and n (a test's
    run is the same every time); without, random."""
    seed = _knobs().get("seed")
    if seed is None:
        return random.Random()
    return random.Random(f"{seed}:{SandboxInstruction.objects.count()}")


def _share(name: str) -> float:
    return float(_knobs().get(name, 0) or 0)


def _instruct(
    channel: str, direction: str, payment_id: uuid.UUID, amount_minor: int, now: datetime
) -> str:
    """Take the instruction once (a repeat names the same one); raise ChannelDown when this
    sandbox is set down, ChannelUnavailable when the draw says the answer is lost."""
    if channel in (_knobs().get("down") or ()):
        raise ChannelDown()
    draws = _draws(payment_id)
    failed, twice, lost = (draws.random() < _share(n) for n in
                           ("fail_share", "duplicate_share", "lost_share"))  # fmt: skip
    delay = float(_knobs().get("delay_seconds", 0) or 0)
    delay += draws.uniform(0, float(_knobs().get("jitter_seconds", 0) or 0))
    taken = SandboxInstruction(
        reference=f"sbx-{secrets.token_hex(12)}", payment_id=payment_id, direction=direction,
        channel=channel, amount=amount_minor,
        outcome=OUTCOME_FAILED if failed else OUTCOME_SUCCEEDED,
        failure_code="declined_by_bank" if failed else "", due_at=now + timedelta(seconds=delay),
        deliveries_left=0 if lost else (2 if twice else 1), created_at=now,
    )  # fmt: skip
    reference = _take(taken)
    if lost:
        raise ChannelUnavailable()
    return reference


_TAKE_COLUMNS = list(SandboxInstruction._meta.concrete_fields)
_TAKE = (
    f"INSERT INTO payments_sandboxinstruction ({', '.join(f.column for f in _TAKE_COLUMNS)}) "
    f"VALUES ({', '.join(['%s'] * len(_TAKE_COLUMNS))}) "
    "ON CONFLICT (payment_id) DO NOTHING RETURNING reference"
)


def _take(row: SandboxInstruction) -> str:
    """Keep the instruction ``row`` unless the payment's is kept already (one statement, its own
    transaction outside one); the reference of the one kept."""
    d = Dialect()
    values = [f.get_db_prep_save(f.pre_save(row, True), connection=d.conn) for f in _TAKE_COLUMNS]
    taken = hot_rows(d, _TAKE, values)
    if taken:
        return taken[0][0]
    return SandboxInstruction.objects.get(payment_id=row.payment_id).reference


def sandbox_callback_body(row: SandboxInstruction) -> bytes:
    return json.dumps(
        {"payment_id": str(row.payment_id), "reference": row.reference, "outcome": row.outcome,
         "failure_code": row.failure_code},
        separators=(",", ":"),
    ).encode()  # fmt: skip


def sandbox_callbacks_run(*, now: datetime) -> int:
    """Deliver every callback that is due, signed, to the webhook's handling function; returns
    how many were delivered. What the webhook refuses is logged and delivered again next time,
    as a bank retries."""
    from hujin.core.errors import HujinError
    from hujin.payments.services.callbacks import callback_receive
    from hujin.payments.signing import callback_signature

    delivered = 0
    due = SandboxInstruction.objects.filter(due_at__lte=now, deliveries_left__gt=0)
    for row in list(due.order_by("due_at", "reference")):
        body = sandbox_callback_body(row)
        timestamp = str(int(now.timestamp()))
        signature = callback_signature(channel=row.channel, timestamp=timestamp, body=body)
        try:
            callback_receive(channel=row.channel, timestamp=timestamp,
                             signature=signature, body=body, now=now)  # fmt: skip
        except HujinError as error:
            logger.warning("sandbox callback refused", extra={"code": error.code})
            continue
        SandboxInstruction.objects.filter(pk=row.pk).update(
            deliveries_left=row.deliveries_left - 1, delivered_at=now
        )
        delivered += 1
    return delivered


def sandbox_codes_recent(*, limit: int = 50) -> list[SandboxCode]:
    return list(SandboxCode.objects.all()[:limit])
