"""Render every generated page of the site as Markdown, from the catalog.

`render_site(catalog)` returns {path under docs_dir: text}; nothing here
touches the disk, so the output is a pure function of the data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from ..boards import Board, boards_for
from ..catalog import Catalog
from ..models import CORE_AXIS_FIELDS, MethodRecord
from ..pointers import source_url, split
from ..progress import Progress
from ..taxonomy import Node
from . import charts, gaps
from .exports import bibtex_entry
from .lineage import Lineage, method_context, page_context
from .links import Linker, attr, benchmark_src, dataset_src, md, method_src, node_src, page_src, scoped_src
from .overview import leaderboard_overview
from .recordlinks import record_links
from .search import name_terms

if TYPE_CHECKING:
    from .registry import PageKind

TEMPLATES = Path(__file__).parent / "templates"

STRATEGY_CSS = ["es-s0", "es-s1", "es-s2", "es-s3", "es-s4"]
UNVERIFIED_LABEL = "Not yet verified"


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown output; values are escaped explicitly with md() / attr()
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.globals.update(
        md=md,
        attr=attr,
        page_src=page_src,
        meta=front_matter_value,
        method_src=method_src,
        node_src=node_src,
        dataset_src=dataset_src,
        benchmark_src=benchmark_src,
        fixed=fixed_point,
    )
    return env


def front_matter_value(text: object) -> str:
    """A front-matter string. Engines put `title` and `description` into HTML unescaped
    (MkDocs' templates do not autoescape), so the value is HTML-escaped here."""
    return json.dumps(attr(text), ensure_ascii=False)


def fixed_point(value: float, decimals: int) -> str:
    return f"{value:.{decimals}f}"


def _tidy(text: str) -> str:
    """Collapse the blank lines left by template logic; end with one newline."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if line == "" and out and out[-1] == "":
            continue
        out.append(line)
    return "\n".join(out).strip() + "\n"


@dataclass
class SiteRenderer:
    cat: Catalog
    handwritten: frozenset[str] = frozenset()  # pages from docs/ and CONTRIBUTING.md, which may be absent
    scope: str = "all"  # which scope of the catalogue `cat` is: scoped pages link their own scope's twins

    def __post_init__(self) -> None:
        self.env = _env()
        self._cells: dict[str, list[list[tuple[str, str]]]] = {}
        self.tax = self.cat.taxonomy
        self.env.globals["explorer_key"] = lambda n: self.tax.axes[n.axis].facet
        self.env.globals["table_columns"] = [
            axis.noun.capitalize() + ("s" if axis.record.many else "") for axis in self.tax.axes.values()
        ]
        self.env.globals["table_cells"] = self.table_cells
        self.env.globals["is_extension"] = self.cat.is_extension

    def table_cells(self, m: MethodRecord) -> list[list[tuple[str, str]]]:
        """A method's taxonomy cells in method tables: (escaped label, page) per node, one list per axis.

        A one-valued axis shows its node's depth-1 ancestor by full name (the
        survey's sub-category); a many-valued axis lists its nodes by short name.
        """
        cached = self._cells.get(m.id)
        if cached is None:
            cached = []
            for axis_id, axis in self.tax.axes.items():
                if axis.record.many:
                    nodes = [self.tax.nodes[i] for i in self.tax.leaves_of(m, axis_id)]
                    cached.append([(md(n.short), node_src(axis_id, n.id)) for n in nodes])
                else:
                    shown = self.tax.nodes[self.cat.shown_node(m, axis_id)] if self.tax.leaves_of(m, axis_id) else None
                    # The survey's sub-categories have no short form; an extension axis' nodes may.
                    cached.append([(md(shown.short), node_src(axis_id, shown.id))] if shown else [])
            self._cells[m.id] = cached
        return cached

    def render(self, template: str, src: str, **context) -> str:
        tpl = self.env.get_template(template)
        return _tidy(tpl.render(cat=self.cat, tax=self.tax, L=Linker(src), **context))

    # ---------------------------------------------------------- helpers
    def _tree_html(self, L: Linker, axis: str) -> str:
        counts = {n.id: len(self.cat.methods_for(n.id)) for n in self.tax.axis_nodes(axis)}

        def branch(nodes: list[Node]) -> str:
            items = []
            for n in nodes:
                kids = [self.tax.nodes[c] for c in self.tax.children.get(n.id, [])]
                label = f'<a href="{L.url(node_src(axis, n.id))}">{attr(n.label)}</a>'
                ours = self.cat.is_extension(n.id)
                kind = "short name" if ours else "survey abbreviation"
                short = f' <abbr title="{kind}">{attr(n.node.short)}</abbr>' if n.node.short else ""
                if ours:
                    short += ' <span class="es-ext" title="added by this project, not in the survey">ext.</span>'
                count = f' <span class="es-count" title="methods">{counts[n.id]}</span>'
                inner = branch(kids) if kids else ""
                items.append(f'<li class="es-level-{n.depth}">{label}{short}{count}{inner}</li>')
            return "<ul>" + "".join(items) + "</ul>"

        return branch(self.tax.roots(axis))

    def _tree_md(self, L: Linker, axis: str) -> str:
        lines = []
        for n in self.tax.axis_nodes(axis):
            count = len(self.cat.methods_for(n.id))
            short = f" ({md(n.node.short)})" if n.node.short else ""
            short += " *(this project's extension)*" if self.cat.is_extension(n.id) else ""
            lines.append(
                f"{'    ' * n.depth}- [{md(n.label)}]({L.md(node_src(axis, n.id))}){short}: "
                f"{count} method{'' if count == 1 else 's'}"
            )
        return "\n".join(lines)

    def by_date(self, methods: list[MethodRecord]) -> list[MethodRecord]:
        return sorted(methods, key=lambda m: (m.date, m.name.casefold(), m.id), reverse=True)

    def by_name(self, methods: list[MethodRecord]) -> list[MethodRecord]:
        return sorted(methods, key=lambda m: (m.name.casefold(), m.id))

    # ------------------------------------------------------------ pages
    def home(self, L: Linker) -> dict[str, Any]:
        reach = self.reach()
        return dict(
            subcats=[n for n in self.tax.axis_nodes("strategies") if n.depth == 1],
            n_results=sum(len(r.results) for r in self.cat.results),
            n_code=sum(1 for m in self.cat.methods if m.links.code),
            newest=self.by_date(self.cat.methods)[:8],
            has_contributing="contributing.md" in self.handwritten,
            reach=reach,
            extension_ids=reach["extension_ids"],
            tree=lambda axis: self._tree_html(L, axis),
        )

    def reach(self) -> dict[str, Any]:
        """How far the catalogue goes beyond the survey: records by origin, extension axes and nodes."""
        sources = Counter(m.provenance.source for m in self.cat.methods)
        beyond = [m for m in self.cat.methods if m.provenance.source != "survey-list"]
        extension_axes = [a for a in self.tax.axes.values() if a.origin == "extension"]
        extension = [n for n in self.tax.nodes.values() if self.cat.is_extension(n.id)]
        return dict(
            survey_list=sources["survey-list"],
            survey_text=sources["survey-text"],
            added=sources["contribution"],
            newest_beyond=max((m.date for m in beyond), default=None),
            newest_survey=max((m.date for m in self.cat.methods if m.provenance.source == "survey-list"), default=None),
            extension_axes=extension_axes,
            extension_ids={n.id for n in extension},
            # Nodes added to the survey's own axes (an extension axis is named as a whole).
            extension_nodes=[n for n in extension if self.tax.axes[n.axis].origin != "extension"],
            n_published=sum(len(p.rows) for p in self.cat.published),
            n_boards=len({p.benchmark for p in self.cat.published}),
            n_datasets=len(self.cat.datasets),
        )

    def methods_index(self, L: Linker) -> dict[str, Any]:
        return dict(methods=self.by_name(self.cat.methods))

    @staticmethod
    def _pointer_links(m: MethodRecord, evidence: str | None) -> list[tuple[str, str | None]]:
        """Each pointer of an evidence value with the address of its source, where the record links it."""
        return [(pointer, source_url(m.links, pointer)) for pointer in split(evidence)] if evidence else []

    def method(self, L: Linker, m: MethodRecord) -> dict[str, Any]:
        links = m.links
        buttons = [("Paper", links.paper)]
        if links.arxiv:
            buttons.append(("arXiv", f"https://arxiv.org/abs/{links.arxiv}"))
        if links.doi:
            buttons.append(("DOI", f"https://doi.org/{links.doi}"))
        if links.code:
            buttons.append(("Code", links.code))
        if links.project:
            buttons.append(("Project page", links.project))
        classification = []
        for axis_id, axis in self.tax.axes.items():
            leaves = self.tax.leaves_of(m, axis_id)
            if axis.record.many:
                paths = [[self.tax.nodes[leaf]] for leaf in self.cat.ordered(leaves)]
            else:  # one node (plus `also` lists): shown with its ancestors
                paths = [[self.tax.nodes[i] for i in self.tax.ancestors(leaf)] for leaf in leaves]
            if not paths and axis.record.field in (m.unverified or []):
                classification.append(
                    {
                        "label": axis.plural_label,
                        "paths": [],
                        "many": axis.record.many,
                        "origin": None,
                        "unverified": True,
                    }
                )
            elif paths:
                classification.append(
                    {
                        "label": axis.plural_label,
                        "paths": paths,
                        "many": axis.record.many,
                        "origin": getattr(m.provenance, axis.record.field, None),
                        "unverified": False,
                    }
                )
        results = []
        for rs, task_id, row, of in self.cat.results_for(m.id):
            bench = self.cat.benchmark(rs.benchmark)
            metric = self.cat.metric(rs.metric)
            task = next(t for t in bench.tasks if t.id == task_id)
            results.append(
                {
                    "benchmark": bench.name,
                    "bench_src": benchmark_src(bench.id),
                    "task": task.label,
                    "anchor": f"{rs.id}-{task_id}",
                    "mean": fixed_point(row.mean, metric.decimals),
                    "std": fixed_point(row.std, metric.decimals),
                    "rank": row.rank,
                    "of": of,
                    "source_title": rs.source.title,
                    "source_url": rs.source.url,
                }
            )
        evidence = {i: pointer for i, pointer in (m.evidence or {}).items() if i in self.tax.nodes}
        # A name may also be a `kind: benchmark` (EditEval), which has a page of its own: dataset pages only here.
        by_id = self.cat.datasets_by_id
        datasets = [
            (label, [by_id[i] for i in ids if i in by_id])
            for label, ids in (("Trained on", m.trained_on or []), ("Evaluated on", m.evaluated_on or []))
            if ids
        ]
        return dict(
            venue_evidence=self._pointer_links(m, (m.evidence or {}).get("venue")),
            datasets=datasets,
            published=self.published_for(m.id),
            m=m,
            summary=" ".join(m.summary.split()),
            search_terms=name_terms(m.name, m.aliases),
            link_buttons=buttons,
            classification=classification,
            evidence=[
                (self.tax.nodes[i], self._pointer_links(m, evidence[i])) for i in self.cat.ordered(list(evidence))
            ],
            origin=lambda o: "the survey" if o == "survey" else "curated by this project" if o else "",
            results=results,
            builds_on=[self.cat.by_id[i] for i in (m.builds_on or []) if i in self.cat.by_id],
            built_on_by=self.cat.built_on_by.get(m.id, []),
            lineage=method_context(self.cat, self.relations, m.id),
            related=self.cat.related(m),
            bibtex=bibtex_entry(self.cat, m),
            file=self.cat.files[m.id],
            record_links=record_links(self.cat, m),
        )

    def axis_index(self, L: Linker, axis_id: str) -> dict[str, Any]:
        return dict(axis=self.tax.axes[axis_id], tree_md=self._tree_md(L, axis_id))

    def node(self, L: Linker, n: Node) -> dict[str, Any]:
        children = [self.tax.nodes[c] for c in self.tax.children.get(n.id, [])]
        return dict(
            n=n,
            axis=self.tax.axes[n.axis],
            crumbs=[self.tax.nodes[i] for i in n.path[:-1]],
            children=children,
            counts={c.id: len(self.cat.methods_for(c.id)) for c in children},
            extension=self.cat.is_extension(n.id),
            methods=self.by_name(self.cat.methods_for(n.id)),
        )

    def matrix(self, L: Linker) -> dict[str, Any]:
        """Rows: the strategy axis' sub-categories; columns: the tasks; between them, every other axis."""
        fields = self.tax.record_fields()
        row_axis, column_axis = fields["strategy"], fields["tasks"]
        subs = {r.id: [self.tax.nodes[c] for c in self.tax.children[r.id]] for r in self.tax.roots(row_axis)}
        rows: dict[str, list[MethodRecord]] = {}
        for root_subs in subs.values():
            for sub in root_subs:
                members = [m for m in self.cat.methods if sub.id in self.cat.strategy_nodes(m)]
                rows[sub.id] = sorted(members, key=lambda m: (m.date, m.name.casefold()))
        label_axes = [self.tax.axes[a] for a in self.tax.axes if a not in (row_axis, column_axis)]

        def labels(m: MethodRecord, axis_id: str) -> str:
            return ", ".join(self.tax.nodes[i].short for i in self.cat.ordered(self.tax.leaves_of(m, axis_id)))

        return dict(
            roots=self.tax.roots(row_axis),
            subs=subs,
            rows=rows,
            tasks=self.tax.assignable(column_axis),
            label_axes=label_axes,
            labels=labels,
        )

    def coverage(self, L: Linker) -> dict[str, Any]:
        """Coverage and gaps: two heat maps, methods per half-year, the first method of each task and condition."""
        fields = self.tax.record_fields()
        strategy, conditions, tasks = fields["strategy"], fields["conditions"], fields["tasks"]
        by_condition = gaps.heat_map(
            self.cat, "condition-task", conditions, [(None, self.tax.assignable(conditions))], tasks
        )
        subs = [(r, [self.tax.nodes[c] for c in self.tax.children[r.id]]) for r in self.tax.roots(strategy)]
        by_strategy = gaps.heat_map(self.cat, "strategy-task", strategy, [(r, s) for r, s in subs if s], tasks)
        roots = self.tax.roots(strategy)
        halves = gaps.per_half_year(self.cat, self.cat.top_strategy)
        series = [
            charts.Series(r.label, STRATEGY_CSS[i % len(STRATEGY_CSS)], [c[r.id] for c in halves.values()])
            for i, r in enumerate(roots)
        ]
        return dict(
            by_condition=by_condition,
            by_strategy=by_strategy,
            strategies=roots,
            timeline_svg=charts.timeline("Methods per half-year by learning strategy", list(halves), series),
            timeline_rows=[(half, [c[r.id] for r in roots]) for half, c in halves.items()],
            firsts=[
                (self.tax.axes[axis], gaps.firsts(self.cat, self.tax.assignable(axis))) for axis in (tasks, conditions)
            ],
            unverified=gaps.unverified(self.cat),
        )

    @cached_property
    def relations(self) -> Lineage:
        """Every `builds_on` relation, indexed once for the lineage page and every method page."""
        return Lineage(self.cat)

    def lineage(self, L: Linker) -> dict[str, Any]:
        return page_context(self.cat, self.relations, lambda i: L.url(method_src(i)), STRATEGY_CSS)

    def leaderboard(self, L: Linker) -> dict[str, Any]:
        boards = []
        for rs in self.cat.results:
            bench = self.cat.benchmark(rs.benchmark)
            boards.append(
                {
                    "results": rs,
                    "benchmark": bench,
                    "metric": self.cat.metric(rs.metric),
                    "metric_src": benchmark_src(rs.metric),
                    "overview": leaderboard_overview(self.cat, rs),
                    "tasks": [
                        {"id": t.id, "label": t.label, "rows": self.cat.leaderboard(rs, t.id)} for t in bench.tasks
                    ],
                }
            )
        later = [
            (self.cat.dataset(dataset_id), boards, sum(len(b.rows) for b in boards))
            for dataset_id, boards in self.boards.items()
            if boards
        ]
        return dict(boards=boards, later=later)

    def benchmark(self, L: Linker, bench_id: str) -> dict[str, Any]:
        bench = self.cat.benchmark(bench_id)
        by_task: dict[str, list] = {}
        for case in bench.cases or []:
            by_task.setdefault(case.task, []).append(case)
        return dict(
            b=bench,
            by_task=by_task,
            case_counts={k: len(v) for k, v in by_task.items()},
            results=[r for r in self.cat.results if r.benchmark == bench.id],
        )

    def metric(self, L: Linker, metric_id: str) -> dict[str, Any]:
        return dict(metric=self.cat.metric(metric_id))

    def statistics(self, L: Linker) -> dict[str, Any]:
        strategies = self.tax.roots("strategies")
        years = self.cat.per_year()
        series = [
            charts.Series(s.label, STRATEGY_CSS[i % len(STRATEGY_CSS)], [years[y][s.id] for y in years])
            for i, s in enumerate(strategies)
        ]
        per_year_svg = charts.stacked_columns("Methods per year by learning strategy", [str(y) for y in years], series)
        per_year_rows = [(y, [years[y][s.id] for s in strategies]) for y in years]

        def bars_for(nodes: list[Node], axis_id: str) -> list[charts.Bar]:
            bars = [charts.Bar(n.label, len(self.cat.methods_for(n.id)), L.md(node_src(n.axis, n.id))) for n in nodes]
            # Records that declare the axis unverified count too, as their own bar: the totals stay honest.
            unverified = self.cat.unverified.get(self.tax.axes[axis_id].record.field, [])
            if unverified:
                coverage = L.md(scoped_src(page_src("coverage"), self.scope), "not-yet-verified")
                bars.append(charts.Bar(UNVERIFIED_LABEL, len(unverified), coverage))
            return bars

        venue_counts = Counter(m.venue for m in self.cat.methods)
        venue_bars = [charts.Bar(v, n) for v, n in sorted(venue_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        bar_charts = []
        for title, head, bars, css in [
            (
                "Methods per sub-category",
                "Sub-category",
                bars_for([n for n in self.tax.axis_nodes("strategies") if n.depth == 1], "strategies"),
                "es-bar",
            ),
            (
                "Methods per input condition",
                "Condition",
                bars_for(self.tax.assignable("conditions"), "conditions"),
                "es-bar es-bar--c",
            ),
            ("Methods per editing task", "Task", bars_for(self.tax.assignable("tasks"), "tasks"), "es-bar es-bar--t"),
            *(
                (f"Methods per {axis.noun}", axis.label, bars_for(self.tax.assignable(axis_id), axis_id), "es-bar")
                for axis_id, axis in self.tax.axes.items()
                if axis.record.field not in CORE_AXIS_FIELDS
            ),
            ("Methods per venue", "Venue", venue_bars, "es-bar es-bar--v"),
        ]:
            bar_charts.append(
                {"title": title, "head": head, "bars": bars, "svg": charts.horizontal_bars(title, bars, css)}
            )
        return dict(
            strategies=strategies,
            per_year_svg=per_year_svg,
            per_year_rows=per_year_rows,
            bar_charts=bar_charts,
        )

    @cached_property
    def boards(self) -> dict[str, list[Board]]:
        """Every benchmark's boards of published results, one per setting, built once."""
        higher = {m.id: m.higher_is_better for m in self.cat.metrics}
        return {
            d.id: boards_for(d.id, self.cat.published, self.cat.by_id, higher)
            for d in self.cat.datasets
            if d.purpose != "training"
        }

    @cached_property
    def _published_by_method(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for dataset_id, boards in self.boards.items():
            dataset = self.cat.dataset(dataset_id)
            for board in boards:
                setting = board.description
                for row in board.rows:
                    if row.method is None:
                        continue
                    metrics = [(self.cat.metric(k), v) for k, v in row.row.scores.items()]
                    scores = ", ".join(f"{metric.name} {fixed_point(v, metric.decimals)}" for metric, v in metrics)
                    out.setdefault(row.method.id, []).append(
                        {"dataset": dataset, "board": board, "setting": setting, "row": row, "scores": scores}
                    )
        return out

    def published_for(self, method_id: str) -> list[dict[str, Any]]:
        return self._published_by_method.get(method_id, [])

    def datasets_index(self, L: Linker) -> dict[str, Any]:
        users = self.cat.dataset_users
        rows = [
            {
                "d": d,
                "trained": len(users[d.id]["trained_on"]),
                "evaluated": len(users[d.id]["evaluated_on"]),
                "results": sum(len(b.rows) for b in self.boards.get(d.id, [])),
            }
            for d in sorted(self.cat.datasets, key=lambda d: d.name.casefold())
        ]
        return dict(rows=rows)

    def dataset(self, L: Linker, dataset_id: str) -> dict[str, Any]:
        d = self.cat.dataset(dataset_id)
        users = self.cat.dataset_users[d.id]
        return dict(
            d=d,
            trained=self.by_name(users["trained_on"]),
            evaluated=self.by_name(users["evaluated_on"]),
            boards=self.boards.get(d.id, []),
            metric=self.cat.metric,
        )

    def explorer(self, L: Linker) -> dict[str, Any]:
        return {}

    def scope_switch(self, kind: PageKind, scope: str) -> dict[str, Any]:
        """What a scoped page says about its scope, and the sources of its twin pages."""
        from .registry import SCOPES  # the registry names these methods: import late

        survey = self.cat.survey_scope
        return {
            "current": scope,
            "pages": {s: kind.src(s) for s in SCOPES},
            "counts": {"all": len(self.cat.methods), "survey": len(survey.methods)},
        }

    # ------------------------------------------------------------- all
    def pages(self) -> dict[str, str]:
        """Every generated page, {source path: Markdown}: the page registry, expanded over the catalog."""
        from .registry import PAGES, generated_sources  # the registry names these methods: import late

        known = generated_sources(self.cat) | self.handwritten

        def checked_page_src(name: str) -> str:
            src = page_src(name)
            if src not in known:
                raise KeyError(f"a template links to page_src({name!r}), a page no registry entry produces")
            return src

        self.env.globals["page_src"] = checked_page_src
        todo = [(kind, item, src) for kind in PAGES if kind.generated for item, src in kind.expand(self.cat)]
        progress = Progress("generating pages", len(todo))
        out: dict[str, str] = {}
        for kind, item, src in todo:
            out[src] = self._render_kind(kind, item, src)
            progress.advance()
        progress.close()
        return out

    @cached_property
    def survey_renderer(self) -> SiteRenderer:
        """The same pages drawn from the survey's scope of the catalogue."""
        return SiteRenderer(self.cat.survey_scope, self.handwritten, scope="survey")

    def _render_kind(self, kind: PageKind, item: Any, src: str) -> str:
        """The kind's template at `src`, with the context its function or renderer method gives."""
        assert kind.template is not None
        L = Linker(src)
        if kind.scoped:
            renderer = self if item == "all" else self.survey_renderer
            context = getattr(renderer, kind.method or "")(L)
            context["scope"] = self.scope_switch(kind, item)
            return renderer.render(kind.template, src, **context)
        if kind.context is not None:
            context = kind.context(self, item)
        else:
            make = getattr(self, kind.method or "")
            context = make(L) if kind.items is None else make(L, item)
        return self.render(kind.template, src, **context)


def render_pages(catalog: Catalog, handwritten: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    return SiteRenderer(catalog, frozenset(handwritten)).pages()
