import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from hujin.identity.access import customer_actor, customer_required, is_portal_user

pytestmark = pytest.mark.django_db


@customer_required
def portal_page(request):
    return HttpResponse("mine")


def get(user, path="/me/things/?x=1"):
    request = RequestFactory().get(path)
    request.user = user
    return request


class TestCustomerRequired:
    def test_a_customer_sees_the_page(self, customer_user):
        assert portal_page(get(customer_user)).content == b"mine"

    def test_anonymous_visitors_go_to_the_customer_log_in_and_come_back(self):
        response = portal_page(get(AnonymousUser()))

        assert response.status_code == 302
        assert response["Location"] == "/auth/signin/?next=/me/things/%3Fx%3D1"

    def test_staff_get_the_403_page(self, staff_user):
        with pytest.raises(PermissionDenied):
            portal_page(get(staff_user))

    def test_a_deactivated_customer_gets_the_403_page(self, customer_user):
        customer_user.is_active = False

        assert not is_portal_user(customer_user)
        with pytest.raises(PermissionDenied):
            portal_page(get(customer_user))

    def test_the_view_is_marked_for_the_permission_matrix(self):
        assert portal_page.customer_required is True


class TestCustomerActor:
    def test_a_customer_acts_as_a_customer_with_no_scopes(self, customer_user):
        actor = customer_actor(customer_user)

        assert actor.kind == "customer"
        assert actor.id == str(customer_user.pk)
        assert actor.scopes == frozenset()
