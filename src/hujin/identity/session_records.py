"""What a log-in's start and end leave behind, the same for a browser session and for the mobile
app's tokens: an audit entry per session, one ``identity.session_started`` /
``identity.sessions_revoked`` event, and a ``new_device_or_ip`` security event when someone who
logged in before (in a browser or the app) comes from an IP address or a device never seen for
them. Run inside the caller's transaction."""

from dataclasses import dataclass
from datetime import datetime

from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.identity.models import SecurityEvent, User, UserSession
from hujin.identity.models_tokens import CustomerTokenFamily
from hujin.identity.security_events import ip_masked, security_event_record, user_actor


@dataclass(frozen=True, slots=True)
class DeviceSeen:
    known_before: bool  # the user logged in before (the first log-in sets the baseline)
    seen_ip: bool
    seen_agent: bool


def device_seen(*, user: User, ip: str | None, user_agent: str) -> DeviceSeen:
    """Whether ``user`` logged in before, and from this IP address and this device, in a browser
    or in the app. Call it before recording the new log-in."""
    earlier = (UserSession.objects.filter(user=user), CustomerTokenFamily.objects.filter(user=user))
    return DeviceSeen(
        known_before=any(rows.exists() for rows in earlier),
        seen_ip=any(rows.filter(ip=ip).exists() for rows in earlier) if ip else True,
        seen_agent=any(rows.filter(user_agent=user_agent).exists() for rows in earlier),
    )


def session_started_record(
    *,
    user: User,
    action: str,
    target_type: str,
    session_id,
    ip: str | None,
    user_agent: str,
    seen: DeviceSeen,
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
    if seen.known_before and not (seen.seen_ip and seen.seen_agent):
        details = {
            "session_id": str(session_id),
            "new_ip": not seen.seen_ip,
            "new_device": not seen.seen_agent,
        }
        security_event_record(
            kind=SecurityEvent.Kind.NEW_DEVICE_OR_IP, user=user, ip=ip, user_agent=user_agent,
            now=now, actor=user_actor(user),
            details={**details, "channel": channel} if channel else details,
        )  # fmt: skip


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
