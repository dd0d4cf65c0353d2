"""The console pages of cases, under ``/console/risk/`` (namespace ``risk``)."""

urlpatterns: list = []
