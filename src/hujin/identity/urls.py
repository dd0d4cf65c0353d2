from django.urls import path

from hujin.identity import staff_views, views, views_auth, views_sessions

app_name = "identity"
urlpatterns = [
    # Staff console log-in (username), customer log-in (mobile number).
    path("login/", views.staff_login, name="login"),
    path("signin/", views_auth.customer_login, name="customer_login"),
    # POST only: a link or an image cannot log anyone out.
    path("logout/", views_sessions.log_out, name="logout"),
    # Customer sign-up: mobile -> SMS code -> password.
    path("signup/", views_auth.signup_mobile, name="signup"),
    path("signup/verify/", views_auth.signup_verify, name="signup_verify"),
    path("signup/resend/", views_auth.signup_resend, name="signup_resend"),
    path("signup/password/", views_auth.signup_password, name="signup_password"),
    # Forgotten password: mobile -> SMS code -> new password.
    path("reset/", views_auth.reset_mobile, name="reset"),
    path("reset/verify/", views_auth.reset_verify, name="reset_verify"),
    path("reset/resend/", views_auth.reset_resend, name="reset_resend"),
    path("reset/password/", views_auth.reset_password, name="reset_password"),
    # Everyone's own sessions.
    path("sessions/", views_sessions.session_list_page, name="sessions"),
    path(
        "sessions/<uuid:session_id>/revoke/",
        views_sessions.session_revoke_page,
        name="session_revoke",
    ),
    path(
        "sessions/revoke-others/",
        views_sessions.session_revoke_others_page,
        name="session_revoke_others",
    ),
    path("dev/sms/", views_sessions.dev_sms_page, name="dev_sms"),
    path("api-keys/", views.api_key_list, name="api_keys"),
    path("api-keys/new/", views.api_key_create, name="api_key_create"),
    path("api-keys/<uuid:api_key_id>/revoke/", views.api_key_revoke, name="api_key_revoke"),
    # Staff and their roles (role changes go through maker-checker).
    path("staff/", staff_views.staff_list, name="staff"),
    path("staff/<uuid:user_id>/roles/", staff_views.role_change_request, name="staff_role_change"),
]
