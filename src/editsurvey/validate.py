"""The validation rules: one small function per diagnostic code, all registered in RULES.

Each rule is a generator of diagnostics that point at the exact value at
fault and say what to do about it; the first line of its docstring states
the rule. The loader and dataset.py report what is wrong inside one file
while reading it; the rules here check parsed files, single records, and
references across files. check() runs every rule in RULES, and
`editsurvey rules` lists every code RULES documents, including those
reported while reading (see rules.py for Rule, Context and the scopes).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

from rapidfuzz import fuzz

from . import evidence_rules, results_rules, scope_rules
from .dataset import DataSet, Loaded, load_dataset
from .diagnostics import Diagnostic, sort_diagnostics
from .gcpause import gc_paused
from .loader import MAX_FILE_BYTES, Document
from .models import MethodRecord, TaxonomyAxis, TaxonomyNode
from .parsecache import ParseCache
from .progress import Progress, Quiet
from .rules import Context, Rule, placed_ids, suggest

TITLE_SIMILARITY = 92  # rapidfuzz ratio (0-100) above which two titles are "nearly identical"
MAX_SUMMARY_SENTENCES = 3


def today_utc() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# ------------------------------------------------------------------ taxonomy


class _Placed(NamedTuple):
    doc: Document
    axis: TaxonomyAxis
    position: int  # in the axis' `nodes`
    node: TaxonomyNode
    by_id: dict[str, TaxonomyNode]  # the nodes of its axis
    defined_in: str | None  # the file that defined this id before, if any


def _taxonomy_nodes(ctx: Context) -> Iterator[_Placed]:
    """Every taxonomy node in reading order (axis by axis), with where its id was first defined."""
    first_seen: dict[str, str] = {}
    for loaded in ctx.data.axes.values():
        axis, doc = loaded.model, loaded.doc
        by_id = {n.id: n for n in axis.nodes}
        for i, node in enumerate(axis.nodes):
            yield _Placed(doc, axis, i, node, by_id, first_seen.get(node.id))
            first_seen.setdefault(node.id, doc.rel)


def axis_matches_file(ctx: Context) -> Iterator[Diagnostic]:
    """An axis file's `axis` is its file name."""
    for stem, loaded in ctx.data.axes.items():
        axis, doc = loaded.model, loaded.doc
        if axis.axis != stem:
            yield doc.diagnostic(
                ("axis",),
                "axis-mismatch",
                f"`axis` is `{axis.axis}` but the file is {stem}.yaml",
                f"set `axis: {stem}` or rename the file",
            )


def assignable_levels_known(ctx: Context) -> Iterator[Diagnostic]:
    """Every level in an axis' `assignable_levels` is one of its `levels`."""
    for loaded in ctx.data.axes.values():
        axis, doc = loaded.model, loaded.doc
        for i, level in enumerate(axis.assignable_levels):
            if level not in axis.levels:
                yield doc.diagnostic(
                    ("assignable_levels", i),
                    "unknown-level",
                    f"`{level}` is not one of this axis' levels",
                    suggest(level, axis.levels),
                )


def node_ids_unique(ctx: Context) -> Iterator[Diagnostic]:
    """A taxonomy id is defined once across all axes; the later definition is at fault."""
    for p in _taxonomy_nodes(ctx):
        if p.defined_in is not None:
            yield p.doc.diagnostic(
                ("nodes", p.position, "id"),
                "duplicate-node",
                f"taxonomy id `{p.node.id}` is already defined in {p.defined_in}",
                "taxonomy ids are unique across all axes; choose another id",
            )


def node_parents_known(ctx: Context) -> Iterator[Diagnostic]:
    """A node's `parent` is a node of the same axis."""
    for p in _taxonomy_nodes(ctx):
        if p.defined_in is None and p.node.parent is not None and p.node.parent not in p.by_id:
            yield p.doc.diagnostic(
                ("nodes", p.position, "parent"),
                "unknown-parent",
                f"parent `{p.node.parent}` is not a node of this axis",
                suggest(p.node.parent, p.by_id) or "name a node defined in this file",
            )


def node_ancestry(ctx: Context) -> Iterator[Diagnostic]:
    """A node's `parent` links end at a root (else parent-cycle), within the axis' levels (else too-deep)."""
    for p in _taxonomy_nodes(ctx):
        node, by_id, axis = p.node, p.by_id, p.axis
        if p.defined_in is not None or (node.parent is not None and node.parent not in by_id):
            continue  # a repeated id or an unknown parent is reported on its own
        seen, current = {node.id}, node
        while current.parent in by_id:
            current = by_id[current.parent]
            if current.id in seen:
                yield p.doc.diagnostic(
                    ("nodes", p.position, "parent"),
                    "parent-cycle",
                    f"`{node.id}` is its own ancestor",
                    "break the loop of `parent` links",
                )
                break
            seen.add(current.id)
        else:
            depth = len(seen) - 1
            if depth >= len(axis.levels):
                yield p.doc.diagnostic(
                    ("nodes", p.position, "parent"),
                    "too-deep",
                    f"`{node.id}` sits at depth {depth + 1} but the axis has "
                    f"{len(axis.levels)} levels ({', '.join(axis.levels)})",
                    "attach it higher up or add a level to `levels`",
                )


def venues_unique(ctx: Context) -> Iterator[Diagnostic]:
    """A venue is listed once in taxonomy/venues.yaml."""
    if ctx.data.venues:
        seen_names: dict[str, int] = {}
        for i, venue in enumerate(ctx.data.venues.model.venues):
            if venue.name in seen_names:
                yield ctx.data.venues.doc.diagnostic(
                    ("venues", i, "name"), "duplicate-venue", f"venue `{venue.name}` is listed twice", "keep one entry"
                )
            seen_names.setdefault(venue.name, i)


# ---------------------------------------------------------------------- text

# Invisible characters no field holds: C0/C1 controls, DEL, line and paragraph
# separators, and bidirectional overrides (which make text read differently
# from how it is stored).
_INVISIBLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MULTILINE_FIELDS = frozenset({"summary", "description"})


def _texts(value: object, loc: tuple = (), field_name: str = "") -> Iterator[tuple[tuple, str, str]]:
    """Every string of a file's data: its location, the name of the field it is in, the text."""
    if isinstance(value, str):
        yield loc, field_name, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _texts(item, loc + (key,), key)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _texts(item, loc + (i,), field_name)


def _shown(loc: tuple) -> str:
    return ".".join(str(p) for p in loc) or "value"


def text_is_visible(doc: Document) -> Iterator[Diagnostic]:
    """No string holds an invisible character, nor a line break unless its field may span lines."""
    for loc, field_name, text in _texts(doc.data):
        bad = _INVISIBLE.search(text)
        if bad is None and ("\n" not in text or field_name in MULTILINE_FIELDS):
            continue
        shown = _shown(loc)
        if bad is None:
            yield doc.diagnostic(
                loc,
                "control-character",
                f"`{shown}` holds a line break",
                "write it on one line; only `summary` and `description` may span lines",
            )
        else:
            yield doc.diagnostic(
                loc,
                "control-character",
                f"`{shown}` holds the invisible character U+{ord(bad.group()):04X}",
                "remove it (it may come from copying out of a PDF)",
            )


def names_are_plain(doc: Document) -> Iterator[Diagnostic]:
    """A `name` or alias holds no `<` or `>`: names are plain text."""
    for loc, field_name, text in _texts(doc.data):
        if field_name in ("name", "aliases") and ("<" in text or ">" in text):
            yield doc.diagnostic(
                loc,
                "markup-in-name",
                f"`{_shown(loc)}` contains `<` or `>`",
                "a name is plain text; remove the angle brackets",
            )


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


# A record rule is called with one record and the context: rule(item, ctx).


def record_id_is_file_name(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A record's `id` is its file name without `.yaml`."""
    rec, doc = item.model, item.doc
    stem = doc.path.stem
    if rec.id != stem:
        yield doc.diagnostic(
            ("id",),
            "id-mismatch",
            f"id `{rec.id}` does not match the file name `{stem}.yaml`",
            f"set `id: {stem}` or rename the file to {rec.id}.yaml",
        )


def record_taxonomy_ids(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """Each taxonomy id a record names exists on its axis, may be assigned there, and is listed once."""
    rec, doc, tax = item.model, item.doc, ctx.taxonomy
    for field_name, axis in ctx.record_fields.items():
        value = getattr(rec, field_name)
        if value is None or axis not in tax.axes:
            continue  # a broken axis file is reported on its own
        allowed = ctx.assignable_ids[axis]
        noun = tax.axes[axis].noun
        seen: set[str] = set()
        for loc, node_id in placed_ids(rec, field_name):
            if node_id in seen:
                yield doc.diagnostic(
                    loc, "duplicate-item", f"`{node_id}` is listed twice in `{field_name}`", "remove the repeat"
                )
                continue
            seen.add(node_id)
            node = tax.nodes.get(node_id)
            if node is None or node.axis != axis:
                hint = suggest(node_id, allowed) or f"see taxonomy/{axis}.yaml for the valid ids"
                yield doc.diagnostic(loc, "unknown-id", f"unknown {noun} `{node_id}`", hint)
            elif node_id not in allowed:
                below = [c for c in tax.descendants(node_id) if c in allowed]
                hint = ("name one of: " + ", ".join(below)) if below else f"see taxonomy/{axis}.yaml"
                yield doc.diagnostic(
                    loc,
                    "not-assignable",
                    f"`{node_id}` is a {node.level}; records name a {' or '.join(tax.axes[axis].assignable_levels)}",
                    hint,
                )


def strategy_not_in_also_in(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """`also_in` does not repeat the record's own `strategy`."""
    rec, doc = item.model, item.doc
    if rec.also_in and rec.strategy in rec.also_in:
        yield doc.diagnostic(
            ("also_in", rec.also_in.index(rec.strategy)),
            "duplicate-item",
            f"`{rec.strategy}` is already the record's strategy",
            "remove it from `also_in`",
        )


def venue_known(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A record's `venue` is in taxonomy/venues.yaml (when that list loaded)."""
    rec, doc, venues = item.model, item.doc, ctx.venues
    if venues and rec.venue not in venues:
        yield doc.diagnostic(
            ("venue",),
            "unknown-venue",
            f"unknown venue `{rec.venue}`",
            suggest(rec.venue, venues) or "add the venue to taxonomy/venues.yaml, or use arXiv",
        )


def dates_not_in_future(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """`date` is not after this month and `year` not after next year."""
    rec, doc, today = item.model, item.doc, ctx.today
    this_month = f"{today.year:04d}-{today.month:02d}"
    if rec.date > this_month:
        yield doc.diagnostic(
            ("date",),
            "future-date",
            f"date {rec.date} is in the future (today is {today})",
            "give the month the paper first appeared",
        )
    if rec.year > today.year + 1:
        yield doc.diagnostic(
            ("year",), "future-date", f"year {rec.year} is in the future", "give the year of publication"
        )


def year_not_before_date(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """The publication `year` is not earlier than the year of `date`, the first public version."""
    rec, doc = item.model, item.doc
    if rec.year < int(rec.date[:4]):
        yield doc.diagnostic(
            ("year",),
            "year-before-date",
            f"year {rec.year} is earlier than the first public version ({rec.date})",
            "check the venue's year and the date",
        )


def date_not_after_arxiv(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """`date` is not later than the month of the record's (new-style) arXiv id."""
    rec, doc = item.model, item.doc
    if rec.links.arxiv:
        first = arxiv_month(rec.links.arxiv)
        if first and rec.date > first:
            yield doc.diagnostic(
                ("date",),
                "date-after-arxiv",
                f"date {rec.date} is later than the arXiv id {rec.links.arxiv} (first version {first})",
                f"set `date: {first}`, the month of the first public version",
            )


def no_placeholders(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """`name`, `title`, `summary` and `base_model` hold no TODO placeholder."""
    rec, doc = item.model, item.doc
    for name in ("name", "title", "summary", "base_model"):
        value = getattr(rec, name)
        if value and "TODO" in value:
            yield doc.diagnostic(
                (name,),
                "placeholder",
                f"`{name}` still holds a TODO placeholder",
                f"replace it with the real {name.replace('_', ' ')}",
            )


def summary_is_plain_text(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """The summary is plain text, without Markdown or HTML."""
    rec, doc = item.model, item.doc
    if _MARKUP.search(rec.summary):
        yield doc.diagnostic(
            ("summary",),
            "summary-markup",
            "the summary contains Markdown or HTML",
            "write plain text; links belong in `links`",
        )


def summary_is_short(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """The summary has at most MAX_SUMMARY_SENTENCES (3) sentences."""
    rec, doc = item.model, item.doc
    sentences = count_sentences(rec.summary)
    if sentences > MAX_SUMMARY_SENTENCES:
        yield doc.diagnostic(
            ("summary",),
            "summary-too-long",
            f"the summary has {sentences} sentences; at most {MAX_SUMMARY_SENTENCES}",
            "shorten it to what the method does and how",
        )


def title_matches_name_case(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A title that starts with the method's name (`Name: ...`) writes it as `name` does (a warning)."""
    rec, doc = item.model, item.doc
    prefix = rec.title.split(":", 1)[0].strip() if ":" in rec.title else None
    if prefix and prefix.casefold() == rec.name.casefold() and prefix != rec.name:
        yield doc.diagnostic(
            ("title",),
            "title-case",
            f"the title writes `{prefix}` but the name is `{rec.name}`",
            "use the paper's own capitalisation in both",
            severity="warning",
        )


def provenance_consistent(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A contributed record does not attribute its strategy to the survey."""
    rec, doc = item.model, item.doc
    if rec.provenance.source == "contribution" and rec.provenance.strategy == "survey":
        yield doc.diagnostic(
            ("provenance", "strategy"),
            "bad-provenance",
            "a contributed record cannot attribute its strategy to the survey",
            "set `strategy: curated` under provenance",
        )


def evidence_names_listed_ids(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """Each `evidence` entry is for a taxonomy id the record itself lists."""
    rec, doc = item.model, item.doc
    listed = {i for axis in ctx.taxonomy.axes for i in ctx.taxonomy.leaves_of(rec, axis)}
    # The survey's fields count even when their axis file is broken (that error is reported on its own).
    listed |= {rec.strategy, *(rec.also_in or []), *rec.conditions, *rec.tasks}
    for node_id in rec.evidence or {}:
        if node_id not in listed and node_id != "venue":  # venue evidence: venue_has_evidence
            yield doc.diagnostic(
                ("evidence", node_id),
                "evidence-unknown-id",
                f"evidence for `{node_id}`, which the record does not list",
                suggest(node_id, listed) or "add the id to its field, or remove the evidence",
                prefer_key=True,
            )


def curated_values_have_evidence(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """Every value of an axis the record marks `curated` says where the paper shows it."""
    rec, doc, tax = item.model, item.doc, ctx.taxonomy
    evidence = rec.evidence or {}
    for axis in tax.axes.values():
        curated = getattr(rec.provenance, axis.record.field, None) == "curated" or axis.origin == "extension"
        for loc, node_id in placed_ids(rec, axis.record.field):
            node = tax.nodes.get(node_id)
            if node is None:
                continue  # unknown ids are errors of their own
            # The survey never classifies with this project's extension nodes: those values are always curated.
            if not curated and axis.node_origin(node.node) != "extension":
                continue
            if node_id not in evidence:
                yield doc.diagnostic(
                    loc,
                    "missing-evidence",
                    f"curated {axis.noun} `{node_id}` has no evidence",
                    f"add `evidence: {{{node_id}: <where the paper shows it, e.g. abstract "
                    "or Fig. 2>}`, or remove the value if the paper does not show it",
                )


def former_ids_not_current(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A record's `former_ids` do not include its current id."""
    rec, doc = item.model, item.doc
    if rec.former_ids and rec.id in rec.former_ids:
        yield doc.diagnostic(
            ("former_ids", rec.former_ids.index(rec.id)),
            "duplicate-item",
            "a record's current id cannot also be a former id",
            "remove it from `former_ids`",
        )


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
            yield item.doc.diagnostic(
                loc,
                code,
                f"{what} `{value}` is also used by {others}",
                "a paper has one record: merge the two, or fix the wrong value",
            )


# Rules across all records are called with the context: rule(ctx).


def method_ids_unique(ctx: Context) -> Iterator[Diagnostic]:
    """No two records have the same id; every record after the first is at fault."""
    for item in ctx.data.methods:
        first = ctx.methods_by_id[item.model.id]
        if first is not item:
            yield item.doc.diagnostic(
                ("id",),
                "duplicate-id",
                f"id `{item.model.id}` is also used by {first.doc.rel}",
                "ids are unique; rename one record",
            )


def arxiv_ids_unique(ctx: Context) -> Iterator[Diagnostic]:
    """No two records share an arXiv id."""
    yield from _pairs_by_key(ctx.data.methods, lambda r: r.links.arxiv, "duplicate-arxiv", "arXiv id")


def dois_unique(ctx: Context) -> Iterator[Diagnostic]:
    """No two records share a DOI (DOIs are compared ignoring case)."""
    yield from _pairs_by_key(ctx.data.methods, lambda r: r.links.doi and r.links.doi.lower(), "duplicate-doi", "DOI")


def paper_links_unique(ctx: Context) -> Iterator[Diagnostic]:
    """No two records share a paper link (ignoring a trailing slash)."""
    yield from _pairs_by_key(ctx.data.methods, lambda r: r.links.paper.rstrip("/"), "duplicate-paper", "paper link")


# Candidate pairs share a word among the rarest of their words (prefix filtering
# for word-set Jaccard >= 0.5); only those are compared character by character.
# Titles a few typos or an added word apart stay far above that overlap.
CANDIDATE_JACCARD = 0.5


def similar_pairs(titles: list[str]) -> list[tuple[int, int]]:
    """Index pairs (i < j) of titles whose rapidfuzz ratio reaches TITLE_SIMILARITY, in about linear time."""
    words = [set(title.split()) for title in titles]
    frequency = Counter(word for ws in words for word in ws)
    index: dict[str, list[int]] = defaultdict(list)
    pairs: set[tuple[int, int]] = set()
    for i, ws in enumerate(words):
        rarest = sorted(ws, key=lambda w: (frequency[w], w))
        prefix = rarest[: len(rarest) - math.ceil(CANDIDATE_JACCARD * len(rarest)) + 1]
        for j in sorted({j for word in prefix for j in index[word]}):
            if fuzz.ratio(titles[j], titles[i], score_cutoff=TITLE_SIMILARITY):
                pairs.add((j, i))
        for word in prefix:
            index[word].append(i)
    return sorted(pairs)


def titles_distinct(ctx: Context) -> Iterator[Diagnostic]:
    """No two records have nearly identical titles (a warning: they may be one paper)."""
    methods = ctx.data.methods
    for i, j in similar_pairs([normalise_title(item.model.title) for item in methods]):
        a, b = methods[i], methods[j]
        for this, other in ((a, b), (b, a)):
            yield this.doc.diagnostic(
                ("title",),
                "similar-title",
                f"title nearly identical to {other.doc.rel} (`{other.model.title}`)",
                "if both describe the same paper, keep one record",
                severity="warning",
            )


def former_ids_free(ctx: Context) -> Iterator[Diagnostic]:
    """A former id is no current record's id, and only one record claims it."""
    known = ctx.known_methods
    former: dict[str, Loaded[MethodRecord]] = {}
    for item in ctx.data.methods:
        for i, old in enumerate(item.model.former_ids or []):
            if old in known:
                yield item.doc.diagnostic(
                    ("former_ids", i),
                    "former-id-in-use",
                    f"former id `{old}` is the id of a current record",
                    "a former id must be free so that its page can redirect here",
                )
            elif old in former:
                yield item.doc.diagnostic(
                    ("former_ids", i),
                    "duplicate-former-id",
                    f"former id `{old}` is also claimed by {former[old].doc.rel}",
                    "only one record can take over an old id",
                )
            else:
                former[old] = item


def builds_on_not_self(ctx: Context) -> Iterator[Diagnostic]:
    """A method does not list itself in `builds_on`."""
    for item in ctx.data.methods:
        for i, target in enumerate(item.model.builds_on or []):
            if target == item.model.id:
                yield item.doc.diagnostic(
                    ("builds_on", i), "self-reference", "a method cannot build on itself", "remove it from `builds_on`"
                )


def builds_on_known(ctx: Context) -> Iterator[Diagnostic]:
    """Every id in `builds_on` is the id of a record (the hint follows a renamed record's former id)."""
    known, former = ctx.known_methods, ctx.former_owners
    for item in ctx.data.methods:
        for i, target in enumerate(item.model.builds_on or []):
            if target not in known:  # a record's own id is known: builds_on_not_self reports it
                hint = f"`{target}` was renamed to `{former[target].model.id}`" if target in former else None
                yield item.doc.diagnostic(
                    ("builds_on", i),
                    "unknown-method",
                    f"unknown method `{target}`",
                    hint or suggest(target, known) or "name the id of a record in methods/",
                )


def builds_on_acyclic(ctx: Context) -> Iterator[Diagnostic]:
    """`builds_on` links form no cycle; each cycle is reported once, at the record with the smallest id in it."""
    by_id = ctx.methods_by_id
    graph = {mid: [t for t in (item.model.builds_on or []) if t in by_id and t != mid] for mid, item in by_id.items()}
    state: dict[str, int] = {}  # 1 = on the stack, 2 = done
    reported: set[frozenset[str]] = set()

    def visit(node: str, stack: list[str]) -> Iterator[Diagnostic]:
        state[node] = 1
        stack.append(node)
        for target in graph[node]:
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :]
                key = frozenset(cycle)
                if key not in reported:
                    reported.add(key)
                    start = min(cycle)
                    k = cycle.index(start)
                    ordered = cycle[k:] + cycle[:k]
                    item = by_id[start]
                    nxt = ordered[1 % len(ordered)]
                    yield item.doc.diagnostic(
                        ("builds_on", (item.model.builds_on or []).index(nxt)),
                        "builds-on-cycle",
                        "`builds_on` forms a cycle: " + " -> ".join(ordered + [start]),
                        "a method cannot, through others, build on itself; remove one link",
                    )
            elif target not in state:
                yield from visit(target, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            yield from visit(node, [])


# ---------------------------------------------------------------- benchmarks


def benchmark_ids_unique(ctx: Context) -> Iterator[Diagnostic]:
    """Ids are unique among everything under benchmarks/ (benchmarks, metrics, result sets, datasets, results)."""
    data = ctx.data
    ids: dict[str, str] = {}
    groups: tuple[list, ...] = (data.benchmarks, data.metrics, data.results, data.datasets, data.published)
    for item in (loaded for group in groups for loaded in group):
        if item.model.id in ids:
            yield item.doc.diagnostic(
                ("id",),
                "duplicate-id",
                f"id `{item.model.id}` is also used by {ids[item.model.id]}",
                "ids under benchmarks/ are unique (benchmarks, metrics, result sets, datasets, published results)",
            )
        ids.setdefault(item.model.id, item.doc.rel)


def benchmark_tasks_unique(ctx: Context) -> Iterator[Diagnostic]:
    """A benchmark lists each of its task ids once."""
    for item in ctx.data.benchmarks:
        bench, doc = item.model, item.doc
        local: set[str] = set()
        for i, task in enumerate(bench.tasks):
            if task.id in local:
                yield doc.diagnostic(
                    ("tasks", i, "id"), "duplicate-item", f"task `{task.id}` is listed twice", "remove the repeat"
                )
            local.add(task.id)


def benchmark_tasks_known(ctx: Context) -> Iterator[Diagnostic]:
    """Each task of a benchmark maps to an assignable task of the taxonomy."""
    tax = ctx.taxonomy
    # Without a readable tasks axis every task would look unknown: its own error says why.
    tasks_axis = tax.record_fields().get("tasks")
    task_ids = {n.id for n in tax.assignable(tasks_axis)} if tasks_axis else None
    if task_ids is None:
        return
    for item in ctx.data.benchmarks:
        bench, doc = item.model, item.doc
        for i, task in enumerate(bench.tasks):
            if task.task not in task_ids:
                yield doc.diagnostic(
                    ("tasks", i, "task"),
                    "unknown-id",
                    f"unknown task `{task.task}`",
                    suggest(task.task, task_ids) or "see taxonomy/tasks.yaml",
                )


def benchmark_cases_known(ctx: Context) -> Iterator[Diagnostic]:
    """Each case of a benchmark names one of that benchmark's tasks."""
    for item in ctx.data.benchmarks:
        bench, doc = item.model, item.doc
        local = {task.id for task in bench.tasks}
        for i, case in enumerate(bench.cases or []):
            if case.task not in local:
                yield doc.diagnostic(
                    ("cases", i, "task"),
                    "unknown-id",
                    f"`{case.task}` is not a task of this benchmark",
                    suggest(case.task, local) or "use an id from `tasks`",
                )


def metric_scale_valid(ctx: Context) -> Iterator[Diagnostic]:
    """A metric's scale has its `min` below its `max`."""
    for item in ctx.data.metrics:
        metric, doc = item.model, item.doc
        if metric.scale.min >= metric.scale.max:
            yield doc.diagnostic(
                ("scale",), "bad-scale", "the scale's min must be below its max", "e.g. min: 1, max: 10"
            )


def metric_weights_sum_to_one(ctx: Context) -> Iterator[Diagnostic]:
    """The weights of a metric's factors add up to 1."""
    for item in ctx.data.metrics:
        metric, doc = item.model, item.doc
        if metric.factors:
            total = sum(f.weight for f in metric.factors)
            if abs(total - 1) > 1e-9:
                yield doc.diagnostic(
                    ("factors",),
                    "bad-weights",
                    f"factor weights add up to {total:g}, not 1",
                    "fix the weights so that they sum to 1",
                )


def results_benchmark_known(ctx: Context) -> Iterator[Diagnostic]:
    """A result set names a benchmark defined under benchmarks/."""
    benchmarks = ctx.benchmarks_by_id
    for item in ctx.data.results:
        rs, doc = item.model, item.doc
        if rs.benchmark not in benchmarks:
            yield doc.diagnostic(
                ("benchmark",),
                "unknown-benchmark",
                f"unknown benchmark `{rs.benchmark}`",
                suggest(rs.benchmark, benchmarks) or "define it under benchmarks/",
            )


def results_metric_known(ctx: Context) -> Iterator[Diagnostic]:
    """A result set names a metric defined under benchmarks/."""
    metrics = ctx.metrics_by_id
    for item in ctx.data.results:
        rs, doc = item.model, item.doc
        if rs.metric not in metrics:
            yield doc.diagnostic(
                ("metric",),
                "unknown-metric",
                f"unknown metric `{rs.metric}`",
                suggest(rs.metric, metrics) or "define it under benchmarks/",
            )


def results_tasks_known(ctx: Context) -> Iterator[Diagnostic]:
    """Each result names a task of its result set's benchmark (when that benchmark is known)."""
    for item in ctx.data.results:
        rs, doc = item.model, item.doc
        bench = ctx.benchmarks_by_id.get(rs.benchmark)
        if bench is None:
            continue  # results_benchmark_known reports it
        bench_tasks = {t.id for t in bench.tasks}
        for i, res in enumerate(rs.results):
            if res.task not in bench_tasks:
                yield doc.diagnostic(
                    ("results", i, "task"),
                    "unknown-id",
                    f"`{res.task}` is not a task of benchmark `{rs.benchmark}`",
                    suggest(res.task, bench_tasks) or f"use one of: {', '.join(sorted(bench_tasks))}",
                )


def results_methods_known(ctx: Context) -> Iterator[Diagnostic]:
    """Each result names the id of a method record."""
    known_methods = ctx.known_methods
    for item in ctx.data.results:
        rs, doc = item.model, item.doc
        for i, res in enumerate(rs.results):
            if res.method not in known_methods:
                yield doc.diagnostic(
                    ("results", i, "method"),
                    "unknown-method",
                    f"unknown method `{res.method}`",
                    suggest(res.method, known_methods) or "name the id of a record in methods/",
                )


def results_unique(ctx: Context) -> Iterator[Diagnostic]:
    """A result set holds one result per method and task."""
    for item in ctx.data.results:
        rs, doc = item.model, item.doc
        seen: dict[tuple[str, str], int] = {}
        for i, res in enumerate(rs.results):
            key = (res.method, res.task)
            if key in seen:
                yield doc.diagnostic(
                    ("results", i),
                    "duplicate-result",
                    f"a second result for `{res.method}` on `{res.task}` (first at entry {seen[key] + 1})",
                    "keep one result per method and task",
                )
            seen.setdefault(key, i)


def results_in_range(ctx: Context) -> Iterator[Diagnostic]:
    """Each mean lies on the metric's scale, and each standard deviation is one the scale allows."""
    for item in ctx.data.results:
        rs, doc = item.model, item.doc
        metric = ctx.metrics_by_id.get(rs.metric)
        if metric is None:
            continue  # results_metric_known reports it
        lo, hi = metric.scale.min, metric.scale.max
        for i, res in enumerate(rs.results):
            if not lo <= res.mean <= hi:
                yield doc.diagnostic(
                    ("results", i, "mean"),
                    "out-of-range",
                    f"mean {res.mean:g} is outside the metric's scale [{lo:g}, {hi:g}]",
                    "check the published value",
                )
            if res.std > (hi - lo) / 2:
                yield doc.diagnostic(
                    ("results", i, "std"),
                    "out-of-range",
                    f"standard deviation {res.std:g} exceeds {(hi - lo) / 2:g}, "
                    f"the largest possible on [{lo:g}, {hi:g}]",
                    "check the published value",
                )


# ------------------------------------------------------------------ registry

RULES: list[Rule] = [
    # Reported while files are read; listed here so that every code has its meaning.
    Rule(
        "file",
        {
            "unreadable": "a file or folder cannot be read (permissions)",
            "file-too-large": f"a file is larger than {MAX_FILE_BYTES // 1024} KiB",
            "not-utf8": "a file is not valid UTF-8",
            "yaml-syntax": "a file is not valid YAML",
            "empty-file": "a file holds no data",
            "multiple-documents": "a file holds more than one YAML document (`---`)",
            "duplicate-key": "a mapping has the same key twice",
            "complex-key": "a mapping key is a list or a mapping, not a plain value",
            "forbidden-anchor": "a YAML anchor (`&name`); every value is written out in full",
            "forbidden-alias": "a YAML alias (`*name`); every value is written out in full",
            "forbidden-tag": "a YAML tag such as `!!python/object`",
        },
        also=("control-character", "too-deep"),
        about="loader.py: reading one YAML file",
    ),
    Rule(
        "file",
        {
            "missing-taxonomy": "the data root has no taxonomy/ folder",
            "missing-axis": "a taxonomy axis that records need is missing",
            "missing-venues": "taxonomy/venues.yaml is missing",
            "hidden-file": "a data folder holds a hidden file, which would be ignored",
            "symlink-outside-root": "a symbolic link points outside the data root",
            "wrong-extension": "a data file ends in `.yml` (or another case of `.yaml`)",
            "stray-file": "a data folder holds something that is not a `.yaml` file",
            "unknown-kind": "a file under benchmarks/ has a `kind` the models do not define",
        },
        about="dataset.py: the folders and files of the data root",
    ),
    Rule(
        "file",
        {
            "not-a-mapping": "a file holds a list or a single value instead of fields",
            "unknown-field": "a field the record's model does not have",
            "missing-field": "a required field is missing",
            "wrong-type": "a value of the wrong type (text, number, list, mapping)",
            "bad-format": "a value that does not match its field's pattern (ids, dates, links, DOIs)",
            "bad-value": "a value that is not one of the field's allowed values",
            "not-finite": "a number that is .nan or .inf",
            "empty-value": "an empty text or list where a value is required",
            "too-long": "a text or list longer than its field allows",
            "invalid-value": "any other value the field's model rejects",
        },
        about="dataset.py: each file's fields against its model in models.py",
    ),
    # Each parsed file.
    Rule(
        "document",
        {"control-character": "a control or invisible character, or a line break in a one-line field"},
        text_is_visible,
    ),
    Rule("document", {"markup-in-name": "a `name` contains `<` or `>`"}, names_are_plain),
    # The taxonomy and the venues.
    Rule("taxonomy", {"axis-mismatch": "an axis file's `axis` differs from its file name"}, axis_matches_file),
    Rule(
        "taxonomy",
        {"unknown-level": "an assignable level that is not one of the axis' levels"},
        assignable_levels_known,
    ),
    Rule("taxonomy", {"duplicate-node": "a taxonomy id defined twice, on one axis or on two"}, node_ids_unique),
    Rule("taxonomy", {"unknown-parent": "a node's parent is not a node of its axis"}, node_parents_known),
    Rule(
        "taxonomy",
        {
            "parent-cycle": "a node is its own ancestor",
            "too-deep": "a node deeper than its axis has levels, or data nested too deeply",
        },
        node_ancestry,
    ),
    Rule("taxonomy", {"duplicate-venue": "a venue listed twice"}, venues_unique),
    Rule(
        "taxonomy",
        {"origin-mismatch": "a node marked as the survey's below an extension node"},
        scope_rules.extension_below_extension,
    ),
    # Each method record.
    Rule("record", {"id-mismatch": "a record's id differs from its file name"}, record_id_is_file_name),
    Rule(
        "record",
        {"evidence-unknown-id": "`evidence` for a taxonomy id the record does not list"},
        evidence_names_listed_ids,
    ),
    Rule(
        "record",
        {"missing-evidence": "a curated value (or a venue a contributed record names) without `evidence`"},
        curated_values_have_evidence,
    ),
    Rule("record", {}, scope_rules.venue_has_evidence, also=("missing-evidence", "evidence-unknown-id")),
    Rule(
        "record",
        {},
        scope_rules.required_axis_fields,
        also=("empty-value", "missing-field", "unknown-id", "bad-provenance"),
    ),
    Rule("record", {}, scope_rules.survey_values_are_survey_nodes, also=("bad-provenance",)),
    Rule(
        "record",
        {"evidence-not-in-leaderboard": "a `survey leaderboard` pointer for a task the leaderboard does not score"},
        scope_rules.leaderboard_evidence_holds,
    ),
    Rule(
        "record",
        {"evidence-without-source": "a pointer into a page or repository the record does not link"},
        evidence_rules.pointers_have_sources,
    ),
    Rule(
        "record",
        {"missing-section": "a record from the survey's text without `provenance.section`"},
        scope_rules.survey_text_has_section,
        also=("bad-provenance",),
    ),
    Rule(
        "record",
        {
            "unknown-id": "an id that is not defined where it must be (taxonomy axis, benchmark tasks)",
            "not-assignable": "a taxonomy node above the levels a record may name",
            "duplicate-item": "a list names the same item twice, or repeats a value held elsewhere",
        },
        record_taxonomy_ids,
    ),
    Rule("record", {}, strategy_not_in_also_in, also=("duplicate-item",)),
    Rule("record", {"unknown-venue": "a venue that taxonomy/venues.yaml does not list"}, venue_known),
    Rule("record", {"future-date": "a date or year in the future"}, dates_not_in_future),
    Rule("record", {"year-before-date": "a publication year before the first public version"}, year_not_before_date),
    Rule("record", {"date-after-arxiv": "a date later than the month of the record's arXiv id"}, date_not_after_arxiv),
    Rule("record", {"placeholder": "a field still holds a TODO placeholder"}, no_placeholders),
    Rule("record", {"summary-markup": "a summary with Markdown or HTML"}, summary_is_plain_text),
    Rule("record", {"summary-too-long": f"a summary of more than {MAX_SUMMARY_SENTENCES} sentences"}, summary_is_short),
    Rule(
        "record",
        {"title-case": "the title writes the method's name in another capitalisation"},
        title_matches_name_case,
        severity="warning",
    ),
    Rule(
        "record",
        {"bad-provenance": "a contributed record attributes its strategy to the survey"},
        provenance_consistent,
    ),
    Rule("record", {}, former_ids_not_current, also=("duplicate-item",)),
    # All method records together.
    Rule("methods", {"duplicate-id": "two records, or two benchmark files, with the same id"}, method_ids_unique),
    Rule("methods", {"duplicate-arxiv": "two records with the same arXiv id"}, arxiv_ids_unique),
    Rule("methods", {"duplicate-doi": "two records with the same DOI"}, dois_unique),
    Rule("methods", {"duplicate-paper": "two records with the same paper link"}, paper_links_unique),
    Rule("methods", {"similar-title": "two records with nearly identical titles"}, titles_distinct, severity="warning"),
    Rule(
        "methods",
        {
            "former-id-in-use": "a former id that is the id of a current record",
            "duplicate-former-id": "a former id claimed by two records",
        },
        former_ids_free,
    ),
    Rule("methods", {"self-reference": "a method that lists itself in `builds_on`"}, builds_on_not_self),
    Rule("methods", {"unknown-method": "a method id that no record has"}, builds_on_known),
    Rule("methods", {"builds-on-cycle": "`builds_on` links that form a cycle"}, builds_on_acyclic),
    Rule(
        "methods",
        {"unknown-dataset": "`trained_on` or `evaluated_on` names no dataset record"},
        results_rules.method_datasets_known,
        also=("duplicate-item",),
    ),
    # Benchmarks, metrics and result sets.
    Rule("benchmarks", {}, benchmark_ids_unique, also=("duplicate-id",)),
    Rule("benchmarks", {}, benchmark_tasks_unique, also=("duplicate-item",)),
    Rule("benchmarks", {}, benchmark_tasks_known, also=("unknown-id",)),
    Rule("benchmarks", {}, benchmark_cases_known, also=("unknown-id",)),
    Rule("benchmarks", {"bad-scale": "a metric scale whose min is not below its max"}, metric_scale_valid),
    Rule("benchmarks", {"bad-weights": "metric factor weights that do not add up to 1"}, metric_weights_sum_to_one),
    Rule(
        "benchmarks",
        {"unknown-benchmark": "a result set names a benchmark that is not defined"},
        results_benchmark_known,
    ),
    Rule("benchmarks", {"unknown-metric": "a result set names a metric that is not defined"}, results_metric_known),
    Rule("benchmarks", {}, results_tasks_known, also=("unknown-id",)),
    Rule("benchmarks", {}, results_methods_known, also=("unknown-method",)),
    Rule("benchmarks", {"duplicate-result": "two results for the same method and task"}, results_unique),
    Rule(
        "benchmarks",
        {"out-of-range": "a mean outside the metric's scale, or an impossible standard deviation"},
        results_in_range,
    ),
    Rule(
        "benchmarks",
        {},
        results_rules.published_benchmark_known,
        also=("unknown-benchmark", "unknown-metric", "duplicate-item", "unknown-id"),
    ),
    Rule(
        "benchmarks",
        {},
        results_rules.published_rows_valid,
        also=("unknown-method", "duplicate-result", "unknown-id", "out-of-range"),
    ),
    # Reported by `editsurvey check-links`, not by validate.
    Rule("links", {"dead-link": "an external link that failed twice"}, about="cli.py: `editsurvey check-links`"),
]


# --------------------------------------------------------------------- entry


def check(data: DataSet, today: dt.date | None = None) -> list[Diagnostic]:
    """What reading the data found, plus what every rule in RULES finds; sorted, without repeats."""
    ctx = Context.of(data, today or today_utc())
    found = list(data.diagnostics)
    for rule in RULES:
        found += rule.run(ctx)
    return sort_diagnostics(found)


def validate_root(
    root: Path, today: dt.date | None = None, progress: Progress | None = None, cache: ParseCache | None = None
) -> tuple[DataSet, list[Diagnostic]]:
    progress = progress or Quiet()
    with gc_paused():
        data = load_dataset(root, progress, cache)
        found = check(data, today)
    progress.close()
    return data, found
