"""The API's error contract: whatever goes wrong, the answer is a 4xx JSON body
``{"error": {"code", "message", "details"}}`` — never a 500, never an HTML page.
"""

import json

import pytest

BASE = "/api/v1/ledger"
ACCOUNT = {"currency": "CNY", "code": "1001.bank", "kind": "asset"}


@pytest.fixture
def client(api_client):
    return api_client("ledger:read", "ledger:write", name="contract")


def assert_error(response, status: int, code: str) -> dict:
    """The response is the error shape with this status and code; returns its details."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert isinstance(body["error"]["details"], dict)
    return body["error"]["details"]


class TestMalformedJson:
    @pytest.mark.parametrize(
        "body",
        [
            b"{",
            b'{"currency": "CNY",}',
            b"{'single': 'quotes'}",
            b"\xff\xfe\x00garbage",
            b'{"currency": NaN}',  # Python's json would take these; JSON does not
            b'{"metadata": {"x": Infinity}}',
            b"[" * 100_000,  # deeper than any parser should follow
        ],
    )
    def test_a_body_that_is_not_json_answers_400_malformed_json(self, client, body):
        response = client.post(f"{BASE}/accounts", body, content_type="application/json")

        assert_error(response, 400, "malformed_json")


class TestValidation:
    def test_each_problem_is_listed_with_its_location(self, client):
        response = client.post(
            f"{BASE}/accounts",
            {"currency": 156, "kind": "asset", "name": ["x"], "balance": "100.00"},
        )

        details = assert_error(response, 422, "validation_error")
        problems = {tuple(e["loc"]): e["type"] for e in details["errors"]}
        assert problems == {
            ("body", "payload", "currency"): "literal_error",
            ("body", "payload", "code"): "missing",
            ("body", "payload", "name"): "string_type",
            ("body", "payload", "balance"): "extra_forbidden",
        }
        assert all(e["msg"] for e in details["errors"])

    @pytest.mark.parametrize("body", ["null", "[]", '"account"', "42", ""])
    def test_a_body_that_is_not_an_object_answers_422(self, client, body):
        response = client.post(f"{BASE}/accounts", body, content_type="application/json")

        assert_error(response, 422, "validation_error")

    def test_out_of_range_numbers_answer_422(self, client):
        response = client.get(f"{BASE}/transfers", {"limit": 10_000, "before_seq": -5})

        details = assert_error(response, 422, "validation_error")
        assert {tuple(e["loc"]) for e in details["errors"]} == {
            ("query", "limit"),
            ("query", "before_seq"),
        }

    def test_unknown_query_parameters_answer_422(self, client):
        response = client.get(f"{BASE}/accounts", {"curency": "CNY"})

        details = assert_error(response, 422, "validation_error")
        assert details["errors"] == [
            {
                "loc": ["query", "curency"],
                "msg": "Unknown query parameter.",
                "type": "extra_forbidden",
            }
        ]

    def test_text_with_a_nul_character_answers_422_on_every_database(self, client):
        response = client.get(f"{BASE}/accounts", {"text": "a\x00b"})

        assert_error(response, 422, "validation_error")

    def test_metadata_with_a_nul_character_answers_422(self, client):
        response = client.post(f"{BASE}/accounts", {**ACCOUNT, "metadata": {"note": "a\x00b"}})

        assert_error(response, 422, "validation_error")


class TestOversizeBodies:
    def test_a_body_over_the_configured_limit_answers_413(self, client, settings):
        too_big = settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1
        body = json.dumps({**ACCOUNT, "name": "x" * too_big})

        response = client.post(f"{BASE}/accounts", body, content_type="application/json")

        assert_error(response, 413, "request_too_large")

    def test_an_oversize_batch_of_transfers_answers_413(self, client, settings):
        settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024

        response = client.post(f"{BASE}/transfers", {"transfers": [{"code": "x" * 2048}]})

        assert_error(response, 413, "request_too_large")


class TestRoutes:
    @pytest.mark.parametrize(
        "path", ["/api/v1/nothing", "/api/v1/ledger/nothing", "/api/v1/ledger/accounts/x/y/z"]
    )
    def test_an_unknown_path_under_the_api_answers_404_json(self, client, path):
        details = assert_error(client.get(path), 404, "not_found")

        assert details == {"path": path}

    def test_an_unknown_path_answers_404_json_to_a_post_without_a_csrf_token(self, api_client):
        from django.test import Client

        response = Client(enforce_csrf_checks=True).post(
            "/api/v1/nothing", "{}", content_type="application/json"
        )

        assert_error(response, 404, "not_found")

    @pytest.mark.parametrize(
        ("method", "path", "allowed"),
        [
            ("delete", f"{BASE}/accounts", ["GET", "POST"]),
            ("put", f"{BASE}/transfers", ["GET", "POST"]),
            ("get", f"{BASE}/accounts/01a21a53-39c9-7b66-a7de-f7089f272536/close", ["POST"]),
            ("patch", f"{BASE}/trial-balance", ["GET"]),
        ],
    )
    def test_a_method_the_path_does_not_take_answers_405_json(self, client, method, path, allowed):
        response = getattr(client, method)(path)

        details = assert_error(response, 405, "method_not_allowed")
        assert details == {"allowed": allowed}
        assert sorted(response["Allow"].replace(" ", "").split(",")) == allowed


class TestAuthAndDomainErrors:
    def test_no_key_answers_401(self, db):
        from django.test import Client

        assert_error(Client().get(f"{BASE}/accounts"), 401, "unauthenticated")

    def test_a_key_in_the_wrong_scheme_answers_401(self, client):
        response = client.get(
            f"{BASE}/accounts", headers={"authorization": f"Basic {client.secret}"}
        )

        assert_error(response, 401, "unauthenticated")

    def test_a_key_without_the_scope_answers_403(self, api_client):
        writer = api_client("ledger:write", name="writer")

        details = assert_error(writer.get(f"{BASE}/accounts"), 403, "permission_denied")
        assert details == {"required_scope": "ledger:read"}

    def test_an_unknown_object_answers_404_with_its_own_code(self, client):
        missing = "01a21a53-39c9-7b66-a7de-f7089f272536"

        details = assert_error(client.get(f"{BASE}/accounts/{missing}"), 404, "account_not_found")
        assert details == {"id": missing}

    def test_a_conflict_answers_409(self, client):
        body = {**ACCOUNT, "id": "01a21a53-39c9-7b66-a7de-f7089f272536"}
        client.post(f"{BASE}/accounts", body)

        response = client.post(f"{BASE}/accounts", {**body, "kind": "liability"})

        assert_error(response, 409, "account_exists_with_different_fields")


def test_the_openapi_description_declares_the_error_shape(client):
    spec = client.get("/api/v1/openapi.json").json()

    operation = spec["paths"]["/api/v1/ledger/transfers"]["post"]
    assert {"401", "403", "422"} <= set(operation["responses"])
    error = spec["components"]["schemas"]["ErrorOut"]
    assert error["required"] == ["error"]


class TestMessagesInChinese:
    """The code is for programs; the message is for the person reading it, in their language."""

    def test_an_unknown_path_is_explained_in_chinese(self, client):
        response = client.get(f"{BASE}/no-such-thing", HTTP_ACCEPT_LANGUAGE="zh-hans")

        assert_error(response, 404, "not_found")
        assert response.json()["error"]["message"] == "没有这个 API 路径。"

    def test_a_body_that_is_not_json_is_explained_in_chinese(self, client):
        response = client.post(
            f"{BASE}/accounts", b"{", content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )  # fmt: skip

        assert_error(response, 400, "malformed_json")
        assert response.json()["error"]["message"] == "请求正文不是有效的 JSON。"
