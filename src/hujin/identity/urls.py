from django.contrib.auth import views as auth_views
from django.urls import path

from hujin.identity import views

app_name = "identity"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    # Django's LogoutView answers POST only.
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("api-keys/", views.api_key_list, name="api_keys"),
    path("api-keys/new/", views.api_key_create, name="api_key_create"),
    path("api-keys/<uuid:api_key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
]
