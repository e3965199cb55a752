"""Helpers for tests in a real Chromium (Playwright): the browser, a static HTTP server, the explorer.

Needs Debian's chromium at /usr/bin/chromium (or $EDITSURVEY_CHROMIUM). Without
it browser tests skip, unless CI=true, where a missing browser is a failure.
The `browser` and `page` fixtures are in conftest.py.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest

CHROMIUM = os.environ.get("EDITSURVEY_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
PAGE = 100  # rows the explorer renders before "Show more" (assets/explorer.js)


def require_browser() -> None:
    """Skip the calling test when Playwright or Chromium is missing; fail instead when CI=true."""
    problem = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        problem = "Playwright is not installed (pip install -e '.[test]')"
    if problem is None and not (Path(CHROMIUM).is_file() or shutil.which(CHROMIUM)):
        problem = f"no Chromium at {CHROMIUM}; install Debian's chromium (apt-get install chromium) to run browser tests"
    if problem:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true and the browser tests cannot run: {problem}")
        pytest.skip(problem)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    """Serves files without logging every request to stderr."""

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve a folder on a free local port; yields the base URL (no trailing slash)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


# ------------------------------------------------------------------ explorer

def open_explorer(page, base: str, params: dict[str, str] | None = None) -> None:
    page.goto(f"{base}/explorer/" + (f"?{urlencode(params, safe=',')}" if params else ""))
    page.wait_for_selector("#es-explorer[data-ready=true]")


def first_page(page) -> list[str]:
    """The rows on screen, in order."""
    return page.eval_on_selector_all("#es-rows [role=row]", "rows => rows.map(r => r.dataset.id)")


def shown_ids(page) -> list[str]:
    """Every row of the result, in order, clicking "Show more" until all are on screen."""
    while page.is_visible("#es-more"):
        before = page.eval_on_selector_all("#es-rows [role=row]", "rows => rows.length")
        page.click("#es-more")
        page.wait_for_function(f"() => document.querySelectorAll('#es-rows [role=row]').length > {before}")
    return first_page(page)


# ------------------------------------------------------------------ site search

def site_search(page, base: str, query: str, path: str = "/") -> list[str]:
    """Search from the header (assets/search.js over Pagefind's index); the result links in order, site-relative."""
    page.goto(f"{base}{path}")
    page.click(".es-search__button")
    page.locator(".es-search__input").fill(query)
    page.wait_for_function(
        "q => { const s = document.querySelector('.es-search__status').textContent;"
        " return s.includes('result') && document.querySelector('.es-search__input').value === q; }",
        arg=query, timeout=15000)
    hrefs = page.eval_on_selector_all(".es-search__result a", "as => as.map(a => a.getAttribute('href'))")
    return [h[len(base):] if h.startswith(base) else h for h in hrefs]


def expected_ids(catalog, params: dict[str, str]) -> list[str]:
    """The explorer's rows for a view, by the Python mirror of its rules."""
    from editsurvey.explorer_query import Query, query

    return [m.id for m in query(catalog, Query.from_params(params, catalog))]
