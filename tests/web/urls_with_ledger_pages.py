"""The project's URLs plus stand-in ledger and close-of-business pages, for the navigation."""

from django.http import HttpResponse
from django.urls import include, path

from hujin.config.urls import urlpatterns as project_urlpatterns


def stand_in(request):
    return HttpResponse("stand-in")


ledger_pages = (
    [
        path("accounts/", stand_in, name="accounts"),
        path("transfers/", stand_in, name="transfers"),
        path("trial-balance/", stand_in, name="trial_balance"),
    ],
    "ledger",
)
cob_pages = ([path("", stand_in, name="index")], "cob")

urlpatterns = [
    path("ledger-pages/", include(ledger_pages)),
    path("cob/", include(cob_pages)),
    *[p for p in project_urlpatterns if getattr(p, "namespace", None) not in ("ledger", "cob")],
]
