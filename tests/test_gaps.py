"""The coverage and gaps page (site/gaps.py, templates/coverage.md.j2): heat maps, timeline, firsts.

Every number is checked against the catalog by another route: heat-map cells
against `methods_for` and against the explorer's own query for the cell's
link, the timeline against a plain count of dates, the firsts against a
plain minimum over each node's methods.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from editsurvey.explorer_query import Query, query
from sitekit import content, method_links, resolve, soup


@pytest.fixture(scope="module")
def coverage(real_site) -> tuple[Path, object]:
    path = real_site.site / "coverage" / "index.html"
    assert path.is_file()
    return path, content(soup(path))


def heat_maps(doc) -> dict[str, object]:
    return {table["data-map"]: table for table in doc.select("table.es-heat")}


def test_both_heat_maps_cover_every_row_and_column(real_site, coverage):
    cat = real_site.catalog
    tax = cat.taxonomy
    maps = heat_maps(coverage[1])
    assert set(maps) == {"condition-task", "strategy-task"}
    tasks = [n.id for n in tax.assignable("tasks")]
    expected_rows = {
        "condition-task": [n.id for n in tax.assignable("conditions")],
        "strategy-task": [n.id for n in tax.axis_nodes("strategies") if n.depth == 1],
    }
    for key, table in maps.items():
        assert [th["data-column"] for th in table.select("thead th[data-column]")] == tasks
        rows = [tr["data-row"] for tr in table.select("tbody tr[data-row]")]
        assert rows == expected_rows[key]
        cells = table.select("td[data-row]")
        assert len(cells) == len(rows) * len(tasks)


def test_heat_map_counts_equal_catalog_queries(real_site, coverage):
    cat = real_site.catalog
    maps = heat_maps(coverage[1])
    gaps = 0
    for table in maps.values():
        for cell in table.select("td[data-row]"):
            row, column = cell["data-row"], cell["data-column"]
            expected = len({m.id for m in cat.methods_for(row)} & {m.id for m in cat.methods_for(column)})
            assert int(cell["data-count"]) == expected, (row, column)
            if expected:
                assert cell.a.get_text(strip=True) == str(expected)
                assert "es-gap" not in cell.get("class", [])
            else:
                assert "es-gap" in cell.get("class", []) and cell.a is None, (row, column)
                gaps += 1
    assert gaps > 0  # the real data has gaps, and they are marked
    # The condition x task map agrees with the catalog's own coverage count.
    counts = cat.coverage()
    for cell in maps["condition-task"].select("td[data-row]"):
        assert int(cell["data-count"]) == counts.get((cell["data-row"], cell["data-column"]), 0)


def test_every_cell_link_opens_an_explorer_view_with_that_many_rows(real_site, coverage):
    cat, site = real_site.catalog, real_site.site
    path, doc = coverage
    links = 0
    for table in heat_maps(doc).values():
        row_facet, column_facet = table["data-row-facet"], table["data-column-facet"]
        for cell in table.select("td[data-row] a"):
            target, _ = resolve(site, path, cell["href"])
            assert target == (site / "explorer" / "index.html").resolve()
            params = dict(parse_qsl(urlsplit(cell["href"]).query))
            td = cell.parent
            assert params == {row_facet: td["data-row"], column_facet: td["data-column"]}
            rows = query(cat, Query.from_params(params, cat))
            assert len(rows) == int(td["data-count"]) == int(cell.get_text()), params
            links += 1
    assert links > 50


def test_row_and_column_totals(real_site, coverage):
    cat = real_site.catalog
    for table in heat_maps(coverage[1]).values():
        for tr in table.select("tbody tr[data-row]"):
            assert int(tr.find_all("td")[-1].get_text()) == len(cat.methods_for(tr["data-row"]))
        totals = table.select_one("tr.es-heat__total").find_all("td")
        columns = [th["data-column"] for th in table.select("thead th[data-column]")]
        assert [int(td.get_text()) for td in totals[:-1]] == [len(cat.methods_for(c)) for c in columns]
        assert int(totals[-1].get_text()) == len(cat.methods)


def half(date: str) -> tuple[int, int]:
    return int(date[:4]), 1 if int(date[5:7]) <= 6 else 2


def test_timeline_totals_equal_counts_by_half_year(real_site, coverage):
    cat = real_site.catalog
    svg = coverage[1].select_one("svg.es-timeline")
    periods = svg.select("g.es-period")
    shown = {}
    for g in periods:
        year, _, h = g["data-period"].partition(" H")
        shown[(int(year), int(h))] = int(g["data-total"])
        assert sum(int(r["data-count"]) for r in g.select("rect[data-count]")) == int(g["data-total"])
    counts = Counter(half(m.date) for m in cat.methods)
    assert {k: v for k, v in shown.items() if v} == dict(counts)
    assert sum(shown.values()) == len(cat.methods)
    # Consecutive half-years from the first to the last, empty ones included.
    keys = list(shown)
    assert keys[0] == min(counts) and keys[-1] == max(counts)
    for (y0, h0), (y1, h1) in zip(keys, keys[1:]):
        assert (y1, h1) == ((y0, 2) if h0 == 1 else (y0 + 1, 1))
    # Split by top-level strategy, as the data table below it says.
    roots = {r.label: r.id for r in cat.taxonomy.roots("strategies")}
    by_strategy = Counter((half(m.date), cat.top_strategy(m)) for m in cat.methods)
    for g in periods:
        year, _, h = g["data-period"].partition(" H")
        for rect in g.select("rect[data-count]"):
            assert int(rect["data-count"]) == by_strategy[((int(year), int(h)), roots[rect["data-series"]])]


def test_first_method_per_task_and_condition(real_site, coverage):
    cat, site = real_site.catalog, real_site.site
    path, doc = coverage
    tables = {t["data-axis"]: t for t in doc.select("table.es-firsts")}
    assert set(tables) == {"tasks", "conditions"}
    for axis, table in tables.items():
        nodes = [n.id for n in cat.taxonomy.assignable(axis)]
        rows = table.select("tbody tr")
        assert [r["data-node"] for r in rows] == nodes
        for row in rows:
            members = [m for m in cat.methods if row["data-node"] in (*m.tasks, *m.conditions)]
            if not members:
                assert not row.has_attr("data-method")
                continue
            earliest = min(m.date for m in members)
            first = sorted((m for m in members if m.date == earliest), key=lambda m: m.name.casefold())[0]
            assert row["data-method"] == first.id, row["data-node"]
            assert method_links(row, site, path) == [first.id]
            assert first.date in row.get_text()
            assert int(row.find_all("td")[-1].get_text()) == len(members)


def test_coverage_page_is_in_the_navigation_as_coverage_and_gaps(real_site):
    home = soup(real_site.site / "index.html")
    assert any(a.get_text(strip=True) == "Coverage and gaps" for a in home.select("nav a"))


@pytest.mark.browser
def test_a_cell_opens_the_explorer_on_its_methods(real_site, page):
    from browserkit import serve

    cat = real_site.catalog
    with serve(real_site.site) as base:
        page.goto(f"{base}/coverage/")
        cell = page.locator("table[data-map=strategy-task] td[data-count] a").first
        expected = int(cell.text_content())
        href = cell.get_attribute("href")
        cell.click()
        page.wait_for_selector("#es-explorer[data-ready=true]")
        params = dict(parse_qsl(urlsplit(href).query))
        ids = [m.id for m in query(cat, Query.from_params(params, cat))]
        assert len(ids) == expected
        shown = page.eval_on_selector_all("#es-rows [role=row]", "rows => rows.map(r => r.dataset.id)")
        assert shown == ids[: len(shown)] and len(shown) == min(expected, 100)


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("path", ["/coverage/", "/lineage/"])
def test_accessibility_of_the_analysis_pages(real_site, page, path, scheme):
    """No serious axe finding on the heat maps (shades under text), the timeline or the lineage drawing."""
    from axe_playwright_python.sync_playwright import Axe

    from browserkit import serve

    page.add_init_script(f"localStorage.setItem('/.__palette', JSON.stringify({{index: "
                         f"{0 if scheme == 'default' else 1}, color: {{scheme: '{scheme}', primary: 'indigo', "
                         f"accent: 'indigo'}}}}))")
    with serve(real_site.site) as base:
        page.goto(f"{base}{path}")
        assert page.get_attribute("body", "data-md-color-scheme") == scheme
        results = Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert page.errors == []
