"""Checking a password at log-in, behind the lock-out rules of ``throttle``.

Customers log in with their mobile number, staff with their username. Either way the caller
gets the user back when the password is right and the account may log in there; then the page
decides between the second factor (``mfa_pending``) and ``sessions.session_start``.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext

from hujin.core.audit import audit_record
from hujin.core.errors import HujinError
from hujin.core.screening import Login, logins_observe
from hujin.identity.errors import LoginFailed, LoginNotAllowed, MobileInvalid
from hujin.identity.models import User
from hujin.identity.phones import mobile_index_of, mobile_normalise
from hujin.identity.security_events import anonymous_actor, ip_masked
from hujin.identity.throttle import login_failure_record, login_gate, login_success_record

_MAX_PASSWORD = 4096  # a longer "password" is refused before hashing (hashing costs CPU)


def _password_matches(user: User | None, password: str) -> bool:
    if user is None or not password or len(password) > _MAX_PASSWORD:
        # Hash anyway, so an unknown account takes as long to refuse as a wrong password.
        User().set_password(password[:_MAX_PASSWORD] if password else "-")
        return False
    return user.check_password(password) and user.is_active


def _login(
    *,
    user: User | None,
    password: str,
    ip: str | None,
    user_agent: str,
    now: datetime,
    failed: HujinError,
) -> User:
    login_gate(user=user, ip=ip, now=now)
    if _password_matches(user, password):
        with transaction.atomic():
            login_success_record(user=user)
            logins_observe(Login(user.pk, ip or "", user_agent, True, now))
        return user
    with transaction.atomic():
        outcome = login_failure_record(user=user, ip=ip, user_agent=user_agent, now=now)
        logins_observe(Login(user.pk if user else None, ip or "", user_agent, False, now))
        audit_record(
            actor=anonymous_actor(ip),
            action="login.failed",
            target_type="user" if user else "ip",
            target_id=str(user.pk) if user else ip_masked(ip) or "-",
            occurred_at=now,
            after={"known_account": user is not None},
        )
    raise outcome or failed


def login_customer(
    *, mobile: str, password: str, ip: str | None, user_agent: str, now: datetime
) -> User:
    """The customer whose mobile and password these are.

    Raises LoginFailed (wrong number or password; an unregistered number gets the same answer),
    LoginDelayed, AccountLocked, IpLocked.
    """
    try:
        mobile_e164 = mobile_normalise(mobile)
    except MobileInvalid:
        mobile_e164 = ""
    user = None
    if mobile_e164:
        user = User.objects.filter(
            mobile_index=mobile_index_of(mobile_e164), kind=User.Kind.CUSTOMER
        ).first()
    return _login(
        user=user, password=password, ip=ip, user_agent=user_agent, now=now, failed=LoginFailed()
    )


def login_staff(
    *, username: str, password: str, ip: str | None, user_agent: str, now: datetime
) -> User:
    """The staff member whose username and password these are.

    Raises LoginFailed, LoginNotAllowed (right password, but a customer's account),
    LoginDelayed, AccountLocked, IpLocked.
    """
    user = User.objects.filter(username=(username or "").strip()[:150]).first()
    user = _login(
        user=user,
        password=password,
        ip=ip,
        user_agent=user_agent,
        now=now,
        failed=LoginFailed(gettext("Please enter a correct username and password.")),
    )
    if user.kind != User.Kind.STAFF:
        raise LoginNotAllowed(gettext("This account cannot sign in to the staff console."))
    return user
