"""Render every generated page of the site as Markdown, from the catalog.

`render_site(catalog)` returns {path under docs_dir: text}; nothing here
touches the disk, so the output is a pure function of the data.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import jinja2

from ..catalog import Catalog
from ..models import MethodRecord
from ..taxonomy import Node
from . import charts
from .exports import bibtex_entry
from .links import Linker, attr, benchmark_src, md, method_src, node_src, page_src

TEMPLATES = Path(__file__).parent / "templates"

# The explorer's query-string key for each axis.
EXPLORER_KEYS = {"strategies": "strategy", "conditions": "condition", "tasks": "task"}
STRATEGY_CSS = ["es-s0", "es-s1", "es-s2", "es-s3", "es-s4"]


def _env() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,  # Markdown output; values are escaped explicitly with md() / attr()
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=False,
        lstrip_blocks=False,
    )
    env.globals.update(md=md, attr=attr, page_src=page_src, meta=front_matter_value, method_src=method_src, node_src=node_src,
                       explorer_key=lambda n: EXPLORER_KEYS[n.axis], fmt=_fmt)
    return env


def front_matter_value(text: object) -> str:
    """A front-matter string. Engines put `title` and `description` into HTML unescaped
    (MkDocs' templates do not autoescape), so the value is HTML-escaped here."""
    return json.dumps(attr(text), ensure_ascii=False)


def _fmt(value: float, decimals: int) -> str:
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

    def __post_init__(self) -> None:
        self.env = _env()
        self.tax = self.cat.taxonomy

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
                short = f' <abbr title="survey abbreviation">{attr(n.node.short)}</abbr>' if n.node.short else ""
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
            lines.append(f"{'    ' * n.depth}- [{md(n.label)}]({L.md(node_src(axis, n.id))}){short}: "
                         f"{count} method{'' if count == 1 else 's'}")
        return "\n".join(lines)

    def by_date(self, methods: list[MethodRecord]) -> list[MethodRecord]:
        return sorted(methods, key=lambda m: (m.date, m.name.casefold(), m.id), reverse=True)

    def by_name(self, methods: list[MethodRecord]) -> list[MethodRecord]:
        return sorted(methods, key=lambda m: (m.name.casefold(), m.id))

    # ------------------------------------------------------------ pages
    def home(self) -> str:
        src = "index.md"
        L = Linker(src)
        return self.render(
            "home.md.j2", src,
            subcats=[n for n in self.tax.axis_nodes("strategies") if n.depth == 1],
            n_results=sum(len(r.results) for r in self.cat.results),
            n_code=sum(1 for m in self.cat.methods if m.links.code),
            newest=self.by_date(self.cat.methods)[:8],
            has_contributing="contributing.md" in self.handwritten,
            tree=lambda axis: self._tree_html(L, axis),
        )

    def methods_index(self) -> str:
        return self.render("methods_index.md.j2", page_src("methods"), methods=self.by_name(self.cat.methods))

    def method(self, m: MethodRecord) -> str:
        src = method_src(m.id)
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
        strategy_paths = [[self.tax.nodes[i] for i in self.tax.ancestors(leaf)]
                          for leaf in [m.strategy, *(m.also_in or [])]]
        results = []
        source_url = ""
        for rs, task_id, row, of in self.cat.results_for(m.id):
            bench = self.cat.benchmark(rs.benchmark)
            metric = self.cat.metric(rs.metric)
            task = next(t for t in bench.tasks if t.id == task_id)
            source_url = rs.source.url
            results.append({
                "benchmark": bench.name, "bench_src": benchmark_src(bench.id), "task": task.label,
                "anchor": f"{rs.id}-{task_id}", "mean": _fmt(row.mean, metric.decimals),
                "std": _fmt(row.std, metric.decimals), "rank": row.rank, "of": of,
            })
        return self.render(
            "method.md.j2", src, m=m,
            summary=" ".join(m.summary.split()),
            link_buttons=buttons,
            strategy_paths=strategy_paths,
            conditions=[self.tax.nodes[c] for c in self.cat.ordered(m.conditions)],
            tasks=[self.tax.nodes[t] for t in self.cat.ordered(m.tasks)],
            origin=lambda o: "the survey" if o == "survey" else "curated by this project",
            results=results, source_url=source_url,
            builds_on=[self.cat.by_id[i] for i in (m.builds_on or []) if i in self.cat.by_id],
            built_on_by=self.cat.built_on_by.get(m.id, []),
            related=self.cat.related(m),
            bibtex=bibtex_entry(self.cat, m),
            file=self.cat.files[m.id],
        )

    def axis_index(self, axis_id: str) -> str:
        src = page_src(axis_id)
        return self.render("axis_index.md.j2", src, axis=self.tax.axes[axis_id],
                           tree_md=self._tree_md(Linker(src), axis_id))

    def node(self, n: Node) -> str:
        children = [self.tax.nodes[c] for c in self.tax.children.get(n.id, [])]
        return self.render(
            "node.md.j2", node_src(n.axis, n.id), n=n, axis=self.tax.axes[n.axis],
            crumbs=[self.tax.nodes[i] for i in n.path[:-1]],
            children=children,
            counts={c.id: len(self.cat.methods_for(c.id)) for c in children},
            methods=self.by_name(self.cat.methods_for(n.id)),
        )

    def matrix(self) -> str:
        subs = {r.id: [self.tax.nodes[c] for c in self.tax.children[r.id]] for r in self.tax.roots("strategies")}
        rows: dict[str, list[MethodRecord]] = {}
        for root_subs in subs.values():
            for sub in root_subs:
                members = [m for m in self.cat.methods if sub.id in self.cat.strategy_nodes(m)]
                rows[sub.id] = sorted(members, key=lambda m: (m.date, m.name.casefold()))

        def cond_labels(m: MethodRecord) -> str:
            return ", ".join(self.tax.nodes[c].short for c in self.cat.ordered(m.conditions))

        return self.render("matrix.md.j2", page_src("matrix"), roots=self.tax.roots("strategies"), subs=subs, rows=rows,
                           tasks=self.tax.assignable("tasks"), cond_labels=cond_labels)

    def coverage(self) -> str:
        counts = self.cat.coverage()
        conditions = self.tax.assignable("conditions")
        tasks = self.tax.assignable("tasks")
        return self.render(
            "coverage.md.j2", page_src("coverage"), counts=counts, conditions=conditions, tasks=tasks,
            per_condition={c.id: len(self.cat.methods_for(c.id)) for c in conditions},
            per_task={t.id: len(self.cat.methods_for(t.id)) for t in tasks},
            total=len(self.cat.methods),
            gaps=sum(1 for c in conditions for t in tasks if not counts.get((c.id, t.id))),
        )

    def leaderboard(self) -> str:
        boards = []
        for rs in self.cat.results:
            bench = self.cat.benchmark(rs.benchmark)
            boards.append({
                "results": rs, "benchmark": bench, "metric": self.cat.metric(rs.metric),
                "metric_src": benchmark_src(rs.metric),
                "tasks": [{"id": t.id, "label": t.label, "rows": self.cat.leaderboard(rs, t.id)} for t in bench.tasks],
            })
        return self.render("leaderboard.md.j2", page_src("leaderboard"), boards=boards)

    def benchmark(self, bench_id: str) -> str:
        bench = self.cat.benchmark(bench_id)
        by_task: dict[str, list] = {}
        for case in bench.cases or []:
            by_task.setdefault(case.task, []).append(case)
        return self.render("benchmark.md.j2", benchmark_src(bench.id), b=bench, by_task=by_task,
                           case_counts={k: len(v) for k, v in by_task.items()},
                           results=[r for r in self.cat.results if r.benchmark == bench.id])

    def metric(self, metric_id: str) -> str:
        return self.render("metric.md.j2", benchmark_src(metric_id), metric=self.cat.metric(metric_id))

    def statistics(self) -> str:
        src = page_src("statistics")
        L = Linker(src)  # Markdown links, for the data tables under the charts
        strategies = self.tax.roots("strategies")
        years = self.cat.per_year()
        series = [charts.Series(s.label, STRATEGY_CSS[i % len(STRATEGY_CSS)], [years[y][s.id] for y in years])
                  for i, s in enumerate(strategies)]
        per_year_svg = charts.stacked_columns("Methods per year by learning strategy", [str(y) for y in years], series)
        per_year_rows = [(y, [years[y][s.id] for s in strategies]) for y in years]

        def bars_for(nodes: list[Node]) -> list[charts.Bar]:
            return [charts.Bar(n.label, len(self.cat.methods_for(n.id)), L.md(node_src(n.axis, n.id))) for n in nodes]

        venue_counts = Counter(m.venue for m in self.cat.methods)
        venue_bars = [charts.Bar(v, n) for v, n in sorted(venue_counts.items(), key=lambda kv: (-kv[1], kv[0]))]
        bar_charts = []
        for title, head, bars, css in [
            ("Methods per sub-category", "Sub-category",
             bars_for([n for n in self.tax.axis_nodes("strategies") if n.depth == 1]), "es-bar"),
            ("Methods per input condition", "Condition", bars_for(self.tax.assignable("conditions")), "es-bar es-bar--c"),
            ("Methods per editing task", "Task", bars_for(self.tax.assignable("tasks")), "es-bar es-bar--t"),
            ("Methods per venue", "Venue", venue_bars, "es-bar es-bar--v"),
        ]:
            bar_charts.append({"title": title, "head": head, "bars": bars,
                               "svg": charts.horizontal_bars(title, bars, css)})
        return self.render("statistics.md.j2", src, strategies=strategies, per_year_svg=per_year_svg,
                           per_year_rows=per_year_rows, bar_charts=bar_charts)

    def explorer(self) -> str:
        return self.render("explorer.md.j2", page_src("explorer"))

    # ------------------------------------------------------------- all
    def pages(self) -> dict[str, str]:
        out = {
            "index.md": self.home(),
            page_src("explorer"): self.explorer(),
            page_src("methods"): self.methods_index(),
            page_src("matrix"): self.matrix(),
            page_src("coverage"): self.coverage(),
            page_src("leaderboard"): self.leaderboard(),
            page_src("statistics"): self.statistics(),
        }
        for m in self.cat.methods:
            out[method_src(m.id)] = self.method(m)
        for axis_id in self.tax.axes:
            out[page_src(axis_id)] = self.axis_index(axis_id)
            for n in self.tax.axis_nodes(axis_id):
                out[node_src(axis_id, n.id)] = self.node(n)
        for bench in self.cat.benchmarks:
            out[benchmark_src(bench.id)] = self.benchmark(bench.id)
        for metric in self.cat.metrics:
            out[benchmark_src(metric.id)] = self.metric(metric.id)
        return out


def render_pages(catalog: Catalog, handwritten: set[str] | frozenset[str] = frozenset()) -> dict[str, str]:
    return SiteRenderer(catalog, frozenset(handwritten)).pages()
