"""The site search (Pagefind over the built site, assets/search.js): method pages first, offline, aliases."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest

from browserkit import expected_ids, serve, site_search
from editsurvey.explorer_query import Query, query
from editsurvey.site.search import ENTRY, name_terms
from sitekit import soup

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(browser, real_site):
    with serve(real_site.site) as url:
        yield url


def method_ids(hrefs: list[str]) -> list[str | None]:
    """Each result as a method id, or None for a page that is not a method page."""
    out = []
    for href in hrefs:
        parts = urlsplit(href).path.strip("/").split("/")
        out.append(parts[-1] if len(parts) >= 2 and parts[-2] == "methods" else None)
    return out


# ------------------------------------------------------------------ ranking with real queries

@pytest.mark.parametrize(
    ("text", "expected"),
    [("pix2pix", "instructpix2pix"), ("null-text", "null-text-inversion"), ("plug-and-play", "pnp"),
     ("p2p", "prompt-to-prompt")],
)
def test_query_puts_the_method_first(base, page, text, expected):
    ids = method_ids(site_search(page, base, text))
    assert ids and ids[0] == expected, ids


def test_pix2pix_lists_method_pages_before_listing_pages(base, page, real_site):
    ids = method_ids(site_search(page, base, "pix2pix"))
    named = {m.id for m in real_site.catalog.methods if "pix2pix" in m.name.lower()}
    assert set(ids[: len(named)]) == named, ids  # every method named ...pix2pix..., before any other page
    assert None not in ids[: len(named)]


def test_drag_finds_a_drag_editing_method_first(base, page, real_site):
    ids = method_ids(site_search(page, base, "drag"))
    first = real_site.catalog.by_id[ids[0]]
    assert "dragging-points" in first.conditions, ids


def test_author_surname_finds_that_authors_methods_first(base, page, real_site):
    surname = "Hertz"  # Amir Hertz: Prompt-to-Prompt, Null-text Inversion, DDS
    theirs = {m.id for m in real_site.catalog.methods if any(a.split()[-1] == surname for a in m.authors or [])}
    assert len(theirs) >= 2
    ids = method_ids(site_search(page, base, surname))
    assert set(ids[: len(theirs)]) == theirs, ids


def test_p2p_is_prompt_to_prompts_own_abbreviation(real_site):
    """The alias comes from the official repository (README link labels p2p-ldm/p2p-stable, file names ptp_*)."""
    assert real_site.catalog.by_id["prompt-to-prompt"].aliases == ["P2P", "PtP"]


def test_search_works_offline(base, page):
    """Every request the search makes goes to the local server; the index loads from the site itself."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    ids = method_ids(site_search(page, base, "pix2pix", "/methods/imagic/"))
    assert ids[0] == "instructpix2pix"
    assert any("/pagefind/" in url for url in requests)
    outside = [url for url in requests if not url.startswith(("http://127.0.0.1:", "data:", "blob:"))]
    assert outside == []
    assert page.errors == []


def test_no_results_says_so(base, page):
    page.goto(f"{base}/")
    page.click(".es-search__button")
    page.fill(".es-search__input", "zzqxnotawordanywhere")
    page.wait_for_function("() => /No results/.test(document.querySelector('.es-search__status').textContent)")
    assert page.eval_on_selector_all(".es-search__result", "r => r.length") == 0


# ------------------------------------------------------------------ aliases

def test_alias_is_shown_on_the_method_page(real_site):
    html = soup(real_site.site / "methods" / "pnp" / "index.html")
    assert "Also known as: Plug-and-Play" in html.select_one(".es-aliases").get_text()


def test_alias_reaches_the_explorer_text_filter(real_site):
    cat = real_site.catalog
    ids = [m.id for m in query(cat, Query.from_params({"text": "plug-and-play"}, cat))]
    assert "pnp" in ids
    data = json.loads((real_site.site / "data" / "methods.json").read_text(encoding="utf-8"))
    assert next(m for m in data["methods"] if m["id"] == "pnp")["aliases"] == ["Plug-and-Play"]


def test_alias_in_the_explorer_in_the_browser(base, page, real_site):
    page.goto(f"{base}/explorer/?text=plug-and-play")
    page.wait_for_selector("#es-explorer[data-ready=true]")
    shown = page.eval_on_selector_all("#es-rows [role=row]", "rows => rows.map(r => r.dataset.id)")
    # The browser agrees with the Python mirror of the explorer (BrushNet's title also says plug-and-play).
    assert "pnp" in shown and shown == expected_ids(real_site.catalog, {"text": "plug-and-play"})


# ------------------------------------------------------------------ the index

def test_name_terms_split_names_people_type_in_parts():
    assert name_terms("InstructPix2Pix") == "Instruct Pix2Pix"
    assert name_terms("MasaCtrl") == "Masa Ctrl"
    assert name_terms("Grounded-Instruct-Pix2Pix") == "Grounded Instruct Pix2Pix"
    assert name_terms("PnP", ["Plug-and-Play"]) == "Plug and Play"  # "PnP" itself has no parts


def test_theme_search_is_gone_and_the_index_is_pagefind(real_site):
    site = real_site.site
    assert (site / ENTRY).is_file()
    assert not (site / "search" / "search_index.json").exists()
    assert soup(site / "index.html").select_one("script[src$='assets/search.js']") is not None
