"""The lineage page (site/lineage.py) and the lineage block of method pages.

The drawing is parsed as SVG: one edge per `builds_on` pair with both ends in
data attributes, one linked box per related method, and on a synthetic
catalogue of 250 methods with many relations no two boxes overlap.
"""

from __future__ import annotations

import random
import sys
import xml.etree.ElementTree as ET
from collections import Counter
from itertools import combinations
from pathlib import Path

import pytest

from editsurvey.catalog import Catalog, load_catalog
from editsurvey.site.lineage import Lineage, _layers, layout
from editsurvey.site.links import Linker, page_src
from editsurvey.site.pages import SiteRenderer
from sitekit import REPO, content, method_links, resolve, soup

sys.path.insert(0, str(REPO / "bench"))
from synthetic import make_root  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"


def pairs(cat: Catalog) -> Counter[tuple[str, str]]:
    """(method, what it builds on) for every recorded relation whose target is a record."""
    return Counter((m.id, t) for m in cat.methods for t in (m.builds_on or []) if t in cat.by_id)


def closure(start: str, step) -> set[str]:
    """Everything reachable from start (not itself), by plain depth-first search: the oracle."""
    seen: set[str] = set()
    stack = list(step(start))
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.add(current)
            stack.extend(step(current))
    seen.discard(start)
    return seen


def boxes(svg: ET.Element) -> dict[str, tuple[float, float, float, float]]:
    """Method id -> (x, y, width, height) of its box."""
    out = {}
    for a in svg.iter(f"{SVG}a"):
        rect = a.find(f"{SVG}rect")
        assert a.get("data-method") not in out, "a method drawn twice"
        out[a.get("data-method")] = tuple(float(rect.get(k)) for k in ("x", "y", "width", "height"))
    return out


def edges(svg: ET.Element) -> Counter[tuple[str, str]]:
    return Counter(
        (p.get("data-method"), p.get("data-builds-on")) for p in svg.iter(f"{SVG}path") if p.get("class") == "es-edge"
    )


# ------------------------------------------------------------- real site


@pytest.fixture(scope="module")
def lineage_page(real_site):
    path = real_site.site / "lineage" / "index.html"
    assert path.is_file(), "no lineage page"
    return path


def test_svg_draws_exactly_the_relations_in_the_data(real_site, lineage_page):
    cat = real_site.catalog
    svg = content(soup(lineage_page)).select_one("svg.es-lineage")
    drawn = Counter((p["data-method"], p["data-builds-on"]) for p in svg.select("path.es-edge"))
    assert drawn == pairs(cat)
    assert max(drawn.values()) == 1
    related = {i for pair in pairs(cat) for i in pair}
    assert {a["data-method"] for a in svg.select("a.es-node")} == related
    assert len(svg.select("a.es-node")) == len(related)


def test_every_node_links_to_its_method_page(real_site, lineage_page):
    site = real_site.site
    svg = content(soup(lineage_page)).select_one("svg.es-lineage")
    nodes = svg.select("a.es-node")
    assert nodes
    for a in nodes:
        target, _ = resolve(site, lineage_page, a["href"])
        assert target == (site / "methods" / a["data-method"] / "index.html").resolve()
        assert target.is_file()
        assert a.find("title").get_text().startswith(real_site.catalog.by_id[a["data-method"]].name)


def test_relations_table_is_the_text_alternative(real_site, lineage_page):
    cat = real_site.catalog
    table = content(soup(lineage_page)).select_one("table.es-relations")
    rows = table.select("tbody tr")
    assert Counter((r["data-method"], r["data-builds-on"]) for r in rows) == pairs(cat)
    for row in rows:
        assert method_links(row, real_site.site, lineage_page) == [row["data-method"], row["data-builds-on"]]


def test_lineage_page_is_in_the_navigation(real_site, lineage_page):
    home = soup(real_site.site / "index.html")
    assert any(a.get_text(strip=True) == "Lineage" for a in home.select("nav a"))


def test_method_pages_show_ancestors_and_descendants_transitively(real_site):
    cat, site = real_site.catalog, real_site.site
    parents = {m.id: [t for t in (m.builds_on or []) if t in cat.by_id] for m in cat.methods}
    children: dict[str, list[str]] = {m.id: [] for m in cat.methods}
    for child, targets in parents.items():
        for t in targets:
            children[t].append(child)
    transitive = 0
    for m in cat.methods:
        path = site / "methods" / m.id / "index.html"
        block = content(soup(path)).select_one(".es-lineage-block")
        up, down = closure(m.id, parents.__getitem__), closure(m.id, children.__getitem__)
        if not up and not down:
            assert block is None, m.id
            continue
        assert block is not None, m.id
        listed = {"Ancestors": set(), "Descendants": set()}
        for li in block.select("li"):
            kind = li.strong.get_text().split(" ")[0]
            listed[kind] = set(method_links(li, site, path))
        assert listed == {"Ancestors": up, "Descendants": down}, m.id
        transitive += len(up - set(parents[m.id]))
    assert transitive > 0, "the real data has a chain of two relations or more (ledits-plus-plus)"


def test_ledits_plus_plus_reaches_its_grandparents(real_site):
    lin = Lineage(real_site.catalog)
    ancestors = lin.ancestors("ledits-plus-plus")
    assert {"ledits", "ddpm-inversion", "sega"} <= set(ancestors)
    assert ancestors["ledits"] == 1 and ancestors["sega"] == 2


# ------------------------------------------------------ synthetic catalogue


@pytest.fixture(scope="module")
def synthetic_catalog(tmp_path_factory) -> Catalog:
    """250 synthetic methods; each after the tenth builds on one to three earlier ones (about 450 relations)."""
    root = make_root(tmp_path_factory.mktemp("lineage") / "data", 250, seed=11)
    cat, _ = load_catalog(root)
    assert cat is not None
    rng = random.Random(4)
    methods = []
    for i, m in enumerate(cat.methods):
        targets = sorted({cat.methods[rng.randrange(i)].id for _ in range(rng.randint(1, 3))}) if i >= 10 else None
        update = {"builds_on": targets}
        if i == 42:
            update["name"] = 'Esc<a href="x">&amp;"\'</a>'
        methods.append(m.model_copy(update=update))
    return Catalog(root=cat.root, taxonomy=cat.taxonomy, venues=cat.venues, methods=methods, files=cat.files)


@pytest.fixture(scope="module")
def synthetic_svg(synthetic_catalog) -> ET.Element:
    context = SiteRenderer(synthetic_catalog).lineage(Linker(page_src("lineage")))
    return ET.fromstring(context["svg"])  # well-formed XML: every text is escaped


def test_synthetic_draws_every_relation(synthetic_catalog, synthetic_svg):
    relations = pairs(synthetic_catalog)
    assert len(relations) > 400
    assert edges(synthetic_svg) == relations
    assert set(boxes(synthetic_svg)) == {i for pair in relations for i in pair}
    assert len(boxes(synthetic_svg)) == 250


def test_synthetic_boxes_do_not_overlap(synthetic_svg):
    placed = boxes(synthetic_svg)
    width, height = float(synthetic_svg.get("width")), float(synthetic_svg.get("height"))
    for x, y, w, h in placed.values():
        assert 0 <= x and x + w <= width and 0 <= y and y + h <= height
    for (a, (ax, ay, aw, ah)), (b, (bx, by, bw, bh)) in combinations(placed.items(), 2):
        apart = ax + aw <= bx or bx + bw <= ax or ay + ah <= by or by + bh <= ay
        assert apart, f"{a} and {b} overlap"


def test_synthetic_reads_left_to_right(synthetic_catalog, synthetic_svg):
    """Every method sits right of what it builds on: the edges all point one way."""
    placed = boxes(synthetic_svg)
    for child, parent in pairs(synthetic_catalog):
        assert placed[parent][0] + placed[parent][2] < placed[child][0], (child, parent)


def test_names_are_escaped_in_the_svg(synthetic_catalog, synthetic_svg):
    odd = synthetic_catalog.methods[42]
    node = next(a for a in synthetic_svg.iter(f"{SVG}a") if a.get("data-method") == odd.id)
    assert node.find(f"{SVG}title").text.startswith(odd.name)
    assert node.find(f"{SVG}a") is None  # the name's markup stayed text


def test_a_cycle_does_not_hang_the_layering():
    layers = _layers(["a", "b", "c"], {"a": ("c",), "b": ("a",), "c": ("b",)})
    assert sorted(layers.values()) == [0, 1, 2]
