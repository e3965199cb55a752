"""Parsed files kept between runs, keyed by the SHA-256 of their bytes.

A contributor runs `validate` (and `serve` regenerates) again and again over
thousands of unchanged files; parsing them is most of the cost. The cache
lives in the user's cache folder, never in the repository, so a pull request
cannot bring its own; its entries are keyed by content, so an edit can never
be served stale; and it is plain JSON, so reading it runs no code. It is
keyed by the loader's own source too: a new loader starts afresh.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from . import loader
from .loader import MISSING

FORMAT = hashlib.sha256(Path(loader.__file__).read_bytes()).hexdigest()[:16]


class ParseCache:
    """Data of cleanly parsed files by content hash; only this run's entries are written back."""

    def __init__(self, path: Path):
        self.path = path
        self.old: dict[str, Any] = {}
        self.used: dict[str, Any] = {}
        try:
            stored = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(stored, dict) and stored.get("format") == FORMAT:
                self.old = stored.get("entries") or {}
        except (OSError, ValueError):
            pass  # no cache yet, or an unreadable one: start afresh

    @staticmethod
    def key(raw: bytes) -> str:
        return hashlib.sha256(raw).hexdigest()

    def get(self, raw: bytes) -> Any:
        key = self.key(raw)
        if key in self.old:
            self.used[key] = self.old[key]
            return self.old[key]
        return MISSING

    def put(self, raw: bytes, data: Any) -> None:
        self.used[self.key(raw)] = data

    def save(self) -> None:
        if self.used.keys() == self.old.keys():
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=self.path.parent, delete=False) as out:
                json.dump({"format": FORMAT, "entries": self.used}, out, ensure_ascii=False)
            os.replace(out.name, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time


def user_cache(root: Path) -> ParseCache | None:
    """The cache for a data root, in $XDG_CACHE_HOME (or ~/.cache); None when EDITSURVEY_NO_CACHE is set."""
    if os.environ.get("EDITSURVEY_NO_CACHE"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    name = hashlib.sha256(str(root.resolve()).encode("utf-8")).hexdigest()[:16]
    return ParseCache(base / "editsurvey" / f"{name}.json")
