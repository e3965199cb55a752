"""Fixtures shared by the test modules. Helpers live in datakit, sitekit and browserkit."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest

import browserkit
from datakit import DataRoot
from editsurvey.catalog import Catalog, load_catalog
from sitekit import build, copy_data


def pytest_configure(config):
    config.addinivalue_line("markers", "slow: takes minutes (creates a virtualenv and installs the package)")


@pytest.fixture
def data_root(tmp_path: Path) -> DataRoot:
    return DataRoot(tmp_path / "data")


# ---------------------------------------------------------------- real site

class RealSite(NamedTuple):
    root: Path  # a copy of the repository's data (with build/pages/ from the build)
    site: Path  # the site, built by `editsurvey build` with the default engine (MkDocs)
    catalog: Catalog  # the catalog of root


def _snapshot(root: Path) -> dict[str, tuple[int, int] | None]:
    """Every path under root, with (mtime, size) for files: what a write would change."""
    snapshot = {}
    for path in sorted(root.rglob("*")):
        stat = path.lstat()
        snapshot[path.relative_to(root).as_posix()] = None if path.is_dir() else (stat.st_mtime_ns, stat.st_size)
    return snapshot


@pytest.fixture(scope="session")
def real_site(tmp_path_factory) -> RealSite:
    """The repository's data, built once per session and shared: read it, never write into it.

    Tests that change their data copy it into their own folder (sitekit.copy_data).
    """
    root = copy_data(tmp_path_factory.mktemp("real-site") / "data")
    site = build(root)
    catalog, _ = load_catalog(root)
    assert catalog is not None
    before = _snapshot(root)
    yield RealSite(root, site, catalog)
    after = _snapshot(root)
    changed = sorted(k for k in before.keys() | after.keys() if before.get(k, "gone") != after.get(k, "gone"))
    assert not changed, f"tests wrote into the shared real_site ({root}): {changed[:10]}"


# ------------------------------------------------------------------ browser

@pytest.fixture(scope="session")
def browser():
    """One Chromium (Playwright's sync API) for the whole session."""
    browserkit.require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=browserkit.CHROMIUM, args=browserkit.CHROMIUM_ARGS,
                                     headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A tab in a fresh context (1280x900); console errors and uncaught exceptions collect in `page.errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("console", lambda msg: tab.errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    context.close()


@pytest.fixture(scope="module")
def site(browser, real_site):
    """(base URL, catalog): the shared real site, served over HTTP."""
    with browserkit.serve(real_site.site) as base:
        yield base, real_site.catalog
