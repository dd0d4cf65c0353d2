"""The words the risk pages put for the codes of a movement (its kind, direction and channel)
and of an alert's source: one place, read by the views and by the ``risk_words`` filters."""

from django.utils.translation import pgettext_lazy

SOURCE_LABELS = {
    "rule": pgettext_lazy("alert source", "Rule"),
    "watchlist": pgettext_lazy("alert source", "Watch list"),
    "anomaly": pgettext_lazy("alert source", "Anomaly model"),
}
KIND_LABELS = {
    "topup": pgettext_lazy("movement kind", "Top-up"),
    "withdrawal": pgettext_lazy("movement kind", "Withdrawal"),
    "transfer": pgettext_lazy("movement kind", "Transfer"),
    "login": pgettext_lazy("movement kind", "Log-in"),
    "login_failed": pgettext_lazy("movement kind", "Failed log-in"),
}
DIRECTION_LABELS = {
    "in": pgettext_lazy("direction", "in"),
    "out": pgettext_lazy("direction", "out"),
}
# A payment channel is named by its operator (``unionpay``, ``sandbox``) and shown as it is;
# a transfer between customers never leaves Hujin.
CHANNEL_LABELS = {
    "internal": pgettext_lazy("payment channel", "within Hujin"),
}


def word(labels: dict, code: str):
    """``code``'s word in ``labels``, or the code itself when it has none."""
    return labels.get(code, code) if code else ""
