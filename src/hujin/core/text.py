"""One cleaning of the free text people type into the platform (reasons, notes, narratives,
titles), so every form takes and refuses the same things:

- control characters are refused, never dropped unseen: U+0000-U+0008, U+000B, U+000C,
  U+000E-U+001F, and the non-characters U+FFFE and U+FFFF (an XML file, a CSV or a log line
  cannot carry them, and they can hide what a text says); a tab, a line feed and a carriage
  return are what people type;
- ``keep_lines``: the line breaks stay (one ``\\n`` each, blank space at a line's ends and
  blank lines at the ends removed), for a note or a narrative; otherwise every run of blank
  space, line breaks included, becomes one space, for a title or a reason;
- the cleaned text is from ``min_length`` to ``max_length`` characters.

A refusal is ``TextRefused`` (a ValueError) with its ``problem`` (``control_characters``,
``too_short``, ``too_long``); each module turns it into its own error."""

from __future__ import annotations

import re

CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTROL_CHARACTERS = "control_characters"
TOO_SHORT = "too_short"
TOO_LONG = "too_long"


class TextRefused(ValueError):
    """The text cannot be taken: ``problem`` says why; the limits are in ``min_length`` and
    ``max_length``."""

    def __init__(self, problem: str, *, min_length: int, max_length: int):
        super().__init__(problem)
        self.problem = problem
        self.min_length = min_length
        self.max_length = max_length

    @property
    def details(self) -> dict:
        return {"problem": self.problem, "min_length": self.min_length,
                "max_length": self.max_length}  # fmt: skip


def text_cleaned(value, *, min_length: int = 0, max_length: int, keep_lines: bool = False) -> str:
    """``value`` (None is "") cleaned as the module says, else TextRefused."""
    raw = str(value or "")
    if CONTROL.search(raw):
        raise TextRefused(CONTROL_CHARACTERS, min_length=min_length, max_length=max_length)
    if keep_lines:
        lines = raw.replace("\r\n", "\n").split("\n")
        text = "\n".join(" ".join(line.split()) for line in lines).strip("\n")
    else:
        text = " ".join(raw.split())
    if len(text) < min_length:
        raise TextRefused(TOO_SHORT, min_length=min_length, max_length=max_length)
    if len(text) > max_length:
        raise TextRefused(TOO_LONG, min_length=min_length, max_length=max_length)
    return text
