"""Live reload for `editsurvey serve`: regenerate pages when the YAML changes.

A convenience only: `editsurvey build` produces the same pages without it,
and no site feature depends on it.
"""

from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("mkdocs.editsurvey")


def on_pre_build(config, **kwargs) -> None:
    # MkDocs loads hooks as standalone modules: imports must be absolute.
    from editsurvey.catalog import load_catalog
    from editsurvey.diagnostics import format_text
    from editsurvey.parsecache import user_cache
    from editsurvey.site.build import BuildError, prepare, serve_hooks

    root = Path(config.config_file_path).resolve().parent.parent
    catalog, found = load_catalog(root, cache=user_cache(root))
    warnings = [d for d in found if d.severity == "warning"]
    for d in found:
        if d.severity == "error":
            log.error(format_text(d))
    if warnings:  # one line, not one per warning on every rebuild; `editsurvey validate` lists them
        log.info("editsurvey: %d warnings; `editsurvey validate` lists them", len(warnings))
    if catalog is None:
        log.error("editsurvey: the data has errors; still showing the last good pages")
        return
    try:
        # Only changed files are rewritten; the server does not watch them (on_serve), so no second rebuild follows.
        prepare(catalog, root, root / "site", hooks=serve_hooks(), atomic=False)
    except BuildError as exc:
        log.error("editsurvey: %s", exc)


def on_post_build(config, **kwargs) -> None:
    """The site search index of what `serve` just rendered (`build` writes it after the engine, for every engine)."""
    from editsurvey.site.build import BuildError, get_engine
    from editsurvey.site.search import index_site

    try:
        index_site(Path(config["site_dir"]), get_engine("mkdocs").chrome.content)
    except BuildError as exc:
        log.error("editsurvey: %s", exc)


def on_serve(server, config, builder):
    """Stop watching the docs dir (build/pages): only our pre-build hook writes there, from the data `serve`
    watches, and the build that runs the hook renders what it wrote. Watching our own writes rebuilt every
    edit twice."""
    server.unwatch(config.docs_dir)
    return server
