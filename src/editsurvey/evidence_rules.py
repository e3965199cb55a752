"""Rules about evidence pointers and the sources they point into.

A pointer such as `project page` is only checkable when the record says which
project page: a reader (or a reviewer) must be able to follow it.
"""

from __future__ import annotations

from collections.abc import Iterator

from .dataset import Loaded
from .diagnostics import Diagnostic
from .models import MethodRecord
from .rules import Context

# Pointer kind -> the links, any one of which names the source it points into, and what that source is.
POINTER_SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    "project page": (("project",), "the official project page"),
    "repository README": (("code",), "the official repository"),
    "repository file": (("code",), "the official repository"),
    "arXiv comments": (("arxiv",), "the arXiv identifier"),
    "publisher page": (("doi", "paper"), "the publisher's page"),
}
REPOSITORY_FILE = "repository file "


def pointer_kind(pointer: str) -> str:
    """`repository file src/x.py` -> `repository file`; other pointers are their own kind."""
    return REPOSITORY_FILE.strip() if pointer.startswith(REPOSITORY_FILE) else pointer


def pointers_have_sources(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """Every pointer into a project page, repository, arXiv entry or publisher page has that link in `links`."""
    rec, doc = item.model, item.doc
    for key, evidence in (rec.evidence or {}).items():
        for pointer in evidence.split("; "):
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
