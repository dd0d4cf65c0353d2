"""What a log-in's start and end leave behind, the same for a browser session and for the mobile
app's tokens: an audit entry per session and one ``identity.session_started`` /
``identity.sessions_revoked`` event. Run inside the caller's transaction."""

from datetime import datetime

from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.models import User
from hujin.identity.security_events import ip_masked, user_actor


def session_started_record(
    *,
    user: User,
    action: str,
    target_type: str,
    session_id,
    ip: str | None,
    mfa_verified: bool,
    now: datetime,
    channel: str = "",
) -> None:
    audit_record(
        actor=user_actor(user),
        action=action,
        target_type=target_type,
        target_id=str(session_id),
        occurred_at=now,
        after={"user_id": str(user.pk), "ip": ip_masked(ip), "mfa_verified": mfa_verified},
    )
    payload = {"user_id": str(user.pk), "session_id": str(session_id), "mfa_verified": mfa_verified}
    if channel:
        payload["channel"] = channel
    event_emit(
        aggregate_type="user",
        aggregate_id=str(user.pk),
        event_type="identity.session_started",
        payload=payload,
        occurred_at=now,
    )


def sessions_revoked_record(
    *, user: User, target_type: str, session_ids: list, now: datetime, reason: str
) -> None:
    for session_id in session_ids:
        audit_record(
            actor=user_actor(user),
            action="session.revoke",
            target_type=target_type,
            target_id=str(session_id),
            occurred_at=now,
            after={"revoked_at": now.isoformat(), "reason": reason},
        )
    event_emit(
        aggregate_type="user",
        aggregate_id=str(user.pk),
        event_type="identity.sessions_revoked",
        payload={
            "user_id": str(user.pk),
            "session_ids": [str(i) for i in session_ids],
            "reason": reason,
        },
        occurred_at=now,
    )
