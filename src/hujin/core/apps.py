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

        from hujin.core.audit import seal
        from hujin.core.cob import register_cob_step

        # Each close of business writes every audit chain's end into the trail (a seal).
        register_cob_step(
            name=seal.COB_STEP_NAME, order=seal.COB_STEP_ORDER, func=seal.cob_audit_seal
        )
