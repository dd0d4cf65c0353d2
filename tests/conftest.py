"""Fixtures shared by the whole suite.

pytest-django has loaded the settings and set Django up before this module is imported, so the
environment is arranged two ways:

- `make test` sets HUJIN_VAR_DIR to a fresh temporary directory before Python starts, so the
  test process and any process a test spawns agree on the same var dir (secret key, keys, files).
- Here, after settings have loaded: the SQLite test database goes to a temporary directory of this
  process (two runs in one work tree never share a test database) and huey runs tasks
  immediately, in the calling thread, on in-memory storage (whatever HUJIN_TASKS_URL says).

Fixtures (see each docstring):
    now              fixed aware UTC datetime: 2025-03-14 02:00 UTC (10:00 in Shanghai)
    business_date    the business date of `now` in HUJIN_BUSINESS_TIME_ZONE: 2025-03-14
    staff_password   the staff user's password
    staff_totp_secret  the base32 TOTP secret of staff_user's (and role_client users') device
    staff_user       a staff superuser (User.kind == "staff") with a confirmed TOTP device
    staff_actor      the hujin.core.actors.Actor for staff_user
    staff_client     django.test.Client logged in as staff_user, the session past TOTP
    role_client      factory: role_client("compliance_officer") -> Client of a new staff member
                     holding only that role (MFA-verified session); the user is client.user
    customer_user    a customer (kind="customer") with a mobile number, password staff_password
    customer_client  django.test.Client logged in as customer_user
    api_client       factory: api_client("scope:a", "scope:b", name=...) -> ApiClient

Markers:
    postgres   skipped when the database is SQLite; on PostgreSQL with HUJIN_REQUIRE_POSTGRES=1
               a skip of such a test is reported as a failure.
    browser    see tests/browser/conftest.py; with HUJIN_REQUIRE_BROWSER=1 a skip is a failure.
"""

import atexit
import functools
import os
import shutil
import tempfile
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

# --- environment, arranged once per test process (each xdist worker is one) ------------------

# Fails the run when anything the suite logged holds personal data (see the plugin).
pytest_plugins = ["tests.plugins.pii_log_scan"]

_TMP_DIR = Path(tempfile.mkdtemp(prefix="hujin-tests-"))
atexit.register(shutil.rmtree, _TMP_DIR, ignore_errors=True)

# One blind-index key for every run. Without it each run (a fresh HUJIN_VAR_DIR) made its own,
# and whatever a blind index decides - which credit file the simulated bureau reports for a
# document, so which demo application is referred to an analyst - changed from run to run.
# Processes a test spawns inherit it.
os.environ["HUJIN_INDEX_KEY"] = "FvBx1c159I6f8FnfVNW+n9b2REjXozfaIKMJWOe0e4w="

_default_db = settings.DATABASES["default"]
if _default_db["ENGINE"] == "django.db.backends.sqlite3":
    # pytest-django appends _gwN under xdist; Django creates and deletes the file.
    _default_db.setdefault("TEST", {})["NAME"] = str(_TMP_DIR / "test.sqlite3")


def _huey_immediate() -> None:
    """Tasks run at enqueue time, in-process, on memory storage (no queue file, no Redis)."""
    from huey.contrib.djhuey import HUEY

    if isinstance(settings.HUEY, dict):
        settings.HUEY["immediate"] = True
    HUEY.immediate = True


_huey_immediate()


@pytest.fixture(autouse=True)
def _language_and_time_zone_reset():
    """A request in Chinese leaves Chinese active in the thread (Django's LocaleMiddleware does not
    undo it): each test starts in the default language and time zone, whatever ran before."""
    from django.utils import timezone, translation

    yield
    translation.deactivate()
    timezone.deactivate()


def _env_flag(name: str) -> bool:
    return os.environ.get(name, "") == "1"


def _database_vendor() -> str:
    return connections["default"].vendor


# --- markers ----------------------------------------------------------------------------------


def pytest_collection_modifyitems(config, items):
    if _database_vendor() == "postgresql":
        return
    skip = pytest.mark.skip(
        reason="needs PostgreSQL; this run uses SQLite (`make test` also runs the PostgreSQL suite)"
    )
    for item in items:
        if item.get_closest_marker("postgres"):
            item.add_marker(skip)


def _required_but_skipped(item) -> str | None:
    """Why a skip of this test must count as a failure, or None when a skip is fine."""
    if (
        item.get_closest_marker("postgres")
        and _env_flag("HUJIN_REQUIRE_POSTGRES")
        and _database_vendor() == "postgresql"
    ):
        return "HUJIN_REQUIRE_POSTGRES=1: a PostgreSQL test may not skip on a PostgreSQL run"
    if item.get_closest_marker("browser") and _env_flag("HUJIN_REQUIRE_BROWSER"):
        return "HUJIN_REQUIRE_BROWSER=1: a browser test may not skip"
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.skipped and not hasattr(report, "wasxfail"):
        why = _required_but_skipped(item)
        if why:
            skip_reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else ""
            report.outcome = "failed"
            report.longrepr = f"{why}. It skipped with: {skip_reason}"
    # Kept for fixtures that act on failure (tests/browser saves a screenshot).
    setattr(item, f"report_{report.when}", report)
    return report


# --- time --------------------------------------------------------------------------------------


@pytest.fixture
def now() -> datetime:
    """A fixed, timezone-aware UTC instant: 2025-03-14 02:00 UTC, 10:00 in Shanghai."""
    return datetime(2025, 3, 14, 2, 0, tzinfo=UTC)


@pytest.fixture
def business_date(now: datetime) -> date:
    """The business date at `now` in the business time zone (Asia/Shanghai): 2025-03-14."""
    return now.astimezone(ZoneInfo(settings.HUJIN_BUSINESS_TIME_ZONE)).date()


# --- people ------------------------------------------------------------------------------------

STAFF_USERNAME = "staff"
STAFF_PASSWORD = "correct-horse-battery-staple-7"


@functools.cache
def _password_hash(raw: str) -> str:
    """The configured hasher's hash of ``raw``, computed once per process and reused.

    A full-strength hash takes about 0.3 s; a weaker one would be re-hashed ("upgraded") by the
    first check_password, which changes the session hash and logs out staff_client.
    """
    from django.contrib.auth.hashers import make_password

    return make_password(raw)


# A fixed secret, so that a test can compute the current code: pyotp.TOTP(secret).at(now).
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
CUSTOMER_MOBILE = "+8613912345678"


@pytest.fixture
def staff_password() -> str:
    return STAFF_PASSWORD


@pytest.fixture
def staff_totp_secret() -> str:
    return STAFF_TOTP_SECRET


def _totp_device_confirmed(user) -> None:
    """Give ``user`` a confirmed TOTP device with STAFF_TOTP_SECRET (as if enrolled long ago)."""
    from hujin.identity.mfa.models import TotpDevice

    enrolled_at = datetime(2025, 1, 2, 3, 0, tzinfo=UTC)
    TotpDevice.objects.create(
        user=user, secret=STAFF_TOTP_SECRET, created_at=enrolled_at, confirmed_at=enrolled_at
    )


def _mfa_verified_client(user) -> Client:
    """A client logged in as ``user`` whose session has passed the second factor."""
    from hujin.identity.access import MFA_VERIFIED_SESSION_KEY

    client = Client()
    client.force_login(user)
    session = client.session
    session[MFA_VERIFIED_SESSION_KEY] = True
    session.save()
    client.user = user
    return client


@pytest.fixture
def staff_user(db, staff_password):
    """A staff superuser (kind="staff", is_staff, is_superuser) named "staff", enrolled in
    TOTP with STAFF_TOTP_SECRET."""
    from hujin.identity.models import User

    user = User.objects.create(
        username=STAFF_USERNAME,
        password=_password_hash(staff_password),
        email="staff@example.com",
        first_name="Staff",
        last_name="Member",
        kind=User.Kind.STAFF,
        is_staff=True,
        is_superuser=True,
    )
    _totp_device_confirmed(user)
    return user


@pytest.fixture
def staff_actor(staff_user):
    """The Actor that services receive for staff_user (scopes: all of its permissions)."""
    from hujin.identity.access import staff_actor as actor_for_staff

    return actor_for_staff(staff_user)


@pytest.fixture
def staff_client(staff_user) -> Client:
    """A Django test client with a logged-in staff superuser session that has passed TOTP."""
    return _mfa_verified_client(staff_user)


@pytest.fixture
def role_client(db, staff_password):
    """Factory: ``role_client("auditor") -> Client``, logged in (past TOTP) as a new staff member
    whose only role is that one; ``client.user`` is the member. Several calls, several members.
    """
    from django.contrib.auth.models import Group

    from hujin.identity.models import User

    made = 0

    def make(role: str, *, username: str | None = None) -> Client:
        nonlocal made
        made += 1
        user = User.objects.create(
            username=username or f"{role}-{made}",
            password=_password_hash(staff_password),
            kind=User.Kind.STAFF,
            is_staff=True,
        )
        user.groups.add(Group.objects.get(name=role))
        _totp_device_confirmed(user)
        return _mfa_verified_client(user)

    return make


@pytest.fixture
def customer_user(db, staff_password):
    """A customer (kind="customer") with mobile CUSTOMER_MOBILE and password staff_password."""
    from hujin.identity.models import User

    return User.objects.create(
        username="customer-fixture",
        password=_password_hash(staff_password),
        kind=User.Kind.CUSTOMER,
        mobile=CUSTOMER_MOBILE,
    )


@pytest.fixture
def customer_client(customer_user) -> Client:
    """A Django test client logged in as customer_user (who has not turned TOTP on)."""
    client = Client()
    client.force_login(customer_user)
    client.user = customer_user
    return client


# --- API ---------------------------------------------------------------------------------------


class ApiClient(Client):
    """A test client that sends `Authorization: Bearer <secret>` and JSON bodies by default.

    Attributes: api_key (the ApiKey row), secret (the bearer token).
    """

    def __init__(self, *, api_key, secret: str, **kwargs):
        headers = {"authorization": f"Bearer {secret}", **kwargs.pop("headers", {})}
        super().__init__(headers=headers, **kwargs)
        self.api_key = api_key
        self.secret = secret

    def post(self, path, data=None, content_type="application/json", **extra):
        return super().post(path, data, content_type=content_type, **extra)

    def put(self, path, data="", content_type="application/json", **extra):
        return super().put(path, data, content_type=content_type, **extra)

    def patch(self, path, data="", content_type="application/json", **extra):
        return super().patch(path, data, content_type=content_type, **extra)

    def delete(self, path, data="", content_type="application/json", **extra):
        return super().delete(path, data, content_type=content_type, **extra)


@pytest.fixture
def api_client(db, staff_actor, now):
    """Factory: ``api_client("ledger:read", "ledger:write", name="...") -> ApiClient``.

    Creates an API key holding exactly the given scopes (created by staff_actor at `now`) and
    returns a client that authenticates with it. Call it several times for several keys.
    """

    def make(*scopes: str, name: str = "test integration") -> ApiClient:
        # Imported here: identity's API keys are written in parallel with this file.
        from hujin.identity.services import api_key_create

        api_key, secret = api_key_create(name=name, scopes=list(scopes), actor=staff_actor, now=now)
        return ApiClient(api_key=api_key, secret=secret)

    return make


@pytest.fixture(autouse=True)
def _risk_rules_forgotten():
    """What a process knows of the risk rules in force is forgotten after each test (a test's
    rules roll back with it; the next test must not be screened by them)."""
    yield
    from hujin.risk.inforce import forget

    forget()
