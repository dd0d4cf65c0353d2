"""The API tests' live server runs the application production runs.

pytest-django's ``live_server`` serves a bare ``django.core.handlers.wsgi.WSGIHandler``; here it
serves ``hujin.config.wsgi.application`` instead (what gunicorn and ``hujin serve`` run), so a
request Django cannot even build is answered as it would be in production.
"""

import os

import pytest


@pytest.fixture(scope="session")
def live_server(request):
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from pytest_django.live_server_helper import LiveServer

    from hujin.config.wsgi import application

    addr = (
        request.config.getvalue("liveserver")
        or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS")
        or "localhost"
    )
    server = LiveServer(addr, start=False)
    # Django's server thread wraps a WSGIHandler of its own in the static-files handler: the
    # static-files handler wraps the application instead.
    server.thread.static_handler = lambda _bare_handler: StaticFilesHandler(application)
    server.start()
    yield server
    server.stop()
