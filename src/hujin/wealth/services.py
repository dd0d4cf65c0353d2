"""Wealth's writes (its public face):

- the suitability gate (``gate``): ``suitability_check``, ``risk_warning_confirm``,
  ``documents_acknowledge``;
- orders (``orders``): ``order_subscribe``, ``order_redeem``, ``order_cancel``;
- the close of business's steps (``cob``), registered by the app and run by ``hujin cob run``;
  ``income_distribute`` is also called on its own by the ``cob`` benchmark, and
  ``wealth_steps_run`` runs them all for one date outside the core COB (the demo).
"""

from hujin.wealth.cob import income_distribute, wealth_steps_run
from hujin.wealth.gate import (
    WARNING_VALID,
    documents_acknowledge,
    risk_warning_confirm,
    suitability_check,
)
from hujin.wealth.orders import order_cancel, order_redeem, order_subscribe

__all__ = [
    "WARNING_VALID",
    "documents_acknowledge",
    "income_distribute",
    "order_cancel",
    "order_redeem",
    "order_subscribe",
    "risk_warning_confirm",
    "suitability_check",
    "wealth_steps_run",
]
