"""Malformed requests get a 4xx in the error shape, never a 500, and no response under the API
shows a traceback, whatever DEBUG says.

The test client takes a crafted WSGI environ (``CONTENT_LENGTH="abc"``); the last tests send the
same bytes over a socket to a real server, as an outside client would: the live server runs
``hujin.config.wsgi.application`` (tests/api/conftest.py), which also answers the requests
Django cannot even build (a ``Content-Type`` it fails to parse) before any middleware runs.
"""

import json
import socket

import pytest
from django.test import Client

from hujin.ledger import presenters
from tests.api.test_error_contract import assert_error

BASE = "/api/v1/ledger"
ACCOUNT = {"currency": "CNY", "code": "1001.bank", "kind": "asset"}
SECRET = "input-the-log-must-not-quote"
BAD_LENGTHS = ["abc", "1.5", "0x10", "-1", "+2", "1_0", "٢", " 2", "2 ", "1e3"]


@pytest.fixture
def client(api_client):
    return api_client("ledger:read", "ledger:write", name="malformed")


def assert_no_traceback(response) -> None:
    body = response.content.decode("utf-8", errors="replace")
    assert "Traceback" not in body
    assert 'File "' not in body
    assert "ValueError" not in body


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


class TestMalformedContentLength:
    @pytest.mark.parametrize("length", BAD_LENGTHS)
    def test_a_post_with_a_valid_key_answers_400_in_the_error_shape(self, client, debug, length):
        response = client.generic(
            "POST", f"{BASE}/accounts", json.dumps(ACCOUNT), content_type="application/json",
            CONTENT_LENGTH=length,
        )  # fmt: skip

        details = assert_error(response, 400, "malformed_request")
        assert details == {"header": "Content-Length"}
        assert_no_traceback(response)

    def test_a_get_with_a_malformed_length_answers_400_too(self, client, debug):
        response = client.get(f"{BASE}/accounts", CONTENT_LENGTH="abc")

        assert_error(response, 400, "malformed_request")

    def test_it_is_refused_before_the_key_is_even_read(self, db, debug):
        response = Client().generic(
            "POST", f"{BASE}/accounts", b"{}", content_type="application/json",
            CONTENT_LENGTH="0x10",
        )  # fmt: skip

        assert_error(response, 400, "malformed_request")

    @pytest.mark.parametrize("length", ["0", "2", "02"])
    def test_a_plain_number_is_accepted(self, client, length):
        body = b"{}" if length != "0" else b""
        response = client.generic(
            "POST", f"{BASE}/accounts", body, content_type="application/json",
            CONTENT_LENGTH=length,
        )  # fmt: skip

        # Well-formed: the body reaches validation (an empty object lacks every field).
        assert_error(response, 422, "validation_error")


class TestBugsAnswerInTheErrorShape:
    @pytest.fixture
    def broken(self, monkeypatch):
        def boom(*args, **kwargs):
            raise RuntimeError(f"a bug quoting its input: {SECRET}")

        monkeypatch.setattr(presenters, "trial_balance_out", boom)

    def test_an_unexpected_exception_answers_500_internal_error_without_a_traceback(
        self, client, broken, debug
    ):
        client.raise_request_exception = False

        response = client.get(f"{BASE}/trial-balance")

        assert_error(response, 500, "internal_error")
        assert_no_traceback(response)
        assert b"RuntimeError" not in response.content
        assert SECRET.encode() not in response.content

    def test_the_log_says_where_it_failed_but_not_the_exception_message(
        self, client, broken, caplog
    ):
        client.get(f"{BASE}/trial-balance")

        assert "RuntimeError" in caplog.text
        assert "trial_balance" in caplog.text  # the frame of the endpoint
        assert SECRET not in caplog.text

    def test_a_bad_host_header_answers_400_json(self, client, debug):
        response = client.get(f"{BASE}/accounts", headers={"host": "evil.example"})

        assert_error(response, 400, "bad_request")
        assert_no_traceback(response)

    def test_too_many_query_parameters_answer_400_json(self, client, settings, debug):
        settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
        query = "&".join(f"p{i}=1" for i in range(10))

        response = client.get(f"{BASE}/accounts?{query}")

        assert response.status_code in (400, 422)
        assert response["Content-Type"].startswith("application/json")
        assert_no_traceback(response)


def http_exchange(host: str, port: int, request: bytes) -> tuple[int, dict, bytes]:
    """Send raw bytes, read the whole answer (the request asks the server to close)."""
    with socket.create_connection((host, port), timeout=30) as sock:
        sock.sendall(request)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    head, _, body = b"".join(chunks).partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, v in (h.split(":", 1) for h in header_lines)}
    return int(status_line.split()[1]), headers, body


def raw_post(path: str, *, key: str, length: str, content_type: str = "application/json") -> bytes:
    body = json.dumps(ACCOUNT).encode()
    return (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {length}\r\n\r\n"
    ).encode() + body


class TestOnARealServer:
    @pytest.mark.parametrize("length", ["abc", "1.5", "0x10", "-1"])
    def test_a_malformed_length_with_a_valid_key_answers_400_json(
        self, live_server, api_client, length
    ):
        key = api_client("ledger:write", name="raw socket").secret
        host, port = live_server.thread.host, live_server.thread.port

        status, headers, body = http_exchange(
            host, port, raw_post(f"{BASE}/accounts", key=key, length=length)
        )

        assert status == 400
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body)["error"]["code"] == "malformed_request"
        assert b"Traceback" not in body

    def test_a_form_body_answers_415_json(self, live_server, api_client):
        key = api_client("ledger:write", name="raw socket").secret
        host, port = live_server.thread.host, live_server.thread.port
        request = raw_post(
            f"{BASE}/accounts", key=key, length=str(len(json.dumps(ACCOUNT))),
            content_type="application/x-www-form-urlencoded",
        )  # fmt: skip

        status, headers, body = http_exchange(host, port, request)

        assert status == 415
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body)["error"]["code"] == "unsupported_media_type"


def raw_post_with_content_type(path: str, *, key: str, content_type: bytes) -> bytes:
    """A JSON body under a ``Content-Type`` given as raw bytes (non-ASCII and NUL included)."""
    body = json.dumps(ACCOUNT).encode()
    return (
        (
            f"POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
            f"Authorization: Bearer {key}\r\n"
        ).encode()
        + b"Content-Type: "
        + content_type
        + f"\r\nContent-Length: {len(body)}\r\n\r\n".encode()
        + body
    )


# Django fails on these while building the request, before any middleware runs.
UNPARSABLE_CONTENT_TYPES = {
    "rfc2231-unknown-charset": b"application/json; charset*=bogus''x",
    "rfc2231-unbalanced-quote": b"application/json; charset*=\"bogus''x",
    "rfc2231-non-ascii-charset": b"application/json; charset*=\xe9''x",
    "nul-in-charset": b"application/json; charset=utf-8\x00",
}
# Django builds these; they are not JSON as the API takes it.
NOT_JSON_CONTENT_TYPES = {
    "unbalanced-quote": b'application/json; charset="utf-8',
    "lone-quote": b'application/json; charset="',
    "non-ascii-charset": b"application/json; charset=\xe9",
    "non-ascii-media-type": b"appl\xffcation/json",
    "rfc2231-undecodable-charset": b"application/json; charset*=utf-8''%ff",
}


class TestMalformedContentTypeOnARealServer:
    @pytest.fixture
    def send(self, live_server, api_client):
        key = api_client("ledger:write", name="raw socket").secret
        host, port = live_server.thread.host, live_server.thread.port

        def send(path: str, content_type: bytes) -> tuple[int, dict, bytes]:
            request = raw_post_with_content_type(path, key=key, content_type=content_type)
            return http_exchange(host, port, request)

        return send

    @pytest.mark.parametrize(
        "content_type", UNPARSABLE_CONTENT_TYPES.values(), ids=UNPARSABLE_CONTENT_TYPES.keys()
    )
    def test_one_django_cannot_parse_answers_400_json(self, send, content_type):
        status, headers, body = send(f"{BASE}/accounts", content_type)

        assert status == 400
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body)["error"] == {
            "code": "malformed_request",
            "message": "The Content-Type header is malformed.",
            "details": {"header": "Content-Type"},
        }
        assert b"Traceback" not in body

    @pytest.mark.parametrize(
        "content_type", NOT_JSON_CONTENT_TYPES.values(), ids=NOT_JSON_CONTENT_TYPES.keys()
    )
    def test_one_that_parses_but_is_not_json_answers_415_json(self, send, content_type):
        status, headers, body = send(f"{BASE}/accounts", content_type)

        assert status == 415
        assert headers["content-type"].startswith("application/json")
        assert json.loads(body)["error"]["code"] == "unsupported_media_type"
        assert b"Traceback" not in body

    def test_a_page_answers_a_plain_400(self, send):
        status, headers, body = send(
            "/auth/login/", UNPARSABLE_CONTENT_TYPES["rfc2231-unknown-charset"]
        )

        assert status == 400
        assert headers["content-type"].startswith("text/plain")
        assert body.decode() == "Bad Request (400)\nThe Content-Type header is malformed.\n"

    def test_the_log_names_the_error_not_the_header(self, send, caplog):
        send(f"{BASE}/accounts", b"application/json; charset*=secret-charset''x")

        assert "refused a request whose headers Django cannot parse (ValueError)" in caplog.text
        assert "secret-charset" not in caplog.text
