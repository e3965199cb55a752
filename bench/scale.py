"""How the catalogue scales: 1,000 and 10,000 synthetic records, every stage timed in one run.

For each size it generates a deterministic synthetic catalogue on the real
taxonomy (authors, arXiv ids, summaries, evidence, `builds_on` links,
published results; see synthetic.py) and measures:

- validate against the bare C-YAML parse of the same files (their ratio),
  cold and again with unchanged files (the parse cache a contributor's
  repeated runs use);
- our page generation and exports against the engine's build (our share);
- the whole build's time and peak memory (ours and the engine's);
- explorer data size (bytes per record, gzipped) and the time of filter
  interactions in Debian's Chromium;
- the site search: time from typing a query to its first result.

It prints a table with the targets and the 10k/1k ratios, and writes JSON.

    .venv/bin/python bench/scale.py [--sizes 1000 10000] [--json bench/scale.json] [--no-browser]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from explorer_bench import ARGS, STEPS, TIMED  # noqa: E402
from synthetic import make_root  # noqa: E402

from editsurvey.catalog import load_catalog  # noqa: E402
from editsurvey.parsecache import ParseCache  # noqa: E402
from editsurvey.site.build import prepare, run_engine  # noqa: E402
from editsurvey.site.content import site_files  # noqa: E402

TARGETS = {
    "validate / parse": 1.5,
    "generation share": 0.10,
    "10k/1k": 11,
    "explorer interaction ms (1k)": 50,
    "explorer interaction ms (10k)": 100,
    "explorer bytes/record gz": 150,
    "search first results ms (10k)": 500,
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


def timed(fn, *args, **kwargs) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return time.perf_counter() - start, result


def bare_parse(root: Path) -> None:
    """The floor: read and parse every data file with PyYAML's C loader, nothing else."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for part in ("taxonomy", "methods", "benchmarks"):
        for path in sorted((root / part).glob("*.yaml")):
            yaml.load(path.read_text(encoding="utf-8"), Loader=loader)


def max_rss_mb(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # kilobytes on Linux


def browser_timings(site: Path, count: int, chromium: str) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(f"{base}/explorer/")
            page.wait_for_selector("#es-explorer[data-ready=true]", timeout=120_000)
            steps = [page.evaluate(TIMED, step) for step in STEPS]
            # Search (Pagefind, assets/search.js): from the first key press to the first result, as a reader
            # meets it, on a fresh page (nothing of the index loaded yet).
            page.goto(f"{base}/")
            page.click(".es-search__button")
            start = time.perf_counter()
            page.locator(".es-search__input").press_sequentially(f"Synth{count // 2:04d}")
            page.wait_for_selector(".es-search__result", timeout=120_000)
            search_ms = (time.perf_counter() - start) * 1000
            browser.close()
    finally:
        server.shutdown()
    return {"explorer_median_ms": statistics.median(steps), "explorer_max_ms": max(steps), "search_ms": search_ms}


def measure(count: int, workdir: Path, browser: bool, chromium: str) -> dict[str, Any]:
    root = make_root(workdir / f"data-{count}", count, realistic=True)
    files = sum(1 for part in ("taxonomy", "methods", "benchmarks") for _ in (root / part).glob("*.yaml"))
    t_parse, _ = timed(bare_parse, root)
    t_validate, (catalog, found) = timed(load_catalog, root)
    assert catalog is not None, [d for d in found if d.severity == "error"][:5]
    cache_file = workdir / f"parse-cache-{count}.json"
    load_catalog(root, cache=ParseCache(cache_file))  # fills the cache, as a contributor's first run does
    t_warm, _ = timed(load_catalog, root, cache=ParseCache(cache_file))
    t_generate, generated = timed(site_files, catalog, root)
    site = workdir / f"site-{count}"
    t_write, prepared = timed(prepare, catalog, root, site)  # generates again, then writes build/pages
    t_engine, _ = timed(run_engine, root, prepared.config_path, site)
    methods_json = (site / "data" / "methods.json").read_bytes()
    result: dict[str, Any] = {
        "records": count,
        "files": files,
        "parse_s": t_parse,
        "validate_s": t_validate,
        "validate_over_parse": t_validate / t_parse,
        "validate_warm_s": t_warm,
        "validate_warm_over_parse": t_warm / t_parse,
        "generate_s": t_generate,
        "write_s": max(t_write - t_generate, 0.0),
        "engine_s": t_engine,
        "build_s": t_validate + t_write + t_engine,
        "generation_share": t_generate / (t_validate + t_write + t_engine),
        "pages": sum(1 for path in generated if path.endswith(".md")),
        "peak_mb_ours": max_rss_mb(resource.RUSAGE_SELF),
        "peak_mb_engine": max_rss_mb(resource.RUSAGE_CHILDREN),
        "explorer_bytes_per_record_gz": len(gzip.compress(methods_json, 9)) / count,
        "search_index_mb": sum(p.stat().st_size for p in (site / "pagefind").rglob("*") if p.is_file()) / 1e6,
    }
    if browser:
        result.update(browser_timings(site, count, chromium))
    return result


def table(results: list[dict[str, Any]]) -> str:
    rows = [
        ("records", "records", "{:,.0f}", None),
        ("bare C-YAML parse (s)", "parse_s", "{:.2f}", None),
        ("validate (s)", "validate_s", "{:.2f}", None),
        ("validate / parse", "validate_over_parse", "{:.2f}", "≤ 1.5"),
        ("validate again, unchanged files (s)", "validate_warm_s", "{:.2f}", None),
        ("validate again / parse", "validate_warm_over_parse", "{:.2f}", "≤ 1.5"),
        ("our generation + exports (s)", "generate_s", "{:.2f}", None),
        ("engine build (s)", "engine_s", "{:.1f}", None),
        ("whole build (s)", "build_s", "{:.1f}", None),
        ("generation share of build", "generation_share", "{:.1%}", "≤ 10%"),
        ("peak memory, ours (MB)", "peak_mb_ours", "{:.0f}", None),
        ("peak memory, engine (MB)", "peak_mb_engine", "{:.0f}", None),
        ("explorer data (B/record, gz)", "explorer_bytes_per_record_gz", "{:.0f}", "≤ 150"),
        ("explorer interaction, median (ms)", "explorer_median_ms", "{:.1f}", "< 50 (1k), < 100 (10k)"),
        ("explorer interaction, max (ms)", "explorer_max_ms", "{:.1f}", None),
        ("search index, all chunks (MB)", "search_index_mb", "{:.1f}", None),
        ("search, first results (ms)", "search_ms", "{:.0f}", "< 500 (10k)"),
    ]
    head = ["measure", *[f"{r['records']:,}" for r in results], "target"]
    lines = [" | ".join(head), " | ".join("---" for _ in head)]
    for label, key, form, target in rows:
        cells = [form.format(r[key]) if key in r else "—" for r in results]
        lines.append(" | ".join([label, *cells, target or ""]))
    if len(results) >= 2:
        small, large = results[0], results[-1]
        factor = large["records"] / small["records"]
        for label, key in (("validate", "validate_s"), ("generation", "generate_s"), ("whole build", "build_s")):
            lines.append(f"{label} {large['records'] // 1000}k/{small['records'] // 1000}k ratio | "
                         f"{large[key] / small[key]:.1f}× for {factor:.0f}× the records | target ≤ 11×")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--json", type=Path, default=Path(__file__).with_name("scale.json"))
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        for size in args.sizes:
            print(f"measuring {size:,} records…", file=sys.stderr, flush=True)
            results.append(measure(size, Path(tmp), not args.no_browser, args.chromium))
    print(table(results))
    payload = {"machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
               "targets": TARGETS, "results": results}
    args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
