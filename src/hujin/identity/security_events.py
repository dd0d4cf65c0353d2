"""Security events: recorded for the account's owner, the console and the risk module.

Each one is a ``SecurityEvent`` row, an audit entry and an ``identity.security_event`` domain
event, written in the caller's transaction. The event payload carries no personal data: the
user's id, the kind, and the IP address masked to its network (``1.2.3.x``).
"""

import ipaddress
from datetime import datetime
from typing import Any

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.models import SecurityEvent, User

USER_AGENT_MAX = 300


def ip_masked(ip: str | None) -> str:
    """An IP address with its host part hidden: ``1.2.3.x``, ``2001:db8:1:2:x``; "" if none."""
    if not ip:
        return ""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ""
    if address.version == 4:
        return ".".join(str(address).split(".")[:3]) + ".x"
    groups = address.exploded.split(":")[:4]
    return ":".join(g.lstrip("0") or "0" for g in groups) + ":x"


def user_agent_clean(user_agent: str | None) -> str:
    text = "".join(ch for ch in (user_agent or "") if ch.isprintable())
    return text[:USER_AGENT_MAX]


def security_event_record(
    *,
    kind: str,
    user: User | None,
    ip: str | None,
    now: datetime,
    actor: Actor,
    user_agent: str = "",
    details: dict[str, Any] | None = None,
) -> SecurityEvent:
    """Record one security event. Must run inside the caller's transaction.

    ``details`` must hold no personal data (it goes to the audit trail and the outbox as is).
    """
    event = SecurityEvent.objects.create(
        kind=kind,
        user=user,
        ip=ip or None,
        user_agent=user_agent_clean(user_agent),
        details=details or {},
        occurred_at=now,
    )
    summary = {
        "kind": kind,
        "user_id": str(user.pk) if user else None,
        "ip": ip_masked(ip),
        **(details or {}),
    }
    audit_record(
        actor=actor,
        action=f"security.{kind}",
        target_type="user" if user else "ip",
        target_id=str(user.pk) if user else ip_masked(ip) or "-",
        occurred_at=now,
        after=summary,
    )
    event_emit(
        aggregate_type="user" if user else "ip",
        aggregate_id=str(user.pk) if user else ip_masked(ip) or "-",
        event_type="identity.security_event",
        payload={"security_event_id": str(event.id), "occurred_at": now.isoformat(), **summary},
        occurred_at=now,
    )
    return event


def anonymous_actor(ip: str | None) -> Actor:
    """Who acts before logging in: a visitor, known only by a masked IP address."""
    return Actor(kind="anonymous", id=ip_masked(ip) or "-", label="anonymous")


def user_actor(user: User) -> Actor:
    """The Actor of a user acting on their own account (log-in, sessions, password)."""
    kind = "customer" if user.kind == User.Kind.CUSTOMER else "staff"
    return Actor(kind=kind, id=str(user.pk), label=user.get_username())
