"""The site navigation, from the page registry."""

from __future__ import annotations

from typing import Any

from ..catalog import Catalog
from .registry import PAGES


def navigation(catalog: Catalog, files: dict[str, bytes] | set[str]) -> list[Any]:
    """The engine's `nav`: every registry page with a nav place whose file exists, in registry order.

    Sections appear where their first page does; a page kind that expands
    over items puts each item in its place.
    """
    tree: dict[Any, Any] = {}  # key -> (label, src) for a page, or (label, subtree) for a section
    for kind in PAGES:
        if kind.nav is None:
            continue
        for item, src in kind.expand(catalog):
            place = kind.place(catalog, item)
            if place is None or src not in files:
                continue
            level = tree
            for section in place.sections:
                key, label = section if isinstance(section, tuple) else (section, section)
                level = level.setdefault(("section", key), (label, {}))[1]
            level[("page", src)] = (place.label, src)
    return _entries(tree)


def _entries(level: dict[Any, Any]) -> list[Any]:
    out: list[Any] = []
    for (what, _), (label, value) in level.items():
        out.append({label: _entries(value) if what == "section" else value})
    return out
