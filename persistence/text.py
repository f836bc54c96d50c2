"""Text PostgreSQL cannot store: the NUL character (U+0000) and unpaired surrogates.

PostgreSQL ``text`` and ``jsonb`` refuse NUL outright (``\\u0000 cannot be converted to
text``), and a lone UTF-16 surrogate (U+D800 to U+DFFF, which JSON can spell ``\\ud800``)
cannot even be encoded for the wire; a ``json`` column accepts ``\\u0000`` and hands it back
to whatever copies it into ``jsonb`` later. The API refuses both at the edge
(:func:`unstorable_paths` names where they are); JSON written by the engine (tool results
may quote older rows) goes through :func:`scrub_json`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any, Final

#: One character PostgreSQL cannot store.
UNSTORABLE: Final = re.compile("[\x00\ud800-\udfff]")
#: What stands in for such a character in text that must be stored anyway.
REPLACEMENT: Final = "\ufffd"
#: Why such text is refused (said to API clients).
UNSTORABLE_REASON: Final = "must not contain a NUL character (U+0000) or an unpaired surrogate"
# How they look inside JSON text: JSON escapes NUL, and surrogates exist only as escapes.
_JSON_HINTS: Final = ("\\u0000", "\\ud", "\\uD")


def unstorable(text: str) -> bool:
    """Whether ``text`` holds a character PostgreSQL cannot store."""
    return UNSTORABLE.search(text) is not None


def may_hold_unstorable(json_text: str) -> bool:
    """A cheap test on JSON text: False means it certainly holds no unstorable character."""
    return any(hint in json_text for hint in _JSON_HINTS)


def unstorable_paths(
    value: Any, path: tuple[str | int, ...] = ()
) -> Iterator[tuple[str | int, ...]]:
    """The paths (keys and list indexes) of every string in ``value`` holding an unstorable
    character, object keys included."""
    if isinstance(value, str):
        if unstorable(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if unstorable(str(key)):
                yield (*path, str(key))
            yield from unstorable_paths(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from unstorable_paths(item, (*path, index))


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return UNSTORABLE.sub(REPLACEMENT, value)
    if isinstance(value, dict):
        return {_scrubbed(k): _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


def scrub_json(text: str) -> str:
    """JSON text with every unstorable character in its strings replaced by U+FFFD.

    The common case (no ``\\u0000`` nor ``\\ud...`` in the text) costs a few substring
    searches and returns ``text`` itself; only text that may hold one is parsed (an escaped
    backslash before ``u0000`` is not a NUL, and survives unchanged).
    """
    if not may_hold_unstorable(text):
        return text
    value = json.loads(text)
    if not any(True for _ in unstorable_paths(value)):
        return text
    return json.dumps(_scrubbed(value), ensure_ascii=False, separators=(",", ":"))


__all__ = [
    "REPLACEMENT",
    "UNSTORABLE",
    "UNSTORABLE_REASON",
    "may_hold_unstorable",
    "scrub_json",
    "unstorable",
    "unstorable_paths",
]
