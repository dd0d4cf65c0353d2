"""The registry of personal data: who holds what about a person, how to export it and how to
anonymise it.

Every module that stores personal data registers its own part, from its own
``AppConfig.ready``:

    register_personal_data(
        "customers",
        export=lambda user_id: {...},                 # JSON-able dict for the data download
        anonymise=fn,                                 # fn(*, user_id, actor, now) -> None
        retention="KYC records kept 5 years after the relationship ends (AML law art. 19)",
        deletion_blocker=fn,                          # optional: fn(*, user_id) -> str | None
    )

The registry lives in core so that every module, whatever its layer, can register itself;
privacy only reads it (the data download and deletion requests). An anonymiser runs inside the
deletion's transaction: it must only write, never commit, and leave financial records (ledger
transfers) untouched.

A module may also guard the withdrawal of a consent (``register_withdrawal_guard``): the guard
returns a reason, shown to the customer, while the consent may not be withdrawn.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Exporter = Callable[[uuid.UUID], dict[str, Any]]
Anonymiser = Callable[..., None]  # (*, user_id, actor: Actor, now: datetime) -> None
Blocker = Callable[..., "str | None"]  # (*, user_id) -> reason or None


@dataclass(frozen=True, slots=True)
class PersonalDataPart:
    name: str
    export: Exporter
    anonymise: Anonymiser
    retention: str = ""
    deletion_blocker: Blocker | None = None


_parts: dict[str, PersonalDataPart] = {}
_withdrawal_guards: dict[str, list[Blocker]] = {}


def register_personal_data(
    name: str,
    *,
    export: Exporter,
    anonymise: Anonymiser,
    retention: str = "",
    deletion_blocker: Blocker | None = None,
) -> PersonalDataPart:
    """Register one module's personal data. The same name registered again with other
    functions is refused (two modules claiming one name is a bug)."""
    if not name or not name.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"personal-data part names are identifiers, not {name!r}")
    part = PersonalDataPart(
        name=name,
        export=export,
        anonymise=anonymise,
        retention=retention,
        deletion_blocker=deletion_blocker,
    )
    existing = _parts.get(name)
    if existing is not None and existing != part:
        raise ValueError(f"personal-data part {name!r} is already registered")
    _parts[name] = part
    return part


def personal_data_parts() -> list[PersonalDataPart]:
    """Every registered part, by name."""
    return [_parts[name] for name in sorted(_parts)]


def register_withdrawal_guard(kind: str, guard: Blocker) -> None:
    """``guard(*, user_id)`` returns why the consent of ``kind`` may not be withdrawn now, or
    None. Example: the service agreement while the customer still holds accounts."""
    guards = _withdrawal_guards.setdefault(kind, [])
    if guard not in guards:
        guards.append(guard)


def withdrawal_guards(kind: str) -> tuple[Blocker, ...]:
    return tuple(_withdrawal_guards.get(kind, ()))
