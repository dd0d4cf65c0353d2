"""The payments module's writes (its public face, with ``selectors``, ``types``, ``errors``,
``events`` and ``permissions``): binding bank cards."""

from hujin.payments.services.cards import (
    card_bind_begin,
    card_bind_confirm,
    card_set_default,
    card_unbind,
    holder_name_normalise,
)

__all__ = [
    "card_bind_begin",
    "card_bind_confirm",
    "card_set_default",
    "card_unbind",
    "holder_name_normalise",
]
