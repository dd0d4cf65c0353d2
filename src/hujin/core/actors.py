"""Who is acting: a staff member, a customer, an API key or the system itself."""

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Actor:
    kind: str  # "staff" | "customer" | "api_key" | "system"
    id: str
    label: str = ""
    scopes: frozenset[str] = field(default_factory=frozenset)

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def __str__(self) -> str:
        return f"{self.kind}:{self.label or self.id}"


SYSTEM = Actor(kind="system", id="system", label="system")


def system_actor(label: str) -> Actor:
    return Actor(kind="system", id=label, label=label)


def require_scope(actor: object, scope: str) -> Actor:
    """The API edge's scope check: the caller must be an Actor holding ``scope``."""
    from hujin.core.errors import PermissionDenied

    if not isinstance(actor, Actor) or not actor.has_scope(scope):
        raise PermissionDenied(
            f"This API key lacks the '{scope}' scope.", details={"required_scope": scope}
        )
    return actor
