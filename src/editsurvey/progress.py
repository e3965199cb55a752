"""Progress of long runs, on a terminal only.

Validating or building thousands of records takes seconds; a person at a
terminal should see it move. In CI, or when output goes to a file, nothing is
printed, so logs stay what they were.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """`label: done/total`, redrawn at most every `interval` seconds, on a terminal only."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None, interval: float = 0.5):
        self.label, self.total, self.done = label, total, 0
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self.interval = interval
        self.started = self.last = time.monotonic()
        self.shown = False

    def advance(self, count: int = 1) -> None:
        self.done += count
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self.last >= self.interval and now - self.started >= self.interval:
            self.last = now
            self.shown = True
            self.stream.write(f"\r{self.label}: {self.done}/{self.total}")
            self.stream.flush()

    def close(self) -> None:
        if self.shown:
            self.stream.write(f"\r{self.label}: {self.done}/{self.total}\n")
            self.stream.flush()


class Quiet(Progress):
    """No progress at all (library use, tests)."""

    def __init__(self) -> None:
        super().__init__("", 0)
        self.enabled = False
