from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "hujin.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from hujin.core.statuses import TONE_MUTED, TONE_SUCCESS, status_register
        from hujin.identity.services import sms_send_to_user
        from hujin.notifications import (
            catalogue,
            checks,  # noqa: F401 -- registers the start-up checks
            handlers,
            navigation,
            tasks,
        )
        from hujin.notifications.services import delivery_requester_set, sms_transport_set
        from hujin.notifications.types import DELIVERY_SENT, DELIVERY_SKIPPED

        status_register(DELIVERY_SENT, pgettext_lazy("status", "Sent"), TONE_SUCCESS)
        status_register(DELIVERY_SKIPPED, pgettext_lazy("status", "Skipped"), TONE_MUTED)
        catalogue.register()
        handlers.subscribe()
        delivery_requester_set(tasks.deliveries_send_request)
        # Text messages go out through identity's SMS sender (HUJIN_SMS_SENDER), to the number
        # identity keeps: this module names the person, never the number.
        sms_transport_set(sms_send_to_user)
        _register_personal_data()
        navigation.register()
        from hujin.notifications import console_names

        console_names.register()


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data
    from hujin.notifications import personal_data

    register_personal_data(
        "notifications",
        export=personal_data.notifications_export,
        anonymise=personal_data.notifications_anonymise,
        retention=personal_data.RETENTION,
    )
