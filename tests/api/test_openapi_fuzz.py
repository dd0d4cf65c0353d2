"""Fuzzing the JSON API from its own OpenAPI description.

schemathesis reads /api/v1/openapi.json and, for every operation, sends generated requests — valid
ones and deliberately broken ones — to the Django application in-process (WSGI), authenticated
with a key that holds every scope. Whatever it sends, the API must never answer 5xx, every answer
must be one the description declares, and every 4xx must carry the error shape.
"""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from hujin.identity.scopes import scope_catalogue

# Outside a test the WSGI handler closes the database connection after each request; inside one
# that connection holds the test's transaction, so the handler must leave it alone (as Django's
# own test client does).
request_started.disconnect(close_old_connections)
request_finished.disconnect(close_old_connections)
try:
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
finally:
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
# Every request carries a valid key (below), so generating missing or broken credentials would
# only produce "negative" cases the server never sees; 401 has its own tests.
schema.config.generation.update(with_security_parameters=False)


def error_shape(ctx, response, case):
    """Every 4xx answer is {"error": {"code": str, "message": str, "details": object}}."""
    if 400 <= response.status_code < 500:
        body = response.json()
        error = body.get("error") if isinstance(body, dict) else None
        assert isinstance(error, dict), f"4xx without an error object: {body!r}"
        assert set(error) == {"code", "message", "details"}, error
        assert isinstance(error["code"], str) and error["code"], error
        assert isinstance(error["message"], str), error
        assert isinstance(error["details"], dict), error


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
    error_shape,
]


@pytest.fixture
def all_scopes_key(api_client):
    """The bearer secret of a key holding every scope in the catalogue."""
    return api_client(*(s.name for s in scope_catalogue()), name="fuzz").secret


@pytest.fixture
def in_process_database():
    """Keep the test's transaction open across the WSGI handler's request signals."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                           HealthCheck.filter_too_much],
)  # fmt: skip
def test_no_input_makes_the_api_fail_or_break_its_error_shape(
    case, all_scopes_key, in_process_database
):
    case.call_and_validate(headers={"Authorization": f"Bearer {all_scopes_key}"}, checks=CHECKS)
