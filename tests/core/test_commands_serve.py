import signal
import threading
import time

import pytest
from django.contrib.staticfiles.management.commands.runserver import (
    Command as RunserverCommand,
)
from django.core.management import CommandError, call_command
from huey import MemoryHuey
from huey.contrib import djhuey

from hujin.core.management.commands.serve import EmbeddedConsumer

CONSUMER_THREADS = {"huey-consumer", "Scheduler", "Worker-1", "Worker-2", "Worker-3"}


def _wait_until(condition, timeout=5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _thread_names() -> set[str]:
    return {thread.name for thread in threading.enumerate()}


class TestEmbeddedConsumer:
    def test_runs_tasks_from_a_background_thread_and_leaves_signals_alone(self):
        queue = MemoryHuey("serve-test", immediate=False)

        @queue.task()
        def add(a, b):
            return a + b

        handlers_before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
        consumer = EmbeddedConsumer(queue, workers=1, worker_type="thread", periodic=False)
        runner = threading.Thread(target=consumer.run, daemon=True)
        runner.start()
        try:
            assert add(2, 3).get(blocking=True, timeout=5) == 5
        finally:
            consumer.stop(graceful=True)
            runner.join(5)

        assert not runner.is_alive()
        assert {sig: signal.getsignal(sig) for sig in handlers_before} == handlers_before


class TestServeCommand:
    def test_serves_without_the_reloader_with_the_workers_beside_it(self, monkeypatch):
        monkeypatch.setattr(djhuey, "HUEY", MemoryHuey("serve-test", immediate=False))
        seen = {}

        def web_server(self, *args, **options):
            seen["addrport"] = options["addrport"]
            seen["use_reloader"] = options["use_reloader"]
            seen["threads"] = _thread_names()
            seen["sigterm"] = signal.getsignal(signal.SIGTERM)

        monkeypatch.setattr(RunserverCommand, "handle", web_server)
        sigterm_before = signal.getsignal(signal.SIGTERM)

        call_command("serve", "127.0.0.1:8123", "--workers", "3")

        assert seen["addrport"] == "127.0.0.1:8123" and seen["use_reloader"] is False
        assert seen["threads"] >= CONSUMER_THREADS
        assert seen["sigterm"] is signal.default_int_handler  # stops like Ctrl-C
        assert _wait_until(lambda: not (_thread_names() & CONSUMER_THREADS))
        assert signal.getsignal(signal.SIGTERM) == sigterm_before

    def test_with_no_workers_only_the_web_server_runs(self, monkeypatch):
        monkeypatch.setattr(djhuey, "HUEY", MemoryHuey("serve-test", immediate=False))
        seen = {}
        monkeypatch.setattr(
            RunserverCommand, "handle", lambda self, *a, **o: seen.update(threads=_thread_names())
        )

        call_command("serve", "--no-workers")

        assert not (seen["threads"] & CONSUMER_THREADS)

    def test_in_immediate_mode_no_workers_are_started(self, monkeypatch):
        monkeypatch.setattr(djhuey, "HUEY", MemoryHuey("serve-test", immediate=True))
        seen = {}
        monkeypatch.setattr(
            RunserverCommand, "handle", lambda self, *a, **o: seen.update(threads=_thread_names())
        )

        call_command("serve")

        assert not (seen["threads"] & CONSUMER_THREADS)

    def test_serves_the_wsgi_application_gunicorn_runs(self, settings):
        from hujin.config.wsgi import application
        from hujin.core.management.commands.serve import Command

        settings.DEBUG = False  # with DEBUG, static files are served around it

        handler = Command().get_handler(use_static_handler=True, insecure_serving=False)

        assert handler is application

    def test_refuses_fewer_than_one_worker(self):
        with pytest.raises(CommandError, match="at least 1"):
            call_command("serve", "--workers", "0")
