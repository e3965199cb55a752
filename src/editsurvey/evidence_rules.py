"""Rules about evidence pointers and the sources they point into.

A pointer such as `project page` is only checkable when the record says which
project page: a reader (or a reviewer) must be able to follow it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .dataset import Loaded
from .diagnostics import Diagnostic
from .models import MethodRecord
from .pointers import split, unlinked_source
from .rules import Context


def pointers_have_sources(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """Every pointer into a project page, repository, arXiv entry or publisher page has that link in `links`."""
    rec, doc = item.model, item.doc
    linked = {name for name, value in rec.links if value}
    for key, evidence in (rec.evidence or {}).items():
        for pointer in split(evidence):
            missing = unlinked_source(pointer, linked)
            if missing is not None:
                field_name, source = missing
                yield doc.diagnostic(
                    ("evidence", key),
                    "evidence-without-source",
                    f"`{pointer}` points into {source}, but the record has no `links.{field_name}`",
                    f"add `links.{field_name}` (where it was read), or point to where else it is shown",
                )
