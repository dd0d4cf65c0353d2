from django.urls import path

from hujin.wealth import views

app_name = "wealth"
urlpatterns = [path("advice/", views.advice, name="advice")]
