"""The customer's lending pages, under /lending/."""

from django.urls import path

from hujin.lending import views_portal, views_portal_loans, views_portal_offer

urlpatterns: list = [
    path("", views_portal.home, name="home"),
    path("products/", views_portal.products, name="products"),
    path("products/<uuid:product_id>/preview/", views_portal.preview, name="preview"),
    path("apply/<uuid:product_id>/", views_portal.apply, name="apply"),
    path("applications/", views_portal.applications, name="applications"),
    path("application/<uuid:application_id>/", views_portal_offer.application, name="application"),
    path("application/<uuid:application_id>/code/", views_portal_offer.sign_code, name="sign_code"),
    path("application/<uuid:application_id>/sign/", views_portal_offer.sign, name="sign"),
    path("application/<uuid:application_id>/cancel/", views_portal_offer.cancel, name="cancel"),
    path("loans/<uuid:loan_id>/", views_portal_loans.loan, name="loan"),
    path("loans/<uuid:loan_id>/contract/", views_portal_loans.contract, name="contract"),
    path("loans/<uuid:loan_id>/repay/", views_portal_loans.repay, name="repay"),
    path("loans/<uuid:loan_id>/prepay/", views_portal_loans.prepay, name="prepay"),
    path(
        "loans/<uuid:loan_id>/prepay/quote/", views_portal_loans.prepay_quote, name="prepay_quote"
    ),
]
