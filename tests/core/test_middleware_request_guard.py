"""RequestGuardMiddleware outside the API: a malformed request gets a plain 400 page, no page
ever shows a traceback (whatever DEBUG says), and the access log never holds a query string."""

import logging
import socket
import threading
from contextlib import contextmanager

import pytest
from django.core.servers.basehttp import WSGIRequestHandler, WSGIServer
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.utils import translation

from hujin.config.wsgi import application
from hujin.core.logs import QueryStringFilter, without_query_strings
from hujin.core.middleware import GuardedWSGIHandler, RequestGuardMiddleware
from hujin.customers import selectors as customer_selectors

pytestmark = pytest.mark.django_db


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def debug(request, settings):
    settings.DEBUG = request.param
    return request.param


def assert_plain_page_without_traceback(response, status: int) -> str:
    assert response.status_code == status
    body = response.content.decode("utf-8", errors="replace")
    assert "Traceback" not in body
    assert 'File "' not in body
    assert "DJANGO_SETTINGS_MODULE" not in body  # the technical page lists the settings
    return body


class TestMalformedRequestsToPages:
    @pytest.mark.parametrize("length", ["abc", "1.5", "0x10", "-1"])
    def test_a_post_with_a_malformed_content_length_answers_a_plain_400(self, debug, length):
        response = Client().generic(
            "POST", "/auth/login/", b"username=a&password=b",
            content_type="application/x-www-form-urlencoded", CONTENT_LENGTH=length,
        )  # fmt: skip

        body = assert_plain_page_without_traceback(response, 400)
        assert response["Content-Type"].startswith("text/plain")
        assert "Content-Length" in body

    def test_a_page_takes_a_form_body_as_before(self):
        response = Client().post("/auth/login/", {"username": "a", "password": "b"})

        assert response.status_code in (200, 403)  # the form, or a CSRF refusal: not a 415


class TestAContentTypeDjangoCannotParse:
    """The WSGI application answers it before any middleware runs (tests/api has the tests
    through a real server); the middleware refuses it too, should a request reach it."""

    def test_the_application_is_the_guarded_handler(self):
        assert isinstance(application, GuardedWSGIHandler)

    def test_the_middleware_refuses_it_under_the_api_with_415(self):
        request = RequestFactory().post(
            "/api/v1/ledger/accounts", b"{}", content_type="application/json"
        )
        request.META["CONTENT_TYPE"] = "application/json; charset*=bogus''x"

        response = RequestGuardMiddleware(lambda request: HttpResponse("read"))(request)

        assert response.status_code == 415
        assert response["Content-Type"].startswith("application/json")


class TestRefusalsSpeakTheClientsLanguage:
    """Refused before LocaleMiddleware runs, or rewritten after it: the message follows
    Accept-Language."""

    ZH = {"accept-language": "zh-hans"}

    def test_a_page_refusal_is_in_chinese(self):
        response = Client().generic(
            "POST", "/auth/login/", b"username=a", headers=self.ZH,
            content_type="application/x-www-form-urlencoded", CONTENT_LENGTH="1.5",
        )  # fmt: skip

        assert response.status_code == 400
        assert response.content.decode() == "Bad Request (400)\nContent-Length 请求头不是字节数。\n"

    def test_an_api_body_that_is_not_json_is_refused_in_chinese(self):
        response = Client().generic(
            "POST", "/api/v1/ledger/accounts", b"x", content_type="text/plain", headers=self.ZH
        )

        assert response.status_code == 415
        assert response.json()["error"]["message"] == (
            "请求体必须是 JSON（Content-Type: application/json，UTF-8 编码）。"
        )

    def test_django_s_own_error_page_under_the_api_becomes_a_chinese_error(self):
        with translation.override("en"):  # only the request's header may choose Chinese
            response = Client().get(
                "/api/v1/ledger/accounts", headers={"host": "evil.example", **self.ZH}
            )

        assert response.status_code == 400
        assert response.json()["error"] == {
            "code": "bad_request",
            "message": "请求格式错误。",
            "details": {},
        }

    def test_a_content_type_django_cannot_parse_is_refused_in_chinese(self):
        with serving(application) as address:
            answer = raw_get(
                address, "/auth/login/", b"Content-Type: text/plain; charset*=bogus''x",
                b"Accept-Language: zh-hans",
            )  # fmt: skip

        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b" ")[1] == b"400"
        assert body.decode() == "Bad Request (400)\nContent-Type 请求头格式错误。\n"


class TestNoTracebackOnPages:
    def test_an_unexpected_exception_shows_a_plain_500(self, staff_client, debug, monkeypatch):
        def boom(**kwargs):
            raise RuntimeError("a bug")

        monkeypatch.setattr(customer_selectors, "customers_search", boom)
        staff_client.raise_request_exception = False

        response = staff_client.get("/customers/")

        body = assert_plain_page_without_traceback(response, 500)
        assert "RuntimeError" not in body

    def test_a_bad_host_header_shows_a_plain_400(self, debug):
        response = Client().get("/auth/login/", headers={"host": "evil.example"})

        body = assert_plain_page_without_traceback(response, 400)
        assert "DisallowedHost" not in body


class Records(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines: list[str] = []
        self.seen = threading.Event()

    def emit(self, record):
        self.lines.append(record.getMessage())
        self.seen.set()


@pytest.fixture
def access_log():
    """What the ``django.server`` logger (the access log of ``hujin serve``) writes."""
    records = Records()
    logger = logging.getLogger("django.server")
    logger.addHandler(records)
    yield records
    logger.removeHandler(records)


@contextmanager
def serving(app):
    """Django's development server (what ``hujin serve`` runs) with ``app``, on a free port, in a
    thread: its address."""
    server = WSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    server.set_app(app)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def dev_server():
    with serving(application) as address:
        yield address


def raw_get(address, target: str, *headers: bytes) -> bytes:
    with socket.create_connection(address, timeout=30) as sock:
        sock.sendall(
            f"GET {target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n".encode()
            + b"".join(header + b"\r\n" for header in headers)
            + b"\r\n"
        )
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


class TestAccessLog:
    def test_hujin_serves_access_log_holds_no_query_string(self, dev_server, access_log):
        number = "13812345678"

        answer = raw_get(dev_server, f"/auth/login/?next=/customers/&q={number}")
        assert access_log.seen.wait(timeout=30)

        assert answer.startswith(b"HTTP/1.1 200") or answer.startswith(b"HTTP/1.0 200")
        (line,) = access_log.lines
        assert number not in line
        assert "/auth/login/?…" in line

    @pytest.mark.parametrize(
        "message, logged",
        [
            ('"GET /customers/?q=13812345678 HTTP/1.1" 200 512',
             '"GET /customers/?… HTTP/1.1" 200 512'),
            ("Not Found: /x?id=110105194912310029", "Not Found: /x?…"),
            ("code 400, message Bad request syntax ('GET /?a=1 b')",
             "code 400, message Bad request syntax ('GET /?… b')"),
            ('"GET /customers/ HTTP/1.1" 200 512', '"GET /customers/ HTTP/1.1" 200 512'),
        ],
    )  # fmt: skip
    def test_the_filter_cuts_every_query_string(self, message, logged):
        record = logging.LogRecord(
            "django.server", logging.INFO, __file__, 1, "%s", (message,), None
        )

        assert QueryStringFilter().filter(record) is True
        assert record.getMessage() == logged == without_query_strings(message)


class TestHujinServeWithDebug:
    """With DEBUG, ``hujin serve`` answers /static/ through Django's static-files handler, which
    builds its own request: it is guarded like the application."""

    @pytest.fixture
    def serve_handler(self, settings):
        from hujin.core.management.commands.serve import Command

        settings.DEBUG = True
        return Command().get_handler(use_static_handler=True, insecure_serving=False)

    def test_a_static_address_with_a_content_type_django_cannot_parse_answers_a_plain_400(
        self, serve_handler
    ):
        with serving(serve_handler) as address:
            answer = raw_get(
                address, "/static/web/hujin.css", b"Content-Type: text/css; charset*=bogus''x"
            )

        head, _, body = answer.partition(b"\r\n\r\n")
        assert head.split(b" ")[1] == b"400"
        assert b"content-type: text/plain" in head.lower()
        assert body == b"Bad Request (400)\nThe Content-Type header is malformed.\n"

    def test_static_files_and_pages_are_served_as_before(self, serve_handler):
        with serving(serve_handler) as address:
            css = raw_get(address, "/static/web/hujin.css")
            page = raw_get(address, "/auth/login/", b"Content-Type: text/plain; charset*=bogus''x")

        assert css.split(b" ")[1] == b"200" and b"text/css" in css.partition(b"\r\n\r\n")[0]
        assert page.split(b" ")[1] == b"400"  # the application's own guard, as ever
