"""The fast paths give exactly what the simple ones gave: loader, near-duplicate titles, related methods.

Each fast path replaced a slow but obviously correct one (see bench/scale.py
for the timings); these tests keep the obvious version as the oracle.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest
from rapidfuzz import fuzz

from editsurvey.catalog import Catalog
from editsurvey.loader import _CAREFUL, EventReader, _fast_load, load_document
from editsurvey.validate import TITLE_SIMILARITY, normalise_title, similar_pairs, validate_root
from sitekit import REPO

sys.path.insert(0, str(REPO / "bench"))
from synthetic import make_root  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    return make_root(tmp_path_factory.mktemp("synthetic") / "data", 400, seed=3)


def all_yaml(root: Path) -> list[Path]:
    return sorted(p for part in ("taxonomy", "methods", "benchmarks") for p in (root / part).glob("*.yaml"))


@pytest.mark.parametrize("root_name", ["repository", "synthetic"])
def test_fast_loader_reads_what_the_careful_reader_reads(root_name, synthetic):
    root = REPO if root_name == "repository" else synthetic
    fast = 0
    for path in all_yaml(root):
        text = path.read_text(encoding="utf-8-sig")
        data = _fast_load(text)
        if data is _CAREFUL:
            continue
        fast += 1
        reader = EventReader(text, path.name)
        assert data == reader.build(), path
        doc, problems = load_document(path, root)
        assert problems == [] and doc is not None
        assert (doc.values, doc.keys) == (reader.values, reader.keys), path  # positions, found on demand
    assert fast > 0.9 * len(all_yaml(root))


@pytest.mark.parametrize("text", [
    "a: 1\na: 2\n", "a: &x 1\nb: *x\n", "a: !!python/object:os.system x\n", "? [a]\n: 1\n", "a: 1\n---\nb: 2\n",
    "a: [1\n", "x: " + "[" * 40 + "]" * 40 + "\n", "2023-04: date key\n", "null: 1\n1: 2\n",
])
def test_fast_loader_defers_what_needs_a_careful_report(text):
    data = _fast_load(text)
    if data is not _CAREFUL:  # whatever it accepts, it reads as the careful reader does
        assert data == EventReader(text, "t.yaml").build()
    else:
        assert text.startswith(("a: 1\na", "a: &", "a: !", "? ", "a: 1\n---", "a: [", "x: "))


def brute_force_pairs(titles: list[str]) -> list[tuple[int, int]]:
    return [(i, j) for i in range(len(titles)) for j in range(i + 1, len(titles))
            if fuzz.ratio(titles[i], titles[j], score_cutoff=TITLE_SIMILARITY)]


def test_title_index_finds_what_comparing_every_pair_finds(synthetic):
    rng = random.Random(5)
    titles = [normalise_title(p.read_text().split("title: ", 1)[1].split("\n", 1)[0])
              for p in sorted((synthetic / "methods").glob("*.yaml"))]
    titles += [normalise_title(p.read_text().split("\ntitle: ", 1)[1].split("\n", 1)[0])
               for p in sorted((REPO / "methods").glob("*.yaml"))]
    # Near-duplicates: a typo, a dropped word, an added word, two typos.
    for base in rng.sample(titles, 30):
        words = base.split()
        k = rng.randrange(len(words))
        typo = words[:k] + [words[k][:-1] + "x"] + words[k + 1:]
        titles += [" ".join(typo), " ".join(words[:k] + words[k + 1:]), base + " revisited",
                   " ".join(w[:-1] + "q" if i in (0, len(words) - 1) else w for i, w in enumerate(words))]
    expected = brute_force_pairs(titles)
    assert len(expected) > 30
    assert similar_pairs(titles) == expected


def brute_force_related(cat: Catalog, method, limit: int = 5):
    mine = set(method.tasks) | set(method.conditions)
    sub = cat.sub_category(method)
    scored = []
    for other in cat.methods:
        if other.id == method.id:
            continue
        shared = len(mine & (set(other.tasks) | set(other.conditions)))
        same = cat.sub_category(other) == sub
        if same or shared:
            scored.append((-int(same), -shared, other.id, other))
    scored.sort(key=lambda t: t[:3])
    return [(t[3], -t[1]) for t in scored[:limit]]


@pytest.mark.parametrize("root_name", ["repository", "synthetic"])
def test_related_methods_equal_scoring_every_pair(root_name, synthetic):
    root = REPO if root_name == "repository" else synthetic
    data, _ = validate_root(root)
    cat = Catalog.from_dataset(data)
    for m in cat.methods:
        assert [(o.id, n) for o, n in cat.related(m)] == [(o.id, n) for o, n in brute_force_related(cat, m)], m.id


def test_parse_cache_serves_unchanged_files_and_never_a_stale_one(tmp_path, monkeypatch):
    from editsurvey import loader
    from editsurvey.parsecache import ParseCache

    root = make_root(tmp_path / "data", 30, seed=9, realistic=True)
    path = tmp_path / "cache.json"
    first, _ = validate_root(root, cache=ParseCache(path))
    assert path.is_file()
    parsed: list[str] = []
    real = loader._fast_load
    monkeypatch.setattr(loader, "_fast_load", lambda text: parsed.append(text) or real(text))
    record = root / "methods/synthetic-0003.yaml"
    record.write_text(record.read_text().replace("name: Synth0003", "name: Renamed"))
    second, found = validate_root(root, cache=ParseCache(path))
    assert len(parsed) == 1 and "name: Renamed" in parsed[0]  # only the edited file was parsed again
    assert [m.model for m in second.methods if m.model.id == "synthetic-0003"][0].name == "Renamed"
    assert [m.model for m in second.methods] != [m.model for m in first.methods]
    assert not [d for d in found if d.severity == "error"]


def test_a_broken_cache_file_is_ignored(tmp_path):
    from editsurvey.parsecache import ParseCache

    root = make_root(tmp_path / "data", 5, seed=9)
    path = tmp_path / "cache.json"
    path.write_text("{not json")
    data, found = validate_root(root, cache=ParseCache(path))
    assert len(data.methods) == 5 and not [d for d in found if d.severity == "error"]


def test_the_cache_lives_outside_the_repository(tmp_path, monkeypatch):
    from editsurvey.parsecache import user_cache

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    cache = user_cache(REPO)
    assert cache is not None and cache.path.is_relative_to(tmp_path / "xdg")
    monkeypatch.setenv("EDITSURVEY_NO_CACHE", "1")
    assert user_cache(REPO) is None


def test_progress_shows_on_a_terminal_only():
    import io

    from editsurvey.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    for stream, expect in ((io.StringIO(), ""), (Terminal(), "records: 3/3")):
        progress = Progress("records", 3, stream=stream, interval=0)
        for _ in range(3):
            progress.advance()
        progress.close()
        assert (expect in stream.getvalue()) if expect else stream.getvalue() == ""
