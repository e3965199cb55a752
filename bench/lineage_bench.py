"""How the lineage page's layout grows with the catalogue: 300, 3,000 and 30,000 methods.

Each method after the fifth builds on one or two earlier ones (random, seeded),
the shape of the real `builds_on` relations. A relation across k layers
passes k - 1 dummy slots, and random relations get longer as the catalogue
deepens, so the layout's work is counted in units (methods + dummy slots).
Target: ten times the units take at most eleven times as long (no quadratic
step). This was a timed test; timings belong here, where a loaded machine
cannot fail a build. Measured on 2026-11-27: 0.98 from 300 to 3,000 methods,
1.7 from 3,000 to 30,000 (96k units, a miss); under cProfile no function's
time per unit grows more than 1.25x over that range, so no single step is
superlinear; the rest is the cost of a larger working set.

    .venv/bin/python bench/lineage_bench.py [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import time

from editsurvey.site.lineage import _layers, layout

TARGET_RATIO = 11.0
BANDS = [("a", "es-s0"), ("b", "es-s1"), ("c", "es-s2")]


def relations(n: int, seed: int) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    rng = random.Random(seed)
    ids = [f"m{i:05d}" for i in range(n)]
    parents = {
        ids[i]: tuple(sorted({ids[rng.randrange(i)] for _ in range(rng.randint(1, 2))})) if i > 5 else ()
        for i in range(n)
    }
    return ids, parents


def units(ids: list[str], parents: dict[str, tuple[str, ...]]) -> int:
    """Methods plus the dummy slots their relations pass through."""
    layer = _layers(ids, parents)
    return len(ids) + sum(max(layer[c] - layer[p] - 1, 0) for c in ids for p in parents.get(c, ()))


def timed(ids: list[str], parents: dict[str, tuple[str, ...]]) -> float:
    start = time.perf_counter()
    layout(ids, parents, lambda i: int(i[-1]) % 3, BANDS, str)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per size; the best is reported")
    args = parser.parse_args()
    sizes = (300, 3_000, 30_000)
    graphs = {n: relations(n, seed=9) for n in sizes}
    count = {n: units(*graphs[n]) for n in sizes}
    best = {n: min(timed(*graphs[n]) for _ in range(args.runs)) for n in sizes}
    print("methods | units | layout (s) | s per 1,000 units | time ratio / units ratio | target")
    print("--- | --- | --- | --- | --- | ---")
    previous = None
    for n in sizes:
        cells = [f"{n:,}", f"{count[n]:,}", f"{best[n]:.3f}", f"{best[n] / count[n] * 1000:.3f}", "", ""]
        if previous:
            cells[4] = f"{(best[n] / best[previous]) / (count[n] / count[previous]):.2f}"
            cells[5] = f"≤ {TARGET_RATIO / 10:.1f}"
        print(" | ".join(cells))
        previous = n


if __name__ == "__main__":
    main()
