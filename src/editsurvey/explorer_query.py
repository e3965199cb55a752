"""The explorer's filtering and sorting, in Python.

assets/explorer.js applies the same rules in the browser; the browser tests
compare the two. Facets come from the axis table, so a new axis is a new
facet here and there without a code change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .catalog import Catalog
from .models import MethodRecord

SORTS = ("name", "title", "venue", "year", "date")
# The text query's parameter. Not `q`, which is the site search's (Material's search opened its dialog over the
# explorer for it); the explorer rewrites an old `q=` link to `text=` (OLD_TEXT_PARAM counts when TEXT_PARAM is absent).
TEXT_PARAM, OLD_TEXT_PARAM = "text", "q"
DEFAULT_SORT, DEFAULT_DIRECTION = "date", "desc"


@dataclass(frozen=True)
class Query:
    """An explorer view, as its URL's query string gives it."""

    q: str = ""
    selected: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # facet -> node ids
    all_of: frozenset[str] = frozenset()  # facets whose ids must all match (default: any)
    year_from: int | None = None
    year_to: int | None = None
    venue: tuple[str, ...] = ()
    code: bool = False
    survey: bool = False  # only the records of the survey's list (`scope=survey`)
    sort: str = DEFAULT_SORT
    direction: str = DEFAULT_DIRECTION

    def ids(self, facet: str) -> tuple[str, ...]:
        return self.selected.get(facet, ())

    def mode(self, facet: str) -> str:
        return "all" if facet in self.all_of else "any"

    @classmethod
    def from_params(cls, params: Mapping[str, str], catalog: Catalog) -> Query:
        def ids(key: str) -> tuple[str, ...]:
            return tuple(v for v in params.get(key, "").split(",") if v)

        def number(key: str) -> int | None:
            try:
                return int(params[key]) if params.get(key) else None
            except ValueError:
                return None

        facets = list(catalog.taxonomy.facets())
        sorts = sort_keys(catalog)
        sort = params.get("sort", "") if params.get("sort") in sorts else DEFAULT_SORT
        default_direction = DEFAULT_DIRECTION if sort == DEFAULT_SORT else "asc"
        direction = params.get("dir", "") if params.get("dir") in ("asc", "desc") else default_direction
        return cls(
            q=params.get(TEXT_PARAM, params.get(OLD_TEXT_PARAM, "")).strip(),
            selected={f: ids(f) for f in facets if ids(f)},
            all_of=frozenset(f for f in facets if params.get(f"{f}_mode") == "all"),
            year_from=number("from"),
            year_to=number("to"),
            venue=ids("venue"),
            code=params.get("code") == "1",
            survey=params.get("scope") == "survey",
            sort=sort,
            direction=direction,
        )


def single_valued_facets(catalog: Catalog) -> dict[str, str]:
    """Facets of axes where a record names one node: the explorer can sort by them."""
    return {axis.facet: axis_id for axis_id, axis in catalog.taxonomy.axes.items() if not axis.record.many}


def sort_keys(catalog: Catalog) -> tuple[str, ...]:
    return SORTS + tuple(single_valued_facets(catalog))


def matches(catalog: Catalog, method: MethodRecord, query: Query, skip: str | None = None) -> bool:
    for facet in catalog.taxonomy.facets():
        selected = query.ids(facet)
        if facet == skip or not selected:
            continue
        tags = catalog.facet_tags(method, facet)
        if query.mode(facet) == "all":
            if not all(s in tags for s in selected):
                return False
        elif not any(s in tags for s in selected):
            return False
    if query.year_from is not None and method.year < query.year_from:
        return False
    if query.year_to is not None and method.year > query.year_to:
        return False
    if skip != "venue" and query.venue and method.venue not in query.venue:
        return False
    if skip != "code" and query.code and not method.links.code:
        return False
    if skip != "survey" and query.survey and method.provenance.source != "survey-list":
        return False
    if query.q:
        aliases = " ".join(method.aliases or [])
        text = re.sub(r"\s+", " ", f"{method.name} {aliases} {method.title} {method.summary}".lower())
        if not all(term in text for term in query.q.lower().split()):
            return False
    return True


def _sort_key(catalog: Catalog, method: MethodRecord, sort: str) -> str:
    if sort == "name":
        return method.name.lower()
    if sort == "title":
        return method.title.lower()
    if sort == "venue":
        return f"{method.venue.lower()}\0{method.year:06d}"
    if sort == "year":
        return f"{method.year:06d}{method.date}"
    axis = single_valued_facets(catalog).get(sort)
    if axis:
        return f"{catalog.taxonomy.nodes[catalog.shown_node(method, axis)].order:06d}"
    return method.date


def query(catalog: Catalog, q: Query) -> list[MethodRecord]:
    """The explorer's rows for a view, in display order."""
    rows = [m for m in catalog.methods if matches(catalog, m, q)]
    rows.sort(key=lambda m: (m.name.lower(), m.id))  # tie-break, always ascending
    rows.sort(key=lambda m: _sort_key(catalog, m, q.sort), reverse=q.direction == "desc")
    return rows
