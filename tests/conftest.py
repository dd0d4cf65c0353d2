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
    staff_user       a staff superuser (User.kind == "staff")
    staff_actor      the hujin.core.actors.Actor for staff_user
    staff_client     django.test.Client logged in as staff_user
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

_TMP_DIR = Path(tempfile.mkdtemp(prefix="hujin-tests-"))
atexit.register(shutil.rmtree, _TMP_DIR, ignore_errors=True)

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


@pytest.fixture
def staff_password() -> str:
    return STAFF_PASSWORD


@pytest.fixture
def staff_user(db, staff_password):
    """A staff superuser (kind="staff", is_staff, is_superuser) named "staff"."""
    from hujin.identity.models import User

    return User.objects.create(
        username=STAFF_USERNAME,
        password=_password_hash(staff_password),
        email="staff@example.com",
        first_name="Staff",
        last_name="Member",
        kind=User.Kind.STAFF,
        is_staff=True,
        is_superuser=True,
    )


@pytest.fixture
def staff_actor(staff_user):
    """The Actor that services receive for staff_user (scopes: all of its permissions)."""
    from hujin.identity.access import staff_actor as actor_for_staff

    return actor_for_staff(staff_user)


@pytest.fixture
def staff_client(staff_user) -> Client:
    """A Django test client with a logged-in staff superuser session."""
    client = Client()
    client.force_login(staff_user)
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
