"""The same site checks for every engine (MkDocs, Zensical), each engine building the real data once.

MkDocs, the default engine, is the session's shared build (conftest.real_site);
the other engines build their own copy of the data here.

Pages, links and node listings are read from the HTML; the explorer runs in
Chromium (Playwright), like tests/test_browser.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from browserkit import serve, shown_ids, site_search
from editsurvey.catalog import load_catalog
from editsurvey.site.engines import DEFAULT_ENGINE, ENGINES, get_engine
from editsurvey.site.links import url_of
from editsurvey.site.registry import PAGES, PageKind
from sitekit import copy_data, editsurvey, free_port, html_pages, method_links, resolve, soup, wait_for

ENGINE_NAMES = sorted(ENGINES)


@pytest.fixture(scope="session", params=ENGINE_NAMES)
def built(request, real_site, tmp_path_factory):
    """(engine, site folder, catalog): the real data, built once per engine."""
    engine = get_engine(request.param)
    if engine.name == DEFAULT_ENGINE:  # real_site is `editsurvey build` with no --engine
        return engine, real_site.site, real_site.catalog
    root = copy_data(tmp_path_factory.mktemp(f"data-{engine.name}"))
    site = tmp_path_factory.mktemp(f"site-{engine.name}") / "site"
    editsurvey("build", "--root", str(root), "--site-dir", str(site), "--engine", engine.name)
    catalog, _ = load_catalog(root)
    assert catalog is not None
    return engine, site, catalog


def content(engine, path: Path):
    doc = soup(path)
    return doc.select_one(engine.chrome.content) or doc


def page_file(site: Path, src: str) -> Path:
    return site / url_of(src) / "index.html"


# ------------------------------------------------------------------ pages

def test_every_registry_page_is_built(built):
    engine, site, cat = built
    for kind in PAGES:
        if kind.generated:
            for _, src in kind.expand(cat):
                assert page_file(site, src).is_file(), (engine.name, kind.name, src)


def test_every_record_has_its_page(built):
    engine, site, cat = built
    for m in cat.methods:
        doc = content(engine, page_file(site, f"methods/{m.id}/index.md"))
        assert doc.h1.get_text(strip=True).rstrip("¶") == m.name, (engine.name, m.id)
        assert m.title in doc.get_text()
    for record_id in [b.id for b in cat.benchmarks] + [m.id for m in cat.metrics]:
        assert (site / "benchmarks" / record_id / "index.html").is_file(), (engine.name, record_id)
    for node in cat.taxonomy.nodes.values():
        assert (site / node.axis / node.id / "index.html").is_file(), (engine.name, node.id)


def test_no_broken_internal_link(built):
    engine, site, _ = built
    broken = []
    for path in html_pages(site):
        doc = soup(path)
        for element in doc.find_all(["a", "link", "script", "img"]):
            href = element.get("href") or element.get("src")
            if not href:
                continue
            target, _ = resolve(site, path, href)
            if target is not None and not target.exists():
                broken.append(f"{path.relative_to(site)} -> {href}")
    assert broken == [], f"{engine.name}: {len(broken)} broken links, e.g. {broken[:5]}"


def test_node_pages_list_exactly_the_catalogs_methods(built):
    engine, site, cat = built
    for node in cat.taxonomy.nodes.values():
        path = site / node.axis / node.id / "index.html"
        doc = content(engine, path)
        tables = doc.find(id="methods").find_all_next("table")
        listed = method_links(tables[0], site, path) if tables else []
        assert sorted(listed) == sorted(m.id for m in cat.methods_for(node.id)), (engine.name, node.id)
        assert len(listed) == len(set(listed))


def test_navigation_holds_every_section(built):
    engine, site, cat = built
    nav = soup(site / "index.html").select_one(engine.chrome.nav)
    text = nav.get_text(" ")
    for label in ["Methods", "Benchmarks", "Statistics", *(a.label for a in cat.taxonomy.axes.values())]:
        assert label in text, (engine.name, label)


def test_search_index_lists_every_method(built):
    engine, site, cat = built
    entry = json.loads((site / engine.search_index).read_text(encoding="utf-8"))  # Pagefind's, after the engine
    assert entry["languages"]["en"]["page_count"] >= len(cat.methods), engine.name


def test_exports_are_the_same_for_every_engine(built, real_site):
    _, site, _ = built
    pages = real_site.root / "build" / "pages" / "data"  # the exports as generated, before any engine ran
    for path in sorted(pages.iterdir()):
        assert (site / "data" / path.name).read_bytes() == path.read_bytes(), path.name


# ---------------------------------------------------------------- browser

@pytest.fixture(scope="session")
def served(browser, built):
    """(engine, base URL, catalog): each engine's site over HTTP."""
    engine, site, cat = built
    with serve(site) as base:
        yield engine, base, cat


@pytest.mark.browser
def test_explorer_loads_and_filters(served, page):
    engine, base, cat = served
    page.goto(f"{base}/explorer/")
    page.wait_for_selector("#es-explorer[data-ready=true]")
    total = len(cat.methods)
    assert sorted(shown_ids(page)) == sorted(m.id for m in cat.methods)
    assert page.text_content("#es-status") == f"{total} of {total} methods"

    page.check('fieldset[data-facet] input[type=checkbox][value="mask"]')
    page.wait_for_function("() => location.search.includes('mask')")
    expected = sorted(m.id for m in cat.methods_for("mask"))
    assert 0 < len(expected) < total
    assert sorted(shown_ids(page)) == expected
    assert page.text_content("#es-status") == f"{len(expected)} of {total} methods"

    page.fill("#es-q", "no such method anywhere")
    page.wait_for_selector("#es-empty", state="visible")
    assert shown_ids(page) == []
    assert page.errors == [], engine.name


@pytest.mark.browser
def test_site_search_finds_a_method(served, page):
    engine, base, _ = served
    hrefs = site_search(page, base, "MasaCtrl", "/methods/imagic/")
    assert hrefs and hrefs[0].endswith("/methods/masactrl/"), (engine.name, hrefs)
    assert page.errors == [], engine.name


@pytest.mark.browser
@pytest.mark.parametrize("path", ["/", "/methods/imagic/", "/explorer/?condition=mask", "/leaderboard/",
                                  "/statistics/", "/matrix/", "/strategies/"])
def test_no_console_errors(served, page, path):
    engine, base, _ = served
    page.goto(f"{base}{path}")
    if path.startswith("/explorer/"):
        page.wait_for_selector("#es-explorer[data-ready=true]")
    page.wait_for_load_state("networkidle")
    assert page.errors == [], (engine.name, path)


# ------------------------------------------------------------------ serve

def test_zensical_serve_shows_yaml_edits(tmp_path):
    """MkDocs' serve is tested in test_serve.py; Zensical serves with our own watcher regenerating the pages."""
    root = copy_data(tmp_path / "data")
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "editsurvey", "serve", "--root", str(root), "--engine",
                                "zensical", "--dev-addr", f"127.0.0.1:{port}"], start_new_session=True,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/methods/imagic/", lambda body: "Text-Based Real Image Editing" in body)
        record = root / "methods/imagic.yaml"
        record.write_text(record.read_text().replace("venue: CVPR", "venue: ICCV"))
        wait_for(f"{base}/methods/imagic/", lambda body: "ICCV 2023" in body)
        assert not (root / "site").exists()  # serve renders under build/, never into site/
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        assert process.wait(timeout=30) == 128 + signal.SIGTERM


# ---------------------------------------------------------- engine, registry

def test_cli_offers_every_engine_and_mkdocs_by_default():
    from editsurvey.cli import build, serve

    for command in (build, serve):
        option = next(p for p in command.params if p.name == "engine")
        assert sorted(option.type.choices) == ENGINE_NAMES
        assert option.default == DEFAULT_ENGINE == "mkdocs"


def test_a_new_registry_entry_is_a_page_and_a_nav_entry(monkeypatch, tmp_path):
    """Adding a page type is one registry entry (and one template)."""
    from editsurvey.site import nav, pages, registry

    root = copy_data(tmp_path / "data")
    catalog, _ = load_catalog(root)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "venues.md.j2").write_text(
        "# Venues\n\n{% for v in venues %}- {{ md(v) }}\n{% endfor %}", encoding="utf-8")
    entry = PageKind("venues", path="venues/index.md", template="venues.md.j2", nav=registry.Nav(("Methods",), "Venues"),
                     context=lambda r, _: {"venues": sorted({m.venue for m in r.cat.methods})})
    monkeypatch.setattr(registry, "PAGES", [*registry.PAGES, entry])
    monkeypatch.setattr(nav, "PAGES", registry.PAGES)
    renderer = pages.SiteRenderer(catalog)
    renderer.env.loader = jinja2.ChoiceLoader([renderer.env.loader, jinja2.FileSystemLoader(tmp_path / "templates")])
    out = renderer.pages()
    assert out["venues/index.md"].startswith("# Venues\n\n- ")
    methods = next(item["Methods"] for item in nav.navigation(catalog, set(out)) if "Methods" in item)
    assert methods[-1] == {"Venues": "venues/index.md"}
