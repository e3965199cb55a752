"""Check the records' external links; a link is dead only when it fails twice.

Servers fail now and then; a scheduled check that cried wolf on every
timeout would be ignored. Each failing link is tried again after a pause,
and only a second failure counts.
"""

from __future__ import annotations

import concurrent.futures
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .catalog import Catalog

USER_AGENT = "editsurvey-linkcheck/1 (+https://github.com/)"


@dataclass(frozen=True)
class Link:
    method_id: str
    file: str
    field: str
    url: str


@dataclass(frozen=True)
class Outcome:
    link: Link
    ok: bool
    detail: str  # status code or error


def record_links(catalog: Catalog) -> list[Link]:
    links = []
    for m in catalog.methods:
        file = catalog.files[m.id]
        for field in ("paper", "code", "project"):
            url = getattr(m.links, field)
            if url:
                links.append(Link(m.id, file, f"links.{field}", url))
        if m.links.arxiv:
            links.append(Link(m.id, file, "links.arxiv", f"https://arxiv.org/abs/{m.links.arxiv}"))
        if m.links.doi:
            links.append(Link(m.id, file, "links.doi", f"https://doi.org/{m.links.doi}"))
    return links


def probe(url: str, timeout: float = 20) -> tuple[bool, str]:
    """One attempt: HEAD, then GET where HEAD is refused. 2xx/3xx (after redirects) is alive."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(url, method=method, headers={"User-Agent": USER_AGENT})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return True, str(response.status)
        except urllib.error.HTTPError as exc:
            if method == "HEAD" and exc.code in (403, 405, 501):
                continue  # some hosts refuse HEAD; ask again with GET
            return False, f"HTTP {exc.code}"
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            return False, str(reason)
    return False, "no answer"


def check_links(
    links: Iterable[Link],
    *,
    retry_after: float = 30,
    workers: int = 8,
    attempt: Callable[[str], tuple[bool, str]] = probe,
) -> list[Outcome]:
    """Try every link; try failures once more after `retry_after` seconds."""
    links = list(links)
    unique = sorted({link.url for link in links})

    def run(urls: list[str]) -> dict[str, tuple[bool, str]]:
        with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
            return dict(zip(urls, pool.map(attempt, urls), strict=True))

    first = run(unique)
    failed = [url for url, (ok, _) in first.items() if not ok]
    second: dict[str, tuple[bool, str]] = {}
    if failed:
        time.sleep(retry_after)
        second = run(failed)
    results = {url: second.get(url, first[url]) for url in unique}
    return [Outcome(link, *results[link.url]) for link in links]
