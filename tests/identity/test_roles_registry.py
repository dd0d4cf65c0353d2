"""The role registry and its sync into Django groups (hujin.identity.roles)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ImproperlyConfigured

from hujin.identity import roles

pytestmark = pytest.mark.django_db


@pytest.fixture
def registry(monkeypatch):
    """A private copy of the registry, so a test can register without leaking."""
    monkeypatch.setattr(roles, "_registry", {r: set(p) for r, p in roles._registry.items()})
    monkeypatch.setattr(roles, "_declared", dict(roles._declared))
    return roles


class TestTheRoles:
    def test_are_the_seven_of_the_issue(self):
        assert roles.ROLES == (
            "customer_service",
            "compliance_officer",
            "risk_analyst",
            "operations",
            "product_manager",
            "auditor",
            "administrator",
        )

    def test_exist_as_groups_after_migrate(self):
        assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ROLES)

    def test_groups_hold_exactly_the_registered_permissions(self):
        for role, expected in roles.permission_matrix().items():
            held = {
                f"{p.content_type.app_label}.{p.codename}"
                for p in Group.objects.get(name=role).permissions.select_related("content_type")
            }
            assert held == expected, role

    def test_only_administrators_manage_api_keys_and_staff(self):
        matrix = roles.permission_matrix()

        holders = {r for r, perms in matrix.items() if "identity.manage_staff" in perms}
        assert holders == {"administrator"}
        assert {r for r, p in matrix.items() if "identity.manage_api_keys" in p} == {
            "administrator"
        }


class TestRegisterRolePermissions:
    def test_refuses_an_unknown_role(self, registry):
        with pytest.raises(ImproperlyConfigured, match="unknown role"):
            registry.register_role_permissions("janitor", ["identity.view_staff"])

    @pytest.mark.parametrize("bad", ["view_staff", "identity.", ".view", "a.b.c"])
    def test_refuses_a_malformed_permission_string(self, registry, bad):
        with pytest.raises(ImproperlyConfigured, match=r"app_label\.codename"):
            registry.register_role_permissions("auditor", [bad])

    def test_registering_twice_changes_nothing(self, registry):
        before = registry.role_permissions("auditor")
        registry.register_role_permissions("auditor", ["identity.view_staff"])

        assert registry.role_permissions("auditor") == before


class TestRolesSync:
    def test_an_unknown_permission_stops_the_sync_with_its_name(self, registry):
        registry.register_role_permissions("auditor", ["identity.read_minds"])

        with pytest.raises(registry.RolePermissionUnknown, match=r"identity\.read_minds"):
            registry.roles_sync()

    def test_is_idempotent_and_removes_permissions_added_by_hand(self, registry):
        group = Group.objects.get(name="auditor")
        stray = Permission.objects.get(codename="manage_api_keys")
        group.permissions.add(stray)

        registry.roles_sync()
        registry.roles_sync()

        assert not group.permissions.filter(pk=stray.pk).exists()
        assert Group.objects.filter(name="auditor").count() == 1

    def test_gives_a_role_a_newly_registered_permission(self, registry):
        registry.register_role_permissions("product_manager", ["identity.view_staff"])

        registry.roles_sync()

        assert (
            Group.objects.get(name="product_manager")
            .permissions.filter(codename="view_staff")
            .exists()
        )

    def test_creates_declared_permissions(self, registry):
        registry.permission_declare(
            "identity.test_declared", model="user", name="A permission for this test"
        )
        registry.register_role_permissions("auditor", ["identity.test_declared"])

        registry.roles_sync()

        permission = Permission.objects.get(codename="test_declared")
        assert permission.content_type.app_label == "identity"
        assert Group.objects.get(name="auditor").permissions.filter(pk=permission.pk).exists()

    def test_a_role_members_actor_carries_the_roles_permissions(self, role_client):
        from hujin.identity.access import staff_actor

        client = role_client("auditor")

        assert staff_actor(client.user).scopes >= roles.role_permissions("auditor")
        assert "identity.manage_staff" not in staff_actor(client.user).scopes
