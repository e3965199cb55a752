"""The site in a real Chromium (Playwright): explorer, search, console, accessibility.

Needs Debian's chromium at /usr/bin/chromium. Without it these tests skip,
unless CI=true, where a missing browser is a failure (browserkit.require_browser).
The site is the session's shared build (conftest.real_site), served over HTTP.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

import pytest

import browserkit
from browserkit import PAGE, expected_ids, first_page, open_explorer, require_browser, shown_ids, site_search
from editsurvey.explorer_query import Query, matches, query
from sitekit import REPO

ARTIFACTS = REPO / "test-artifacts"

pytestmark = pytest.mark.browser




def current_params(page) -> dict[str, str]:
    # Read in the page: Playwright's page.url follows history.replaceState only asynchronously.
    return dict(parse_qsl(page.evaluate("location.search").lstrip("?")))


COMBINATIONS = [
    {},
    {"condition": "mask", "task": "object-replacement"},
    # "Which training-free methods take a mask and do object replacement, with code, since 2023?"
    {"strategy": "training-and-finetuning-free", "condition": "mask", "task": "object-replacement", "code": "1",
     "from": "2023"},
    {"task": "object-addition,object-removal", "task_mode": "all"},
    {"task": "structural-editing"},
    {"strategy": "attention-modification,mask-guidance"},
    {"condition": "text,reference-image", "condition_mode": "all", "sort": "name"},
    {"text": "inversion"},
    {"text": "drag point", "sort": "year", "dir": "asc"},
    {"venue": "CVPR,ICCV", "from": "2022", "to": "2023", "sort": "venue"},
    {"strategy": "testing-time-finetuning", "sort": "strategy", "dir": "desc"},
    {"code": "1", "sort": "title"},
    {"condition": "audio", "task": "perspective-viewpoint-change"},
]


@pytest.mark.parametrize("params", COMBINATIONS, ids=lambda p: urlencode(p) or "all")
def test_filter_rows_equal_python_query(site, page, params):
    base, catalog = site
    open_explorer(page, base, params)
    expected = expected_ids(catalog, params)
    assert first_page(page) == expected[:PAGE]
    assert page.is_visible("#es-more") == (len(expected) > PAGE)
    assert shown_ids(page) == expected
    status = page.text_content("#es-status")
    assert status == f"{len(expected)} of {len(catalog.methods)} methods"
    assert page.is_visible("#es-empty") == (not expected)
    assert not page.errors


def test_facet_counts_follow_the_selection(site, page):
    base, catalog = site
    params = {"condition": "mask", "task": "object-replacement,object-removal", "task_mode": "all"}
    open_explorer(page, base, params)
    q = Query.from_params(params, catalog)
    rows = query(catalog, q)
    for facet, axis in catalog.taxonomy.facets().items():
        mode = q.mode(facet)
        pool = rows if mode == "all" else [m for m in catalog.methods if matches(catalog, m, q, skip=facet)]
        for node in catalog.taxonomy.axis_nodes(axis):
            shown = page.text_content(f'fieldset[data-facet="{facet}"] [data-count="{node.id}"]')
            expected = sum(1 for m in pool if node.id in catalog.facet_tags(m, facet))
            assert shown == f"({expected})", (facet, node.id)


def test_clicks_update_url_and_back_forward_restore(site, page):
    base, catalog = site
    open_explorer(page, base)
    page.check("#es-condition-mask")
    assert current_params(page) == {"condition": "mask"}
    after_mask = shown_ids(page)
    assert after_mask == expected_ids(catalog, {"condition": "mask"})
    page.check("#es-task-object-removal")
    assert current_params(page) == {"condition": "mask", "task": "object-removal"}
    both = shown_ids(page)
    assert both == expected_ids(catalog, current_params(page))
    page.click('[role=columnheader][data-sort="name"] button')
    assert current_params(page)["sort"] == "name"
    assert shown_ids(page) == expected_ids(catalog, current_params(page))

    page.go_back()
    page.wait_for_function("() => !location.search.includes('sort=')")
    assert shown_ids(page) == both
    page.go_back()
    page.wait_for_function("() => location.search === '?condition=mask'")
    assert shown_ids(page) == after_mask
    assert page.is_checked("#es-condition-mask") and not page.is_checked("#es-task-object-removal")
    page.go_forward()
    page.wait_for_function("() => location.search.includes('task=object-removal')")
    assert shown_ids(page) == both and page.is_checked("#es-task-object-removal")
    assert not page.errors


def test_url_with_state_restores_the_view(site, page, browser):
    base, catalog = site
    params = {"strategy": "training-based", "task": "object-replacement", "text": "image", "sort": "name",
              "dir": "desc", "venue": "CVPR"}
    open_explorer(page, base, params)
    first = shown_ids(page)
    assert first == expected_ids(catalog, params)
    # A second tab opening the copied URL sees exactly the same rows and controls.
    other = browser.new_page()
    other.goto(page.evaluate("location.href"))
    other.wait_for_selector("#es-explorer[data-ready=true]")
    assert shown_ids(other) == first
    assert other.input_value("#es-q") == "image"
    assert other.is_checked("#es-strategy-training-based") and other.is_checked("#es-task-object-replacement")
    assert other.get_attribute('[role=columnheader][data-sort="name"]', "aria-sort") == "descending"
    other.close()


def test_text_search_and_empty_result(site, page):
    base, catalog = site
    open_explorer(page, base)
    page.fill("#es-q", "masactrl")
    assert current_params(page) == {"text": "masactrl"}
    assert shown_ids(page) == expected_ids(catalog, {"text": "masactrl"})
    assert "masactrl" in shown_ids(page)
    page.fill("#es-q", "no such method anywhere")
    assert shown_ids(page) == []
    assert page.is_visible("#es-empty")
    assert page.text_content("#es-status") == f"0 of {len(catalog.methods)} methods"
    page.click("#es-clear-2")
    assert len(shown_ids(page)) == len(catalog.methods)


def test_explorer_is_keyboard_usable(site, page):
    base, catalog = site
    open_explorer(page, base)
    page.focus("#es-condition-sketch")
    assert page.evaluate("document.activeElement.id") == "es-condition-sketch"
    page.keyboard.press("Space")
    page.wait_for_function("() => location.search === '?condition=sketch'")
    assert shown_ids(page) == expected_ids(catalog, {"condition": "sketch"})
    page.focus('[role=columnheader][data-sort="venue"] button')
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('sort=venue')")
    page.keyboard.press("Enter")
    page.wait_for_function("() => location.search.includes('dir=desc')")
    assert shown_ids(page) == expected_ids(catalog, current_params(page))


def test_method_badge_opens_filtered_explorer(site, page):
    base, catalog = site
    page.goto(f"{base}/methods/diffedit/")
    page.click('.es-badge--conditions a.es-badge__filter >> nth=0')
    page.wait_for_selector("#es-explorer[data-ready=true]")
    first = catalog.by_id["diffedit"].conditions[0]
    assert current_params(page) == {"condition": first}
    assert page.is_checked(f"#es-condition-{first}")
    assert shown_ids(page) == expected_ids(catalog, {"condition": first})


def test_site_search_finds_a_method(site, page):
    base, _ = site
    hrefs = site_search(page, base, "MasaCtrl")
    assert hrefs and hrefs[0].endswith("/methods/masactrl/")
    page.click(".es-search__result a >> nth=0")
    page.wait_for_url("**/methods/masactrl/**")
    assert page.text_content("article h1").strip().startswith("MasaCtrl")


@pytest.mark.parametrize("path", ["/", "/methods/imagic/", "/explorer/", "/leaderboard/", "/statistics/",
                                  "/statistics/survey/", "/datasets/gedit-bench/", "/methods/qwen-image/"])
def test_no_console_errors(site, page, path):
    base, _ = site
    page.goto(f"{base}{path}")
    if path == "/explorer/":
        page.wait_for_selector("#es-explorer[data-ready=true]")
    page.wait_for_load_state("networkidle")
    assert page.errors == []


@pytest.mark.parametrize("scheme", ["default", "slate"])
@pytest.mark.parametrize("path", ["/", "/methods/imagic/", "/explorer/?condition=mask", "/datasets/imgedit-bench/",
                                  "/methods/bagel/", "/tasks/text-editing/"])
def test_accessibility_audit(site, page, path, scheme):
    from axe_playwright_python.sync_playwright import Axe

    base, _ = site
    page.add_init_script(f"localStorage.setItem('/.__palette', JSON.stringify({{index: "
                         f"{0 if scheme == 'default' else 1}, color: {{scheme: '{scheme}', primary: 'indigo', "
                         f"accent: 'indigo'}}}}))")
    page.goto(f"{base}{path}")
    if path.startswith("/explorer/"):
        page.wait_for_selector("#es-explorer[data-ready=true]")
    assert page.get_attribute("body", "data-md-color-scheme") == scheme
    results = Axe().run(page)
    serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []


def test_screenshots(site, page):
    base, _ = site
    ARTIFACTS.mkdir(exist_ok=True)
    open_explorer(page, base, {"strategy": "training-and-finetuning-free", "condition": "mask",
                               "task": "object-replacement"})
    page.screenshot(path=str(ARTIFACTS / "explorer.png"), full_page=True)
    page.goto(f"{base}/methods/instructpix2pix/")
    page.screenshot(path=str(ARTIFACTS / "method-page.png"), full_page=True)
    assert (ARTIFACTS / "explorer.png").stat().st_size > 10_000
    assert (ARTIFACTS / "method-page.png").stat().st_size > 10_000


def test_missing_browser_skips_outside_ci_and_fails_in_ci(monkeypatch):
    monkeypatch.setattr(browserkit, "CHROMIUM", "/nonexistent/chromium")
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install chromium"):
        require_browser()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI=true"):
        require_browser()
