"""The permission matrix: every staff page against every role, and every API operation.

Staff pages are found by walking the whole URLconf: a view guarded by ``staff_required`` carries
``staff_required=True`` and ``required_permission``; a class-based view inherits
``StaffRequiredMixin`` and names ``staff_permission``. So a page another module adds later is
covered without touching this file. URL parameters are filled with random values: a 404 means
the request got through the gate, which is what is checked here.
"""

import os
import re
import uuid
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from hujin.identity.access import StaffRequiredMixin
from hujin.identity.roles import ROLES, permission_matrix, permission_matrix_markdown

pytestmark = pytest.mark.django_db

DOC = Path(__file__).resolve().parents[2] / "docs" / "modules" / "identity.md"
MATRIX_START = (
    "<!-- permission-matrix:start (generated: tests/identity/test_permission_matrix.py) -->"
)
MATRIX_END = "<!-- permission-matrix:end -->"

_CONVERTER_VALUES = {
    "uuid": lambda: str(uuid.uuid4()),
    "int": lambda: "7",
    "slug": lambda: "no-such-thing",
    "str": lambda: "no-such-thing",
    "path": lambda: "no/such/thing",
}
_PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _gate(callback) -> tuple[bool, str | None]:
    """(is it a staff page, the permission it demands)."""
    if getattr(callback, "staff_required", False):
        return True, getattr(callback, "required_permission", None)
    view_class = getattr(callback, "view_class", None)
    if isinstance(view_class, type) and issubclass(view_class, StaffRequiredMixin):
        return True, view_class.staff_permission
    return False, None


def _url(route: str) -> str:
    def fill(match):
        return _CONVERTER_VALUES.get(match["converter"] or "str", _CONVERTER_VALUES["str"])()

    return "/" + _PARAMETER.sub(fill, route)


def staff_pages() -> list[tuple[str, str | None]]:
    pages = []
    for route, pattern in _walk(get_resolver().url_patterns):
        is_staff, permission = _gate(pattern.callback)
        if not is_staff:
            continue
        assert isinstance(pattern.pattern, RoutePattern) or "<" not in route, (
            f"{route}: a staff page with a regex route; teach _url() its parameters"
        )
        pages.append((route, permission))
    return sorted(set(pages), key=lambda page: page[0])


STAFF_PAGES = staff_pages()


def knock(client: Client, url: str):
    """GET the page; a POST-only view may answer GET with 405 before its gate runs, so then
    knock with an empty POST. Only used where the gate must stop the request, so nothing behind
    the gate runs."""
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    return response


def test_there_are_staff_pages_to_check():
    assert len(STAFF_PAGES) >= 4
    assert ("auth/api-keys/", "identity.manage_api_keys") in STAFF_PAGES


@pytest.mark.parametrize(("route", "permission"), STAFF_PAGES, ids=[r for r, _ in STAFF_PAGES])
class TestEveryStaffPage:
    def test_lets_in_exactly_the_roles_the_matrix_names(self, role_client, route, permission):
        url = _url(route)
        matrix = permission_matrix()
        wrong = []
        for role in ROLES:
            client = role_client(role)
            allowed = permission is None or permission in matrix[role]
            # An allowed role only GETs: a POST would run the page's action.
            response = client.get(url) if allowed else knock(client, url)
            refused = response.status_code == 403
            if refused == allowed:
                wrong.append(f"{role}: {response.status_code} (expected {'not ' * allowed}403)")
        assert not wrong, f"{url} needs {permission}: " + "; ".join(wrong)

    def test_refuses_staff_without_a_role_when_it_needs_a_permission(
        self, clerk_client, route, permission
    ):
        url = _url(route)
        response = knock(clerk_client, url) if permission else clerk_client.get(url)

        assert (response.status_code == 403) == bool(permission)

    def test_refuses_customers(self, customer_client, route, permission):
        assert knock(customer_client, _url(route)).status_code == 403

    def test_sends_anonymous_visitors_to_log_in(self, route, permission):
        response = knock(Client(), _url(route))

        assert response.status_code == 302
        assert response["Location"].startswith("/auth/login/?next=")

    def test_sends_staff_who_have_not_passed_totp_to_verify(self, staff_user, route, permission):
        client = Client()
        client.force_login(staff_user)

        response = knock(client, _url(route))

        assert response.status_code == 302
        assert response["Location"].startswith("/auth/mfa/verify/?next=")


@pytest.fixture
def clerk_client(db):
    """A staff member with no role, past TOTP."""
    from hujin.identity.access import MFA_VERIFIED_SESSION_KEY
    from hujin.identity.models import User

    user = User.objects.create(username="no-role", kind=User.Kind.STAFF, is_staff=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[MFA_VERIFIED_SESSION_KEY] = True
    session.save()
    return client


# --- the JSON API ------------------------------------------------------------------------------


def api_operations() -> list[tuple[str, str]]:
    from hujin.config.api import api

    schema = api.get_openapi_schema()
    return sorted(
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method in {"get", "post", "put", "patch", "delete"}
    )


API_OPERATIONS = api_operations()
# Operations meant to answer without a key or token: (method, path). The customer's log-in and
# refresh take a password or a refresh token in their body instead.
PUBLIC_OPERATIONS: set[tuple[str, str]] = {
    ("POST", "/api/v1/me/tokens"),
    ("POST", "/api/v1/me/tokens/refresh"),
}


KEYED_OPERATIONS = [op for op in API_OPERATIONS if op not in PUBLIC_OPERATIONS]


@pytest.mark.parametrize(
    ("method", "path"), KEYED_OPERATIONS, ids=[f"{m} {p}" for m, p in KEYED_OPERATIONS]
)
def test_every_api_operation_but_the_log_in_needs_a_key(method, path):
    url = re.sub(r"\{[^}]+\}", lambda _m: str(uuid.uuid4()), path)

    response = Client().generic(method, url, data="{}", content_type="application/json")

    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"]


def test_the_api_has_operations_to_check():
    assert ("GET", "/api/v1/ledger/accounts") in API_OPERATIONS
    assert set(API_OPERATIONS) >= PUBLIC_OPERATIONS  # the public ones still exist


@pytest.mark.parametrize(("method", "path"), sorted(PUBLIC_OPERATIONS))
def test_the_log_in_operations_answer_without_a_key_with_a_clear_refusal_of_bad_input(method, path):
    response = Client().generic(method, path, data="{}", content_type="application/json")

    assert response.status_code in (400, 422), response.content
    assert response.json()["error"]["code"]


# --- the documented matrix -----------------------------------------------------------------------


def test_the_documented_matrix_is_the_registered_one():
    """docs/modules/identity.md carries the table between the markers. When roles change,
    regenerate it: ``HUJIN_UPDATE_DOCS=1 pytest tests/identity/test_permission_matrix.py -k
    documented``."""
    text = DOC.read_text(encoding="utf-8")
    assert MATRIX_START in text and MATRIX_END in text, f"{DOC} lacks the matrix markers"
    head, rest = text.split(MATRIX_START, 1)
    documented, tail = rest.split(MATRIX_END, 1)
    generated = permission_matrix_markdown()
    if os.environ.get("HUJIN_UPDATE_DOCS") == "1":
        DOC.write_text(f"{head}{MATRIX_START}\n{generated}\n{MATRIX_END}{tail}", encoding="utf-8")
        documented = generated

    assert documented.strip() == generated
