"""The risk module's values other modules may read."""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One window aggregate a condition reads: ``function`` (``count``, ``total``,
    ``distinct_counterparties``) over the last ``window_seconds`` (written ``window``) of the
    events of the same ``per`` (``customer``, ``device``, ``counterparty``, ``ip``), of the
    ``kind`` and ``direction`` listed (empty: any)."""

    function: str
    window_seconds: int
    window: str
    per: str = "customer"
    kind: tuple[str, ...] = ()
    direction: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The aggregate as a condition writes it, in one canonical form (the key under which
        a decision records the value it read)."""
        parts = [f'"{self.window}"']
        if self.per != "customer":
            parts.append(f'per="{self.per}"')
        for name in ("kind", "direction"):
            values = getattr(self, name)
            if len(values) == 1:
                parts.append(f'{name}="{values[0]}"')
            elif values:
                parts.append(f"{name}=[{', '.join(f'{v!r}' for v in values)}]".replace("'", '"'))
        return f"{self.function}({', '.join(parts)})"
