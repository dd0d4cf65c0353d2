"""The customer portal, under /me/ (customers only)."""

from django.urls import path  # noqa: F401

app_name = "customers_portal"
urlpatterns: list = []
