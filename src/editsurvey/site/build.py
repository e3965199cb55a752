"""Turn the catalog into a site: generated Markdown + static files, then the engine.

The generator writes plain Markdown pages, exports and assets into
build/pages/ and a complete engine config into build/mkdocs.yml; the engine
(MkDocs, or Zensical, which reads the same file) renders them. No site
feature depends on an engine plugin of ours.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..catalog import Catalog
from .exports import export_files
from .links import attr, benchmark_src, node_src, page_src
from .pages import render_pages
from .process import run_child
from .target import mark, refusal

ASSETS = Path(__file__).parent / "assets"
BUILD_DIR = "build"
PAGES_DIR = "pages"
CONFIG_NAME = "mkdocs.yml"
HANDWRITTEN_DIR = "docs"
WATCHED = ("taxonomy", "methods", "benchmarks", "docs", "CONTRIBUTING.md", "mkdocs.yml")


class BuildError(Exception):
    """A problem that stops the build; its message says what to do."""


# ----------------------------------------------------------------- content

def redirect_page(target_url: str) -> str:
    """A static page that forwards an old method URL to the current one."""
    return (
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>Moved</title>\n<link rel=\"canonical\" href=\"{attr(target_url)}\">\n"
        f"<meta http-equiv=\"refresh\" content=\"0; url={attr(target_url)}\">\n"
        "<meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n"
        f"<p>This method has moved to <a href=\"{attr(target_url)}\">{attr(target_url)}</a>.</p>\n"
        "</body>\n</html>\n"
    )


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


def site_links(text: str, axes: set[str]) -> str:
    """Repository-relative links of a root Markdown file, as links that work on the site.

    `taxonomy/<axis>.yaml` becomes that axis' page; other repository files
    have no page, so their links become plain text.
    """
    def replace(match: re.Match[str]) -> str:
        label, target = match.group(1), match.group(2)
        if re.match(r"^(https?:|mailto:|#)", target):
            return match.group(0)
        axis = re.fullmatch(r"taxonomy/([a-z0-9-]+)\.yaml", target)
        if axis and axis.group(1) in axes:
            return f"[{label}]({page_src(axis.group(1))})"
        return label

    return _MD_LINK.sub(replace, text)


# -------------------------------------------------------------------- nav

def _tree_nav(catalog: Catalog, axis: str, node_ids: list[str]) -> list[Any]:
    items: list[Any] = []
    for node_id in node_ids:
        node = catalog.taxonomy.nodes[node_id]
        src = node_src(axis, node_id)
        kids = catalog.taxonomy.children.get(node_id, [])
        if kids:
            items.append({node.label: [{"Overview": src}, *_tree_nav(catalog, axis, kids)]})
        else:
            items.append({node.label: src})
    return items


def _present(items: list[dict[str, str]], files: dict[str, bytes]) -> list[dict[str, str]]:
    """The nav entries whose page exists (hand-written pages may be absent)."""
    return [item for item in items if next(iter(item.values())) in files]


def navigation(catalog: Catalog, files: dict[str, bytes]) -> list[Any]:
    methods = [{"All methods": page_src("methods")},
               *_present([{"Explorer": page_src("explorer")}, {"Matrix": page_src("matrix")},
                          {"Coverage": page_src("coverage")}], files)]
    nav: list[Any] = [{"Home": "index.md"}, {"Methods": methods}]
    for axis_id, axis in catalog.taxonomy.axes.items():
        roots = [n.id for n in catalog.taxonomy.roots(axis_id)]
        nav.append({axis.label: [{"Overview": page_src(axis_id)}, *_tree_nav(catalog, axis_id, roots)]})
    bench: list[Any] = [{"Leaderboard": page_src("leaderboard")}]
    bench += [{b.name: benchmark_src(b.id)} for b in catalog.benchmarks]
    bench += [{m.name: benchmark_src(m.id)} for m in catalog.metrics]
    nav.append({"Benchmarks": bench})
    nav.append({"Statistics": page_src("statistics")})
    about = _present([{"About": "about.md"}, {"Data and exports": "data.md"}, {"Contributing": "contributing.md"}],
                     files)
    if about:
        nav.append({"About": about})
    return nav


def engine_config(root: Path, catalog: Catalog, files: dict[str, bytes], site_dir: Path,
                  hooks: list[str] | None = None) -> dict[str, Any]:
    base_path = root / CONFIG_NAME
    try:
        base = yaml.safe_load(base_path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise BuildError(f"{CONFIG_NAME}: cannot read the site settings: {exc}") from exc
    config = dict(base)
    config["docs_dir"] = PAGES_DIR
    config["site_dir"] = os.path.relpath(site_dir, root / BUILD_DIR)
    config["nav"] = navigation(catalog, files)
    if hooks:
        config["hooks"] = hooks
    return config


# ----------------------------------------------------------------- writing

def write_tree(files: dict[str, bytes], target: Path) -> None:
    """Replace `target` with exactly `files`, all at once (no half-written state)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    staging.chmod(0o755)
    try:
        for rel, content in files.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        _swap(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def sync_tree(files: dict[str, bytes], target: Path) -> list[str]:
    """Make `target` hold exactly `files`, touching only what changed (for live reload)."""
    changed = []
    target.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = target / rel
        if path.is_file() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        changed.append(rel)
    for path in sorted(target.rglob("*"), reverse=True):
        rel = path.relative_to(target).as_posix()
        if path.is_file() and rel not in files:
            path.unlink()
            changed.append(rel)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return changed


def _swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target`; the old folder is moved aside under a fresh name, then removed."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        old.rmdir()
        target.rename(old)
    shutil.move(str(new), str(target))  # a rename, unless the two are on different file systems
    if old is not None:
        shutil.rmtree(old)


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """One build at a time per repository: two would swap the same folders under each other."""
    lock_path = root / BUILD_DIR / ".lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with lock_path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BuildError("another build is running in this repository; wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def write_config(root: Path, config: dict[str, Any]) -> Path:
    """Write build/mkdocs.yml, leaving it untouched when nothing changed."""
    path = root / BUILD_DIR / CONFIG_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    text = ("# Generated by `editsurvey build` from mkdocs.yml and the data; do not edit.\n"
            + yaml.safe_dump(config, sort_keys=False, allow_unicode=True, width=120))
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


# ---------------------------------------------------------------- building

HOOK = Path(__file__).with_name("mkdocs_hook.py")


def serve_hooks() -> list[str]:
    return [str(HOOK)]


@dataclass
class Prepared:
    config_path: Path
    files: dict[str, bytes]


def prepare(catalog: Catalog, root: Path, site_dir: Path, hooks: list[str] | None = None,
            atomic: bool = True) -> Prepared:
    """Write build/pages/ and build/mkdocs.yml."""
    files = site_files(catalog, root)
    pages = root / BUILD_DIR / PAGES_DIR
    if atomic:
        write_tree(files, pages)
    else:
        sync_tree(files, pages)
    config_path = write_config(root, engine_config(root, catalog, files, site_dir, hooks))
    return Prepared(config_path, files)


def zensical_executable() -> str:
    """Zensical's command from this Python's environment (the venv need not be activated)."""
    beside = Path(sys.executable).with_name("zensical")
    found = str(beside) if beside.is_file() else shutil.which("zensical")
    if not found:
        raise BuildError("Zensical is not installed in this environment; "
                         "install it with `pip install -e '.[zensical]'` or build with --engine mkdocs")
    return found


def engine_command(engine: str, config_path: Path, out_dir: Path, strict: bool) -> list[str]:
    if engine == "zensical":
        return [zensical_executable(), "build", "--config-file", str(config_path)]
    command = [sys.executable, "-m", "mkdocs", "build", "--config-file", str(config_path),
               "--site-dir", str(out_dir)]
    if strict:
        command.append("--strict")
    return command


def run_engine(root: Path, config_path: Path, site_dir: Path, *, engine: str = "mkdocs",
               strict: bool = True) -> None:
    """Render into a temporary folder and swap it in only when the engine succeeds."""
    problem = refusal(root, site_dir)
    if problem:
        raise BuildError(f"will not write the site to {site_dir}: {problem}")
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    # Zensical only writes inside the config's folder; MkDocs stages next to the target.
    staging_parent = config_path.parent if engine == "zensical" else site_dir.parent
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-", dir=staging_parent))
    staging.chmod(0o755)
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    config = config_path
    if engine == "zensical":
        # Zensical takes the output folder from the config only.
        data = yaml.safe_load(config_path.read_text(encoding="utf-8"))
        data["site_dir"] = os.path.relpath(staging, config_path.parent)
        config = config_path.with_name("zensical.yml")
        config.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        result = run_child(engine_command(engine, config, staging, strict), cwd=root, env=env, capture=True)
        if result.returncode != 0:
            lines = (result.stdout + "\n" + result.stderr).splitlines()
            important = [line for line in lines if line.startswith(("WARNING", "ERROR", "Aborted", "Error"))]
            output = "\n".join(important or lines)
            raise BuildError(f"the {engine} build failed; the previous site was left as it was:\n{output}")
        mark(staging)
        _swap(staging, site_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
