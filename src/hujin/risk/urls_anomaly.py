"""The console pages of the anomaly model, under ``/console/risk/models/`` (namespace ``risk``)."""

from django.urls import path

from hujin.risk import views_anomaly

urlpatterns = [
    path("", views_anomaly.models, name="models"),
    path("<uuid:model_id>/propose/", views_anomaly.model_propose, name="model_propose"),
]
