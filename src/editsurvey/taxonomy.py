"""The axes as a tree of nodes, built from taxonomy/*.yaml.

Each axis file also says which record field names its nodes, its explorer
facet and its nouns: the one table every module reads, so that a new axis is
a new YAML file and a new record field, never a code change.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import TaxonomyAxis, TaxonomyNode


@dataclass(frozen=True)
class Node:
    axis: str
    node: TaxonomyNode
    depth: int  # 0 for a top-level node
    level: str  # the axis' name for this depth
    order: int  # position in the axis file, for display order
    path: tuple[str, ...]  # ids from the top-level ancestor down to this node

    @property
    def id(self) -> str:
        return self.node.id

    @property
    def label(self) -> str:
        return self.node.label

    @property
    def short(self) -> str:
        return self.node.short or self.node.label

    @property
    def parent(self) -> str | None:
        return self.node.parent


@dataclass
class Taxonomy:
    axes: dict[str, TaxonomyAxis]
    nodes: dict[str, Node] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, axes: dict[str, TaxonomyAxis]) -> Taxonomy:
        """Index the nodes; tolerant of broken parents (validate.py reports them)."""
        ordered = sorted(axes.items(), key=lambda kv: (kv[1].order, kv[0]))
        tax = cls(axes=dict(ordered))
        for axis_id, axis in axes.items():
            by_id = {n.id: n for n in axis.nodes}
            for order, node in enumerate(axis.nodes):
                if node.id in tax.nodes:
                    continue
                path = _ancestry(node, by_id)
                depth = len(path) - 1
                level = axis.levels[depth] if depth < len(axis.levels) else axis.levels[-1]
                tax.nodes[node.id] = Node(axis_id, node, depth, level, order, path)
                tax.children.setdefault(node.id, [])
            for node in axis.nodes:
                if node.parent in by_id and node.id in tax.nodes and tax.nodes[node.id].axis == axis_id:
                    tax.children.setdefault(node.parent, []).append(node.id)
        return tax

    # ------------------------------------------------------ the axis table
    def record_fields(self) -> dict[str, str]:
        """Every record field that names nodes (extra lists such as `also_in` included) -> its axis."""
        fields: dict[str, str] = {}
        for axis_id, axis in self.axes.items():
            fields[axis.record.field] = axis_id
            if axis.record.also:
                fields[axis.record.also] = axis_id
        return fields

    def facets(self) -> dict[str, str]:
        """The explorer's query key of each axis -> the axis."""
        return {axis.facet: axis_id for axis_id, axis in self.axes.items()}

    def leaves_of(self, record: object, axis_id: str) -> list[str]:
        """The node ids a record names on an axis (its main field, then the extra list)."""
        spec = self.axes[axis_id].record
        out: list[str] = []
        for name in (spec.field, spec.also):
            value = getattr(record, name, None) if name else None
            if isinstance(value, str):
                out.append(value)
            elif value:
                out.extend(value)
        return out

    def axis_nodes(self, axis: str) -> list[Node]:
        return sorted((n for n in self.nodes.values() if n.axis == axis), key=lambda n: n.order)

    def roots(self, axis: str) -> list[Node]:
        return [n for n in self.axis_nodes(axis) if n.depth == 0]

    def assignable(self, axis: str) -> list[Node]:
        levels = set(self.axes[axis].assignable_levels) if axis in self.axes else set()
        return [n for n in self.axis_nodes(axis) if n.level in levels]

    def descendants(self, node_id: str) -> list[str]:
        out: list[str] = []
        for child in self.children.get(node_id, []):
            out.append(child)
            out.extend(self.descendants(child))
        return out

    def ancestors(self, node_id: str) -> list[str]:
        """Ids from the top-level ancestor down to, and including, `node_id`."""
        return list(self.nodes[node_id].path)

    def list_order(self) -> IdOrder:
        """A sort key for taxonomy ids that also names the record lists it applies to."""
        lists = frozenset(
            name
            for axis in self.axes.values()
            for name in (axis.record.field if axis.record.many else None, axis.record.also)
            if name
        )
        return IdOrder(self, lists)

    def order_key(self, node_id: str) -> tuple[int, int]:
        node = self.nodes.get(node_id)
        axis_order = list(self.axes).index(node.axis) if node else len(self.axes)
        return (axis_order, node.order if node else 1 << 30)


@dataclass(frozen=True)
class IdOrder:
    """Taxonomy order of ids, for the record fields in `fields` (lists of ids)."""

    taxonomy: Taxonomy
    fields: frozenset[str]

    def __call__(self, node_id: str) -> tuple[int, int]:
        return self.taxonomy.order_key(node_id)


def _ancestry(node: TaxonomyNode, by_id: dict[str, TaxonomyNode]) -> tuple[str, ...]:
    path = [node.id]
    seen = {node.id}
    current = node
    while current.parent and current.parent in by_id and current.parent not in seen:
        current = by_id[current.parent]
        seen.add(current.id)
        path.append(current.id)
    return tuple(reversed(path))
