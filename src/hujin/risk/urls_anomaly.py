"""The console pages of the anomaly model, under ``/console/risk/`` (namespace ``risk``)."""

urlpatterns: list = []
