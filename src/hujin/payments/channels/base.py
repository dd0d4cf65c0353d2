"""The payment channel interface: what Hujin asks of a bank gateway.

A channel is a class named by ``HUJIN_PAYMENTS_CHANNEL`` (dotted path); ``card_channel()`` in
this package builds it. This slice uses card verification only. The rest of a channel's duties
come with the later slices of payments and will be added here, as methods of the same Protocol:

- ``pay_in(*, payment_id, card_reference, amount_minor, currency, now) -> reference``: debit a
  bound card into Hujin's clearing account (top-up); the final answer comes by a signed
  asynchronous callback (HMAC-SHA256 over the body and a timestamp).
- ``pay_out(*, payment_id, card_reference, amount_minor, currency, now) -> reference``: credit a
  bound card (withdrawal), answered the same way.
- ``query(*, reference, now) -> status``: the channel's view of a payment whose callback never
  came ("unknown → query → final" recovery).
- ``reconciliation_file(*, business_date) -> bytes``: the channel's daily file of what it
  settled, matched three ways (channel, payments, ledger) by the close of business.
"""

from datetime import datetime
from typing import Protocol


class CardChannel(Protocol):
    """Card verification: the bank texts a code to the mobile number it has on file for the
    card (the "reserved mobile", 预留手机号); the customer types it back."""

    name: str
    # True for a channel that must never run in production (the sandbox).
    development_only: bool

    def card_verify_begin(
        self,
        *,
        card_number: str,
        holder_name: str,
        reserved_mobile: str,
        id_number: str | None = None,
        now: datetime,
    ) -> str:
        """Ask the bank to check the card against the holder and the reserved mobile and to
        text a code there. Returns the channel's reference of the verification. Raises
        ``hujin.payments.errors.CardVerificationDeclined`` when the bank refuses the details."""
        ...

    def card_verify_confirm(self, *, reference: str, code: str, now: datetime) -> bool:
        """Whether ``code`` is the one the bank sent for ``reference``."""
        ...
