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
