"""The lineage of methods: who builds on whom, as relations and as a static SVG drawn at build time.

`Lineage` holds the `builds_on` relations of a catalog (ancestors and
descendants, transitively). `layout` places the methods that take part in a
relation in a layered drawing, read left to right:

- layers: longest path from the methods that build on nothing recorded, so
  every method sits right of everything it builds on;
- bands: one horizontal band per group (the caller's: top-level learning
  strategy), so a method's band says its strategy as well as its colour;
- order: barycentre sweeps within each band and layer, with a chain of
  invisible "dummy" slots for each relation that spans several layers, so
  long edges run between methods, not across them;
- coordinates: each column is placed as close as possible to its neighbours
  (a weighted isotonic fit, linear in the column) without two slots closer
  than their spacing, so no two boxes ever overlap.

Everything is linear or n log n in the number of methods and relations.
`svg` draws a layout: one `<a>` per method (a link to its page) and one
`<path>` per relation, with data attributes naming both ends. Colours come
from CSS classes; every text is XML-escaped.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import Any

from ..catalog import Catalog

NODE_W, NODE_H = 156, 22  # a method's box
DUMMY_H, DUMMY_GAP = 4, 2  # the slot a long relation takes in a column it crosses, and the gap below it
GAP_Y, COL_GAP = 6, 64  # vertical gap between slots; horizontal gap between columns
MARGIN, HEAD_H, BAND_LABEL_H, BAND_PAD = 12, 26, 24, 10
CHAR_W = 6.4  # average advance of a 11.5 px sans-serif character
SWEEPS = 4  # barycentre sweeps (down and up) for the order in each column
ROUNDS = 4  # placement rounds (left to right, then right to left)


class Lineage:
    """`builds_on` relations between the methods of a catalog (targets that are not records are ignored)."""

    def __init__(self, catalog: Catalog):
        known = catalog.by_id
        self.parents: dict[str, tuple[str, ...]] = {}
        self.children: dict[str, list[str]] = {m.id: [] for m in catalog.methods}
        self.edges: list[tuple[str, str]] = []  # (method, what it builds on): method id order, then record order
        for m in catalog.methods:
            targets = tuple(dict.fromkeys(t for t in (m.builds_on or []) if t in known and t != m.id))
            self.parents[m.id] = targets
            for target in targets:
                self.children[target].append(m.id)
                self.edges.append((m.id, target))

    def related(self) -> list[str]:
        """Ids of the methods that take part in at least one relation, in id order."""
        return [i for i in self.parents if self.parents[i] or self.children[i]]

    def _closure(self, start: str, step: dict[str, list[str]] | dict[str, tuple[str, ...]]) -> dict[str, int]:
        """Every method reachable from `start` (not itself), with its distance in relations (BFS)."""
        seen = {start: 0}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            for nxt in step.get(current, ()):
                if nxt not in seen:
                    seen[nxt] = seen[current] + 1
                    queue.append(nxt)
        del seen[start]
        return seen

    def ancestors(self, method_id: str) -> dict[str, int]:
        """What the method builds on, directly (1) or through others (2, 3 …)."""
        return self._closure(method_id, self.parents)

    def descendants(self, method_id: str) -> dict[str, int]:
        """What builds on the method, directly (1) or through others (2, 3 …)."""
        return self._closure(method_id, self.children)


# ----------------------------------------------------------------- layout


@dataclass(frozen=True)
class Box:
    id: str
    layer: int
    band: int
    x: float
    y: float
    w: float = NODE_W
    h: float = NODE_H


@dataclass(frozen=True)
class Band:
    label: str
    css: str
    y: float
    h: float
    count: int


@dataclass(frozen=True)
class Edge:
    method: str  # the method that builds on …
    builds_on: str  # … this one
    points: tuple[tuple[float, float], ...]  # where it passes through the columns it crosses


@dataclass
class Layout:
    boxes: dict[str, Box]
    edges: list[Edge]
    bands: list[Band]
    layers: int
    width: float
    height: float


@dataclass
class _Unit:
    """A slot in a column: a method, or a point of a relation that spans several layers."""

    layer: int
    band: int
    h: float
    method: str | None = None
    up: list[int] = field(default_factory=list)
    down: list[int] = field(default_factory=list)
    y: float = 0.0


def _layers(ids: list[str], parents: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Longest path from a method with no drawn parent. Tolerant of a cycle (validate rejects them)."""
    inside = set(ids)
    pending = {i: sum(1 for p in parents.get(i, ()) if p in inside) for i in ids}
    kids: dict[str, list[str]] = {i: [] for i in ids}
    for i in ids:
        for p in parents.get(i, ()):
            if p in inside:
                kids[p].append(i)
    layer = dict.fromkeys(ids, 0)
    queue = deque(i for i in ids if pending[i] == 0)
    done: set[str] = set()
    while True:
        while queue:
            current = queue.popleft()
            done.add(current)
            for kid in kids[current]:
                if kid in done:  # closes a cycle: that relation is drawn backwards
                    continue
                layer[kid] = max(layer[kid], layer[current] + 1)
                pending[kid] -= 1
                if pending[kid] == 0:
                    queue.append(kid)
        left = [i for i in ids if i not in done]
        if not left:
            return layer
        pending[left[0]] = 0  # a cycle: start it anywhere (deterministically)
        queue.append(left[0])


def _fit(targets: list[float], weights: list[float]) -> list[float]:
    """Weighted least-squares nondecreasing fit (pool adjacent violators), in linear time."""
    blocks: list[list[float]] = []  # [weighted sum, weight, length]
    for t, w in zip(targets, weights, strict=True):
        blocks.append([t * w, w, 1])
        while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] > blocks[-1][0] / blocks[-1][1]:
            s, wt, n = blocks.pop()
            blocks[-1][0] += s
            blocks[-1][1] += wt
            blocks[-1][2] += n
    out: list[float] = []
    for s, wt, n in blocks:
        out.extend([s / wt] * int(n))
    return out


def _place(column: list[_Unit], desired: list[float | None], weights: list[float]) -> None:
    """Set the tops of a column's units (in order) nearest their desired centres, keeping their spacing."""
    offsets, total = [], 0.0
    for unit in column:
        offsets.append(total)
        total += unit.h + (GAP_Y if unit.method is not None else DUMMY_GAP)
    targets, w = [], []
    for unit, off, want, weight in zip(column, offsets, desired, weights, strict=True):
        centre = want if want is not None else unit.y + unit.h / 2
        targets.append(centre - unit.h / 2 - off)
        w.append(weight if want is not None else 0.01)
    for unit, off, z in zip(column, offsets, _fit(targets, w), strict=True):
        unit.y = max(z, 0.0) + off


def layout(
    ids: Sequence[str],
    parents: dict[str, tuple[str, ...]],
    band_of: Callable[[str], int],
    bands: Sequence[tuple[str, str]],
    sort_key: Callable[[str], Any],
) -> Layout:
    """Place the methods `ids` (with the relations among them) in layers and bands.

    `band_of(id)` is an index into `bands`, a list of (label, css class);
    `sort_key(id)` gives the first order in each column, before the sweeps.
    """
    ids = sorted(ids, key=sort_key)
    inside = set(ids)
    layer = _layers(ids, parents)
    units: list[_Unit] = []
    index: dict[str, int] = {}
    for i in ids:
        index[i] = len(units)
        units.append(_Unit(layer[i], band_of(i), NODE_H, method=i))
    chains: list[tuple[str, str, list[int]]] = []  # (method, builds_on, units from the parent to the method)
    for child in ids:
        for parent in parents.get(child, ()):
            if parent not in inside:
                continue
            chain = [index[parent]]
            if layer[child] > layer[parent]:  # a relation across k layers passes k - 1 dummy slots
                for between in range(layer[parent] + 1, layer[child]):
                    units.append(_Unit(between, band_of(child), DUMMY_H))
                    chain.append(len(units) - 1)
                chain.append(index[child])
                for a, b in zip(chain, chain[1:], strict=False):
                    units[a].down.append(b)
                    units[b].up.append(a)
            else:  # only in a cycle: drawn, but no part of the ordering
                chain.append(index[child])
            chains.append((child, parent, chain))

    n_layers = max(layer.values(), default=-1) + 1
    n_bands = len(bands)
    # columns[layer][band]: unit indices, in order
    columns: list[list[list[int]]] = [[[] for _ in range(n_bands)] for _ in range(n_layers)]
    for u, unit in enumerate(units):
        columns[unit.layer][unit.band].append(u)

    def ranks(lay: int) -> dict[int, float]:
        """Each unit's place in its column, from 0 (top) to 1 (bottom), all bands together."""
        flat = [u for seg in columns[lay] for u in seg]
        return {u: (r + 0.5) / len(flat) for r, u in enumerate(flat)}

    for sweep in range(SWEEPS):
        down = sweep % 2 == 0
        for lay in range(1, n_layers) if down else range(n_layers - 2, -1, -1):
            ref, own = ranks(lay - 1 if down else lay + 1), ranks(lay)
            for band in range(n_bands):
                keys: dict[int, tuple[float, float]] = {}
                for u in columns[lay][band]:
                    links = units[u].up if down else units[u].down
                    # The barycentre of its neighbours; a unit without any keeps its place.
                    keys[u] = (sum(ref[v] for v in links) / len(links) if links else own[u], own[u])
                columns[lay][band].sort(key=keys.__getitem__)

    # Coordinates, band by band: y is relative to the band until the bands are stacked.
    for band in range(n_bands):
        for lay in range(n_layers):
            y = 0.0
            for u in columns[lay][band]:
                units[u].y = y
                y += units[u].h + (GAP_Y if units[u].method is not None else DUMMY_GAP)
        for _ in range(ROUNDS):
            for down in (True, False):
                for lay in range(n_layers) if down else range(n_layers - 1, -1, -1):
                    column = [units[u] for u in columns[lay][band]]
                    desired: list[float | None] = []
                    weights: list[float] = []
                    for unit in column:
                        nbrs = [units[v] for v in (unit.up if down else unit.down) if units[v].band == band]
                        if nbrs:
                            desired.append(sum(v.y + v.h / 2 for v in nbrs) / len(nbrs))
                            weights.append(len(nbrs) * (2.0 if unit.method is None else 1.0))
                        else:
                            desired.append(None)
                            weights.append(0.0)
                    _place(column, desired, weights)

    # Stack the bands; x from the layer.
    top = float(MARGIN + HEAD_H)
    placed_bands: list[Band] = []
    band_top: dict[int, float] = {}
    for band in range(n_bands):
        members = [units[u] for lay in range(n_layers) for u in columns[lay][band]]
        if not members:
            continue
        low = min(u.y for u in members)
        high = max(u.y + u.h for u in members)
        band_top[band] = top + BAND_LABEL_H - low
        count = sum(1 for u in members if u.method is not None)
        height = BAND_LABEL_H + (high - low) + BAND_PAD
        placed_bands.append(Band(bands[band][0], bands[band][1], top, height, count))
        top += height + BAND_PAD

    def x_of(lay: int) -> float:
        return MARGIN + lay * (NODE_W + COL_GAP)

    boxes: dict[str, Box] = {}
    for unit in units:
        if unit.method is not None:
            boxes[unit.method] = Box(unit.method, unit.layer, unit.band, x_of(unit.layer), band_top[unit.band] + unit.y)
    edges = []
    for child, parent, chain in chains:
        points = tuple(
            (x_of(units[u].layer), band_top[units[u].band] + units[u].y + units[u].h / 2) for u in chain[1:-1]
        )
        edges.append(Edge(child, parent, points))
    width = MARGIN * 2 + max(n_layers, 1) * (NODE_W + COL_GAP) - COL_GAP
    return Layout(boxes, edges, placed_bands, n_layers, width, top - BAND_PAD + MARGIN)


# -------------------------------------------------------------------- SVG


@dataclass(frozen=True)
class Shown:
    """How a method is drawn: its label, tooltip, link and colour class."""

    label: str
    tooltip: str
    href: str
    css: str


def _fmt(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _clip(label: str, width: float) -> str:
    fits = int(width / CHAR_W)
    return label if len(label) <= fits else label[: max(fits - 1, 1)].rstrip() + "\u2026"


def _curve(x0: float, y0: float, x1: float, y1: float) -> str:
    dx = max((x1 - x0) / 2, 16.0)
    return f" C{_fmt(x0 + dx)},{_fmt(y0)} {_fmt(x1 - dx)},{_fmt(y1)} {_fmt(x1)},{_fmt(y1)}"


def svg(lay: Layout, shown: Callable[[str], Shown], title: str, layer_label: Callable[[int], str]) -> str:
    """The drawing: bands, column heads, relations (under), then methods (links, over)."""
    w, h = _fmt(lay.width), _fmt(lay.height)
    parts = [
        (
            f'<svg class="es-lineage" role="group" aria-label="{escape(title)}" width="{w}" height="{h}" '
            f'viewBox="0 0 {w} {h}" xmlns="http://www.w3.org/2000/svg">'
        ),
        f"<title>{escape(title)}</title>",
        (
            '<defs><marker id="es-lineage-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" '
            'markerHeight="7" orient="auto"><path class="es-lineage__arrow" d="M0,0 L8,4 L0,8 z"/></marker></defs>'
        ),
    ]
    parts.extend(
        f'<g class="es-lineage__band"><rect x="{MARGIN / 2}" y="{_fmt(band.y)}" width="{_fmt(lay.width - MARGIN)}"'
        f' height="{_fmt(band.h)}" rx="4"/><rect class="{escape(band.css)}" x="{MARGIN / 2}" y="{_fmt(band.y)}"'
        f' width="4" height="{_fmt(band.h)}"/></g>'
        for band in lay.bands
    )
    for lay_no in range(lay.layers):
        x = MARGIN + lay_no * (NODE_W + COL_GAP) + NODE_W / 2
        parts.append(
            f'<text class="es-lineage__head" x="{_fmt(x)}" y="{MARGIN + 14}" text-anchor="middle">'
            f"{escape(layer_label(lay_no))}</text>"
        )
    for edge in lay.edges:
        parent, child = lay.boxes[edge.builds_on], lay.boxes[edge.method]
        x, y = parent.x + parent.w, parent.y + parent.h / 2
        d = f"M{_fmt(x)},{_fmt(y)}"
        for px, py in edge.points:
            d += _curve(x, y, px, py) + f" L{_fmt(px + NODE_W)},{_fmt(py)}"
            x, y = px + NODE_W, py
        d += _curve(x, y, child.x, child.y + child.h / 2)
        parts.append(
            f'<path class="es-edge" data-method="{escape(edge.method)}" data-builds-on="{escape(edge.builds_on)}" '
            f'd="{d}" marker-end="url(#es-lineage-arrow)"/>'
        )
    parts.extend(  # over the relations, with a halo (CSS) where one passes under
        f'<text class="es-lineage__label" x="{MARGIN + 2}" y="{_fmt(band.y + 16)}">'
        f"{escape(band.label)} ({band.count})</text>"
        for band in lay.bands
    )
    for box in sorted(lay.boxes.values(), key=lambda b: (b.layer, b.y)):
        s = shown(box.id)
        bx, by = _fmt(box.x), _fmt(box.y)
        parts.append(
            f'<a class="es-node" href="{escape(s.href)}" data-method="{escape(box.id)}">'
            f"<title>{escape(s.tooltip)}</title>"
            f'<rect class="es-node__box" x="{bx}" y="{by}" width="{_fmt(box.w)}" height="{_fmt(box.h)}" rx="3"/>'
            f'<rect class="{escape(s.css)}" x="{bx}" y="{by}" width="5" height="{_fmt(box.h)}"/>'
            f'<text x="{_fmt(box.x + 10)}" y="{_fmt(box.y + box.h / 2 + 4)}">'
            f"{escape(_clip(s.label, box.w - 14))}</text>"
            "</a>"
        )
    parts.append("</svg>")
    return "".join(parts)


# ------------------------------------------------------------ the page


def page_context(catalog: Catalog, lineage: Lineage, href: Callable[[str], str], css: Sequence[str]) -> dict[str, Any]:
    """The lineage page: the drawing of every relation, grouped by top-level strategy, and the same as rows.

    `href(method id)` is the link to a method's page; `css` the colour classes of the strategies, in order.
    """
    tax = catalog.taxonomy
    by_id = catalog.by_id
    roots = tax.roots(tax.record_fields()["strategy"])
    band = {root.id: i for i, root in enumerate(roots)}
    sub = {i: tax.nodes[catalog.sub_category(by_id[i])] for i in lineage.related()}

    def shown(method_id: str) -> Shown:
        m = by_id[method_id]
        klass = css[band[catalog.top_strategy(m)] % len(css)]
        return Shown(m.name, f"{m.name}: {sub[method_id].label}, {m.date}", href(method_id), klass)

    drawn = lineage.related()
    lay = layout(
        drawn,
        lineage.parents,
        band_of=lambda i: band[catalog.top_strategy(by_id[i])],
        bands=[(root.label, css[i % len(css)]) for i, root in enumerate(roots)],
        sort_key=lambda i: (sub[i].order, by_id[i].date, by_id[i].name.casefold(), i),
    )
    title = f"Lineage: {len(lineage.edges)} relations among {len(drawn)} methods, by learning strategy"
    picture = svg(lay, shown, title, lambda n: "Roots" if n == 0 else f"Generation {n}") if drawn else ""
    rows = sorted(
        ((by_id[child], by_id[parent]) for child, parent in lineage.edges),
        key=lambda pair: (pair[0].name.casefold(), pair[0].id, pair[1].name.casefold(), pair[1].id),
    )
    return dict(
        svg=picture,
        relations=rows,
        drawn=len(drawn),
        total=len(catalog.methods),
        generations=lay.layers,
        sub_category=lambda m: tax.nodes[catalog.sub_category(m)],
    )


def method_context(catalog: Catalog, lineage: Lineage, method_id: str) -> dict[str, list]:
    """A method's ancestors and descendants, transitively, in order of their first public version."""

    def listed(found: dict[str, int]) -> list:
        methods = [catalog.by_id[i] for i in found]
        return sorted(methods, key=lambda m: (m.date, m.name.casefold(), m.id))

    return {"ancestors": listed(lineage.ancestors(method_id)), "descendants": listed(lineage.descendants(method_id))}
