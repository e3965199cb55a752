"""Rules about evidence pointers and the sources they point into.

A pointer such as `project page` is only checkable when the record says which
project page: a reader (or a reviewer) must be able to follow it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .dataset import Loaded
from .diagnostics import Diagnostic
from .models import MethodRecord
from .pointers import POINTER_SOURCES, pointer_kind, split
from .rules import Context


def pointers_have_sources(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """Every pointer into a project page, repository, arXiv entry or publisher page has that link in `links`."""
    rec, doc = item.model, item.doc
    for key, evidence in (rec.evidence or {}).items():
        for pointer in split(evidence):
            needed = POINTER_SOURCES.get(pointer_kind(pointer))
            if needed is None:
                continue
            fields, source = needed
            if not any(getattr(rec.links, name) for name in fields):
                yield doc.diagnostic(
                    ("evidence", key),
                    "evidence-without-source",
                    f"`{pointer}` points into {source}, but the record has no `links.{fields[0]}`",
                    f"add `links.{fields[0]}` (where it was read), or point to where else it is shown",
                )
