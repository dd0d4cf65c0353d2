"""Payment channels: the interface (``base``), the built-in sandbox (``sandbox``) and the
channels operations configured (``routing``).

``card_channel()`` is the channel cards are verified with: the first enabled configured one
(``HUJIN_PAYMENTS_CHANNEL``'s, the sandbox by default, until operations add others). Money goes
through the channel ``channels_route`` picks for the card's bank and the amount.
"""

from hujin.payments.channels.routing import (  # noqa: F401 -- the package's face
    CHANNELS_JSON_SQL,
    DEFAULT_CHANNEL,
    card_channel,
    channel_mark_down,
    channel_mark_up,
    channel_named,
    channel_rows_json,
    channels_route,
    route_among,
)
