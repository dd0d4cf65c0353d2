"""Identity's audit entries and events carry references, never personal data: after sign-up,
log-ins, a password reset, a staff login's provisioning, an authenticator and an anonymisation,
no mobile number, password, display name or e-mail address is in the audit trail or the outbox.
"""

from datetime import timedelta

import pyotp
import pytest

from hujin.core.actors import system_actor
from hujin.identity.errors import LoginFailed
from hujin.identity.login import login_customer
from hujin.identity.models import User
from hujin.identity.password_reset import (
    password_reset_complete,
    password_reset_start,
    password_reset_verify,
)
from hujin.identity.personal_data import user_anonymise
from hujin.identity.provisioning import staff_login_provision
from hujin.identity.signup import signup_complete, signup_start, signup_verify
from hujin.identity.signup_terms import signup_terms_current
from tests.identity.conftest import sms_code
from tests.trail_scan import personal_data_in_trail, trail_is_written

pytestmark = pytest.mark.django_db

MOBILE = "+8613700004321"
PASSWORD = "jade-lantern-harbour-9"
NEW_PASSWORD = "copper-kettle-meadow-7"
STAFF_NAME = "王小明"
STAFF_PASSWORD = "silver-birch-orchard-3"
EMAIL = "wang.xiaoming@example.com"
IP = "203.0.113.77"


def sign_up(now) -> User:
    signup_start(mobile=MOBILE.removeprefix("+86"), ip=IP, now=now)
    challenge = signup_verify(mobile_e164=MOBILE, code=sms_code(MOBILE, "signup"), now=now)
    return signup_complete(
        mobile_e164=MOBILE, challenge_id=challenge.id, password=PASSWORD,
        password_confirm=PASSWORD, ip=IP, now=now,
        terms_accepted=[term.id for term in signup_terms_current()],
    )  # fmt: skip


def reset_password(now) -> None:
    password_reset_start(mobile=MOBILE, ip=IP, now=now)
    challenge = password_reset_verify(mobile_e164=MOBILE, code=sms_code(MOBILE, "reset"), now=now)
    password_reset_complete(
        mobile_e164=MOBILE, challenge_id=challenge.id, password=NEW_PASSWORD,
        password_confirm=NEW_PASSWORD, ip=IP, now=now,
    )  # fmt: skip


def test_identitys_writes_leave_no_personal_data_in_the_trail(now):
    customer = sign_up(now)
    with pytest.raises(LoginFailed):
        login_customer(mobile=MOBILE, password="wrong-password-1", ip=IP, user_agent="t", now=now)
    login_customer(mobile=MOBILE, password=PASSWORD, ip=IP, user_agent="t", now=now)
    reset_password(now + timedelta(minutes=5))  # a code for the number may be asked again
    staff = staff_login_provision(
        username="wang.xm", display_name=STAFF_NAME, role="auditor", password=STAFF_PASSWORD,
        superuser=False, totp_secret=pyotp.random_base32(), actor=system_actor("test"), now=now,
    )  # fmt: skip
    User.objects.filter(pk=staff.user_id).update(email=EMAIL)
    staff_again = staff_login_provision(
        username="wang.xm", display_name=STAFF_NAME, role="compliance_officer",
        password=STAFF_PASSWORD, superuser=False, totp_secret=pyotp.random_base32(),
        actor=system_actor("test"), now=now,
    )  # fmt: skip
    user_anonymise(actor=system_actor("test"), user_id=customer.pk, now=now)

    assert trail_is_written()
    assert personal_data_in_trail(
        [MOBILE, PASSWORD, NEW_PASSWORD, STAFF_NAME, STAFF_PASSWORD, EMAIL, staff.totp_secret,
         staff_again.totp_secret]
    ) == []  # fmt: skip
