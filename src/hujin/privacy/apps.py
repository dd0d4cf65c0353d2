from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hujin.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from hujin.identity.roles import register_role_permissions
        from hujin.privacy.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
        _register_personal_data()
        _register_signup_terms()
        from hujin.privacy import navigation

        navigation.register()
        from hujin.core.reference_data import keep_reference_data
        from hujin.privacy.migrations._seed_documents import seed

        keep_reference_data(self, "ConsentDocument", seed)


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data
    from hujin.privacy import personal_data

    register_personal_data(
        "privacy",
        export=personal_data.privacy_export,
        anonymise=personal_data.privacy_anonymise,
        retention=personal_data.RETENTION,
    )


def _register_signup_terms() -> None:
    # Sign-up is identity's, below privacy: the visitor agrees to privacy's documents there, and
    # identity records it through this hook in the transaction that creates the login.
    from hujin.identity.services import signup_terms_register
    from hujin.privacy import signup

    signup_terms_register(current=signup.signup_terms_current, accept=signup.signup_terms_accept)
