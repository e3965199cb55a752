"""Site defects from the project's issue, each reproduced on the site before its fix.

Explorer links with a text query, the explorer on a phone, the facet tree's
indentation, the home page's taxonomy boxes, method tables at desktop widths,
benchmark and contributing pages, and the noise and double rebuilds of
`editsurvey serve`. Browser tests run on the session's shared build
(conftest.real_site) served over HTTP; they only read it.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from urllib.parse import parse_qsl

import pytest
from browserkit import expected_ids, first_page, open_explorer
from sitekit import content, copy_data, free_port, soup, wait_for

from editsurvey.explorer_query import Query
from editsurvey.site.content import site_links

PHONE = {"width": 390, "height": 844}




def covered(page, selector: str) -> bool:
    """Whether something else (a search dialog's overlay) is on top of the element's centre."""
    return page.eval_on_selector(
        selector,
        """el => { const r = el.getBoundingClientRect();
                   const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
                   return !(top && el.contains(top)); }""",
    )


# --------------------------------------------------- 1. the explorer's text query


@pytest.mark.parametrize("param", ["text", "q"], ids=["text", "old-q"])
def test_shared_explorer_link_with_text_opens_the_explorer_not_the_site_search(site, page, param):
    base, catalog = site
    open_explorer(page, base, {param: "drag", "condition": "mask"})
    page.wait_for_load_state("networkidle")  # a theme search reads the URL once its index is in
    page.wait_for_timeout(500)
    assert not page.evaluate("!!document.querySelector('[data-md-toggle=search]:checked')")
    # An old `q=` link now reads `text=`: a site search that reads `q` (Material's) never sees it.
    assert dict(parse_qsl(page.evaluate("location.search").lstrip("?"))) == {"text": "drag", "condition": "mask"}
    assert page.input_value("#es-q") == "drag"
    rows = first_page(page)
    assert rows and rows == expected_ids(catalog, {"text": "drag", "condition": "mask"})
    # Nothing covers the rows: a click opens the method.
    link = f'#es-rows [data-id="{rows[0]}"] a'
    assert not covered(page, link)
    page.click(link, timeout=3000)
    page.wait_for_url(f"**/methods/{rows[0]}/")
    assert not page.errors


def test_python_mirror_reads_the_text_parameter_and_old_links(real_site):
    catalog = real_site.catalog
    new = Query.from_params({"text": "drag"}, catalog)
    assert new.q == "drag"
    assert Query.from_params({"q": "drag"}, catalog) == new
    assert Query.from_params({"text": "mask", "q": "drag"}, catalog).q == "mask"  # as the explorer reads it


# ----------------------------------------------------------- 3. explorer on a phone


@pytest.fixture
def phone(browser):
    context = browser.new_context(viewport=PHONE)
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


def test_phone_explorer_shows_results_on_the_first_screen_and_facets_on_a_tap(site, phone):
    base, catalog = site
    open_explorer(phone, base, {"condition": "mask"})
    first_row = phone.locator("#es-rows [role=row]").first
    assert first_row.bounding_box()["y"] < PHONE["height"]  # results on the first screen, not 3 screens down
    assert not phone.is_visible('fieldset[data-facet="condition"]')
    toggle = phone.locator("#es-filters-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    assert "1 active" in toggle.inner_text()

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    phone.check("#es-task-object-removal")
    expected = expected_ids(catalog, {"condition": "mask", "task": "object-removal"})
    jump = phone.locator("#es-to-results")
    assert jump.is_visible() and jump.inner_text() == f"Show {len(expected)} results"
    box = jump.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]  # sticky: at hand while ticking
    jump.click()
    status = phone.locator("#es-status").bounding_box()
    assert 0 <= status["y"] < PHONE["height"] / 2
    assert not phone.is_visible('fieldset[data-facet="condition"]')
    assert first_page(phone) == expected[: len(first_page(phone))]
    assert not phone.errors


def test_phone_explorer_cells_carry_their_column_labels(site, phone):
    base, _ = site
    open_explorer(phone, base)
    headers = phone.eval_on_selector_all(".es-ex-head [role=columnheader]", "hs => hs.map(h => h.textContent.trim())")
    labels = phone.evaluate(
        """() => [...document.querySelectorAll('#es-rows [role=row]:first-child [role=cell]')].map(c => {
             const before = getComputedStyle(c, '::before');
             return [c.dataset.label, before.content, before.display];
           })"""
    )
    assert [label for label, _, _ in labels] == [re.sub(r"\s*[\u25b2\u25bc]$", "", h) for h in headers]
    # Method and title speak for themselves; every other cell shows its label.
    for label, shown, display in labels[2:]:
        assert shown == f'"{label}"' and display != "none", label


def test_wide_explorer_keeps_facets_open_without_toggle(site, page):
    base, _ = site
    open_explorer(page, base)
    assert page.is_visible('fieldset[data-facet="condition"]')
    assert not page.is_visible("#es-filters-toggle") and not page.is_visible("#es-to-results")
    # The header row names the columns: no cell repeats its label.
    shown = page.evaluate(
        "() => [...document.querySelectorAll('#es-rows [role=row]:first-child [role=cell]')]"
        ".map(c => getComputedStyle(c, '::before').content)"
    )
    assert set(shown) <= {"none", "normal"}, shown


# ------------------------------------------------------------ 4. facet hierarchy


def test_facet_tree_is_indented(site, page):
    base, _ = site
    open_explorer(page, base)
    left = page.evaluate(
        """() => [0, 1, 2].map(d => document.querySelector('fieldset[data-facet="strategy"] li.es-ex-depth-' + d)
                                          .querySelector('input').getBoundingClientRect().left)"""
    )
    assert left[0] + 8 < left[1] and left[1] + 8 < left[2], left


# ----------------------------------------------------------- 5. home taxonomy box


@pytest.mark.parametrize("width", [1280, 390])
def test_home_taxonomy_counts_do_not_overlap_labels(site, browser, width):
    base, _ = site
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        tab.goto(f"{base}/")
        problems = tab.evaluate(
            """() => {
              const hit = (a, b) => a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
                                    a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5;
              const out = [];
              for (const box of document.querySelectorAll('.es-axis')) {
                const items = [...box.querySelectorAll('li')].map(li => ({
                  name: li.querySelector(':scope > a').textContent,
                  text: [...li.querySelectorAll(':scope > a, :scope > abbr')].flatMap(e => [...e.getClientRects()]),
                  count: li.querySelector(':scope > .es-count').getBoundingClientRect(),
                }));
                for (const a of items) {
                  for (const b of items) {
                    if (b.text.some(r => hit(r, a.count))) out.push(a.name + ' count over ' + b.name);
                    if (a !== b && hit(a.count, b.count)) out.push(a.name + ' count over count of ' + b.name);
                  }
                  // The count stands level with its label's first line.
                  const first = a.text[0];
                  const level = a.count.top < first.bottom && first.top < a.count.bottom;
                  if (!level) out.push(a.name + ' count off its line');
                }
              }
              return out;
            }"""
        )
        assert problems == []
    finally:
        context.close()


# --------------------------------------------------------------- 6. method tables


def table_fit(tab, base: str, path: str) -> dict:
    tab.goto(f"{base}{path}")
    return tab.evaluate(
        """() => {
          const article = document.querySelector('article.md-content__inner');
          const table = article.querySelector('.es-methods table') || [...article.querySelectorAll('table')].pop();
          const wrap = table.closest('.md-typeset__scrollwrap') || table.parentElement;
          const code = [...table.querySelectorAll('thead th')].pop().getBoundingClientRect();
          const box = article.getBoundingClientRect();
          return {content: article.clientWidth, table: table.getBoundingClientRect().width,
                  overflow: wrap.scrollWidth - wrap.clientWidth, codeRight: code.right, contentRight: box.right};
        }"""
    )


@pytest.mark.parametrize("width", [1280, 1440])
def test_method_tables_fit_the_content_column(site, browser, width):
    base, catalog = site
    tax = catalog.taxonomy
    strategy = tax.roots("strategies")[0]
    sub = next(n for n in tax.axis_nodes("strategies") if n.depth == 1 and len(catalog.methods_for(n.id)) > 1)
    busiest = {axis: max(tax.axis_nodes(axis), key=lambda n: len(catalog.methods_for(n.id))) for axis in tax.axes}
    paths = ["/methods/", f"/strategies/{strategy.id}/", f"/strategies/{sub.id}/"] + [
        f"/{axis}/{node.id}/" for axis, node in busiest.items()
    ]
    context = browser.new_context(viewport={"width": width, "height": 900})
    tab = context.new_page()
    try:
        for path in paths:
            fit = table_fit(tab, base, path)
            assert fit["table"] <= fit["content"] + 1, (path, fit)
            assert fit["overflow"] <= 1, (path, fit)  # no horizontal scroll hides a column
            assert fit["codeRight"] <= fit["contentRight"] + 1, (path, fit)
    finally:
        context.close()


def headers(site_dir, path: str) -> list[str]:
    page = soup(site_dir / path / "index.html")
    table = content(page).select_one(".es-methods table") or content(page).select("table")[-1]
    return [th.get_text(strip=True) for th in table.select("thead th")]


def test_node_tables_drop_their_own_axis_only_when_it_repeats(real_site):
    catalog, tax = real_site.catalog, real_site.catalog.taxonomy
    strategy_column = next(c for c in headers(real_site.site, "methods") if c.startswith("Strateg"))
    checked = 0
    for node in tax.axis_nodes("strategies"):
        methods = catalog.methods_for(node.id)
        if not methods:
            continue
        shown = {catalog.shown_node(m, "strategies") for m in methods}
        columns = headers(real_site.site, f"strategies/{node.id}")
        # A sub-category (or a node below one) would repeat one name in every row; a root shows its sub-categories.
        assert (strategy_column in columns) == (len(shown) > 1), node.id
        checked += 1
    assert checked > 5
    # Many-valued axes stay: a method has other conditions than the page's own.
    assert "Conditions" in headers(real_site.site, "conditions/mask")


# ------------------------------------------------- 7. benchmark and contributing pages


def test_benchmark_cases_column_only_with_cases_and_linked_image_source(real_site):
    for bench in real_site.catalog.benchmarks:
        page = content(soup(real_site.site / "benchmarks" / bench.id / "index.html"))
        columns = [th.get_text(strip=True) for th in page.select("table")[0].select("thead th")]
        assert ("Cases" in columns) == bool(bench.cases), bench.id
        if bench.image_source:
            assert page.find("a", href=bench.image_source), bench.id
    v2 = content(soup(real_site.site / "benchmarks/editeval-v2/index.html"))
    assert v2.find("a", href="https://unsplash.com/")


def test_contributing_page_does_not_link_to_localhost(real_site):
    page = content(soup(real_site.site / "contributing/index.html"))
    local = [a["href"] for a in page.find_all("a", href=True) if re.match(r"https?://(localhost|127\.)", a["href"])]
    assert local == []
    assert "http://127.0.0.1:8000/" in page.get_text()  # still there to type into a browser


def test_site_links_turns_local_addresses_into_code():
    text = "open <http://127.0.0.1:8000/> or [the server](http://localhost:8000/x) and <https://example.org/>"
    assert site_links(text, set()) == (
        "open `http://127.0.0.1:8000/` or the server (`http://localhost:8000/x`) and <https://example.org/>"
    )


# ---------------------------------------------------------------- 8. `editsurvey serve`


class Output:
    """Lines a process prints, read as they come."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self._thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        for line in stream:
            self.lines.append(line.rstrip("\n"))

    def count(self, needle: str) -> int:
        return sum(needle in line for line in list(self.lines))

    def wait_quiet(self, needle: str, seconds: float) -> None:
        """Wait until `needle` has not appeared for `seconds`."""
        last, since = self.count(needle), time.monotonic()
        while time.monotonic() - since < seconds:
            time.sleep(0.2)
            now = self.count(needle)
            if now != last:
                last, since = now, time.monotonic()


BUILDING = "Building documentation"
BUILT = "Documentation built"


def test_serve_builds_once_per_edit_without_nav_noise(tmp_path):
    root = copy_data(tmp_path / "data")
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "editsurvey", "serve", "--root", str(root), "--dev-addr", f"127.0.0.1:{port}"],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = Output(process.stdout)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/methods/imagic/", lambda body: "Text-Based Real Image Editing" in body)
        output.wait_quiet(BUILT, 4)
        assert output.count(BUILDING) == 1, "\n".join(output.lines)
        record = root / "methods/imagic.yaml"
        record.write_text(record.read_text().replace("venue: CVPR", "venue: ICCV"))
        wait_for(f"{base}/methods/imagic/", lambda body: "ICCV 2023" in body)
        output.wait_quiet(BUILDING, 6)  # a second rebuild would start right after the first one
        assert output.count(BUILDING) == 2, "\n".join(output.lines)
        assert output.count(BUILT) == 2
        text = "\n".join(output.lines)
        assert 'not included in the "nav"' not in text
        assert not re.search(r"^\s+- methods/", text, re.MULTILINE), text
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
