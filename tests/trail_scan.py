"""Audit entries and event payloads carry references, never personal data.

The audit trail is append-only and kept for ever, and the outbox keeps every event: a value
written there could never be erased for a PIPL deletion. ``personal_data_in_trail(values)`` lists
where any of the given values (a legal name, a mobile or identity number, an e-mail address, a
card number, a password, free text typed in a form...) shows up in an audit entry (actor label,
target, ``before``, ``after``) or an outbox event (aggregate id, payload). Masked forms
(``138****5678``) are not the value and are not reported; a test asserts their absence itself where
it matters.
"""

import json
from collections.abc import Iterable

from hujin.core.models import AuditEntry, OutboxEvent


def _variants(value: str) -> set[str]:
    """The value as the code might have stored it: case, a +86 prefix or separators aside."""
    value = value.strip()
    variants = {value, value.upper(), value.lower(), value.removeprefix("+86")}
    compact = "".join(value.split()).replace("-", "")
    variants |= {compact, compact.removeprefix("+86")}
    return {v for v in variants if len(v) >= 2}


def trail_texts() -> list[tuple[str, str]]:
    """(where, text) for every audit entry and every outbox event, in writing order."""
    texts = []
    for entry in AuditEntry.objects.order_by("id"):
        fields = [entry.actor_label, entry.target_id, entry.before, entry.after]
        texts.append(
            (f"audit entry {entry.id} ({entry.action})", json.dumps(fields, ensure_ascii=False))
        )
    for event in OutboxEvent.objects.order_by("id"):
        fields = [event.aggregate_id, event.payload]
        texts.append(
            (f"event {event.id} ({event.event_type})", json.dumps(fields, ensure_ascii=False))
        )
    return texts


def _masked(value: str) -> str:
    return value[:2] + "*" * max(len(value) - 4, 1) + value[-2:] if len(value) > 4 else "*" * 4


def personal_data_in_trail(values: Iterable[str]) -> list[str]:
    """Where the values appear, as "<where>: <value masked>"; empty when nowhere."""
    wanted = {variant: value for value in values if value for variant in _variants(value)}
    found = []
    for where, text in trail_texts():
        hits = {value for variant, value in wanted.items() if variant in text}
        found += [f"{where}: {_masked(value)}" for value in sorted(hits)]
    return found


def trail_is_written() -> bool:
    """The scan has something to look at (a test whose writes audited nothing proves nothing)."""
    return AuditEntry.objects.exists() and OutboxEvent.objects.exists()
