from django.urls import path

from hujin.privacy import views

app_name = "privacy"
urlpatterns = [
    path("consents/", views.consents, name="consents"),
    path("consents/accept/", views.consent_accept, name="consent_accept"),
    path("consents/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("documents/<uuid:document_id>/", views.document, name="document"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("my-data/requests/<uuid:request_id>/", views.my_request, name="my_request"),
    path("my-data/<str:kind>/", views.my_data_request, name="my_data_request"),
    path("requests/", views.worklist, name="requests"),
    path("requests/<uuid:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<uuid:request_id>/start/", views.request_start, name="request_start"),
    path("requests/<uuid:request_id>/<str:outcome>/", views.request_close, name="request_close"),
]
