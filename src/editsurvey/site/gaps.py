"""Where the catalogue is thin: heat maps of two axes, methods per half-year, the first method of each value.

Pure functions of the catalog, each one pass over the methods (linear in
their number); the coverage page draws them (templates/coverage.md.j2).
A heat map's cell counts the methods the explorer shows for its link: the
row's and the column's node ids as the two facets' filters, ancestors
included (`Catalog.axis_tags`), exactly as `explorer_query.matches` reads them.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from ..catalog import Catalog
from ..models import MethodRecord
from ..taxonomy import Node

LEVELS = 5  # shades of a non-empty cell


@dataclass(frozen=True)
class HeatMap:
    key: str  # names the table in the page (data-map)
    row_facet: str  # explorer query keys of the rows' and the columns' axes
    column_facet: str
    row_groups: list[tuple[Node | None, list[Node]]]  # rows, under an optional group heading
    columns: list[Node]
    column_groups: list[tuple[Node | None, int]]  # a heading over consecutive columns, and how many
    counts: dict[tuple[str, str], int]  # (row id, column id) -> methods; zero cells are absent
    row_totals: dict[str, int]  # methods with the row's node, whatever their column
    column_totals: dict[str, int]
    total: int

    @property
    def rows(self) -> list[Node]:
        return [row for _, rows in self.row_groups for row in rows]

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)

    def count(self, row: Node, column: Node) -> int:
        return self.counts.get((row.id, column.id), 0)

    def level(self, count: int) -> int:
        """0 for an empty cell, else 1 … LEVELS by the share of the largest cell."""
        return min(LEVELS, max(1, math.ceil(LEVELS * count / self.peak))) if count else 0

    def params(self, row: Node, column: Node) -> dict[str, str]:
        """The explorer's query for the cell's methods."""
        return {self.row_facet: row.id, self.column_facet: column.id}

    @property
    def gaps(self) -> int:
        return sum(1 for row in self.rows for column in self.columns if not self.count(row, column))


def _column_groups(catalog: Catalog, columns: list[Node]) -> list[tuple[Node | None, int]]:
    """Consecutive columns under the same top-level node (task groups); a top-level column stands alone."""
    groups: list[tuple[Node | None, int]] = []
    for column in columns:
        top = catalog.taxonomy.nodes[column.path[0]] if len(column.path) > 1 else None
        if groups and top is not None and groups[-1][0] is top:
            groups[-1] = (top, groups[-1][1] + 1)
        else:
            groups.append((top, 1))
    return groups


def heat_map(
    catalog: Catalog, key: str, row_axis: str, row_groups: list[tuple[Node | None, list[Node]]], column_axis: str
) -> HeatMap:
    """Methods per (row node, column node) of two axes, counted in one pass over the methods."""
    tax = catalog.taxonomy
    columns = tax.assignable(column_axis)
    row_ids = {row.id for _, rows in row_groups for row in rows}
    column_ids = {column.id for column in columns}
    counts: Counter[tuple[str, str]] = Counter()
    row_totals: Counter[str] = Counter()
    column_totals: Counter[str] = Counter()
    for method in catalog.methods:
        rows = catalog.axis_tags(method, row_axis) & row_ids
        cols = catalog.axis_tags(method, column_axis) & column_ids
        row_totals.update(rows)
        column_totals.update(cols)
        counts.update((r, c) for r in rows for c in cols)
    return HeatMap(
        key=key,
        row_facet=tax.axes[row_axis].facet,
        column_facet=tax.axes[column_axis].facet,
        row_groups=row_groups,
        columns=columns,
        column_groups=_column_groups(catalog, columns),
        counts=dict(counts),
        row_totals=dict(row_totals),
        column_totals=dict(column_totals),
        total=len(catalog.methods),
    )


def half_year(date: str) -> str:
    """'2023-04' -> '2023 H1'; '2023-07' -> '2023 H2'."""
    return f"{date[:4]} H{1 if int(date[5:7]) <= 6 else 2}"


def per_half_year(catalog: Catalog, key: Callable[[MethodRecord], str]) -> dict[str, Counter[str]]:
    """Methods per half-year of their first public version, split by `key(method)`; every half-year
    from the first to the last, empty ones included, in order."""
    found: dict[str, Counter[str]] = {}
    for method in catalog.methods:
        found.setdefault(half_year(method.date), Counter())[key(method)] += 1
    if not found:
        return {}
    first, last = min(found), max(found)
    out: dict[str, Counter[str]] = {}
    year, half = int(first[:4]), int(first[-1])
    while f"{year} H{half}" <= last:
        label = f"{year} H{half}"
        out[label] = found.get(label, Counter())
        year, half = (year, 2) if half == 1 else (year + 1, 1)
    return out


def first_key(method: MethodRecord) -> tuple[str, str, str, str]:
    """Earliest first public version, then name (ties)."""
    return (method.date, method.name.casefold(), method.name, method.id)


def firsts(catalog: Catalog, nodes: list[Node]) -> list[tuple[Node, MethodRecord | None, int]]:
    """(node, the first method tagged with it or None, how many are tagged now), in one pass."""
    best: dict[str, MethodRecord] = {}
    counts: Counter[str] = Counter()
    wanted = {n.id: n.axis for n in nodes}
    axes = set(wanted.values())
    for method in catalog.methods:
        for axis in axes:
            for node_id in catalog.axis_tags(method, axis):
                if node_id in wanted:
                    counts[node_id] += 1
                    if node_id not in best or first_key(method) < first_key(best[node_id]):
                        best[node_id] = method
    return [(n, best.get(n.id), counts[n.id]) for n in nodes]


def unverified(catalog: Catalog) -> list[tuple[str, list[MethodRecord]]]:
    """For each axis some record declares `unverified`, those records by name: the work left for contributors."""
    return [
        (axis.noun, sorted(records, key=lambda m: (m.name.casefold(), m.id)))
        for axis in catalog.taxonomy.axes.values()
        if (records := catalog.unverified.get(axis.record.field))
    ]
