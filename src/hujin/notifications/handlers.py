"""The events that tell customers something, turned into messages (subscribed in
NotificationsConfig.ready()).

Each handler is idempotent: the event's id is the message's dedupe key, so a redelivered event
writes nothing new. The customers module's events share one subscriber name, so one
customer's messages arrive in the order the events happened.
"""

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor, system_actor
from hujin.core.dates import business_time_zone, calendar_date_at
from hujin.core.events import DomainEvent, event_subscribe
from hujin.customers.permissions import REVIEW_KYC
from hujin.customers.selectors import customer_user_id, kyc_application_detail
from hujin.identity.selectors import customer_login_exists
from hujin.notifications import catalogue
from hujin.notifications.services import notification_send
from hujin.suitability.selectors import assessment_get_for_user

logger = logging.getLogger(__name__)
ACTOR = system_actor("notifications")
# Reads a rejected application's reason to tell its customer: customers' public read of an
# application asks for the reviewer's permission, and nothing more (no personal data revealed).
KYC_READER = Actor(
    kind="system", id="notifications", label="notifications", scopes=frozenset({REVIEW_KYC})
)
NO_REASON = _("no reason was recorded")


def _time(moment: datetime) -> str:
    return timezone.localtime(moment, business_time_zone()).strftime("%Y-%m-%d %H:%M")


def _send(event: DomainEvent, user_id, kind: str, params=None, link_args: Sequence = ()) -> None:
    notification_send(
        user_id=user_id,
        kind=kind,
        params=params or {},
        link_args=link_args,
        dedupe_key=str(event.event_id),
        actor=ACTOR,
        now=event.occurred_at,
    )


def _login_of_customer(event: DomainEvent) -> uuid.UUID | None:
    """The login a customers event is about: named in it, or (an event written before its
    payload named the login) the customer profile's login now."""
    user_id = event.payload.get("user_id")
    if user_id:
        return uuid.UUID(user_id)
    found = customer_user_id(customer_id=event.payload["customer_id"])
    if found is None:
        logger.warning(
            "no login for a customer event; no message sent",
            extra={"event_id": str(event.event_id), "event_type": event.event_type},
        )
    return found


def on_kyc_verified(event: DomainEvent) -> None:
    """customers.kyc_verified {customer_id, user_id, ...}."""
    if (user_id := _login_of_customer(event)) is not None:
        _send(event, user_id, catalogue.KYC_VERIFIED)


def on_kyc_rejected(event: DomainEvent) -> None:
    """customers.kyc_rejected {customer_id, application_id}: with the reason the customer's
    status page shows them."""
    if (user_id := _login_of_customer(event)) is None:
        return
    application = kyc_application_detail(
        actor=KYC_READER,
        application_id=uuid.UUID(event.payload["application_id"]),
        now=event.occurred_at,
    )
    reason = application.review_reason.strip().rstrip(".。") or NO_REASON
    _send(event, user_id, catalogue.KYC_REJECTED, {"reason": reason})


def on_account_opened(event: DomainEvent) -> None:
    """customers.account_opened {customer_id, user_id, account_id, currency}."""
    if (user_id := _login_of_customer(event)) is not None:
        _send(event, user_id, catalogue.WALLET_OPENED)


_STATUS_KINDS = {
    ("active", "frozen"): catalogue.ACCOUNT_FROZEN,
    ("frozen", "active"): catalogue.ACCOUNT_UNFROZEN,
}


def on_status_changed(event: DomainEvent) -> None:
    """customers.status_changed {customer_id, from, to}: frozen, unfrozen or closed."""
    change = (event.payload.get("from"), event.payload.get("to"))
    kind = catalogue.ACCOUNT_CLOSED if change[1] == "closed" else _STATUS_KINDS.get(change)
    if kind is not None and (user_id := _login_of_customer(event)) is not None:
        _send(event, user_id, kind)


def on_security_event(event: DomainEvent) -> None:
    """identity.security_event {kind, user_id, ip (masked), ...}: a customer's sign-in from a
    new device or network (identity's session_started cannot tell a new device; this can)."""
    payload = event.payload
    user_id = payload.get("user_id")
    if payload.get("kind") != "new_device_or_ip" or not user_id:
        return
    if customer_login_exists(user_id=user_id):
        params = {"network": payload.get("ip") or "—", "time": _time(event.occurred_at)}
        _send(event, user_id, catalogue.NEW_SIGN_IN, params)


def on_password_reset(event: DomainEvent) -> None:
    """identity.password_reset {user_id, sessions_ended}."""
    user_id = event.payload["user_id"]
    if customer_login_exists(user_id=user_id):
        _send(event, user_id, catalogue.PASSWORD_RESET, {"time": _time(event.occurred_at)})


def on_assessed(event: DomainEvent) -> None:
    """suitability.assessed {user_id, assessment_id, level, expires_at, ...}."""
    user_id, assessment_id = event.payload["user_id"], event.payload["assessment_id"]
    profile = assessment_get_for_user(
        user_id=user_id, assessment_id=assessment_id, now=event.occurred_at
    )
    params = {
        "level": profile.level,
        "label": profile.label,  # lazy: rendered in the recipient's language
        "valid_until": calendar_date_at(profile.expires_at).isoformat(),
    }
    _send(event, user_id, catalogue.RISK_ASSESSED, params, link_args=[assessment_id])


CUSTOMERS = "notifications.customers"  # one name: a customer's events stay in order


def subscribe() -> None:
    event_subscribe("customers.kyc_verified", on_kyc_verified, name=CUSTOMERS)
    event_subscribe("customers.kyc_rejected", on_kyc_rejected, name=CUSTOMERS)
    event_subscribe("customers.account_opened", on_account_opened, name=CUSTOMERS)
    event_subscribe("customers.status_changed", on_status_changed, name=CUSTOMERS)
    event_subscribe("identity.security_event", on_security_event, name="notifications.security")
    event_subscribe("identity.password_reset", on_password_reset, name="notifications.security")
    event_subscribe("suitability.assessed", on_assessed, name="notifications.risk_profile")
