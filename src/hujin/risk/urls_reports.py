"""The console pages of the reports to the authority (namespace ``risk``)."""

from django.urls import path

from hujin.risk import views_reports

urlpatterns = [
    path("", views_reports.reports, name="reports"),
    path("lv/propose/", views_reports.lv_batch_propose, name="lv_batch_propose"),
    path("lv/export/", views_reports.lv_batch_export, name="lv_batch_export"),
    path("<uuid:report_id>/", views_reports.report, name="report"),
    path("<uuid:report_id>/narrative/", views_reports.report_narrative, name="report_narrative"),
    path("<uuid:report_id>/propose/", views_reports.report_propose_view, name="report_propose"),
    path("<uuid:report_id>/export/", views_reports.report_export_view, name="report_export"),
]
