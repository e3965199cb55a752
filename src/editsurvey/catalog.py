"""Indices and queries over validated data: what the pages and exports show."""

from __future__ import annotations

import datetime as dt
import heapq
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .dataset import DataSet
from .diagnostics import Diagnostic, count
from .models import Benchmark, Dataset, MethodRecord, Metric, PublishedResults, ResultSet, Venue
from .parsecache import ParseCache
from .progress import Progress
from .taxonomy import Node, Taxonomy
from .validate import validate_root


@dataclass(frozen=True)
class Ranked:
    rank: int  # competition ranking: equal means share a rank, the next rank skips
    method: MethodRecord
    mean: float
    std: float


@dataclass
class Catalog:
    root: Path
    taxonomy: Taxonomy
    venues: dict[str, Venue]
    methods: list[MethodRecord]  # sorted by id
    files: dict[str, str]  # method id -> file path relative to root
    benchmarks: list[Benchmark] = field(default_factory=list)
    metrics: list[Metric] = field(default_factory=list)
    results: list[ResultSet] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)
    published: list[PublishedResults] = field(default_factory=list)

    @classmethod
    def from_dataset(cls, data: DataSet) -> Catalog:
        methods = sorted(data.methods, key=lambda m: m.model.id)
        return cls(
            root=data.root,
            taxonomy=data.taxonomy(),
            venues={v.name: v for v in data.venues.model.venues} if data.venues else {},
            methods=[m.model for m in methods],
            files={m.model.id: m.doc.rel for m in methods},
            benchmarks=sorted((b.model for b in data.benchmarks), key=lambda b: b.id),
            metrics=sorted((m.model for m in data.metrics), key=lambda m: m.id),
            results=sorted((r.model for r in data.results), key=lambda r: r.id),
            datasets=sorted((d.model for d in data.datasets), key=lambda d: d.id),
            published=sorted((p.model for p in data.published), key=lambda p: p.id),
        )

    # ------------------------------------------------------------ lookups
    @cached_property
    def by_id(self) -> dict[str, MethodRecord]:
        return {m.id: m for m in self.methods}

    @property
    def venue_names(self) -> list[str]:
        return list(self.venues)

    def node(self, node_id: str) -> Node:
        return self.taxonomy.nodes[node_id]

    def strategy_nodes(self, method: MethodRecord) -> list[str]:
        """Every strategies-axis node the method is filed under, with ancestors."""
        out: list[str] = []
        for leaf in [method.strategy, *(method.also_in or [])]:
            for node_id in self.taxonomy.ancestors(leaf):
                if node_id not in out:
                    out.append(node_id)
        return out

    def sub_category(self, method: MethodRecord) -> str:
        """The depth-1 node of the method's main strategy (its survey sub-category)."""
        path = self.taxonomy.ancestors(method.strategy)
        return path[1] if len(path) > 1 else path[0]

    def top_strategy(self, method: MethodRecord) -> str:
        return self.taxonomy.ancestors(method.strategy)[0]

    def axis_tags(self, method: MethodRecord, axis: str) -> set[str]:
        """Nodes of one axis that list the method, ancestors included."""
        return {a for leaf in self.taxonomy.leaves_of(method, axis) for a in self.taxonomy.ancestors(leaf)}

    def facet_tags(self, method: MethodRecord, facet: str) -> set[str]:
        """The same, by the explorer's key for the axis (`strategy`, `condition`, …)."""
        return self.axis_tags(method, self.taxonomy.facets()[facet])

    def tags(self, method: MethodRecord) -> set[str]:
        """Every taxonomy node that lists this method (including ancestors)."""
        return set().union(*(self.axis_tags(method, axis) for axis in self.taxonomy.axes))

    def shown_node(self, method: MethodRecord, axis: str) -> str:
        """A one-valued axis' node as tables show it: its depth-1 ancestor (the survey's sub-category)."""
        path = self.taxonomy.ancestors(self.taxonomy.leaves_of(method, axis)[0])
        return path[1] if len(path) > 1 else path[0]

    @cached_property
    def _members(self) -> dict[str, list[MethodRecord]]:
        members: dict[str, list[MethodRecord]] = {n: [] for n in self.taxonomy.nodes}
        for method in self.methods:
            for node_id in sorted(self.tags(method)):
                members[node_id].append(method)
        return members

    @cached_property
    def unverified(self) -> dict[str, list[MethodRecord]]:
        """Record field -> the methods that declare it `unverified`, in catalogue order; undeclared fields absent."""
        found: dict[str, list[MethodRecord]] = {}
        for method in self.methods:
            for field_name in method.unverified or []:
                found.setdefault(field_name, []).append(method)
        return found

    def methods_for(self, node_id: str) -> list[MethodRecord]:
        """Methods tagged with the node or any node below it, by id."""
        return list(self._members.get(node_id, []))

    def ordered(self, node_ids: list[str]) -> list[str]:
        return sorted(node_ids, key=self.taxonomy.order_key)

    # --------------------------------------------------------- relations
    @cached_property
    def built_on_by(self) -> dict[str, list[MethodRecord]]:
        reverse: dict[str, list[MethodRecord]] = {m.id: [] for m in self.methods}
        for method in self.methods:
            for target in method.builds_on or []:
                if target in reverse:
                    reverse[target].append(method)
        return reverse

    RELATED = 5  # related methods shown on a method page

    def related(self, method: MethodRecord) -> list[tuple[MethodRecord, int]]:
        """(method, number of shared tasks and conditions): same sub-category first, then most shared, then id."""
        return self._related[method.id]

    @cached_property
    def _related(self) -> dict[str, list[tuple[MethodRecord, int]]]:
        """Every method's related methods, from indices built once.

        Tasks and conditions are bit masks, so "shared" is one popcount; a
        method is compared with its own sub-category (methods are in id order,
        so the first of equals is the smallest id), and with methods that share
        a tag only when its sub-category has too few to fill the list.
        """
        bit = {node_id: 1 << i for i, node_id in enumerate(self.taxonomy.nodes)}
        mask = {m.id: sum({bit[t] for t in (*m.tasks, *m.conditions) if t in bit}) for m in self.methods}
        sub = {m.id: self.sub_category(m) for m in self.methods}
        groups: dict[str, list[MethodRecord]] = defaultdict(list)
        by_tag: dict[str, list[MethodRecord]] = defaultdict(list)
        for m in self.methods:  # in id order
            groups[sub[m.id]].append(m)
            for tag in {*m.tasks, *m.conditions}:
                by_tag[tag].append(m)
        group_masks = {key: [mask[m.id] for m in members] for key, members in groups.items()}

        def best(members: list[MethodRecord], masks: list[int], mine: int, limit: int, skip: str):
            shared = [(mine & other).bit_count() for other in masks]
            order = heapq.nsmallest(limit + 1, range(len(members)), key=lambda i: (-shared[i], i))
            return [(members[i], shared[i]) for i in order if members[i].id != skip][:limit]

        out: dict[str, list[tuple[MethodRecord, int]]] = {}
        for m in self.methods:
            mine, key = mask[m.id], sub[m.id]
            found = best(groups[key], group_masks[key], mine, self.RELATED, m.id)
            if len(found) < self.RELATED:
                others = sorted(
                    {o.id: o for t in {*m.tasks, *m.conditions} for o in by_tag[t] if sub[o.id] != key}.values(),
                    key=lambda o: o.id,
                )
                more = best(others, [mask[o.id] for o in others], mine, self.RELATED - len(found), m.id)
                found += [(o, n) for o, n in more if n]
            out[m.id] = found
        return out

    # ------------------------------------------------------------ scope
    def in_survey_list(self, method: MethodRecord) -> bool:
        return method.provenance.source == "survey-list"

    def is_extension(self, node_id: str) -> bool:
        """Whether a taxonomy node is this project's extension rather than the survey's."""
        node = self.taxonomy.nodes[node_id]
        axis = self.taxonomy.axes[node.axis]
        return axis.node_origin(node.node) == "extension"

    @cached_property
    def survey_scope(self) -> Catalog:
        """The catalogue as the survey draws it: its list's records, on its own axes and nodes only."""
        from .scope import survey_scope  # scope builds Catalogs: import late

        return survey_scope(self)

    # ------------------------------------------------------- datasets
    @cached_property
    def datasets_by_id(self) -> dict[str, Dataset]:
        return {d.id: d for d in self.datasets}

    def dataset(self, dataset_id: str) -> Dataset:
        return self.datasets_by_id[dataset_id]

    @cached_property
    def dataset_users(self) -> dict[str, dict[str, list[MethodRecord]]]:
        """Dataset id -> {"trained_on": methods, "evaluated_on": methods}, by method id."""
        users: dict[str, dict[str, list[MethodRecord]]] = {
            d.id: {"trained_on": [], "evaluated_on": []} for d in self.datasets
        }
        for method in self.methods:
            for field_name in ("trained_on", "evaluated_on"):
                for dataset_id in getattr(method, field_name) or []:
                    if dataset_id in users:
                        users[dataset_id][field_name].append(method)
        return users

    # ------------------------------------------------------- benchmarks
    @cached_property
    def _metrics_by_id(self) -> dict[str, Metric]:
        return {m.id: m for m in self.metrics}

    @cached_property
    def _benchmarks_by_id(self) -> dict[str, Benchmark]:
        return {b.id: b for b in self.benchmarks}

    def metric(self, metric_id: str) -> Metric:
        return self._metrics_by_id[metric_id]

    def benchmark(self, benchmark_id: str) -> Benchmark:
        return self._benchmarks_by_id[benchmark_id]

    def leaderboard(self, result_set: ResultSet, task: str) -> list[Ranked]:
        """Rows of one task ordered by score (best first), ranks derived from the scores."""
        metric = self.metric(result_set.metric)
        sign = -1 if metric.higher_is_better else 1
        rows = [r for r in result_set.results if r.task == task]
        rows.sort(key=lambda r: (sign * r.mean, r.std, r.method))
        ranked: list[Ranked] = []
        for position, row in enumerate(rows, start=1):
            rank = ranked[-1].rank if ranked and ranked[-1].mean == row.mean else position
            ranked.append(Ranked(rank, self.by_id[row.method], row.mean, row.std))
        return ranked

    @cached_property
    def _ranked_by_method(self) -> dict[str, list[tuple[ResultSet, str, Ranked, int]]]:
        """Every leaderboard computed once, indexed by method."""
        index: dict[str, list[tuple[ResultSet, str, Ranked, int]]] = {}
        for rs in self.results:
            for task in self.benchmark(rs.benchmark).tasks:
                board = self.leaderboard(rs, task.id)
                for row in board:
                    index.setdefault(row.method.id, []).append((rs, task.id, row, len(board)))
        return index

    def results_for(self, method_id: str) -> list[tuple[ResultSet, str, Ranked, int]]:
        """(result set, task, ranked row, rows in that task) for every published score of a method."""
        return list(self._ranked_by_method.get(method_id, []))

    # -------------------------------------------------------- statistics
    def coverage(self) -> dict[tuple[str, str], int]:
        """Number of methods per (condition, task) pair."""
        counts: Counter[tuple[str, str]] = Counter()
        for method in self.methods:
            for c in method.conditions:
                for t in method.tasks:
                    counts[(c, t)] += 1
        return dict(counts)

    def per_year(self) -> dict[int, Counter[str]]:
        """Methods per year of first public version, split by top-level strategy."""
        years: dict[int, Counter[str]] = {}
        for method in self.methods:
            years.setdefault(int(method.date[:4]), Counter())[self.top_strategy(method)] += 1
        return dict(sorted(years.items()))


def load_catalog(
    root: Path, today: dt.date | None = None, progress: Progress | None = None, cache: ParseCache | None = None
) -> tuple[Catalog | None, list[Diagnostic]]:
    data, found = validate_root(root, today, progress, cache)
    if count(found)[0]:
        return None, found
    return Catalog.from_dataset(data), found
