"""Text PostgreSQL cannot store: the NUL character (U+0000).

PostgreSQL ``text`` and ``jsonb`` refuse it outright (``\\u0000 cannot be converted to
text``); a ``json`` column accepts it and hands it back to whatever copies it into ``jsonb``
later. The API refuses it at the edge (:func:`nul_paths` names where it is); JSON written
by the engine (tool results may quote older rows) goes through :func:`scrub_nul_json`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, Final

NUL: Final = "\x00"
#: What stands in for a NUL in text that must be stored anyway.
REPLACEMENT: Final = "\ufffd"
#: How a NUL looks inside JSON text (JSON escapes every control character).
JSON_NUL: Final = "\\u0000"


def nul_paths(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    """The paths (keys and list indexes) of every string in ``value`` holding a NUL,
    object keys included."""
    if isinstance(value, str):
        if NUL in value:
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if NUL in str(key):
                yield (*path, str(key))
            yield from nul_paths(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from nul_paths(item, (*path, index))


def _scrubbed(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace(NUL, REPLACEMENT)
    if isinstance(value, dict):
        return {_scrubbed(k): _scrubbed(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v) for v in value]
    return value


def scrub_nul_json(text: str) -> str:
    """JSON text with every NUL in its strings replaced by U+FFFD, so ``jsonb`` accepts it.

    The common case (no ``\\u0000`` in the text) costs one substring search and returns
    ``text`` itself; only text that may hold a NUL is parsed (``\\\\u0000`` is an escaped
    backslash, not a NUL, and survives unchanged).
    """
    if JSON_NUL not in text:
        return text
    value = json.loads(text)
    if not any(True for _ in nul_paths(value)):
        return text
    return json.dumps(_scrubbed(value), ensure_ascii=False, separators=(",", ":"))


__all__ = ["JSON_NUL", "NUL", "REPLACEMENT", "nul_paths", "scrub_nul_json"]
