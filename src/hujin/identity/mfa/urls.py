from django.urls import path

from hujin.identity.mfa import views

app_name = "mfa"
urlpatterns = [
    path("", views.manage, name="manage"),
    path("enrol/", views.enrol, name="enrol"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery_codes_regenerate, name="recovery_codes"),
    path("disable/", views.disable, name="disable"),
]
