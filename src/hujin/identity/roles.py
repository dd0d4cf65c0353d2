"""Staff roles: Django groups whose permissions every app registers in code.

An app says what each role may do from its ``AppConfig.ready()``::

    from hujin.identity.roles import register_role_permissions

    register_role_permissions("auditor", ["customers.view_customers"])

After every ``migrate`` (``post_migrate`` of the last app), ``roles_sync`` makes each role's group
hold exactly the registered permissions: the registry is the single source of the permission
matrix in docs/modules/identity.md, which a test compares with it. A permission string that names
no existing permission stops the sync with ``RolePermissionUnknown``.

Permissions that belong to no model of their own are declared with ``permission_declare`` and
created by the sync on the named model's content type.

A staff member's roles change only through maker-checker (``identity.role_grant``, see
``hujin.identity.role_grants``).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils.translation import gettext_lazy as _

CUSTOMER_SERVICE = "customer_service"
COMPLIANCE_OFFICER = "compliance_officer"
RISK_ANALYST = "risk_analyst"
OPERATIONS = "operations"
PRODUCT_MANAGER = "product_manager"
AUDITOR = "auditor"
ADMINISTRATOR = "administrator"

ROLE_LABELS = {
    CUSTOMER_SERVICE: _("Customer service"),
    COMPLIANCE_OFFICER: _("Compliance officer"),
    RISK_ANALYST: _("Risk analyst"),
    OPERATIONS: _("Operations"),
    PRODUCT_MANAGER: _("Product manager"),
    AUDITOR: _("Auditor (read-only)"),
    ADMINISTRATOR: _("Administrator"),
}
ROLES: tuple[str, ...] = tuple(ROLE_LABELS)


class RolePermissionUnknown(ImproperlyConfigured):
    """A registered permission string names no permission in the database."""


@dataclass(frozen=True, slots=True)
class DeclaredPermission:
    permission: str  # "app_label.codename"
    model: str  # model name (lower case) whose content type carries it
    name: str  # English description, as Django's permission names are


_registry: dict[str, set[str]] = {role: set() for role in ROLES}
_declared: dict[str, DeclaredPermission] = {}


def _split(permission: str) -> tuple[str, str]:
    app_label, dot, codename = str(permission).partition(".")
    if not dot or not app_label or not codename or "." in codename:
        raise RolePermissionUnknown(
            f"permission {permission!r} is not of the form 'app_label.codename'"
        )
    return app_label, codename


def register_role_permissions(role: str, permissions: Iterable[str]) -> None:
    """Grant ``role`` these permissions ("app_label.codename"). Call from AppConfig.ready().

    Registering the same permission twice has no effect. Raises ImproperlyConfigured for an
    unknown role or a malformed permission string (unknown permissions fail at sync).
    """
    if role not in _registry:
        raise ImproperlyConfigured(f"unknown role {role!r}; roles: {', '.join(ROLES)}")
    permissions = list(permissions)
    for permission in permissions:
        _split(permission)
    _registry[role].update(permissions)


def permission_declare(permission: str, *, model: str, name: str) -> None:
    """Have the sync create ``permission`` on ``model``'s content type (for permissions that
    belong to no model's Meta). Call from AppConfig.ready()."""
    _split(permission)
    _declared[permission] = DeclaredPermission(permission=permission, model=model, name=name)


def role_permissions(role: str) -> frozenset[str]:
    if role not in _registry:
        raise ImproperlyConfigured(f"unknown role {role!r}")
    return frozenset(_registry[role])


def permission_matrix() -> dict[str, frozenset[str]]:
    """role -> its permissions, in ROLES order."""
    return {role: frozenset(_registry[role]) for role in ROLES}


def roles_sync(*, using: str = "default") -> None:
    """Create the role groups and give each exactly its registered permissions. Idempotent.

    Raises RolePermissionUnknown, listing every registered permission that does not exist.
    """
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic(using=using):
        for declared in _declared.values():
            app_label, codename = _split(declared.permission)
            content_type = ContentType.objects.db_manager(using).get_by_natural_key(
                app_label, declared.model
            )
            Permission.objects.using(using).get_or_create(
                content_type=content_type, codename=codename, defaults={"name": declared.name}
            )
        wanted = {p for perms in _registry.values() for p in perms}
        found: dict[str, int] = {}
        for permission in (
            Permission.objects.using(using)
            .filter(codename__in={_split(p)[1] for p in wanted})
            .select_related("content_type")
        ):
            found[f"{permission.content_type.app_label}.{permission.codename}"] = permission.pk
        unknown = sorted(wanted - found.keys())
        if unknown:
            raise RolePermissionUnknown(
                "roles name permissions that do not exist: " + ", ".join(unknown)
            )
        for role in ROLES:
            group, _created = Group.objects.using(using).get_or_create(name=role)
            group.permissions.set([found[p] for p in sorted(_registry[role])])


def roles_sync_after_migrate(sender, app_config=None, using="default", **kwargs) -> None:
    """post_migrate receiver: sync once, after the last app has created its permissions."""
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module]
    if with_models and sender is with_models[-1]:
        roles_sync(using=using)


def permission_matrix_markdown() -> str:
    """The role × permission table for docs/modules/identity.md (reads permission names from
    the database, so run it against a migrated one)."""
    from django.contrib.auth.models import Permission

    matrix = permission_matrix()
    permissions = sorted({p for perms in matrix.values() for p in perms})
    names = {
        f"{app_label}.{codename}": name
        for app_label, codename, name in Permission.objects.values_list(
            "content_type__app_label", "codename", "name"
        )
    }
    header = "| permission | what it allows | " + " | ".join(f"`{r}`" for r in ROLES) + " |"
    rule = "|---|---|" + "---|" * len(ROLES)
    rows = [
        f"| `{p}` | {names.get(p, '')} | "
        + " | ".join("✓" if p in matrix[r] else "" for r in ROLES)
        + " |"
        for p in permissions
    ]
    return "\n".join([header, rule, *rows])
