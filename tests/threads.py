"""Calls made at the same moment from several threads, each on its own database connection
(for the concurrency tests on PostgreSQL)."""

import threading

from django.db import connections


def together(calls) -> tuple[list, list[Exception]]:
    """Run every call at once (a barrier releases them together); their results and failures."""
    barrier = threading.Barrier(len(calls))
    results, failures = [], []

    def run(call):
        try:
            barrier.wait(timeout=30)
            results.append(call())
        except Exception as exc:  # the caller's assertions name it
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results, failures
