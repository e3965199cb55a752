"""Hostile but valid record text, shown in a real Chromium: it must display as text and never run.

One site per module: the repository's data plus three records whose every
text field carries an HTML/JavaScript injection. Each page that shows them is
opened and checked for executed script (a `window.__xss` flag, dialogs),
injected event-handler attributes and script elements, and for the hostile
text being visible as text (escaped, not dropped).
"""

from __future__ import annotations

import pytest

from browserkit import open_explorer, serve, shown_ids, site_search
from datakit import TODAY
from editsurvey.dataset import load_dataset
from editsurvey.diagnostics import format_text
from editsurvey.recordfmt import format_record
from editsurvey.validate import validate_root
from sitekit import REPO, build, copy_data

pytestmark = pytest.mark.browser

FLAG = "__xss"
WORD = "Hostilexss"  # in every hostile name: what the search box and the explorer's ?q= look for
STRATEGY = "attention-modification"


def hostile(record_id: str, n: int, **text: object) -> dict:
    return {
        "id": record_id, **text, "date": "2026-10", "venue": "arXiv", "year": 2026,
        "links": {"paper": f"https://example.org/hostile/{n}"},
        "strategy": STRATEGY, "conditions": ["text"], "tasks": ["object-replacement"],
        "backbone": "latent-unet-diffusion",
        "evidence": {STRATEGY: "abstract", "text": "abstract", "object-replacement": "Fig. 1",
                     "latent-unet-diffusion": "Sec. 4"},
        "provenance": {"source": "contribution", "strategy": "curated", "conditions": "curated",
                       "tasks": "curated", "backbone": "curated"},
    }


RECORDS = [
    hostile(
        "hostile-svg", 1,
        name=f'{WORD} "Q&A" \'Edit\'',
        title=f'Hostile "><svg onload=window.{FLAG}=1> <img src=x onerror=window.{FLAG}=1> & {{}}',
        authors=[f"<script>window.{FLAG}=1</script>", f'"><b onmouseover=window.{FLAG}=1>bold</b>',
                 "Ada & \"Bob\" O'Neil"],
        base_model=f'<iframe srcdoc="<script>parent.{FLAG}=1</script>"></iframe>',
        summary='Plain "quoted" text & more \'single\' quotes; nothing here is markup.',
    ),
    hostile(
        "hostile-attr", 2,
        name=f"{WORD} & Co \"2\" 'attr'",
        title=f"Attribute breakout ' onfocus=window.{FLAG}=1 autofocus x=' \" onmouseover=window.{FLAG}=1 x=\" "
              f"<a href=\"javascript:window.{FLAG}=1\">link</a>",
        authors=[f"'><svg/onload=window.{FLAG}=1>", f"</p><script>window.{FLAG}=1</script>"],
        base_model=f"{{{{7*7}}}} ${{window.{FLAG}=1}} <style>*{{color:red}}</style>",
        summary='Tests "double" and \'single\' quotes & ampersands & more.',
    ),
    hostile(
        "hostile-markdown", 3,
        name=f"{WORD} [x](javascript:window.{FLAG}=1) **bold**",
        title=f"Markdown ![x](javascript:window.{FLAG}=1) [y](javascript:window.{FLAG}=1) "
              f"<details open ontoggle=window.{FLAG}=1>",
        authors=[f"<img src=x onerror=window.{FLAG}=1>", f"&lt;script&gt;window.{FLAG}=1&lt;/script&gt;"],
        base_model=f"&lt;img src=x onerror=window.{FLAG}=1&gt;",
        summary="Entities &amp; and &lt; stay as typed, and so does this & that.",
    ),
]
BY_ID = {r["id"]: r for r in RECORDS}

# Everything a page may have put into the DOM from the hostile text, as JavaScript.
INJECTED = """() => {
  const all = Array.from(document.querySelectorAll('*'));
  return {
    flag: typeof window.__xss,
    handlers: all.flatMap(el => Array.from(el.attributes).filter(a => a.name.toLowerCase().startsWith('on'))
                                 .map(a => `${el.tagName.toLowerCase()}[${a.name}]`)),
    scripts: Array.from(document.querySelectorAll('script')).filter(s => s.textContent.includes('__xss'))
                 .map(s => s.outerHTML.slice(0, 120)),
    elements: Array.from(document.querySelectorAll('iframe, svg[onload], img[src=x], details[ontoggle], b[onmouseover]'))
                 .map(el => el.outerHTML.slice(0, 120)),
    javascript_links: Array.from(document.querySelectorAll('a[href]'))
                 .filter(a => a.getAttribute('href').trim().toLowerCase().startsWith('javascript:'))
                 .map(a => a.outerHTML.slice(0, 120)),
  };
}"""
CLEAN = {"flag": "undefined", "handlers": [], "scripts": [], "elements": [], "javascript_links": []}


def write_records(root) -> None:
    order = load_dataset(REPO).taxonomy().order_key
    for record in RECORDS:
        (root / "methods" / f"{record['id']}.yaml").write_text(format_record(record, order=order), encoding="utf-8")
    _, found = validate_root(root, today=TODAY)
    errors = [format_text(d) for d in found if d.severity == "error"]
    if errors:
        pytest.fail("the hostile records do not validate:\n" + "\n".join(errors))


@pytest.fixture(scope="module")
def site(browser, tmp_path_factory):
    """(base URL, site folder): the repository's data plus the hostile records, built and served."""
    root = copy_data(tmp_path_factory.mktemp("xss") / "data")
    write_records(root)
    site_dir = build(root)
    with serve(site_dir) as base:
        yield base, site_dir


@pytest.fixture
def tab(page):
    """The page fixture (conftest.py), also recording JavaScript dialogs (alert, confirm, prompt)."""
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    return page


def assert_not_executed(tab, where: str) -> None:
    tab.wait_for_load_state("networkidle")  # img onerror fires after the failed request
    assert tab.evaluate(INJECTED) == CLEAN, where
    assert tab.dialogs == [], where


# The page's text as text nodes outside scripts and styles (innerText would skip the explorer's rows,
# which are `content-visibility: auto` while off screen).
PAGE_TEXT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const out = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.parentElement.closest('script, style, noscript, template')) out.push(walker.currentNode.data);
  }
  return out.join('');
}"""


def assert_shows(tab, where: str, texts: list[str]) -> None:
    shown = " ".join(tab.evaluate(PAGE_TEXT).split())
    missing = [t for t in texts if " ".join(t.split()) not in shown]
    assert missing == [], where


def every_text(record: dict) -> list[str]:
    return [record["name"], record["title"], *record["authors"], record["base_model"], record["summary"]]


def names_and_titles() -> list[str]:
    return [t for r in RECORDS for t in (r["name"], r["title"])]


@pytest.mark.parametrize("record_id", list(BY_ID))
def test_method_page(site, tab, record_id):
    base, _ = site
    record = BY_ID[record_id]
    tab.goto(f"{base}/methods/{record_id}/")
    assert_not_executed(tab, f"/methods/{record_id}/")
    assert_shows(tab, f"/methods/{record_id}/", every_text(record))
    # <title> and <meta name=description> hold the text, escaped: nothing broke out into the head.
    assert record["name"] in tab.title()
    assert tab.get_attribute("meta[name=description]", "content") == record["title"]
    assert tab.evaluate("document.head.querySelectorAll('svg, img, iframe, b, details, a').length") == 0
    assert tab.evaluate("document.querySelectorAll('title').length") == 1


@pytest.mark.parametrize("path", ["/methods/", f"/strategies/{STRATEGY}/"])
def test_listing_pages(site, tab, path):
    base, _ = site
    tab.goto(f"{base}{path}")
    assert_not_executed(tab, path)
    assert_shows(tab, path, names_and_titles())


@pytest.mark.parametrize("params", [{}, {"q": WORD}], ids=["all", "q"])
def test_explorer(site, tab, params):
    base, _ = site
    open_explorer(tab, base, params)
    rows = shown_ids(tab)
    assert set(BY_ID) <= set(rows)
    if params:
        assert sorted(rows) == sorted(BY_ID)
    assert_not_executed(tab, f"/explorer/ {params}")
    assert_shows(tab, f"/explorer/ {params}", names_and_titles())


@pytest.mark.parametrize("term", [WORD, "onerror"])
def test_site_search(site, tab, term):
    base, _ = site
    hrefs = site_search(tab, base, term)
    assert any("methods/hostile-" in h for h in hrefs), hrefs
    assert_not_executed(tab, f"search {term!r}")
    results = " ".join(tab.inner_text(".es-search__results").split())
    assert WORD in results and f"window.{FLAG}=1" in results
