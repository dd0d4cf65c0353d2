from django.urls import include, path

from hujin.risk import (
    urls_anomaly,
    urls_cases,
    urls_reports,
    views_alerts,
    views_lists,
    views_rules,
)

app_name = "risk"
urlpatterns = [
    path("rules/", views_rules.rules, name="rules"),
    path("rules/new/", views_rules.rule_new, name="rule_new"),
    path("rules/check/", views_rules.condition_check, name="rule_check"),
    path("rules/<str:code>/", views_rules.rule, name="rule"),
    path("rules/<str:code>/write/", views_rules.rule_write, name="rule_write"),
    path("rules/<str:code>/propose/", views_rules.rule_propose, name="rule_propose"),
    path("rules/<str:code>/retire/", views_rules.rule_retire, name="rule_retire"),
    # screening lists
    path("lists/", views_lists.lists, name="lists"),
    path("lists/import/", views_lists.list_import, name="list_import"),
    path("lists/hits/", views_lists.list_hits, name="list_hits"),
    path("lists/versions/<uuid:version_id>/", views_lists.list_version, name="list_version"),
    # alerts and the decision log
    path("alerts/", views_alerts.alerts, name="alerts"),
    path("alerts/<uuid:alert_id>/", views_alerts.alert, name="alert"),
    path("alerts/<uuid:alert_id>/dismiss/", views_alerts.alert_dismiss_view, name="alert_dismiss"),
    path(
        "alerts/<uuid:alert_id>/escalate/", views_alerts.alert_escalate_view, name="alert_escalate"
    ),
    path("decisions/", views_alerts.decisions, name="decisions"),
    path("decisions/<uuid:decision_id>/", views_alerts.decision, name="decision"),
    # casework
    path("cases/", include(urls_cases)),
    path("reports/", include(urls_reports)),
    path("models/", include(urls_anomaly)),
]
