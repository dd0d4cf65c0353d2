"""``hujin serve [addrport]``: the web server and the background workers in one process.

The embedded default (``make demo``): Django's development server without the autoreloader, and
a huey consumer with thread workers and the periodic scheduler (outbox sweep, close of business)
running beside it, so nothing else needs starting. In production run the web app under
gunicorn/uvicorn and ``hujin run_huey`` separately instead.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.contrib.staticfiles.management.commands.runserver import (
    Command as RunserverCommand,
)
from django.core.management.base import CommandError
from django.utils.module_loading import autodiscover_modules
from huey.consumer import Consumer, ConsumerStopped

from hujin.core.middleware import RequestBuildGuard

logger = logging.getLogger(__name__)

SHUTDOWN_TIMEOUT_SECONDS = 10


def _configured_workers() -> int:
    huey_settings = settings.HUEY if isinstance(settings.HUEY, dict) else {}
    return int(huey_settings.get("consumer", {}).get("workers", 2))


class EmbeddedConsumer(Consumer):
    """A huey consumer that leaves signal handling to the main thread.

    ``Consumer.start`` installs SIGINT/SIGTERM/SIGHUP handlers, which only the main thread may
    do, and which would take Ctrl-C away from the web server. Here the command owns the signals
    and stops the consumer itself.
    """

    def _set_signal_handlers(self) -> None:
        return None

    def watch(self) -> None:
        """What ``Consumer.run`` does after ``start()``: restart dead workers until stopped."""
        health_check_ts = time.monotonic()
        while True:
            try:
                health_check_ts = self.loop(health_check_ts)
            except ConsumerStopped:
                break
        self.huey.notify_interrupted_tasks()


class GuardedStaticFilesHandler(RequestBuildGuard, StaticFilesHandler):
    """Django's static-files handler (what ``serve`` puts in front of the application with DEBUG),
    answering 400 to a request it cannot even build, as the application does: it builds its own
    request for a /static/ address, which the application's guard never sees."""


class Command(RunserverCommand):
    help = "Run the web server and, in the same process, the background workers (huey)."

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument(
            "--workers",
            type=int,
            default=_configured_workers(),
            help="Worker threads for background tasks (default: HUJIN_TASKS_WORKERS, 2).",
        )
        parser.add_argument(
            "--no-workers",
            action="store_false",
            dest="use_workers",
            help="Serve the web only; run `hujin run_huey` for the workers elsewhere.",
        )

    def handle(self, *args, **options):
        options["use_reloader"] = False  # a reloader would fork a second set of workers
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        consumer = self._consumer_start(options) if options["use_workers"] else None
        # SIGTERM (docker stop, systemd) shuts down like Ctrl-C: the server stops, then the workers.
        previous_sigterm = signal.signal(signal.SIGTERM, signal.default_int_handler)
        try:
            super().handle(*args, **options)
        finally:
            signal.signal(signal.SIGTERM, previous_sigterm)
            if consumer is not None:
                self.stdout.write("Stopping background workers...")
                consumer.stop(graceful=True)

    def get_handler(self, *args, **options):
        """The WSGI application; with DEBUG (or ``--insecure``) behind the static-files handler,
        guarded like the application (``GuardedStaticFilesHandler``)."""
        handler = super().get_handler(*args, **options)
        if isinstance(handler, StaticFilesHandler):
            return GuardedStaticFilesHandler(handler.application)
        return handler

    def _consumer_start(self, options) -> EmbeddedConsumer | None:
        from huey.contrib.djhuey import HUEY

        if HUEY.immediate:
            self.stdout.write(
                "Tasks run immediately (HUJIN_TASKS_IMMEDIATE=1): no workers, no periodic tasks."
            )
            return None
        autodiscover_modules("tasks")
        consumer = EmbeddedConsumer(
            HUEY,
            workers=options["workers"],
            worker_type="thread",
            periodic=True,
            shutdown_timeout=SHUTDOWN_TIMEOUT_SECONDS,
        )
        consumer.start()  # the scheduler and worker threads
        threading.Thread(target=consumer.watch, name="huey-consumer", daemon=True).start()
        self.stdout.write(
            f"Background workers: {options['workers']} threads + scheduler ({type(HUEY).__name__})."
        )
        return consumer
