from django.urls import path

from hujin.products import views_console, views_nav, views_portal

app_name = "products"
urlpatterns = [
    path("", views_portal.portal_list, name="portal_list"),
    path("<uuid:product_id>/", views_portal.portal_product, name="portal_product"),
    path("documents/<uuid:document_id>/", views_console.document, name="document"),
    path("console/", views_console.console_list, name="console_list"),
    path("console/new/<slug:kind>/", views_console.console_create, name="console_create"),
    path("console/admission/", views_console.admission_queue, name="admission_queue"),
    path("console/<uuid:product_id>/", views_console.console_product, name="console_product"),
    path("console/<uuid:product_id>/edit/", views_console.console_edit, name="console_edit"),
    path(
        "console/<uuid:product_id>/documents/",
        views_console.console_document,
        name="console_document",
    ),
    path("console/<uuid:product_id>/submit/", views_console.console_submit, name="console_submit"),
    path(
        "console/<uuid:product_id>/on-sale/", views_console.console_on_sale, name="console_on_sale"
    ),
    path(
        "console/<uuid:product_id>/suspend/", views_console.console_suspend, name="console_suspend"
    ),
    path("console/<uuid:product_id>/resume/", views_console.console_resume, name="console_resume"),
    path("console/<uuid:product_id>/close/", views_console.console_close, name="console_close"),
    path(
        "console/<uuid:product_id>/review/", views_console.admission_review, name="admission_review"
    ),
    path("console/<uuid:product_id>/nav/", views_nav.console_nav, name="console_nav"),
    path(
        "console/<uuid:product_id>/nav/import/",
        views_nav.console_nav_import,
        name="console_nav_import",
    ),
]
