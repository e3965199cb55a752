"""How long one explorer interaction takes with 1,000 methods, in Debian's Chromium.

Builds a site from 1,000 synthetic methods, opens the explorer, and times
interactions (tick a facet value, switch any/all, sort, type a search, show
more rows) from the event to the end of the re-render, layout included.
Target: under 50 ms each. Also reports how long validation and the build take.

    .venv/bin/python bench/explorer_bench.py [--count 1000] [--runs 3]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from synthetic import make_root  # noqa: E402

from editsurvey.catalog import load_catalog  # noqa: E402
from editsurvey.site.build import prepare, run_engine  # noqa: E402

TARGET_MS = 50
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]

# Each step runs in the page and returns milliseconds from the event to the re-rendered, laid-out table.
TIMED = """
(step) => {
  const t0 = performance.now();
  if (step.kind === 'click') document.querySelector(step.selector).click();
  if (step.kind === 'type') {
    const q = document.getElementById('es-q');
    q.value = step.value;
    q.dispatchEvent(new Event('input', {bubbles: true}));
  }
  document.getElementById('es-rows').offsetHeight;  // force style and layout
  return performance.now() - t0;
}
"""

STEPS = [
    {"kind": "click", "selector": "#es-more"},  # the next page of rows
    {"kind": "click", "selector": "#es-more"},
    {"kind": "click", "selector": "[role=columnheader][data-sort=title] button"},  # all rows, re-sorted
    {"kind": "click", "selector": "[role=columnheader][data-sort=date] button"},
    {"kind": "type", "value": "a"},  # nearly all rows
    {"kind": "type", "value": ""},
    {"kind": "click", "selector": "#es-condition-mask"},
    {"kind": "click", "selector": "#es-task-object-replacement"},
    {"kind": "click", "selector": "#es-task-style-change"},
    {"kind": "click", "selector": "input[name=es-mode-task][value=all]"},
    {"kind": "click", "selector": "#es-strategy-training-and-finetuning-free"},
    {"kind": "click", "selector": "#es-code"},
    {"kind": "click", "selector": "[role=columnheader][data-sort=name] button"},
    {"kind": "click", "selector": "[role=columnheader][data-sort=name] button"},
    {"kind": "type", "value": "attention"},
    {"kind": "type", "value": ""},
    {"kind": "click", "selector": "#es-code"},
    {"kind": "click", "selector": "#es-strategy-training-and-finetuning-free"},
    {"kind": "click", "selector": "input[name=es-mode-task][value=any]"},
    {"kind": "click", "selector": "#es-task-style-change"},
    {"kind": "click", "selector": "#es-task-object-replacement"},
    {"kind": "click", "selector": "[role=columnheader][data-sort=date] button"},
    {"kind": "click", "selector": "#es-condition-mask"},
]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--verbose", action="store_true", help="print every interaction")
    args = parser.parse_args()

    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        root = make_root(Path(tmp) / "data", args.count)
        t0 = time.perf_counter()
        catalog, found = load_catalog(root)
        t_validate = time.perf_counter() - t0
        assert catalog is not None, found[:5]
        site = root / "site"
        t0 = time.perf_counter()
        prepared = prepare(catalog, root, site)
        t_generate = time.perf_counter() - t0
        t0 = time.perf_counter()
        run_engine(root, prepared.config_path, site)
        t_engine = time.perf_counter() - t0
        print(f"{args.count} methods: validate {t_validate:.2f} s, generate {t_generate:.2f} s, "
              f"mkdocs build {t_engine:.2f} s")

        handler = functools.partial(_Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/explorer/"
        timings: list[float] = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            for _ in range(args.runs):
                page.goto(url)
                page.wait_for_selector("#es-explorer[data-ready=true]")
                shown = page.eval_on_selector_all("#es-rows [role=row]", "r => r.length")
                assert shown == min(args.count, 100), shown  # the first page of rows
                for step in STEPS:
                    timings.append(page.evaluate(TIMED, step))
                    if args.verbose:
                        rows = page.eval_on_selector_all("#es-rows [role=row]", "r => r.length")
                        print(f"  {timings[-1]:7.1f} ms  {rows:5d} rows  {step}")
            browser.close()
        server.shutdown()

    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(f"explorer, {len(timings)} interactions over {args.count} methods: median {statistics.median(timings):.1f} ms, "
          f"p95 {p95:.1f} ms, max {timings[-1]:.1f} ms (target < {TARGET_MS} ms)")
    return 0 if timings[-1] < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
