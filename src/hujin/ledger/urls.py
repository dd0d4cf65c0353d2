"""The ledger's console pages, under /ledger/. Guarded where config/urls.py includes them (an
MFA-verified staff session holding the ledger read permission); see hujin.ledger.views."""

from django.urls import path

from hujin.ledger import views

app_name = "ledger"
urlpatterns = [
    path("accounts/", views.accounts, name="accounts"),
    path("accounts/<uuid:account_id>/", views.account_detail, name="account_detail"),
    path(
        "accounts/<uuid:account_id>/statement/",
        views.account_statement,
        name="account_statement",
    ),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<uuid:transfer_id>/", views.transfer_detail, name="transfer_detail"),
    path("trial-balance/", views.trial_balance, name="trial_balance"),
]
