"""One key, one name: the registries through which modules name their codes for pages (states,
transfer codes, audit actions, object types...).

    STATUSES = LabelRegistry("status")
    STATUSES.register("frozen", pgettext_lazy("status", "Frozen"), tone="danger")
    STATUSES.get("frozen")  # -> Entry(key="frozen", label=..., extra={"tone": "danger"})

Registering a key again is allowed only when it says the same thing (``ready()`` may run twice
in tests): the same English words (compared untranslated, so two contexts of one word are two
names) and the same extras. The first registration stays; a different one is refused at
start-up.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils import translation
from django.utils.functional import Promise


@dataclass(frozen=True)
class Entry:
    key: str
    label: Promise | str
    extra: dict[str, Any] = field(default_factory=dict)


def _words(label: Promise | str) -> str:
    """The label untranslated: its msgid (a lazy label's context is part of what it says)."""
    with translation.override(None):
        return str(label) + "\x04" + str((getattr(label, "_args", None) or ("",))[0])


class LabelRegistry:
    def __init__(self, what: str) -> None:
        self.what = what
        self._entries: dict[str, Entry] = {}

    def register(self, key: str, label: Promise | str, **extra: Any) -> Entry:
        existing = self._entries.get(key)
        if existing is not None:
            if _words(existing.label) != _words(label) or existing.extra != extra:
                raise ValueError(f"{self.what} {key!r} is already {existing.label!s}")
            return existing
        entry = Entry(key, label, extra)
        self._entries[key] = entry
        return entry

    def get(self, key: str) -> Entry | None:
        return self._entries.get(key)

    def label(self, key: str) -> Promise | str | None:
        entry = self._entries.get(key)
        return entry.label if entry is not None else None

    def unregister(self, key: str) -> None:
        """For tests that register a key of their own."""
        self._entries.pop(key, None)

    def entries(self) -> dict[str, Entry]:
        return dict(self._entries)
