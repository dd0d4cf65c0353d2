"""The payment channel interface: what Hujin asks of a bank gateway.

A channel is a class named by ``HUJIN_PAYMENTS_CHANNEL`` (dotted path); ``card_channel()`` in
this package builds it. It verifies cards (``CardChannel``) and moves money (``MoneyChannel``):

- ``pay_in``: debit a bound card into Hujin's clearing account (top-up);
- ``pay_out``: credit a bound card (withdrawal);
- ``query``: the channel's view of a payment whose callback never came ("unknown → query →
  final" recovery).

Pay-in and pay-out only take the instruction and return the channel's reference; the final answer
comes later by a signed callback to ``/payments/callbacks/<channel>/`` (HMAC-SHA256 over
``f"{timestamp}.{body}"``, see ``hujin.payments.signing``).

- ``reconciliation_file``: the channel's daily file of what it settled, which the reconciliation
  (``hujin.payments.reconciliation``) matches with Hujin's payments and the ledger.

The reconciliation file is CSV (UTF-8, ``\n`` line ends), one record type per line:

- header: ``H,<channel>,<business date YYYY-MM-DD>,<record count>,<sequence>``; the sequence
  goes up by one per business date (a jump is a file Hujin never saw);
- one detail line per money movement the channel settled that day:
  ``D,<channel reference>,<Hujin payment id>,<in|out>,<amount in fen>,<currency>,
  <succeeded|failed>,<settled at, ISO 8601 UTC>``;
- trailer: ``T,<record count>,<total in (succeeded), fen>,<total out (succeeded), fen>``.
"""

import uuid
from datetime import date, datetime
from typing import Protocol

from hujin.payments.types import ChannelAnswer


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


class MoneyChannel(CardChannel, Protocol):
    """Moving money to and from bound cards, answered asynchronously."""

    def pay_in(
        self, *, payment_id: uuid.UUID, card_number: str, holder_name: str, amount_minor: int,
        currency: str, now: datetime,
    ) -> str:  # fmt: skip
        """Take a top-up instruction; returns the channel's reference. Raises
        ``hujin.payments.errors.ChannelUnavailable`` when the channel's answer did not come
        (the payment becomes ``unknown``; ``query`` tells later)."""
        ...

    def pay_out(
        self, *, payment_id: uuid.UUID, card_number: str, holder_name: str, amount_minor: int,
        currency: str, now: datetime,
    ) -> str:  # fmt: skip
        """Take a withdrawal instruction, as ``pay_in``."""
        ...

    def query(self, *, payment_id: uuid.UUID, now: datetime) -> ChannelAnswer:
        """What became of the payment: succeeded, failed, still pending, or not found."""
        ...

    def reconciliation_file(self, *, business_date: date) -> bytes:
        """The channel's reconciliation file for ``business_date`` (the format above). Raises
        ``hujin.payments.reconciliation.errors.ReconciliationFileMissing`` when the channel has
        not published it (yet)."""
        ...
