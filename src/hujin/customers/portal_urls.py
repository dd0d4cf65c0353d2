"""The customer portal, under /me/ (customers only)."""

from django.urls import path

from hujin.customers import portal_views

app_name = "customers_portal"
urlpatterns = [
    path("", portal_views.home, name="home"),
    path("verify/", portal_views.verify_individual, name="verify"),
    path("verify/enterprise/", portal_views.verify_enterprise, name="verify_enterprise"),
    path("status/", portal_views.status_page, name="status"),
    path("verify/<uuid:application_id>/", portal_views.application_detail, name="application"),
    path("open-account/", portal_views.open_account, name="open_account"),
]
