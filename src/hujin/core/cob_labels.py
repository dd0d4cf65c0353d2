"""What a close-of-business step is called, for people (the console's close-of-business page).

The module that registers a step (``hujin.core.cob``) names it in the same ``ready()``::

    cob_step_label_register("ledger.expire_pending", pgettext_lazy("cob step", "..."))
"""

from django.utils.functional import Promise

from hujin.core.labels import LabelRegistry

_LABELS = LabelRegistry("COB step")


def cob_step_label_register(name: str, label: str | Promise) -> None:
    """Name a step for people (``"ledger.expire_pending"`` -> "Expire pending transfers"), for the
    console's close-of-business page. Call from AppConfig.ready(), in the module that registers the
    step (``pgettext_lazy("cob step", ...)``); a step may be named before it is registered. One
    step, one name: another name for a named step is refused (``hujin.core.labels``)."""
    _LABELS.register(name, label)


def cob_step_label(name: str) -> str | Promise | None:
    """The step's registered name, or None (a page shows the step's code)."""
    return _LABELS.label(name)
