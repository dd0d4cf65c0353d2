from django.urls import path

from hujin.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    # Under the portal's /me/ (the customers module's pages take the rest of it).
    path("me/account/", views.portal_me, name="portal_me"),
]
