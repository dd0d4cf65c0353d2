"""Where the customers module's pages appear, and the work its queue holds
(``hujin.core.navigation``)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from hujin.core.actors import Actor
from hujin.core.navigation import AREA_CUSTOMERS, console_entry_register, portal_entry_register
from hujin.customers.models import ApplicationStatus, KycApplication
from hujin.customers.permissions import REVIEW_KYC, VIEW_CUSTOMERS


def kyc_waiting_count(actor: Actor) -> int:
    """Identity checks waiting for a reviewer (individuals and enterprises)."""
    if not actor.has_scope(REVIEW_KYC):
        return 0
    return KycApplication.objects.filter(status=ApplicationStatus.NEEDS_REVIEW).count()


def register() -> None:
    console_entry_register(
        key="customers.search", area=AREA_CUSTOMERS, label=_("Customers"),
        url_name="customers:search", permission=VIEW_CUSTOMERS, order=10,
    )  # fmt: skip
    console_entry_register(
        key="customers.kyc_queue", area=AREA_CUSTOMERS, label=_("Verification queue"),
        url_name="customers:kyc_queue", permission=REVIEW_KYC, order=20,
        waiting=kyc_waiting_count,
        waiting_label=ngettext_lazy(
            "%(n)d identity check waits for review", "%(n)d identity checks wait for review", "n"
        ),
    )  # fmt: skip
    portal_entry_register(
        key="home", label=_("Home"), url_name="customers_portal:home", place="tab", icon="home",
        order=0,
    )  # fmt: skip
    portal_entry_register(
        key="customers.verification", label=_("Real-name verification"),
        url_name="customers_portal:status", icon="shield", order=10,
        description=_("Your identity check and the state of your account"),
    )  # fmt: skip
