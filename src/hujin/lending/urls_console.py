"""The console's lending pages, under /lending/console/."""

from django.urls import path

from hujin.lending import views_console as products
from hujin.lending import views_console_risk as risk
from hujin.lending import views_console_servicing as servicing

P = "console/"
urlpatterns: list = [
    path(f"{P}products/", products.products, name="console_products"),
    path(f"{P}products/new/", products.product_new, name="console_product_new"),
    path(f"{P}products/apr/", products.product_apr, name="console_product_apr"),
    path(f"{P}products/<uuid:product_id>/", products.product, name="console_product"),
    path(
        f"{P}products/<uuid:product_id>/edit/", products.product_edit, name="console_product_edit"
    ),
    path(
        f"{P}products/<uuid:product_id>/submit/",
        products.product_submit,
        name="console_product_submit",
    ),
    path(
        f"{P}products/<uuid:product_id>/<slug:action>/",
        products.product_move,
        name="console_product_move",
    ),
    path(f"{P}funding/", products.funding, name="console_funding"),
    path(f"{P}funding/add/", products.funding_add, name="console_funding_add"),
    path(f"{P}applications/", risk.applications, name="console_applications"),
    path(f"{P}applications/<uuid:application_id>/", risk.application, name="console_application"),
    path(
        f"{P}applications/<uuid:application_id>/decide/",
        risk.application_decide,
        name="console_application_decide",
    ),
    path(f"{P}loans/", risk.loans, name="console_loans"),
    path(f"{P}loans/<uuid:loan_id>/", risk.loan, name="console_loan"),
    path(f"{P}loans/<uuid:loan_id>/notes/", servicing.note_add, name="console_loan_note"),
    path(
        f"{P}loans/<uuid:loan_id>/downgrade/",
        servicing.downgrade_request,
        name="console_loan_downgrade",
    ),
    path(
        f"{P}loans/<uuid:loan_id>/restructure/",
        servicing.restructure_request,
        name="console_loan_restructure",
    ),
    path(
        f"{P}loans/<uuid:loan_id>/write-off/",
        servicing.write_off_request,
        name="console_loan_write_off",
    ),
    path(f"{P}collections/", risk.collections, name="console_collections"),
    path(f"{P}models/", risk.models, name="console_models"),
    path(f"{P}models/<uuid:model_id>/<slug:action>/", risk.model_step, name="console_model_step"),
    path(f"{P}portfolio/", risk.portfolio, name="console_portfolio"),
]
