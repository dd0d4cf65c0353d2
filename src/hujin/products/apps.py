from django.apps import AppConfig


class ProductsConfig(AppConfig):
    name = "hujin.products"
    label = "products"
    verbose_name = "Products"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from hujin.core.statuses import TONE_SUCCESS, TONE_WARNING, status_register
        from hujin.identity.roles import register_role_permissions
        from hujin.products import navigation
        from hujin.products.permissions import ROLE_PERMISSIONS
        from hujin.products.types import STATE_ON_SALE, STATE_SUSPENDED

        # draft, submitted, approved and closed are in the shared vocabulary already.
        status_register(STATE_ON_SALE, pgettext_lazy("product state", "On sale"), TONE_SUCCESS)
        status_register(STATE_SUSPENDED, pgettext_lazy("product state", "Suspended"), TONE_WARNING)
        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
        navigation.register()
