"""Identity's reads. Pages and other modules get plain values, never querysets."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.pages import keyset_page
from hujin.core.sql import Dialect, hot_rows
from hujin.identity.access import customer_actor
from hujin.identity.errors import (
    ApiKeyNotFound,
    MobileInvalid,
    NotACustomerLogin,
    ProvisioningDenied,
)
from hujin.identity.models import ApiKey, User
from hujin.identity.phones import mobile_index_of, mobile_normalise
from hujin.identity.scopes import Scope, scope_catalogue
from hujin.identity.services import api_key_require_manager

PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class ApiKeyRow:
    id: uuid.UUID
    name: str
    prefix: str
    scopes: tuple[str, ...]
    created_at: datetime
    created_by_label: str
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None
    status: str  # "active" | "expired" | "revoked"

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True, slots=True)
class ApiKeyPage:
    rows: list[ApiKeyRow]
    newer_cursor: str | None  # pass as ?after= to see newer keys
    older_cursor: str | None  # pass as ?before= to see older keys


def api_key_row(key: ApiKey, *, now: datetime) -> ApiKeyRow:
    if key.revoked_at is not None:
        status = "revoked"
    elif key.expires_at is not None and key.expires_at <= now:
        status = "expired"
    else:
        status = "active"
    return ApiKeyRow(
        id=key.id,
        name=key.name,
        prefix=key.prefix,
        scopes=tuple(key.scopes),
        created_at=key.created_at,
        created_by_label=key.created_by_label,
        expires_at=key.expires_at,
        revoked_at=key.revoked_at,
        last_used_at=key.last_used_at,
        status=status,
    )


def api_key_page(
    *,
    actor: Actor,
    now: datetime,
    before: uuid.UUID | None = None,
    after: uuid.UUID | None = None,
    limit: int = PAGE_SIZE,
) -> ApiKeyPage:
    """API keys, newest first (by created_at, then id), one keyset page at a time.

    ``before`` gives the keys older than the key with that id, ``after`` the keys newer than
    it; a cursor naming no key gives the first page. Raises ApiKeyManagementDenied.
    """
    api_key_require_manager(actor)
    page = keyset_page(ApiKey.objects.all(), before=before, after=after, limit=limit)
    return ApiKeyPage(
        rows=[api_key_row(k, now=now) for k in page.rows],
        newer_cursor=page.newer_cursor,
        older_cursor=page.older_cursor,
    )


def api_key_get(*, actor: Actor, api_key_id: uuid.UUID | str, now: datetime) -> ApiKeyRow:
    """One key. Raises ApiKeyManagementDenied, ApiKeyNotFound."""
    api_key_require_manager(actor)
    try:
        key = ApiKey.objects.filter(pk=uuid.UUID(str(api_key_id))).first()
    except ValueError:
        key = None
    if key is None:
        raise ApiKeyNotFound(details={"api_key_id": str(api_key_id)[:64]})
    return api_key_row(key, now=now)


def api_key_scope_choices() -> list[Scope]:
    """The scopes a key may be given."""
    return scope_catalogue()


# -- customer logins, for the modules that keep customers ------------------------------------


def user_id_for_mobile(*, mobile: str) -> uuid.UUID | None:
    """The id of the login registered with this mobile number, however it was typed (with or
    without +86, spaces, hyphens); None when it is malformed or not registered. Matched on the
    blind index: returns an id, never personal data."""
    index = mobile_lookup_index(mobile=mobile)
    if index is None:
        return None
    return User.objects.filter(mobile_index=index).values_list("id", flat=True).first()


def mobile_lookup_index(*, mobile: str) -> str | None:
    """The blind index a login with this mobile number (however typed) is found by — what the
    database function ``identity_user_for_mobile_index`` (identity migration 0006) takes; None
    when the number is malformed."""
    try:
        return mobile_index_of(mobile_normalise(mobile))
    except MobileInvalid:
        return None


def user_labels(*, user_ids) -> dict[str, str]:
    """How the console names the people behind logins, by id (as text): a staff member by their
    name, else their username; a customer by their masked mobile (never the opaque username).
    One query for a page's worth of ids; an id that is no login is left out."""
    # An actor id that is no login's (a job, a test's made-up id) is left out.
    ids = {str(parsed) for parsed in uuids_parsed(user_ids).values()}
    if not ids:
        return {}
    labels = {}
    for user in User.objects.filter(id__in=ids):
        if user.kind == User.Kind.STAFF:
            labels[str(user.pk)] = user.get_full_name() or user.get_username()
        else:
            labels[str(user.pk)] = user.display_label
    return labels


def customer_login_exists(*, user_id: uuid.UUID | str) -> bool:
    """Whether ``user_id`` is a customer login (active or not)."""
    return User.objects.filter(id=user_id, kind=User.Kind.CUSTOMER).exists()


def _require_system(actor: Actor) -> None:
    if actor.kind != "system":
        raise ProvisioningDenied()


def customer_login_ids(*, actor: Actor) -> list[uuid.UUID]:
    """Every active customer login, oldest first: for system jobs that act for each customer
    (the demo). Raises ProvisioningDenied for anyone but the system."""
    _require_system(actor)
    rows = User.objects.filter(kind=User.Kind.CUSTOMER, is_active=True)
    return list(rows.order_by("date_joined", "id").values_list("id", flat=True))


def customer_actor_get(*, actor: Actor, user_id: uuid.UUID | str) -> Actor:
    """The Actor of a customer acting on their own things, as ``access.customer_actor`` makes it
    for a logged-in customer: for system jobs that act on a customer's behalf (the demo).
    Raises ProvisioningDenied for anyone but the system, NotACustomerLogin."""
    _require_system(actor)
    user = User.objects.filter(id=user_id, kind=User.Kind.CUSTOMER).first()
    if user is None:
        raise NotACustomerLogin()
    return customer_actor(user)


def security_events_count(
    *, user_id: uuid.UUID | str, since: datetime, kind: str | None = None
) -> int:
    """How many security events (new devices, lock-outs, password resets...) a login had
    since ``since`` — of one ``kind`` when given: a credit assessment's view of account takeover
    risk, the risk screening's "new device" (a count only)."""
    d = Dialect()
    params = [d.uuid_in(uuid.UUID(str(user_id))), d.datetime_in(since)]
    sql = _SECURITY_EVENTS_SQL if kind is None else _SECURITY_EVENTS_SQL + " AND kind = %s"
    rows = hot_rows(d, sql, [*params, kind] if kind is not None else params)
    return int(rows[0][0])


_SECURITY_EVENTS_SQL = (
    "SELECT COUNT(*) FROM identity_securityevent WHERE user_id = %s AND occurred_at >= %s"
)


def dev_sms_code_latest(*, mobile_e164: str, purpose: str) -> str | None:
    """The code in the latest message the development SMS outbox kept for a number and
    purpose (the demo signs its loan contract with it); None without one."""
    from hujin.identity.sms import dev_sms_code

    return dev_sms_code(mobile_e164=mobile_e164, purpose=purpose)
