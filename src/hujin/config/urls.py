from django.urls import include, path

from hujin.config.api import api
from hujin.identity.access import staff_required_urls
from hujin.ledger.selectors import LEDGER_READ_PERMISSION

urlpatterns = [
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("auth/", include("hujin.identity.urls")),
    path("auth/mfa/", include("hujin.identity.mfa.urls")),
    # The ledger sits below identity: its pages' one guard is here (an MFA-verified staff
    # session holding the ledger read permission); the views read as request.actor.
    path(
        "ledger/",
        staff_required_urls(include("hujin.ledger.urls"), permission=LEDGER_READ_PERMISSION),
    ),
    path("customers/", include("hujin.customers.urls")),
    path("me/", include("hujin.customers.portal_urls")),
    path("suitability/", include("hujin.suitability.urls")),
    path("privacy/", include("hujin.privacy.urls")),
    path("notifications/", include("hujin.notifications.urls")),
    path("payments/", include("hujin.payments.urls")),
    path("risk/", include("hujin.risk.urls")),
    path("products/", include("hujin.products.urls")),
    path("wealth/", include("hujin.wealth.urls")),
    path("lending/", include("hujin.lending.urls")),
    path("compliance/", include("hujin.compliance.urls")),
    path("", include("hujin.web.urls")),
]
