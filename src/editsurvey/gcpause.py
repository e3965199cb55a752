"""Pause Python's cyclic garbage collector around bulk work.

Reading 10,000 records or rendering their pages allocates millions of small
objects and no reference cycles worth collecting; the collector, triggered by
allocation counts, then re-scans the growing heap again and again (about a
quarter of validate's time at 10,000 records). Reference counting still frees
everything as usual.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
