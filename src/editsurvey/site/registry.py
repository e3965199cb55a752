"""The page registry: every kind of page the site has, in one list.

Page generation (`SiteRenderer.pages`) and the navigation (`nav.navigation`)
both iterate `PAGES`; templates name pages through `page_src`, which the
renderer checks against the paths the registry produces. Adding a page type
is one `PageKind` here and one template in templates/:

    PageKind("venues", path=page_src("venues"), template="venues.md.j2",
             nav=Nav(("Methods",), "Venues"),
             context=lambda r, _: {"venues": sorted({m.venue for m in r.cat.methods})}),

A kind with `items` expands into one page per item (a method, a node, a
benchmark, a metric); its path, nav place and context then take the item.
A kind without a template is a hand-written page (docs/, CONTRIBUTING.md):
it is listed in the navigation when its file exists, never generated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..catalog import Catalog
from .feed import RECENT_PAGE, recent_context
from .links import benchmark_src, dataset_src, method_src, node_src, page_src, scoped_src

if TYPE_CHECKING:
    from .pages import SiteRenderer

# A place in the navigation: the sections it sits in, outermost first, and its label.
# Each section is a label, or (key, label) when two sections could share a label.
Section = str | tuple[str, str]


@dataclass(frozen=True)
class Nav:
    sections: tuple[Section, ...]
    label: str


@dataclass(frozen=True)
class PageKind:
    name: str
    # Source path under docs_dir, or a function of the item for per-item kinds.
    path: str | Callable[[Any], str]
    # Template in templates/; None for a hand-written page.
    template: str | None = None
    # Place in the navigation (or a function of the catalog and the item); None: not in the navigation.
    nav: Nav | Callable[[Catalog, Any], Nav | None] | None = None
    # Template variables: a function of the renderer and the item ...
    context: Callable[[SiteRenderer, Any], dict[str, Any]] | None = None
    # ... or the name of the SiteRenderer method that gives it: method(linker) or method(linker, item).
    method: str | None = None
    # The items of a per-item kind, from the catalog.
    items: Callable[[Catalog], Iterable[Any]] | None = None
    # A page drawn twice: for the whole catalogue, and (one folder down) for the survey's scope alone.
    scoped: bool = False

    @property
    def generated(self) -> bool:
        return self.template is not None

    def expand(self, catalog: Catalog) -> Iterator[tuple[Any, str]]:
        """(item, source path) of every page of this kind; item is None for a single page, a scope if scoped."""
        if self.scoped:
            for scope in SCOPES:
                yield scope, self.src(scope)
            return
        if self.items is None:
            yield None, self.src(None)
            return
        for item in self.items(catalog):
            yield item, self.src(item)

    def src(self, item: Any) -> str:
        if self.scoped:
            assert isinstance(self.path, str)
            return scoped_src(self.path, item)
        return self.path(item) if callable(self.path) else self.path

    def place(self, catalog: Catalog, item: Any) -> Nav | None:
        if self.scoped and item != SCOPES[0]:
            return None  # reached through the page's scope switch
        return self.nav(catalog, item) if callable(self.nav) else self.nav


# The scopes of a scoped page: everything first (the page in the navigation), then the survey's own.
SCOPES = ("all", "survey")


# ------------------------------------------------------------ per-item helpers


def _preorder(catalog: Catalog) -> list:
    """Every taxonomy node, axis by axis, parents before their children (the navigation's order)."""
    tax = catalog.taxonomy
    out: list = []

    def walk(node_ids: list[str]) -> None:
        for node_id in node_ids:
            out.append(tax.nodes[node_id])
            walk(tax.children.get(node_id, []))

    for axis_id in tax.axes:
        walk([n.id for n in tax.roots(axis_id)])
    return out


def _axis_section(catalog: Catalog, axis_id: str) -> Section:
    return (f"axis:{axis_id}", catalog.taxonomy.axes[axis_id].label)


def _axis_nav(catalog: Catalog, axis_id: str) -> Nav:
    return Nav((_axis_section(catalog, axis_id),), "Overview")


def _node_nav(catalog: Catalog, node) -> Nav:
    """A leaf is an entry in its parent's section; a node with children is a section with an Overview."""
    tax = catalog.taxonomy
    sections = [_axis_section(catalog, node.axis)]
    sections += [(f"node:{i}", tax.nodes[i].label) for i in node.path[:-1]]
    if tax.children.get(node.id):
        return Nav((*sections, (f"node:{node.id}", node.label)), "Overview")
    return Nav(tuple(sections), node.label)


# ----------------------------------------------------------------- the list

PAGES: list[PageKind] = [
    PageKind("home", path="index.md", template="home.md.j2", nav=Nav((), "Home"), method="home"),
    PageKind(
        "methods",
        path=page_src("methods"),
        template="methods_index.md.j2",
        nav=Nav(("Methods",), "All methods"),
        method="methods_index",
    ),
    PageKind(
        "explorer",
        path=page_src("explorer"),
        template="explorer.md.j2",
        nav=Nav(("Methods",), "Explorer"),
        method="explorer",
    ),
    PageKind(
        "matrix",
        path=page_src("matrix"),
        template="matrix.md.j2",
        nav=Nav(("Methods",), "Matrix"),
        method="matrix",
        scoped=True,
    ),
    PageKind(
        "lineage",
        path=page_src("lineage"),
        template="lineage.md.j2",
        nav=Nav(("Methods",), "Lineage"),
        method="lineage",
    ),
    PageKind(
        "coverage",
        path=page_src("coverage"),
        template="coverage.md.j2",
        nav=Nav(("Methods",), "Coverage and gaps"),
        method="coverage",
        scoped=True,
    ),
    PageKind(
        "recent",
        path=page_src(RECENT_PAGE),
        template="recent.md.j2",
        nav=Nav(("Methods",), "Recently added"),
        context=lambda r, _: recent_context(r.cat),
    ),
    PageKind(
        "method",
        path=lambda m: method_src(m.id),
        template="method.md.j2",
        method="method",
        items=lambda cat: cat.methods,
    ),
    PageKind(
        "axis",
        path=page_src,
        template="axis_index.md.j2",
        nav=_axis_nav,
        method="axis_index",
        items=lambda cat: list(cat.taxonomy.axes),
    ),
    PageKind(
        "node",
        path=lambda n: node_src(n.axis, n.id),
        template="node.md.j2",
        nav=_node_nav,
        method="node",
        items=_preorder,
    ),
    PageKind(
        "leaderboard",
        path=page_src("leaderboard"),
        template="leaderboard.md.j2",
        nav=Nav(("Benchmarks",), "Leaderboard"),
        method="leaderboard",
    ),
    PageKind(
        "benchmark",
        path=benchmark_src,
        template="benchmark.md.j2",
        nav=lambda cat, b: Nav(("Benchmarks",), cat.benchmark(b).name),
        method="benchmark",
        items=lambda cat: [b.id for b in cat.benchmarks],
    ),
    PageKind(
        "metric",
        path=benchmark_src,
        template="metric.md.j2",
        nav=lambda cat, m: Nav(("Benchmarks", "Metrics"), cat.metric(m).name),
        method="metric",
        items=lambda cat: [m.id for m in cat.metrics],
    ),
    PageKind(
        "datasets",
        path=page_src("datasets"),
        template="datasets_index.md.j2",
        nav=Nav(("Benchmarks",), "Datasets and benchmarks"),
        method="datasets_index",
    ),
    PageKind(
        "dataset",
        path=dataset_src,
        template="dataset.md.j2",
        nav=lambda cat, d: Nav(("Benchmarks", "Datasets and benchmarks"), cat.dataset(d).name),
        method="dataset",
        items=lambda cat: [d.id for d in cat.datasets],
    ),
    PageKind(
        "statistics",
        path=page_src("statistics"),
        template="statistics.md.j2",
        nav=Nav((), "Statistics"),
        method="statistics",
        scoped=True,
    ),
    # Hand-written pages (docs/ and CONTRIBUTING.md): in the navigation when present.
    PageKind("about", path="about.md", nav=Nav(("About",), "About")),
    PageKind("data", path="data.md", nav=Nav(("About",), "Data and exports")),
    PageKind("contributing", path="contributing.md", nav=Nav(("About",), "Contributing")),
]


def kind(name: str) -> PageKind:
    for k in PAGES:
        if k.name == name:
            return k
    raise KeyError(f"no page kind {name!r} in the registry")


def generated_sources(catalog: Catalog) -> set[str]:
    """The source path of every generated page."""
    return {src for k in PAGES if k.generated for _, src in k.expand(catalog)}
