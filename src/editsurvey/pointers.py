"""Evidence pointers: which source a pointer names, and the address a reader follows to it.

Validation needs the first (a pointer into a project page needs the page's
link); the method page needs the second (the pointer becomes a link).
"""

from __future__ import annotations

import re
from collections.abc import Collection

from .models import Links

REPOSITORY_FILE = "repository file "
REPOSITORY_ISSUE = "repository issue "
# Pointer kind -> the links, any one of which names the source it points into, and what that source is.
POINTER_SOURCES: dict[str, tuple[tuple[str, ...], str]] = {
    "project page": (("project",), "the official project page"),
    "repository README": (("code",), "the official repository"),
    "repository file": (("code",), "the official repository"),
    "repository issue": (("code",), "the official repository's issue tracker"),
    "arXiv comments": (("arxiv",), "the arXiv identifier"),
    "publisher page": (("doi", "paper"), "the publisher's page"),
}
_GITHUB_REPO = re.compile(r"https://github\.com/[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+/?")


def split(evidence: str) -> list[str]:
    return evidence.split("; ")


def pointer_kind(pointer: str) -> str:
    """`repository file src/x.py` -> `repository file`, `repository issue 7` -> `repository issue`; others as is."""
    for prefix in (REPOSITORY_FILE, REPOSITORY_ISSUE):
        if pointer.startswith(prefix):
            return prefix.strip()
    return pointer


def unlinked_source(pointer: str, linked: Collection[str]) -> tuple[str, str] | None:
    """(link to add, what it is) when the pointer names a source none of the `linked` link names gives; else None."""
    needed = POINTER_SOURCES.get(pointer_kind(pointer))
    if needed is None or any(name in linked for name in needed[0]):
        return None
    return needed[0][0], needed[1]


def source_url(links: Links, pointer: str) -> str | None:
    """Where a reader checks the pointer, when the record links that source; None for places inside the paper."""
    kind = pointer_kind(pointer)
    repo = links.code.rstrip("/") if links.code and _GITHUB_REPO.fullmatch(links.code) else None
    if kind == "repository file" and repo:
        # The path (and commit) are checked by the pointer's pattern: plain path characters, no `..`, hex.
        path, _, commit = pointer[len(REPOSITORY_FILE) :].partition("@")
        return f"{repo}/blob/{commit or 'HEAD'}/{path}"
    if kind == "repository issue" and repo:
        return f"{repo}/issues/{pointer[len(REPOSITORY_ISSUE) :]}"
    if kind in ("repository file", "repository issue", "repository README"):
        return links.code
    if kind == "project page":
        return links.project
    if kind == "arXiv comments":
        return f"https://arxiv.org/abs/{links.arxiv}" if links.arxiv else None
    if kind == "publisher page":
        return f"https://doi.org/{links.doi}" if links.doi else links.paper
    return None
