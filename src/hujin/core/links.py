"""What an audit entry or an approval request is about, as a name and a link.

The audit trail and maker-checker record their object as ``(target_type, target_id)``:
``("customers.customer", "5f0c…")``. The console shows it as the thing itself ("Customer 张*",
linked to the customer's page). The module that owns a target type registers, in its
``AppConfig.ready()``, a label for the type and a resolver that names a page's worth of its
objects at once:

    target_type_register(
        "customers.customer",
        label=_("Customer"),
        resolve=customer_targets,   # (actor, ids) -> {id: TargetLink}, one query for them all
    )

A resolver answers for ``actor``: a name masked as that actor may see it, and a URL only where
that actor may open the page. An id it does not answer, or a type nobody registered, shows as
the type's label (or the type itself) with its id: nothing is hidden, nothing is invented.

The module that records an audit action names it the same way, for the trail's pages:
``audit_action_label_register("customers.freeze", _("Customer frozen"))``; an action nobody
named shows as its code.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from django.utils.functional import Promise

from hujin.core.actors import Actor
from hujin.core.labels import LabelRegistry


@dataclass(frozen=True, slots=True)
class TargetLink:
    """An object as the console names it: ``name`` (masked as needed), ``url`` ("" when the
    viewer may not open it), ``type_label`` (what kind of object) and, when no module named it,
    ``known`` False and the raw ``target_id`` to show."""

    name: str | Promise
    url: str = ""
    type_label: str | Promise = ""
    known: bool = True
    target_id: str = ""


TargetResolver = Callable[[Actor, list[str]], Mapping[str, TargetLink]]


@dataclass(frozen=True, slots=True)
class TargetType:
    target_type: str
    label: str | Promise
    resolve: TargetResolver | None


_TYPES = LabelRegistry("target type")


def target_type_register(
    target_type: str, *, label: str | Promise, resolve: TargetResolver | None = None
) -> None:
    """Name a target type and, optionally, how to name and link its objects. Registering the
    same type again replaces it only with the same label (ready() may run twice in tests)."""
    _TYPES.register(target_type, label, resolve=resolve)


def _target_type(target_type: str) -> TargetType | None:
    entry = _TYPES.get(target_type)
    return TargetType(entry.key, entry.label, entry.extra["resolve"]) if entry else None


def target_type_label(target_type: str) -> str | Promise:
    registered = _TYPES.label(target_type)
    return registered if registered is not None else target_type


def _unresolved(target_type: str, target_id: str) -> TargetLink:
    registered = _target_type(target_type)
    return TargetLink(
        name=registered.label if registered is not None else target_type,
        type_label=registered.label if registered is not None else "",
        known=False,
        target_id=target_id,
    )


def target_links(
    *, actor: Actor, targets: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], TargetLink]:
    """Every ``(target_type, target_id)`` in ``targets`` named for ``actor``: one resolver call
    per target type, whatever the number of rows."""
    by_type: dict[str, set[str]] = defaultdict(set)
    for target_type, target_id in targets:
        by_type[target_type].add(target_id)
    links: dict[tuple[str, str], TargetLink] = {}
    for target_type, ids in by_type.items():
        registered = _target_type(target_type)
        answered: Mapping[str, TargetLink] = {}
        if registered is not None and registered.resolve is not None:
            answered = registered.resolve(actor, sorted(i for i in ids if i))
        for target_id in ids:
            link = answered.get(target_id)
            if link is not None and not link.type_label:
                link = TargetLink(link.name, link.url, registered.label, link.known, target_id)
            links[(target_type, target_id)] = link or _unresolved(target_type, target_id)
    return links


# -- what an audit action is called ---------------------------------------------------------------

_ACTIONS = LabelRegistry("audit action")


def audit_action_label_register(action: str, label: str | Promise) -> None:
    """Name an audit action (``"customers.freeze"`` → "Customer frozen") for the audit trail's
    pages; the module that records the action registers it. One action, one name."""
    _ACTIONS.register(action, label)


def audit_action_label(action: str) -> str | Promise | None:
    """The action's registered label, or None (the page shows the action's code)."""
    return _ACTIONS.label(action)
