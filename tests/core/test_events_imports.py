"""Domain events sit below the task queue and the close of business: ``hujin.core.events`` (and
what it is made of) imports neither, not even inside a function, so there is no import circle
events -> tasks -> cob -> events. The task queue reaches events through a registered hook."""

import grimp
import pytest

EVENT_MODULES = [
    "hujin.core.events",
    "hujin.core.outbox",
    "hujin.core.deliveries",
    "hujin.core.subscribers",
]


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("hujin", cache_dir=None)


@pytest.mark.parametrize("module", EVENT_MODULES)
@pytest.mark.parametrize("above", ["hujin.core.tasks", "hujin.core.cob"])
def test_event_modules_import_nothing_that_imports_them_back(graph, module, above):
    assert graph.find_shortest_chain(importer=module, imported=above) is None


def test_the_task_queue_installs_its_dispatch_request_hook_when_core_is_ready():
    from hujin.core import events, tasks

    assert events._requester is tasks.outbox_dispatch_request
