"""The documents a visitor agrees to when opening an account, and the record that they did.

The documents and the consent records belong to privacy, which sits above identity: identity
cannot ask it. So privacy registers a hook at start-up (``PrivacyConfig.ready``), through
``hujin.identity.services.signup_terms_register``:

    current() -> list[SignupTerm]
        the versions to agree to now, each with its title in the active language and the address
        of its full text;
    accept(*, user_id, term_ids, ip, actor, now)
        records that the new customer accepted those versions (raises a HujinError when it
        cannot, and the sign-up then fails as a whole).

Sign-up shows ``current()`` beside a required checkbox on its first step and keeps the ids the
visitor saw in the sign-up's session; ``signup_complete`` calls ``accept`` inside the transaction
that creates the login, so the customer and their consents exist together or not at all. With
nothing registered (an installation without privacy) there is nothing to agree to.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from hujin.core.actors import Actor


@dataclass(frozen=True, slots=True)
class SignupTerm:
    id: str  # the document version's id: what the visitor saw is what is recorded
    title: str
    url: str


@dataclass(frozen=True, slots=True)
class _Hook:
    current: Callable[[], list[SignupTerm]]
    accept: Callable[..., None]


_hooks: list[_Hook] = []


def signup_terms_register(
    *, current: Callable[[], list[SignupTerm]], accept: Callable[..., None]
) -> None:
    """Register the module that owns the sign-up documents (one; a second replaces it)."""
    _hooks[:] = [_Hook(current=current, accept=accept)]


def signup_terms_current() -> list[SignupTerm]:
    return list(_hooks[0].current()) if _hooks else []


def signup_terms_accept(
    *, user_id: uuid.UUID, term_ids: Sequence[str], ip: str | None, actor: Actor, now: datetime
) -> None:
    if _hooks and term_ids:
        _hooks[0].accept(user_id=user_id, term_ids=list(term_ids), ip=ip, actor=actor, now=now)
