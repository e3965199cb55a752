"""The site search: a Pagefind index over the built site, for every engine.

Pagefind (the `pagefind[bin]` package ships its binary; nothing is downloaded)
reads the rendered HTML after the engine and writes a chunked static index
into `pagefind/`: a browser loads only the chunks a query needs, so the first
results stay fast at 10,000 method pages, offline. Our page markup steers the
ranking: the method's name, aliases and name parts weigh most, its title and
authors next; tables (the lists on listing pages, the classification and
related methods on method pages), code blocks and permalinks are not indexed,
so listing pages never outrank the method pages they list.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from .errors import BuildError

INDEX_DIR = "pagefind"
ENTRY = f"{INDEX_DIR}/pagefind-entry.json"
# What is not indexed: lists of other methods, code (BibTeX), permalinks, the record's source line.
UNUSED_UI = tuple(
    f"pagefind-{name}"
    for name in ("ui.js", "ui.css", "modular-ui.js", "modular-ui.css", "component-ui.js", "component-ui.css")
) + ("pagefind-highlight.js",)
EXCLUDE = ("table", "pre", ".headerlink", ".es-source", ".es-record-actions", ".md-source-file")


def pagefind_executable() -> Path:
    try:
        from pagefind_bin import get_executable  # type: ignore[import-untyped]
    except ImportError as exc:
        raise BuildError("Pagefind is not installed in this environment; install it with `pip install -e .`") from exc
    return get_executable()


def name_terms(name: str, aliases: list[str] | None = None) -> str:
    """The parts of a name and its aliases (InstructPix2Pix -> Instruct Pix2Pix, Grounded-Instruct-Pix2Pix ->
    Grounded Instruct Pix2Pix).

    A reader types a part ("pix2pix") as often as the whole name, and Pagefind matches word prefixes only.
    The method page weighs these terms by how many catalogue methods build on the method, and assets/search.js
    puts pages whose names match every query word first, the most built-on first (a prior derived from the data).
    """
    parts: list[str] = []
    for text in [name, *(aliases or [])]:
        for word in re.split(r"[\s/]+", text):
            pieces = [p for p in re.split(r"(?<=[a-z])(?=[A-Z][a-z0-9])|[-_+.]+", word) if p]
            if len(pieces) > 1:
                parts += [p for p in pieces if p not in parts]
    return " ".join(parts)


def index_site(site_dir: Path, root_selector: str) -> None:
    """Write the Pagefind index of the built site into `site_dir/pagefind/` (deterministic for the same site)."""
    command = [
        str(pagefind_executable()),
        "--site",
        str(site_dir),
        "--output-subdir",
        INDEX_DIR,
        "--root-selector",
        root_selector,
        "--force-language",
        "en",
        "--quiet",
    ]
    for selector in EXCLUDE:
        command += ["--exclude-selectors", selector]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise BuildError(f"the search index (Pagefind) failed:\n{result.stdout}\n{result.stderr}".rstrip())
    for unused in UNUSED_UI:  # Pagefind's own UIs: the site has its own (assets/search.js)
        (site_dir / INDEX_DIR / unused).unlink(missing_ok=True)
