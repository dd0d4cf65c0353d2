from django.urls import path

from hujin.compliance import views, views_cob

app_name = "compliance"
urlpatterns = [
    path("audit/", views.audit_list, name="audit"),
    path("audit/<int:entry_id>/", views.audit_detail, name="audit_detail"),
    path("approvals/", views.approval_inbox, name="approvals"),
    path("approvals/<uuid:approval_id>/", views.approval_detail, name="approval_detail"),
    path("approvals/<uuid:approval_id>/cancel/", views.approval_cancel, name="approval_cancel"),
    path("events/", views.event_deliveries, name="events"),
    path(
        "events/deliveries/<int:delivery_id>/retry/",
        views.event_delivery_retry,
        name="event_delivery_retry",
    ),
    path(
        "events/deliveries/<int:delivery_id>/discard/",
        views.event_delivery_discard,
        name="event_delivery_discard",
    ),
    path(
        "events/subscribers/discard/",
        views.event_subscriber_discard,
        name="event_subscriber_discard",
    ),
    path("cob/", views_cob.cob_runs, name="cob"),
    # str, not a date converter: a malformed date passes the permission gate first, then 404s.
    path("cob/<str:business_date>/", views_cob.cob_run_detail, name="cob_run"),
]
