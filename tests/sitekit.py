"""Helpers for tests on the data and the site: copying the data, running the CLI, building, parsing HTML."""

from __future__ import annotations

import functools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlsplit

from bs4 import BeautifulSoup

REPO = Path(__file__).resolve().parents[1]
DATA_PARTS = ("taxonomy", "methods", "benchmarks", "docs", "mkdocs.yml", "CONTRIBUTING.md")


def copy_data(target: Path) -> Path:
    """A data root with the repository's data and site settings, outside the repository."""
    target.mkdir(parents=True, exist_ok=True)
    for part in DATA_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        elif source.is_file():
            shutil.copy2(source, target / part)
    return target


# ------------------------------------------------------------------- the CLI

def cli(*args: str, input: str | None = None):
    """`editsurvey ARGS` in this process (click's CliRunner); exceptions propagate."""
    from click.testing import CliRunner

    from editsurvey.cli import main

    return CliRunner().invoke(main, list(args), input=input, catch_exceptions=False)


def editsurvey(*args: str, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess:
    """`editsurvey ARGS` as a subprocess."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run([sys.executable, "-m", "editsurvey", *args], cwd=cwd or REPO, env=env,
                            capture_output=True, text=True)
    if check and result.returncode != 0:
        raise AssertionError(f"editsurvey {' '.join(args)} failed ({result.returncode}):\n"
                             f"{result.stdout}\n{result.stderr}")
    return result


def build(root: Path, site: Path | None = None) -> Path:
    site = site or root / "site"
    editsurvey("build", "--root", str(root), "--site-dir", str(site))
    return site


# -------------------------------------------------------- `editsurvey serve`

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    """The body of a 2xx answer, or None (no answer, or an HTTP error)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def wait_for(url: str, predicate, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        body = fetch(url)
        if body is not None and predicate(body):
            return body
        time.sleep(0.5)
    raise AssertionError(f"{url} did not show the expected content within {timeout} s")


# ---------------------------------------------------------------------- HTML

def soup(path: Path) -> BeautifulSoup:
    """The parsed page, parsed once per version of the file: callers must not modify it."""
    stat = path.stat()
    return _parse(Path(path).resolve(), stat.st_mtime_ns, stat.st_size)


@functools.cache
def _parse(path: Path, mtime_ns: int, size: int) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def content(page: BeautifulSoup):
    """The page's main article, without navigation, header and footer."""
    return page.select_one("article.md-content__inner") or page


def resolve(site: Path, page: Path, href: str) -> tuple[Path | None, str]:
    """The file a relative href points to (directory -> index.html), and its fragment."""
    url, fragment = urldefrag(href)
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or href.startswith(("mailto:", "javascript:", "data:")):
        return None, ""
    if not parts.path:
        return page, fragment
    base = site if parts.path.startswith("/") else page.parent  # root-relative, as on 404.html
    target = (base / unquote(parts.path.lstrip("/"))).resolve()
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, fragment


def method_links(element, site: Path, page: Path) -> list[str]:
    """Ids of the method pages linked from an element, in document order."""
    ids = []
    for a in element.find_all("a", href=True):
        target, _ = resolve(site, page, a["href"])
        if target is None:
            continue
        rel = target.relative_to(site.resolve()).as_posix() if target.is_relative_to(site.resolve()) else ""
        parts = rel.split("/")
        if len(parts) == 3 and parts[0] == "methods" and parts[2] == "index.html":
            ids.append(parts[1])
    return ids
