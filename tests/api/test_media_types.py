"""The API takes JSON bodies only: any other Content-Type is a 415, a body that is not UTF-8
JSON a 400 ``malformed_json``."""

import json

import pytest

from tests.api.test_error_contract import assert_error

BASE = "/api/v1/ledger"
ACCOUNT = {"currency": "CNY", "code": "1001.bank", "kind": "asset"}
ACCOUNT_JSON = json.dumps(ACCOUNT)


@pytest.fixture
def client(api_client):
    return api_client("ledger:read", "ledger:write", name="media types")


class TestOtherMediaTypesAreRefused:
    @pytest.mark.parametrize(
        "content_type",
        [
            "text/plain",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "application/xml",
            "text/xml",
            "application/octet-stream",
            "application/vnd.api+json",
            "application/jsonx",
            "json",
            "",
        ],
    )
    def test_a_json_body_under_another_content_type_answers_415(self, client, content_type):
        response = client.post(f"{BASE}/accounts", ACCOUNT_JSON, content_type=content_type)

        details = assert_error(response, 415, "unsupported_media_type")
        assert details == {"accepted": ["application/json"]}

    def test_a_form_body_answers_415(self, client):
        response = client.post(
            f"{BASE}/accounts", "currency=CNY&code=1001.bank&kind=asset",
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip

        assert_error(response, 415, "unsupported_media_type")

    def test_a_multipart_body_answers_415(self, client):
        from django.test.client import MULTIPART_CONTENT

        response = client.post(f"{BASE}/accounts", ACCOUNT, content_type=MULTIPART_CONTENT)

        assert_error(response, 415, "unsupported_media_type")

    def test_an_xml_body_answers_415(self, client):
        xml = "<account><currency>CNY</currency><code>1001.bank</code></account>"
        response = client.post(f"{BASE}/accounts", xml, content_type="application/xml")

        assert_error(response, 415, "unsupported_media_type")

    @pytest.mark.parametrize("charset", ["utf-16", "UTF-16LE", "iso-8859-1", "gbk", "utf8"])
    def test_json_in_another_charset_answers_415(self, client, charset):
        body = ACCOUNT_JSON.encode(charset if charset != "utf8" else "utf-8")
        response = client.generic(
            "POST", f"{BASE}/accounts", body, content_type=f"application/json; charset={charset}"
        )

        assert_error(response, 415, "unsupported_media_type")

    def test_a_body_to_an_operation_that_takes_none_is_refused_too(self, client):
        response = client.generic(
            "GET", f"{BASE}/accounts", b"<x/>", content_type="application/xml"
        )

        assert_error(response, 415, "unsupported_media_type")


class TestJsonIsAccepted:
    @pytest.mark.parametrize(
        "content_type",
        [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON; charset=UTF-8",
            'application/json;charset="utf-8"',
        ],
    )
    def test_application_json_with_or_without_a_utf8_charset_is_taken(self, client, content_type):
        response = client.post(f"{BASE}/accounts", ACCOUNT_JSON, content_type=content_type)

        assert response.status_code == 201, response.content

    def test_a_request_without_a_body_needs_no_content_type(self, client):
        response = client.generic("GET", f"{BASE}/accounts", content_type="")

        assert response.status_code == 200


class TestNotUtf8Json:
    @pytest.mark.parametrize(
        "encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"]
    )
    def test_json_encoded_otherwise_under_application_json_answers_400(self, client, encoding):
        response = client.post(
            f"{BASE}/accounts", ACCOUNT_JSON.encode(encoding), content_type="application/json"
        )

        assert_error(response, 400, "malformed_json")

    def test_bytes_that_are_not_utf8_answer_400(self, client):
        body = '{"currency": "CNY", "code": "1001.bank", "kind": "asset", "name": "é"}'
        response = client.post(
            f"{BASE}/accounts", body.encode("latin-1"), content_type="application/json"
        )

        assert_error(response, 400, "malformed_json")
