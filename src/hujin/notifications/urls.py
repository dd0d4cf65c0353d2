from django.urls import path

from hujin.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("settings/", views.preferences, name="preferences"),
    path("dev/email/", views.dev_email, name="dev_email"),
    path("<uuid:message_id>/", views.message, name="message"),
]
