"""Synthetic data roots for benchmarks: N made-up methods on the real taxonomy.

The records are clearly fake (example.org links, "Synthetic" names) and are
only ever written to temporary folders.
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from editsurvey.dataset import load_dataset
from editsurvey.recordfmt import format_record

REPO = Path(__file__).resolve().parents[1]
WORDS = ("adaptive attention blended consistent controllable diffusion disentangled drag efficient exact faithful "
         "fast free guided high-fidelity implicit instruction interactive inversion latent layered local mask "
         "multimodal neural noise object precise prompt real reference regional robust semantic sketch spatial "
         "structure style text tuning-free unified universal versatile zero-shot").split()
NOUNS = "editing manipulation translation inpainting composition control synthesis retouching".split()


def make_root(target: Path, count: int, seed: int = 7) -> Path:
    rng = random.Random(seed)
    for part in ("taxonomy", "mkdocs.yml"):
        source = REPO / part
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, target / part)
    (target / "methods").mkdir(parents=True)
    (target / "benchmarks").mkdir()
    data = load_dataset(target)
    tax = data.taxonomy()
    venues = [v.name for v in data.venues.model.venues]
    strategies = [n.id for n in tax.assignable("strategies")]
    conditions = [n.id for n in tax.assignable("conditions")]
    tasks = [n.id for n in tax.assignable("tasks")]
    for i in range(1, count + 1):
        year = rng.randint(2021, 2026)
        month = rng.randint(1, 10 if year == 2026 else 12)
        words = rng.sample(WORDS, 5)
        title = f"Synthetic {i:04d}: {' '.join(w.capitalize() for w in words)} {rng.choice(NOUNS).capitalize()}"
        record = {
            "id": f"synthetic-{i:04d}", "name": f"Synth{i:04d}", "title": title,
            "date": f"{year}-{month:02d}", "venue": rng.choice(venues), "year": year + rng.randint(0, 1) if year < 2026 else year,
            "links": {"paper": f"https://example.org/synthetic/{i:04d}",
                      **({"code": f"https://example.org/synthetic/{i:04d}/code"} if rng.random() < 0.6 else {})},
            "strategy": rng.choice(strategies),
            "conditions": rng.sample(conditions, rng.randint(1, 3)),
            "tasks": rng.sample(tasks, rng.randint(1, 4)),
            "summary": f"A synthetic method for benchmarking, about {' and '.join(rng.sample(WORDS, 3))}.",
            "provenance": {"source": "contribution", "strategy": "curated", "conditions": "curated",
                           "tasks": "curated"},
        }
        order = tax.order_key
        (target / "methods" / f"{record['id']}.yaml").write_text(format_record(record, order=order), encoding="utf-8")
    return target
