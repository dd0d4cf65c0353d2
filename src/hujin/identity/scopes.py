"""The catalogue of API-key scopes.

A scope names one kind of access an integrator's key may be granted (``ledger:read``). The
catalogue is a module-level registry: a module above identity registers its own scopes when it
loads (in its ``AppConfig.ready``); identity registers the scopes of the modules below it, which
may not import identity.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True, slots=True)
class Scope:
    name: str  # "<module>:<access>", e.g. "ledger:read"
    description: str | Promise


_catalogue: dict[str, Scope] = {}


def scope_register(*, name: str, description: str | Promise) -> Scope:
    """Add a scope to the catalogue. Registering the same name twice is refused."""
    module, sep, access = name.partition(":")
    if not (module and sep and access) or name != name.strip() or " " in name:
        raise ValueError(f"scope names look like 'module:access', not {name!r}")
    if name in _catalogue:
        raise ValueError(f"scope {name!r} is already registered")
    scope = Scope(name=name, description=description)
    _catalogue[name] = scope
    return scope


def scope_catalogue() -> list[Scope]:
    """Every known scope, sorted by name."""
    return [_catalogue[name] for name in sorted(_catalogue)]


def scope_is_known(name: str) -> bool:
    return name in _catalogue


scope_register(name="ledger:read", description=_("Read ledger accounts, balances and transfers"))
scope_register(name="ledger:write", description=_("Create ledger accounts and transfers"))
