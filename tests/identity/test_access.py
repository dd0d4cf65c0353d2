import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import include, path
from django.views import View

from hujin.identity.access import (
    StaffRequiredMixin,
    is_console_user,
    staff_actor,
    staff_required,
    staff_required_urls,
)
from hujin.identity.permissions import MANAGE_API_KEYS

pytestmark = pytest.mark.django_db


def ok(request):
    return HttpResponse("ok")


def get(user, path="/somewhere/?x=1"):
    request = RequestFactory().get(path)
    request.user = user
    request.session = {"mfa_verified": True}  # past the second factor (tests/identity/test_mfa_*)
    return request


class TestIsConsoleUser:
    def test_active_staff_may(self, staff_user):
        assert is_console_user(staff_user)

    def test_customers_may_not(self, customer_user):
        assert not is_console_user(customer_user)

    def test_deactivated_staff_may_not(self, clerk_user):
        clerk_user.is_active = False

        assert not is_console_user(clerk_user)

    def test_nobody_anonymous_may(self):
        assert not is_console_user(AnonymousUser())


class TestStaffActor:
    def test_carries_the_staff_members_permissions_as_scopes(self, staff_user, clerk_user):
        assert MANAGE_API_KEYS in staff_actor(staff_user).scopes  # a superuser
        assert staff_actor(clerk_user).scopes == frozenset()
        assert staff_actor(clerk_user).kind == "staff"
        assert staff_actor(clerk_user).id == str(clerk_user.pk)


class TestStaffRequired:
    def test_sends_anonymous_visitors_to_the_login_page_and_back(self):
        response = staff_required(ok)(get(AnonymousUser()))

        assert response.status_code == 302
        assert response["Location"] == "/auth/login/?next=/somewhere/%3Fx%3D1"

    def test_lets_staff_through(self, clerk_user):
        assert staff_required(ok)(get(clerk_user)).content == b"ok"

    def test_refuses_customers(self, customer_user):
        with pytest.raises(PermissionDenied):
            staff_required(ok)(get(customer_user))

    def test_refuses_staff_lacking_the_named_permission(self, clerk_user, staff_user):
        guarded = staff_required(permission=MANAGE_API_KEYS)(ok)

        with pytest.raises(PermissionDenied):
            guarded(get(clerk_user))
        assert guarded(get(staff_user)).content == b"ok"


class TestStaffRequiredMixin:
    class Page(StaffRequiredMixin, View):
        staff_permission = MANAGE_API_KEYS

        def get(self, request):
            return HttpResponse("ok")

    def test_guards_a_class_based_view(self, staff_user, clerk_user):
        view = self.Page.as_view()

        assert view(get(AnonymousUser())).status_code == 302
        with pytest.raises(PermissionDenied):
            view(get(clerk_user))
        assert view(get(staff_user)).content == b"ok"


class TestStaffRequiredUrls:
    def test_guards_every_view_of_an_include_and_keeps_names(self, customer_user, staff_user):
        nested = [path("deep/", ok, name="deep")]
        patterns = [path("a/", ok, name="a"), path("b/", include((nested, "inner")))]

        guarded, app_name, namespace = staff_required_urls(include((patterns, "demo")))

        assert (app_name, namespace) == ("demo", "demo")
        assert guarded[0].name == "a"
        view = guarded[0].callback
        assert view(get(AnonymousUser())).status_code == 302
        with pytest.raises(PermissionDenied):
            view(get(customer_user))
        assert view(get(staff_user)).content == b"ok"
        deep = guarded[1].url_patterns[0].callback
        assert deep(get(AnonymousUser())).status_code == 302
