"""How a repayment is split over a loan's instalments: the oldest unpaid instalment first, and
within an instalment the product's order of parts (by default penalty → fees → interest →
principal). Pure: it reads the instalments' unpaid amounts and returns the lines."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from hujin.lending import types as t


@dataclass(slots=True)
class Owed:
    """What one instalment still owes, per part."""

    number: int
    penalty: int
    fees: int
    interest: int
    principal: int

    def total(self) -> int:
        return self.penalty + self.fees + self.interest + self.principal


def owed_of(row) -> Owed:
    """An Instalment row's unpaid parts."""
    return Owed(
        number=row.number,
        penalty=row.penalty_minor - row.penalty_paid_minor,
        fees=row.fee_minor - row.fee_paid_minor,
        interest=row.interest_minor - row.interest_paid_minor,
        principal=row.principal_minor - row.principal_paid_minor,
    )


def allocate(owed: Iterable[Owed], amount_minor: int, order: Sequence[str]) -> t.Allocation:
    """Split ``amount_minor`` over ``owed`` (already in the order instalments are paid)."""
    left = amount_minor
    lines = []
    for instalment in owed:
        for part in order:
            if left == 0:
                break
            take = min(left, getattr(instalment, part))
            if take:
                lines.append((instalment.number, part, take))
                left -= take
    return t.Allocation(lines=tuple(lines), unallocated_minor=left)
