"""Turn the catalog into a site: generated Markdown + static files, then the engine.

The parts live in their own modules: `registry` (the page kinds), `content`
(every file of build/pages/), `nav` (the navigation, from the registry),
`writer` (safe folder writes and the build lock) and `engines` (MkDocs and
Zensical). This module puts them together for `editsurvey build` and
`editsurvey serve`. No site feature depends on an engine plugin of ours.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..catalog import Catalog
from .content import ASSETS, HANDWRITTEN_DIR, redirect_page, site_files, site_links
from .engines import (
    CONFIG_NAME,
    DEFAULT_ENGINE,
    ENGINES,
    HOOK,
    PAGES_DIR,
    Engine,
    engine_config,
    get_engine,
    write_config,
    zensical_executable,
)
from .errors import BuildError
from .nav import navigation
from .writer import BUILD_DIR, build_lock, sync_tree, write_tree

# This module is the build's front door: the CLI and mkdocs_hook.py import from here.
__all__ = [
    "ASSETS",
    "BUILD_DIR",
    "CONFIG_NAME",
    "DEFAULT_ENGINE",
    "ENGINES",
    "HANDWRITTEN_DIR",
    "HOOK",
    "PAGES_DIR",
    "WATCHED",
    "BuildError",
    "Engine",
    "Prepared",
    "build_lock",
    "build_site",
    "engine_config",
    "get_engine",
    "navigation",
    "prepare",
    "prepare_serve",
    "redirect_page",
    "regenerate",
    "run_engine",
    "serve_hooks",
    "serve_site",
    "site_files",
    "site_links",
    "sync_tree",
    "write_config",
    "write_tree",
    "zensical_executable",
]

WATCHED = ("taxonomy", "methods", "benchmarks", "docs", "CONTRIBUTING.md", "mkdocs.yml")


def serve_hooks() -> list[str]:
    """The MkDocs hooks of `serve` (kept for mkdocs_hook.py, which calls `prepare` with them)."""
    return get_engine("mkdocs").serve_hooks()


@dataclass
class Prepared:
    config_path: Path
    files: dict[str, bytes]


def prepare(
    catalog: Catalog, root: Path, site_dir: Path, hooks: list[str] | None = None, atomic: bool = True
) -> Prepared:
    """Write build/pages/ and build/mkdocs.yml."""
    files = site_files(catalog, root)
    pages = root / BUILD_DIR / PAGES_DIR
    if atomic:
        write_tree(files, pages)
    else:
        sync_tree(files, pages)
    config_path = write_config(root, engine_config(root, catalog, files, site_dir, hooks))
    return Prepared(config_path, files)


def run_engine(
    root: Path, config_path: Path, site_dir: Path, *, engine: str = DEFAULT_ENGINE, strict: bool = True
) -> None:
    """Render into a temporary folder and swap it in only when the engine succeeds."""
    get_engine(engine).build(root, config_path, site_dir, strict=strict)


def build_site(
    catalog: Catalog, root: Path, site_dir: Path, *, engine: str = DEFAULT_ENGINE, strict: bool = True
) -> Prepared:
    """`editsurvey build`: pages and config, then the engine; one build per repository at a time."""
    chosen = get_engine(engine)
    with build_lock(root):
        prepared = prepare(catalog, root, site_dir)
        chosen.build(root, prepared.config_path, site_dir, strict=strict)
    return prepared


def regenerate(root: Path) -> None:
    """Rewrite only the changed pages from the data on disk; on bad data keep the last good pages."""
    from ..catalog import load_catalog
    from ..diagnostics import format_text
    from ..parsecache import user_cache

    catalog, found = load_catalog(root, cache=user_cache(root))
    warnings = sum(1 for d in found if d.severity == "warning")
    for d in found:
        if d.severity == "error":
            print(format_text(d), flush=True)
    if warnings:  # one line, not one per warning on every rebuild; `editsurvey validate` lists them
        print(f"editsurvey: {warnings} warnings; `editsurvey validate` lists them", flush=True)
    if catalog is None:
        print("editsurvey: the data has errors; still showing the last good pages", flush=True)
        return
    prepare(catalog, root, root / "site", atomic=False)


def prepare_serve(catalog: Catalog, root: Path, *, engine: str = DEFAULT_ENGINE) -> Prepared:
    """The pages and config `serve` starts from (touching only changed files: a server may be watching)."""
    chosen = get_engine(engine)
    chosen.check()
    return prepare(catalog, root, root / "site", hooks=chosen.serve_hooks(), atomic=False)


def serve_site(
    root: Path, prepared: Prepared, *, engine: str = DEFAULT_ENGINE, dev_addr: str, open_browser: bool = False
) -> int:
    """`editsurvey serve`: serve the prepared pages with live reload until stopped; the engine's exit code."""
    watch = [root / name for name in WATCHED if (root / name).exists()]
    return get_engine(engine).serve(
        root,
        prepared.config_path,
        dev_addr=dev_addr,
        open_browser=open_browser,
        watch=watch,
        regenerate=lambda: regenerate(root),
    )
