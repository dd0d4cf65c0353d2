"""The OpenAPI document states the rules the ledger's API enforces, so that clients and fuzzers
see them: dates from 1970-01-01, no control characters in text, ``as_of`` and ``business_date``
not together, at most one balance-limit flag, the statement period's limits, the formats of
amounts, ids and moments."""

import re

import pytest
from django.test import Client

BASE = "/api/v1/ledger"
NO_CONTROL_CHARACTERS = "^[^\\u0000-\\u001F\\u007F-\\u009F\\uD800-\\uDFFF]*$"


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    return response.json()


def operation(document, method: str, path: str) -> dict:
    return document["paths"][f"{BASE}{path}"][method]


def parameter(document, method: str, path: str, name: str) -> dict:
    (found,) = [p for p in operation(document, method, path)["parameters"] if p["name"] == name]
    return found


def schema_of(parameter_or_property: dict) -> dict:
    """The non-null branch of an optional value's schema."""
    schema = parameter_or_property.get("schema", parameter_or_property)
    branches = [s for s in schema.get("anyOf", [schema]) if s.get("type") != "null"]
    (branch,) = branches
    return branch


def component(document, name: str) -> dict:
    return document["components"]["schemas"][name]


DATE_PARAMETERS = [
    ("get", "/accounts/{account_id}", "business_date"),
    ("get", "/accounts/{account_id}/statement", "from_date"),
    ("get", "/accounts/{account_id}/statement", "to_date"),
    ("get", "/transfers", "business_date"),
]
TEXT_PARAMETERS = [
    ("get", "/accounts", "text"),
    ("get", "/accounts", "owner_ref"),
    ("get", "/accounts", "after"),
]


class TestDates:
    @pytest.mark.parametrize(("method", "path", "name"), DATE_PARAMETERS)
    def test_business_dates_run_from_1970(self, document, method, path, name):
        schema = schema_of(parameter(document, method, path, name))

        assert schema["format"] == "date"
        assert schema["formatMinimum"] == "1970-01-01"
        assert schema["formatMaximum"] == "9999-12-30"
        assert re.match(schema["pattern"], "1970-01-01")
        assert not re.match(schema["pattern"], "1969-12-31")
        assert "ge" not in schema and "le" not in schema  # not JSON Schema words

    def test_as_of_is_a_date_time_from_1970(self, document):
        schema = schema_of(parameter(document, "get", "/accounts/{account_id}", "as_of"))

        assert schema["format"] == "date-time"
        assert schema["formatMinimum"] == "1970-01-01T00:00:00Z"
        assert re.match(schema["pattern"], "1970-01-01T00:00:00Z")
        assert not re.match(schema["pattern"], "1969-12-31T23:59:59Z")


class TestText:
    @pytest.mark.parametrize(("method", "path", "name"), TEXT_PARAMETERS)
    def test_query_text_holds_no_control_characters(self, document, method, path, name):
        assert schema_of(parameter(document, method, path, name))["pattern"] == (
            NO_CONTROL_CHARACTERS
        )

    @pytest.mark.parametrize("field", ["name", "owner_ref"])
    def test_an_account_s_text_holds_no_control_characters(self, document, field):
        assert component(document, "AccountIn")["properties"][field]["pattern"] == (
            NO_CONTROL_CHARACTERS
        )

    def test_the_pattern_refuses_exactly_the_control_characters(self):
        pattern = re.compile(NO_CONTROL_CHARACTERS)  # Python reads \uXXXX as ECMAScript does

        assert pattern.match("Alice 爱丽丝 (ok) ß ✓")
        for bad in ["a\x00b", "tab\there", "new\nline", "del\x7f", "c1\x85", "\ud800"]:
            assert not pattern.match(bad), repr(bad)


class TestRulesBetweenFields:
    def test_as_of_and_business_date_are_not_given_together(self, document):
        as_of = parameter(document, "get", "/accounts/{account_id}", "as_of")
        business_date = parameter(document, "get", "/accounts/{account_id}", "business_date")

        assert "Not together with business_date" in as_of["description"]
        assert "Not together with as_of" in business_date["description"]

    def test_an_account_has_at_most_one_balance_limit_flag(self, document):
        account_in = component(document, "AccountIn")

        assert account_in["not"] == {
            "properties": {
                "debits_must_not_exceed_credits": {"const": True},
                "credits_must_not_exceed_debits": {"const": True},
            },
            "required": ["debits_must_not_exceed_credits", "credits_must_not_exceed_debits"],
        }

    @pytest.mark.parametrize("name", ["from_date", "to_date"])
    def test_a_statement_period_runs_forward_for_at_most_366_days(self, document, name):
        description = parameter(document, "get", "/accounts/{account_id}/statement", name)[
            "description"
        ]

        assert "to_date is on or after from_date" in description
        assert "at most 366 days" in description


class TestFormats:
    def test_amounts_in_are_decimal_strings(self, document):
        amount = schema_of(component(document, "TransferIn")["properties"]["amount"])

        assert amount["type"] == "string"
        assert amount["pattern"] == "^[0-9]{1,19}(\\.[0-9]{1,18})?$"

    @pytest.mark.parametrize(
        ("schema", "field"),
        [
            ("TransferOut", "amount"),
            ("BalancesOut", "net"),
            ("StatementOut", "debits_posted_total"),
        ],
    )
    def test_amounts_out_are_decimal_strings(self, document, schema, field):
        amount = component(document, schema)["properties"][field]

        assert amount["type"] == "string"
        assert re.match(amount["pattern"], "-1234.50")
        assert not re.match(amount["pattern"], "1,234.50")

    @pytest.mark.parametrize(
        ("schema", "field"),
        [("TransferIn", "id"), ("TransferIn", "debit_account_id"), ("AccountIn", "id"),
         ("TransferOut", "id"), ("AccountOut", "id")],
    )  # fmt: skip
    def test_ids_are_uuids(self, document, schema, field):
        assert schema_of(component(document, schema)["properties"][field])["format"] == "uuid"

    @pytest.mark.parametrize(
        ("schema", "field"),
        [("TransferOut", "created_at"), ("TransferOut", "expires_at"),
         ("AccountOut", "created_at"), ("HistoryEntryOut", "created_at")],
    )  # fmt: skip
    def test_moments_out_are_utc_to_the_microsecond(self, document, schema, field):
        moment = schema_of(component(document, schema)["properties"][field])

        assert moment["format"] == "date-time"
        assert re.match(moment["pattern"], "2025-03-14T02:00:00.123456Z")
        assert not re.match(moment["pattern"], "2025-03-14T02:00:00.123Z")
