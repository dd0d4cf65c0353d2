from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MfaConfig(AppConfig):
    name = "hujin.identity.mfa"
    label = "mfa"
    verbose_name = "Multi-factor authentication"

    def ready(self):
        # Identity's roles live beside this app; it wires them because identity's own AppConfig
        # is loaded before any other app has registered its role permissions.
        from hujin.identity import role_grants, roles

        roles.permission_declare(
            "identity.view_staff", model="user", name="Can see staff members and their roles"
        )
        roles.permission_declare(
            "identity.manage_staff", model="user", name="Can request role changes for staff"
        )
        roles.permission_declare(
            "identity.approve_role_grant",
            model="user",
            name="Can approve or reject role changes requested by someone else",
        )
        roles.register_role_permissions(
            roles.ADMINISTRATOR,
            [
                "identity.view_staff",
                "identity.manage_staff",
                "identity.approve_role_grant",
                "identity.manage_api_keys",
            ],
        )
        roles.register_role_permissions(
            roles.COMPLIANCE_OFFICER, ["identity.view_staff", "identity.approve_role_grant"]
        )
        roles.register_role_permissions(roles.AUDITOR, ["identity.view_staff"])
        post_migrate.connect(roles.roles_sync_after_migrate, dispatch_uid="hujin.roles_sync")
        role_grants.approval_action_register()
