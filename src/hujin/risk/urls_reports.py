"""The console pages of the reports to the authority (namespace ``risk``)."""

urlpatterns: list = []
