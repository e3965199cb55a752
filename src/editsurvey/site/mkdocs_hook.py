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
    for d in found:
        (log.error if d.severity == "error" else log.warning)(format_text(d))
    if catalog is None:
        log.error("editsurvey: the data has errors; still showing the last good pages")
        return
    try:
        # Only changed files are rewritten, so this settles after one extra rebuild.
        prepare(catalog, root, root / "site", hooks=serve_hooks(), atomic=False)
    except BuildError as exc:
        log.error("editsurvey: %s", exc)
