"""The three axes as a tree of nodes, built from taxonomy/*.yaml."""

from __future__ import annotations

from dataclasses import dataclass, field

from .models import TaxonomyAxis, TaxonomyNode

# Which record fields name nodes of which axis. Field names are code; the
# nodes they may name are data.
AXIS_OF_FIELD = {"strategy": "strategies", "also_in": "strategies", "conditions": "conditions", "tasks": "tasks"}


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
    def build(cls, axes: dict[str, TaxonomyAxis]) -> "Taxonomy":
        """Index the nodes; tolerant of broken parents (validate.py reports them)."""
        tax = cls(axes=dict(axes))
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

    def order_key(self, node_id: str) -> tuple[int, int]:
        node = self.nodes.get(node_id)
        axis_order = list(self.axes).index(node.axis) if node else len(self.axes)
        return (axis_order, node.order if node else 1 << 30)


def _ancestry(node: TaxonomyNode, by_id: dict[str, TaxonomyNode]) -> tuple[str, ...]:
    path = [node.id]
    seen = {node.id}
    current = node
    while current.parent and current.parent in by_id and current.parent not in seen:
        current = by_id[current.parent]
        seen.add(current.id)
        path.append(current.id)
    return tuple(reversed(path))
