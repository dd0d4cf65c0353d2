"""Console pages, under /customers/ (staff only)."""

from django.urls import path

from hujin.customers import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_search, name="search"),
    path("<uuid:customer_id>/", views.customer_detail, name="detail"),
    path("<uuid:customer_id>/freeze/", views.customer_freeze, name="freeze"),
    path("<uuid:customer_id>/unfreeze/", views.customer_unfreeze, name="unfreeze"),
    path("<uuid:customer_id>/close/", views.customer_close, name="close"),
    path("kyc/", views.kyc_queue, name="kyc_queue"),
    path("kyc/<uuid:application_id>/", views.kyc_detail, name="kyc_detail"),
    path("kyc/<uuid:application_id>/override/", views.kyc_override, name="kyc_override"),
]
