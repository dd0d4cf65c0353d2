from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hujin.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from hujin.core import events, tasks

        # After a commit that emitted events, dispatch through the task queue (a hook, so that
        # events, below the tasks that run the close of business, imports none of them).
        events.dispatch_requester_set(tasks.outbox_dispatch_request)
