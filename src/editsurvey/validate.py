"""Rules that look across files: references, duplicates, dates, cycles.

Each rule yields diagnostics that point at the exact value at fault and say
what to do about it.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from pathlib import Path
from typing import Iterable, Iterator

from rapidfuzz import fuzz, process

from .dataset import DataSet, Loaded, load_dataset
from .diagnostics import Diagnostic, sort_diagnostics
from .loader import Document
from .models import MethodRecord
from .taxonomy import AXIS_OF_FIELD, Taxonomy

TITLE_SIMILARITY = 92  # rapidfuzz ratio (0-100) above which two titles are "nearly identical"
MAX_SUMMARY_SENTENCES = 3


def suggest(value: str, candidates: Iterable[str]) -> str | None:
    close = difflib.get_close_matches(value, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def today_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date()


# ------------------------------------------------------------------ taxonomy

def check_taxonomy(data: DataSet, tax: Taxonomy) -> Iterator[Diagnostic]:
    first_seen: dict[str, str] = {}
    for stem, loaded in data.axes.items():
        axis, doc = loaded.model, loaded.doc
        if axis.axis != stem:
            yield doc.diagnostic(("axis",), "axis-mismatch",
                                 f"`axis` is `{axis.axis}` but the file is {stem}.yaml",
                                 f"set `axis: {stem}` or rename the file")
        for i, level in enumerate(axis.assignable_levels):
            if level not in axis.levels:
                yield doc.diagnostic(("assignable_levels", i), "unknown-level",
                                     f"`{level}` is not one of this axis' levels", suggest(level, axis.levels))
        by_id = {n.id: n for n in axis.nodes}
        for i, node in enumerate(axis.nodes):
            if node.id in first_seen:
                yield doc.diagnostic(("nodes", i, "id"), "duplicate-node",
                                     f"taxonomy id `{node.id}` is already defined in {first_seen[node.id]}",
                                     "taxonomy ids are unique across all axes; choose another id")
                continue
            first_seen[node.id] = doc.rel
            if node.parent is not None and node.parent not in by_id:
                yield doc.diagnostic(("nodes", i, "parent"), "unknown-parent",
                                     f"parent `{node.parent}` is not a node of this axis",
                                     suggest(node.parent, by_id) or "name a node defined in this file")
                continue
            seen, current = {node.id}, node
            while current.parent in by_id:
                current = by_id[current.parent]
                if current.id in seen:
                    yield doc.diagnostic(("nodes", i, "parent"), "parent-cycle",
                                         f"`{node.id}` is its own ancestor", "break the loop of `parent` links")
                    break
                seen.add(current.id)
            else:
                depth = len(seen) - 1
                if depth >= len(axis.levels):
                    yield doc.diagnostic(("nodes", i, "parent"), "too-deep",
                                         f"`{node.id}` sits at depth {depth + 1} but the axis has "
                                         f"{len(axis.levels)} levels ({', '.join(axis.levels)})",
                                         "attach it higher up or add a level to `levels`")
    if data.venues:
        seen_names: dict[str, int] = {}
        for i, venue in enumerate(data.venues.model.venues):
            if venue.name in seen_names:
                yield data.venues.doc.diagnostic(("venues", i, "name"), "duplicate-venue",
                                                 f"venue `{venue.name}` is listed twice",
                                                 "keep one entry")
            seen_names.setdefault(venue.name, i)


# ---------------------------------------------------------------------- text

# Invisible characters no field holds: C0/C1 controls, DEL, line and paragraph
# separators, and bidirectional overrides (which make text read differently
# from how it is stored).
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MULTILINE_FIELDS = frozenset({"summary", "description"})


def _strings(value: object, loc: tuple) -> Iterator[tuple[tuple, str]]:
    if isinstance(value, str):
        yield loc, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(item, loc + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _strings(item, loc + (i,))


def check_text(doc: Document) -> Iterator[Diagnostic]:
    """Every string of a file: no invisible characters, one line unless a multi-line field, names plain."""
    for loc, text in _strings(doc.data, ()):
        field_name = next((p for p in reversed(loc) if isinstance(p, str)), "")
        shown = ".".join(str(p) for p in loc) or "value"
        bad = _INVISIBLE.search(text)
        if bad is None and "\n" in text and field_name not in MULTILINE_FIELDS:
            yield doc.diagnostic(loc, "control-character", f"`{shown}` holds a line break",
                                 "write it on one line; only `summary` and `description` may span lines")
        elif bad is not None:
            yield doc.diagnostic(loc, "control-character",
                                 f"`{shown}` holds the invisible character U+{ord(bad.group()):04X}",
                                 "remove it (it may come from copying out of a PDF)")
        if field_name == "name" and ("<" in text or ">" in text):
            yield doc.diagnostic(loc, "markup-in-name", f"`{shown}` contains `<` or `>`",
                                 "a name is plain text; remove the angle brackets")


def all_documents(data: DataSet) -> Iterator[Document]:
    yield from (loaded.doc for loaded in data.axes.values())
    if data.venues:
        yield data.venues.doc
    for group in (data.methods, data.benchmarks, data.metrics, data.results):
        yield from (loaded.doc for loaded in group)


# ------------------------------------------------------------------- methods

_ABBREVIATIONS = re.compile(r"\b(e\.g|i\.e|et al|vs|etc|cf|approx|Fig|Eq|Sec|resp)\.", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(])")
_MARKUP = re.compile(r"<[A-Za-z/!]|\]\(|\*\*|`|^#|\n\s*[-*] ", re.MULTILINE)


def count_sentences(text: str) -> int:
    masked = _ABBREVIATIONS.sub(lambda m: m.group(0).replace(".", "\u2024"), text.strip())
    return len([s for s in _SENTENCE_END.split(masked) if s.strip()])


def normalise_title(title: str) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", title.casefold()).split())


def arxiv_month(arxiv: str) -> str | None:
    """YYYY-MM of a new-style arXiv id's first version; None for old-style ids."""
    match = re.match(r"^(\d{2})(\d{2})\.", arxiv)
    return f"20{match.group(1)}-{match.group(2)}" if match else None


def check_record(item: Loaded[MethodRecord], tax: Taxonomy, venues: set[str], today: dt.date) -> Iterator[Diagnostic]:
    """Rules about one record that need the taxonomy, the venues or the date."""
    rec, doc = item.model, item.doc
    stem = doc.path.stem
    if rec.id != stem:
        yield doc.diagnostic(("id",), "id-mismatch", f"id `{rec.id}` does not match the file name `{stem}.yaml`",
                             f"set `id: {stem}` or rename the file to {rec.id}.yaml")

    for field_name, axis in AXIS_OF_FIELD.items():
        value = getattr(rec, field_name)
        if value is None or axis not in tax.axes:
            continue  # a broken axis file is reported on its own
        values = [value] if isinstance(value, str) else list(value)
        locs = [(field_name,)] if isinstance(value, str) else [(field_name, i) for i in range(len(values))]
        allowed = {n.id for n in tax.assignable(axis)}
        noun = {"strategies": "strategy", "conditions": "condition", "tasks": "task"}.get(axis, axis)
        seen: set[str] = set()
        for loc, node_id in zip(locs, values):
            if node_id in seen:
                yield doc.diagnostic(loc, "duplicate-item", f"`{node_id}` is listed twice in `{field_name}`",
                                     "remove the repeat")
                continue
            seen.add(node_id)
            node = tax.nodes.get(node_id)
            if node is None or node.axis != axis:
                hint = suggest(node_id, allowed) or f"see taxonomy/{axis}.yaml for the valid ids"
                yield doc.diagnostic(loc, "unknown-id", f"unknown {noun} `{node_id}`", hint)
            elif node_id not in allowed:
                below = [c for c in tax.descendants(node_id) if c in allowed]
                hint = ("name one of: " + ", ".join(below)) if below else f"see taxonomy/{axis}.yaml"
                yield doc.diagnostic(loc, "not-assignable",
                                     f"`{node_id}` is a {node.level}; records name a "
                                     f"{' or '.join(tax.axes[axis].assignable_levels)}", hint)
    if rec.also_in and rec.strategy in rec.also_in:
        yield doc.diagnostic(("also_in", rec.also_in.index(rec.strategy)), "duplicate-item",
                             f"`{rec.strategy}` is already the record's strategy", "remove it from `also_in`")

    if venues and rec.venue not in venues:
        yield doc.diagnostic(("venue",), "unknown-venue", f"unknown venue `{rec.venue}`",
                             suggest(rec.venue, venues) or "add the venue to taxonomy/venues.yaml, or use arXiv")

    this_month = f"{today.year:04d}-{today.month:02d}"
    if rec.date > this_month:
        yield doc.diagnostic(("date",), "future-date", f"date {rec.date} is in the future (today is {today})",
                             "give the month the paper first appeared")
    if rec.year < int(rec.date[:4]):
        yield doc.diagnostic(("year",), "year-before-date",
                             f"year {rec.year} is earlier than the first public version ({rec.date})",
                             "check the venue's year and the date")
    if rec.year > today.year + 1:
        yield doc.diagnostic(("year",), "future-date", f"year {rec.year} is in the future",
                             "give the year of publication")
    if rec.links.arxiv:
        first = arxiv_month(rec.links.arxiv)
        if first and rec.date > first:
            yield doc.diagnostic(("date",), "date-after-arxiv",
                                 f"date {rec.date} is later than the arXiv id {rec.links.arxiv} "
                                 f"(first version {first})",
                                 f"set `date: {first}`, the month of the first public version")

    for name in ("name", "title", "summary", "base_model"):
        value = getattr(rec, name)
        if value and "TODO" in value:
            yield doc.diagnostic((name,), "placeholder", f"`{name}` still holds a TODO placeholder",
                                 f"replace it with the real {name.replace('_', ' ')}")
    if _MARKUP.search(rec.summary):
        yield doc.diagnostic(("summary",), "summary-markup", "the summary contains Markdown or HTML",
                             "write plain text; links belong in `links`")
    sentences = count_sentences(rec.summary)
    if sentences > MAX_SUMMARY_SENTENCES:
        yield doc.diagnostic(("summary",), "summary-too-long",
                             f"the summary has {sentences} sentences; at most {MAX_SUMMARY_SENTENCES}",
                             "shorten it to what the method does and how")

    prefix = rec.title.split(":", 1)[0].strip() if ":" in rec.title else None
    if prefix and prefix.casefold() == rec.name.casefold() and prefix != rec.name:
        yield doc.diagnostic(("title",), "title-case",
                             f"the title writes `{prefix}` but the name is `{rec.name}`",
                             "use the paper's own capitalisation in both", severity="warning")

    if rec.provenance.source == "contribution" and rec.provenance.strategy == "survey":
        yield doc.diagnostic(("provenance", "strategy"), "bad-provenance",
                             "a contributed record cannot attribute its strategy to the survey",
                             "set `strategy: curated` under provenance")
    if rec.former_ids and rec.id in rec.former_ids:
        yield doc.diagnostic(("former_ids", rec.former_ids.index(rec.id)), "duplicate-item",
                             "a record's current id cannot also be a former id", "remove it from `former_ids`")


def _pairs_by_key(methods: list[Loaded[MethodRecord]], key, code: str, what: str) -> Iterator[Diagnostic]:
    """Report every record that shares `key` with another, naming the other files."""
    groups: dict[str, list[Loaded[MethodRecord]]] = defaultdict(list)
    for item in methods:
        value = key(item.model)
        if value:
            groups[value].append(item)
    loc = {"arXiv id": ("links", "arxiv"), "DOI": ("links", "doi"), "paper link": ("links", "paper")}[what]
    for value, items in groups.items():
        if len(items) < 2:
            continue
        for item in items:
            others = ", ".join(o.doc.rel for o in items if o is not item)
            yield item.doc.diagnostic(loc, code, f"{what} `{value}` is also used by {others}",
                                      "a paper has one record: merge the two, or fix the wrong value")


def check_methods(data: DataSet, tax: Taxonomy, today: dt.date) -> Iterator[Diagnostic]:
    methods = data.methods
    venues = {v.name for v in data.venues.model.venues} if data.venues else set()
    for item in methods:
        yield from check_record(item, tax, venues, today)

    by_id: dict[str, Loaded[MethodRecord]] = {}
    for item in methods:
        if item.model.id in by_id:
            yield item.doc.diagnostic(("id",), "duplicate-id",
                                      f"id `{item.model.id}` is also used by {by_id[item.model.id].doc.rel}",
                                      "ids are unique; rename one record")
        else:
            by_id[item.model.id] = item

    yield from _pairs_by_key(methods, lambda r: r.links.arxiv, "duplicate-arxiv", "arXiv id")
    yield from _pairs_by_key(methods, lambda r: r.links.doi and r.links.doi.lower(), "duplicate-doi", "DOI")
    yield from _pairs_by_key(methods, lambda r: r.links.paper.rstrip("/"), "duplicate-paper", "paper link")
    yield from check_titles(methods)

    known = set(by_id) | data.method_stems
    former: dict[str, Loaded[MethodRecord]] = {}
    for item in methods:
        for i, old in enumerate(item.model.former_ids or []):
            if old in known:
                yield item.doc.diagnostic(("former_ids", i), "former-id-in-use",
                                          f"former id `{old}` is the id of a current record",
                                          "a former id must be free so that its page can redirect here")
            elif old in former:
                yield item.doc.diagnostic(("former_ids", i), "duplicate-former-id",
                                          f"former id `{old}` is also claimed by {former[old].doc.rel}",
                                          "only one record can take over an old id")
            else:
                former[old] = item

    for item in methods:
        for i, target in enumerate(item.model.builds_on or []):
            if target == item.model.id:
                yield item.doc.diagnostic(("builds_on", i), "self-reference", "a method cannot build on itself",
                                          "remove it from `builds_on`")
            elif target not in known:
                hint = f"`{target}` was renamed to `{former[target].model.id}`" if target in former else None
                yield item.doc.diagnostic(("builds_on", i), "unknown-method", f"unknown method `{target}`",
                                          hint or suggest(target, known) or "name the id of a record in methods/")
    yield from check_cycles(by_id)


def check_titles(methods: list[Loaded[MethodRecord]]) -> Iterator[Diagnostic]:
    titles = [normalise_title(item.model.title) for item in methods]
    for i, title in enumerate(titles):
        matches = process.extract(title, titles[i + 1:], scorer=fuzz.ratio,
                                  score_cutoff=TITLE_SIMILARITY, limit=None)
        for _, score, j in matches:
            a, b = methods[i], methods[i + 1 + j]
            for this, other in ((a, b), (b, a)):
                yield this.doc.diagnostic(("title",), "similar-title",
                                          f"title nearly identical to {other.doc.rel} "
                                          f"(`{other.model.title}`)",
                                          "if both describe the same paper, keep one record", severity="warning")


def check_cycles(by_id: dict[str, Loaded[MethodRecord]]) -> Iterator[Diagnostic]:
    """Each `builds_on` cycle is reported once, at the record with the smallest id in it."""
    graph = {mid: [t for t in (item.model.builds_on or []) if t in by_id and t != mid]
             for mid, item in by_id.items()}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> Iterator[Diagnostic]:
        state[node] = 1
        stack.append(node)
        for target in graph[node]:
            if state.get(target) == 1:
                cycle = stack[stack.index(target):]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    start = min(cycle)
                    k = cycle.index(start)
                    ordered = cycle[k:] + cycle[:k]
                    item = by_id[start]
                    nxt = ordered[1 % len(ordered)]
                    yield item.doc.diagnostic(("builds_on", (item.model.builds_on or []).index(nxt)),
                                              "builds-on-cycle",
                                              "`builds_on` forms a cycle: " + " -> ".join(ordered + [start]),
                                              "a method cannot, through others, build on itself; remove one link")
            elif target not in state:
                yield from visit(target, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            yield from visit(node, [])


# ---------------------------------------------------------------- benchmarks

def check_benchmarks(data: DataSet, tax: Taxonomy) -> Iterator[Diagnostic]:
    # Without a readable tasks axis every task would look unknown: its own error says why.
    task_ids = {n.id for n in tax.assignable("tasks")} if "tasks" in tax.axes else None
    benchmarks: dict[str, object] = {}
    ids: dict[str, str] = {}
    for item in [*data.benchmarks, *data.metrics, *data.results]:
        if item.model.id in ids:
            yield item.doc.diagnostic(("id",), "duplicate-id",
                                      f"id `{item.model.id}` is also used by {ids[item.model.id]}",
                                      "benchmark, metric and result-set ids are unique")
        ids.setdefault(item.model.id, item.doc.rel)

    for item in data.benchmarks:
        bench, doc = item.model, item.doc
        benchmarks[bench.id] = bench
        local: set[str] = set()
        for i, task in enumerate(bench.tasks):
            if task.id in local:
                yield doc.diagnostic(("tasks", i, "id"), "duplicate-item", f"task `{task.id}` is listed twice",
                                     "remove the repeat")
            local.add(task.id)
            if task_ids is not None and task.task not in task_ids:
                yield doc.diagnostic(("tasks", i, "task"), "unknown-id", f"unknown task `{task.task}`",
                                     suggest(task.task, task_ids) or "see taxonomy/tasks.yaml")
        for i, case in enumerate(bench.cases or []):
            if case.task not in local:
                yield doc.diagnostic(("cases", i, "task"), "unknown-id",
                                     f"`{case.task}` is not a task of this benchmark",
                                     suggest(case.task, local) or "use an id from `tasks`")

    metrics = {m.model.id: m.model for m in data.metrics}
    for item in data.metrics:
        metric, doc = item.model, item.doc
        if metric.scale.min >= metric.scale.max:
            yield doc.diagnostic(("scale",), "bad-scale", "the scale's min must be below its max",
                                 "e.g. min: 1, max: 10")
        if metric.factors:
            total = sum(f.weight for f in metric.factors)
            if abs(total - 1) > 1e-9:
                yield doc.diagnostic(("factors",), "bad-weights", f"factor weights add up to {total:g}, not 1",
                                     "fix the weights so that they sum to 1")

    for item in data.results:
        rs, doc = item.model, item.doc
        bench = benchmarks.get(rs.benchmark)
        metric = metrics.get(rs.metric)
        if bench is None:
            yield doc.diagnostic(("benchmark",), "unknown-benchmark", f"unknown benchmark `{rs.benchmark}`",
                                 suggest(rs.benchmark, benchmarks) or "define it under benchmarks/")
        if metric is None:
            yield doc.diagnostic(("metric",), "unknown-metric", f"unknown metric `{rs.metric}`",
                                 suggest(rs.metric, metrics) or "define it under benchmarks/")
        bench_tasks = {t.id for t in bench.tasks} if bench else set()  # type: ignore[attr-defined]
        known_methods = {m.model.id for m in data.methods} | data.method_stems
        seen: dict[tuple[str, str], int] = {}
        for i, res in enumerate(rs.results):
            if bench and res.task not in bench_tasks:
                yield doc.diagnostic(("results", i, "task"), "unknown-id",
                                     f"`{res.task}` is not a task of benchmark `{rs.benchmark}`",
                                     suggest(res.task, bench_tasks) or f"use one of: {', '.join(sorted(bench_tasks))}")
            if res.method not in known_methods:
                yield doc.diagnostic(("results", i, "method"), "unknown-method", f"unknown method `{res.method}`",
                                     suggest(res.method, known_methods) or "name the id of a record in methods/")
            key = (res.method, res.task)
            if key in seen:
                yield doc.diagnostic(("results", i), "duplicate-result",
                                     f"a second result for `{res.method}` on `{res.task}` "
                                     f"(first at entry {seen[key] + 1})", "keep one result per method and task")
            seen.setdefault(key, i)
            if metric:
                lo, hi = metric.scale.min, metric.scale.max
                if not lo <= res.mean <= hi:
                    yield doc.diagnostic(("results", i, "mean"), "out-of-range",
                                         f"mean {res.mean:g} is outside the metric's scale [{lo:g}, {hi:g}]",
                                         "check the published value")
                if res.std > (hi - lo) / 2:
                    yield doc.diagnostic(("results", i, "std"), "out-of-range",
                                         f"standard deviation {res.std:g} exceeds {(hi - lo) / 2:g}, "
                                         f"the largest possible on [{lo:g}, {hi:g}]",
                                         "check the published value")


# --------------------------------------------------------------------- entry

def check(data: DataSet, today: dt.date | None = None) -> list[Diagnostic]:
    today = today or today_utc()
    tax = data.taxonomy()
    found = list(data.diagnostics)
    for doc in all_documents(data):
        found += check_text(doc)
    found += check_taxonomy(data, tax)
    found += check_methods(data, tax, today)
    found += check_benchmarks(data, tax)
    return sort_diagnostics(found)


def validate(root: Path, today: dt.date | None = None) -> tuple[DataSet, list[Diagnostic]]:
    data = load_dataset(root)
    return data, check(data, today)
