"""Where the privacy pages appear, and the requests that wait (``hujin.core.navigation``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from hujin.core.actors import Actor
from hujin.core.navigation import AREA_RISK, console_entry_register, portal_entry_register
from hujin.privacy.models import DataSubjectRequest
from hujin.privacy.permissions import HANDLE_REQUESTS

OPEN = [DataSubjectRequest.Status.OPEN, DataSubjectRequest.Status.IN_PROGRESS]


def requests_waiting_count(actor: Actor) -> int:
    """Personal-data requests not yet answered (the law gives 15 days: see docs/modules)."""
    if not actor.has_scope(HANDLE_REQUESTS):
        return 0
    return DataSubjectRequest.objects.filter(status__in=OPEN).count()


def register() -> None:
    console_entry_register(
        key="privacy.requests", area=AREA_RISK, label=_("Personal-data requests"),
        url_name="privacy:requests", permission=HANDLE_REQUESTS, order=30,
        waiting=requests_waiting_count,
        waiting_label=ngettext_lazy(
            "%(n)d personal-data request to answer", "%(n)d personal-data requests to answer", "n"
        ),
    )  # fmt: skip
    portal_entry_register(
        key="privacy.consents", label=_("Agreements"), url_name="privacy:consents", icon="doc",
        order=30, description=_("The privacy policy and service agreement you accepted"),
    )  # fmt: skip
    portal_entry_register(
        key="privacy.my_data", label=_("My personal data"), url_name="privacy:my_data",
        icon="doc", order=60, description=_("Download, correct or delete your data"),
    )  # fmt: skip
