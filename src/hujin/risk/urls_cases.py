"""The console pages of cases, under ``/console/risk/`` (namespace ``risk``)."""

from django.urls import path

from hujin.risk import views_cases

urlpatterns = [
    path("", views_cases.cases, name="cases"),
    path("open/", views_cases.case_open_view, name="case_open"),
    path("<uuid:case_id>/", views_cases.case, name="case"),
    path("<uuid:case_id>/note/", views_cases.case_note, name="case_note"),
    path("<uuid:case_id>/alerts/", views_cases.case_alert_join, name="case_alert_join"),
    path("<uuid:case_id>/files/", views_cases.case_file_add, name="case_file_add"),
    path("<uuid:case_id>/files/<uuid:attachment_id>/", views_cases.case_file, name="case_file"),
    path("<uuid:case_id>/assign/", views_cases.case_assign_view, name="case_assign"),
    path("<uuid:case_id>/freeze/", views_cases.case_freeze, name="case_freeze"),
    path("<uuid:case_id>/close/", views_cases.case_close_view, name="case_close"),
]
