"""The artefacts of registered scorecards, kept per process.

An artefact never changes once its model is registered (a new scorecard is a new version), so
a parsed artefact can be kept for as long as the process lives, by the model's id and version.
Which models decide and which are scored beside them is not kept: the caller asks the database
for that on every application (one small query of ids, versions and roles), so a promotion made
by another process is followed on its next application, and only a model not seen before costs
a load of its artefact.

The artefacts handed out are shared between the threads of the process: read them, never
change them."""

import threading
from collections.abc import Callable, Hashable, Iterable, Mapping
from typing import Any

KEEP = 16  # a handful of versions are in force at once; older ones are dropped first

Key = Hashable  # (model id, version)
Loader = Callable[[list[Key]], Mapping[Key, dict[str, Any]]]


class ArtefactCache:
    """Parsed artefacts by key, at most ``keep`` of them, the least recently loaded dropped
    first."""

    def __init__(self, *, keep: int = KEEP) -> None:
        self.keep = keep
        self._artefacts: dict[Key, dict[str, Any]] = {}
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[Key], *, load: Loader) -> dict[Key, dict[str, Any]]:
        """The artefact of each key; those not kept yet come from ``load(missing keys)``
        (a key it does not answer for is left out of the result)."""
        wanted = list(keys)
        with self._lock:
            found = {k: self._artefacts[k] for k in wanted if k in self._artefacts}
        missing = [k for k in wanted if k not in found]
        if missing:
            loaded = dict(load(missing))
            with self._lock:
                self._artefacts.update(loaded)
                while len(self._artefacts) > self.keep:
                    del self._artefacts[next(iter(self._artefacts))]
            found.update((k, loaded[k]) for k in missing if k in loaded)
        return found

    def clear(self) -> None:
        with self._lock:
            self._artefacts.clear()

    def __len__(self) -> int:
        return len(self._artefacts)
