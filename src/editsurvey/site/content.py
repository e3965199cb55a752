"""What goes into the docs dir: generated pages, exports, assets, hand-written pages, redirects.

`site_files(catalog, root)` returns {path under docs_dir: bytes}; nothing
here writes to the disk.
"""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from ..catalog import Catalog
from ..gcpause import gc_paused
from .errors import BuildError
from .exports import export_files
from .links import attr, page_src
from .pages import TEMPLATES, render_pages

ASSETS = Path(__file__).parent / "assets"
HANDWRITTEN_DIR = "docs"


def _static_env() -> jinja2.Environment:
    """Templates of whole HTML files (no Markdown, no engine): values are escaped with attr()."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=False,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(attr=attr)
    return env


def redirect_page(target_url: str) -> str:
    """A static page that forwards an old method URL to the current one."""
    return _static_env().get_template("redirect.html.j2").render(target=target_url)


def site_files(catalog: Catalog, root: Path) -> dict[str, bytes]:
    """Every file of the docs dir: generated pages, exports, assets, hand-written pages, redirects."""
    files: dict[str, bytes] = {}
    handwritten = root / HANDWRITTEN_DIR
    if handwritten.is_dir():
        for path in sorted(handwritten.rglob("*")):
            if path.is_file():
                files[path.relative_to(handwritten).as_posix()] = path.read_bytes()
    contributing = root / "CONTRIBUTING.md"
    if contributing.is_file():
        text = contributing.read_text(encoding="utf-8")
        files["contributing.md"] = site_links(text, set(catalog.taxonomy.axes)).encode("utf-8")

    with gc_paused():
        generated: dict[str, str] = {**render_pages(catalog, set(files)), **export_files(catalog)}
    for method in catalog.methods:
        for old in method.former_ids or []:
            generated[f"methods/{old}/index.html"] = redirect_page(f"../{method.id}/")
    for path in sorted(ASSETS.rglob("*")):
        if path.is_file():
            files[f"assets/{path.relative_to(ASSETS).as_posix()}"] = path.read_bytes()
    clashes = sorted(set(files) & set(generated))
    if clashes:
        raise BuildError(f"{HANDWRITTEN_DIR}/{clashes[0]} has the name of a generated page; rename it")
    files.update({k: v.encode("utf-8") for k, v in generated.items()})
    return dict(sorted(files.items()))


_MD_LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
# The reader's own machine (`editsurvey serve`): an address to type there, never a link from the public site.
_LOCAL = r"https?://(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?(?:/[^\s<>()]*)?"
_LOCAL_AUTOLINK = re.compile(rf"<({_LOCAL})>")


def site_links(text: str, axes: set[str]) -> str:
    """Repository-relative links of a root Markdown file, as links that work on the site.

    `taxonomy/<axis>.yaml` becomes that axis' page; other repository files
    have no page, so their links become plain text. Links to a local server (`http://127.0.0.1:8000/`)
    become code: on the site they would point at the reader's own machine.
    """

    def replace(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if re.fullmatch(_LOCAL, target):
            return f"{label} (`{target}`)" if label != target else f"`{target}`"
        if re.match(r"^(https?:|mailto:|#)", target):
            return match.group(0)
        axis = re.fullmatch(r"taxonomy/([a-z0-9-]+)\.yaml", target)
        if axis and axis.group(1) in axes:
            return f"[{label}]({page_src(axis.group(1))})"
        return label

    return _LOCAL_AUTOLINK.sub(r"`\1`", _MD_LINK.sub(replace, text))
