"""Lending's reads (public)."""

from hujin.lending.selectors.models import (
    challenger_models,
    champion_model,
    model_get_by_version,
    models_list,
)

__all__ = [
    "challenger_models",
    "champion_model",
    "model_get_by_version",
    "models_list",
]

# The customer's reads (selectors.portal) build on the services' rules, which read the model
# registry above: they are loaded when first asked for, not with this package.
_PORTAL = ("my_applications", "my_loan", "my_loans", "products_on_sale")


def __getattr__(name: str):
    if name in _PORTAL:
        from hujin.lending.selectors import portal

        return getattr(portal, name)
    raise AttributeError(name)
