"""Page paths, URLs between pages, and escaping for Markdown and HTML.

Every generated page is a folder's `index.md` (`methods/imagic/index.md`),
served at that folder's URL (`methods/imagic/`). The source and the page then
sit at the same depth, so a relative URL in raw HTML means the same to MkDocs
(which leaves raw HTML alone) and to Zensical (which resolves it against the
source file). Markdown links use file paths, which both engines check.
"""

from __future__ import annotations

import functools
import posixpath
import re
from html import escape
from urllib.parse import urlencode


def url_of(src: str) -> str:
    """Directory URL of a page, relative to the site root ('' for the home page)."""
    if src == "index.md":
        return ""
    if src.endswith("/index.md"):
        return src[: -len("index.md")]
    return src[: -len(".md")] + "/"


def page_src(name: str) -> str:
    """Source of a top-level generated page: page_src("explorer") is explorer/index.md."""
    return f"{name}/index.md"


def benchmark_src(item_id: str) -> str:
    """Source of a benchmark's or a metric's page."""
    return f"benchmarks/{item_id}/index.md"


def dataset_src(dataset_id: str) -> str:
    """Source of a dataset's page (its published results included)."""
    return f"datasets/{dataset_id}/index.md"


def method_src(method_id: str) -> str:
    return f"methods/{method_id}/index.md"


def node_src(axis: str, node_id: str) -> str:
    return f"{axis}/{node_id}/index.md"


@functools.lru_cache(maxsize=1 << 16)
def relative(target: str, start: str) -> str:
    """posixpath.relpath for the site's own paths (relative, normalised), without its file-system calls.

    Every page links to dozens of others; relpath's abspath/getcwd made this the
    largest cost of generating 10,000 pages.
    """
    to = [part for part in target.split("/") if part]
    here = [part for part in start.split("/") if part]
    common = 0
    while common < len(to) and common < len(here) and to[common] == here[common]:
        common += 1
    return "/".join([".."] * (len(here) - common) + to[common:]) or "."


class Linker:
    """Relative links from one page to others."""

    def __init__(self, src: str):
        self.src = src

    def md(self, target_src: str, anchor: str = "") -> str:
        """A Markdown link target (a file path the engine resolves and checks)."""
        rel = relative(target_src, posixpath.dirname(self.src))
        return rel + (f"#{anchor}" if anchor else "")

    def url(self, target: str, query: dict[str, str] | None = None) -> str:
        """A URL for raw HTML: `target` is a page (.md) or a static file path."""
        target_url = url_of(target) if target.endswith(".md") else target
        here = url_of(self.src)
        rel = relative(target_url, here)
        if target_url.endswith("/") or target_url == "":
            rel = rel.rstrip("/") + "/" if rel != "." else "./"
        if query:
            rel += "?" + urlencode(query, safe=",")
        return rel


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|{}#])")


def md(text: object) -> str:
    """Escape text for inline Markdown (table cells included)."""
    return _MD_SPECIAL.sub(r"\\\1", escape(str(text), quote=False))


def attr(text: object) -> str:
    return escape(str(text), quote=True)


def scoped_src(path: str, scope: str) -> str:
    """statistics/index.md for everything, statistics/survey/index.md for the survey's scope."""
    return path if scope == "all" else path.replace("index.md", f"{scope}/index.md")
