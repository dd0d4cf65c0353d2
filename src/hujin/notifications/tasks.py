"""The notifications module's background work (huey discovers this module): sending a
committed message's text message and e-mail, and a sweep every minute for any whose request
was lost (queue down, process killed)."""

import uuid

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from hujin.notifications.services import deliveries_send


@db_task()
def deliveries_send_task(message_id: str) -> int:
    return deliveries_send(now=timezone.now(), message_id=uuid.UUID(message_id))


def deliveries_send_request(message_id: uuid.UUID) -> None:
    """The hook ``notification_send`` calls after its commit (installed from ready())."""
    deliveries_send_task(str(message_id))


@db_periodic_task(crontab(minute="*"))
def deliveries_sweep() -> int:
    return deliveries_send(now=timezone.now())
