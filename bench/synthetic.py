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


# Pseudo-words built from syllables, ranked: word k is drawn with weight 1/(k+1).
_SYLLABLES = "ba de fi go lu ma ne ri so tu va ze qui xo yan pol ker dif tra sem".split()
VOCABULARY = sorted({a + b + c for a in _SYLLABLES for b in _SYLLABLES for c in ("", *_SYLLABLES)})
random.Random(0).shuffle(VOCABULARY)
VOCABULARY = VOCABULARY[:6000]
ZIPF = [1 / (k + 1) for k in range(len(VOCABULARY))]
FIRST = "Ada Alan Grace Edsger Barbara Donald Frances John Radia Leslie Shafi Yann Fei-Fei Geoffrey".split()
LAST = "Lovelace Turing Hopper Dijkstra Liskov Knuth Allen McCarthy Perlman Lamport Goldwasser LeCun Li Hinton".split()


def make_root(target: Path, count: int, seed: int = 7, realistic: bool = False) -> Path:
    """A data root with `count` synthetic methods; `realistic` adds what real records carry.

    Every record has evidence for each curated value (the validator requires
    it). Realistic records also have authors, arXiv ids, two-sentence
    summaries, a base model, `builds_on` links to earlier records, and
    published results for about one method in ten.
    """
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
    backbones = [n.id for n in tax.assignable("backbones")]
    preprints = {v.name for v in data.venues.model.venues if v.kind == "preprint"}
    order = tax.list_order()
    scored: list[str] = []
    for i in range(1, count + 1):
        year = rng.randint(2021, 2026)
        month = rng.randint(1, 10 if year == 2026 else 12)
        if realistic:  # real titles draw on a large vocabulary, a few words very often (Zipf)
            words = rng.choices(VOCABULARY, weights=ZIPF, k=rng.randint(6, 11))
            title = f"Synth{i:04d}: {' '.join(w.capitalize() for w in words)}"
        else:
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
            "backbone": rng.choice(backbones),
            "summary": f"A synthetic method for benchmarking, about {' and '.join(rng.sample(WORDS, 3))}.",
            "provenance": {"source": "contribution", "strategy": "curated", "conditions": "curated",
                           "tasks": "curated", "backbone": "curated"},
        }
        # Every curated value has its evidence (validate requires it), and so has a venue other than a preprint's.
        pointers = ["abstract", "Fig. 1", "Sec. 4", "Fig. 3; Table 2"]
        curated = [record["strategy"], *record["conditions"], *record["tasks"], record["backbone"]]
        record["evidence"] = {node: rng.choice(pointers) for node in curated}
        if record["venue"] not in preprints:
            # A pointer needs its source among the links: only realistic records have an arXiv id.
            record["evidence"]["venue"] = "arXiv comments" if realistic else "publisher page"
        if realistic:
            record["authors"] = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(rng.randint(2, 8))]
            record["links"]["arxiv"] = f"{year % 100:02d}{month:02d}.{i:05d}"
            record["links"]["paper"] = f"https://arxiv.org/abs/{record['links']['arxiv']}"
            record["base_model"] = rng.choice(["Stable Diffusion 1.5", "Stable Diffusion XL", "Imagen", "FLUX.1-dev"])
            record["summary"] = (f"Edits real images with {' and '.join(rng.sample(WORDS, 3))} guidance of a "
                                 f"pretrained diffusion model. It keeps the {rng.choice(WORDS)} content of the "
                                 f"source image and needs {rng.choice(['no training', 'a short finetuning'])}.")
            if i > 10 and rng.random() < 0.3:
                record["builds_on"] = sorted({f"synthetic-{rng.randint(1, i - 1):04d}" for _ in range(rng.randint(1, 2))})
            if rng.random() < 0.1:
                scored.append(record["id"])
        (target / "methods" / f"{record['id']}.yaml").write_text(format_record(record, order=order), encoding="utf-8")
    if scored:
        _results(target, scored, rng)
    return target


def _results(target: Path, methods: list[str], rng: random.Random) -> None:
    """A benchmark, its metric and one published score per scored method and task."""
    (target / "benchmarks" / "synthetic-bench.yaml").write_text(
        "kind: benchmark\nid: synthetic-bench\nname: SynthBench\ndescription: A synthetic benchmark.\nimages: 50\n"
        "tasks:\n  - {id: replace, label: Replace, task: object-replacement}\n"
        "  - {id: style, label: Style, task: style-change}\n", encoding="utf-8")
    (target / "benchmarks" / "synthetic-score.yaml").write_text(
        "kind: metric\nid: synthetic-score\nname: SynthScore\ndescription: A synthetic score.\n"
        "scale: {min: 1, max: 10}\nhigher_is_better: true\ndecimals: 2\n", encoding="utf-8")
    rows = "".join(f"  - {{task: {task}, method: {m}, mean: {rng.uniform(2, 9):.2f}, std: {rng.uniform(0, 2):.2f}}}\n"
                   for m in methods for task in ("replace", "style"))
    (target / "benchmarks" / "synthetic-results.yaml").write_text(
        "kind: results\nid: synthetic-results\nbenchmark: synthetic-bench\nmetric: synthetic-score\n"
        "source: {title: Synthetic results, url: https://example.org/results}\nresults:\n" + rows, encoding="utf-8")
