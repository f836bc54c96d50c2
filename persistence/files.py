"""Files only their owner may read (passwords, tokens), written atomically."""

from __future__ import annotations

import os
from pathlib import Path


def write_private(path: Path, data: str) -> None:
    """Replace ``path`` with ``data``; the file is mode 0600 from its creation on."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(data)
    tmp.replace(path)


__all__ = ["write_private"]
