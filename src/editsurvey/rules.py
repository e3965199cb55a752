"""What a validation rule is, what it is given, and the table of every code.

A rule is a generator of diagnostics with a docstring whose first line states
it. Its scope says what it is called with (see SCOPES). The rules and the one
list that registers them, RULES, live in validate.py; that list also names
the codes reported while files are read (scope "file"), so that
`editsurvey rules` can list every code the tools report.
"""

from __future__ import annotations

import datetime as dt
import difflib
import inspect
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from .dataset import DataSet, Loaded
from .diagnostics import Diagnostic, Severity
from .loader import Document
from .models import Benchmark, MethodRecord, Metric
from .taxonomy import Taxonomy

Scope = Literal["file", "document", "taxonomy", "record", "methods", "benchmarks", "links"]

SCOPES: dict[str, str] = {
    "file": "reported while a file is read (loader.py, dataset.py); no rule function",
    "document": "each parsed data file: rule(doc)",
    "taxonomy": "the taxonomy axes and the venue list: rule(ctx)",
    "record": "each method record: rule(item, ctx)",
    "methods": "all method records together: rule(ctx)",
    "benchmarks": "benchmarks, metrics and result sets: rule(ctx)",
    "links": "reported by `editsurvey check-links`; no rule function",
}


def suggest(value: str, candidates: Iterable[str]) -> str | None:
    """`did you mean …?` for the closest candidate, if one is close."""
    close = difflib.get_close_matches(value, sorted(set(candidates)), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None


def placed_ids(record: object, field_name: str) -> list[tuple[tuple[str | int, ...], str]]:
    """(location, id) of each taxonomy id a record field holds: `(field,)` for one id, `(field, i)` in a list."""
    value = getattr(record, field_name, None)
    if isinstance(value, str):
        return [((field_name,), value)]
    return [((field_name, i), node_id) for i, node_id in enumerate(value or [])]


@dataclass
class Context:
    """What the rules look at: the data set, its taxonomy and today's date, plus indices built once."""

    data: DataSet
    taxonomy: Taxonomy
    today: dt.date

    @classmethod
    def of(cls, data: DataSet, today: dt.date) -> Context:
        return cls(data, data.taxonomy(), today)

    def documents(self) -> Iterator[Document]:
        """Every parsed data file: axes, venues, methods, benchmarks, metrics, result sets."""
        yield from (loaded.doc for loaded in self.data.axes.values())
        if self.data.venues:
            yield self.data.venues.doc
        data = self.data
        for group in (data.methods, data.benchmarks, data.metrics, data.results, data.datasets, data.published):
            yield from (loaded.doc for loaded in group)

    @cached_property
    def venues(self) -> set[str]:
        """The venue names of taxonomy/venues.yaml (empty when the list did not load)."""
        return {v.name for v in self.data.venues.model.venues} if self.data.venues else set()

    @cached_property
    def record_fields(self) -> dict[str, str]:
        """Every record field that names taxonomy nodes -> its axis (Taxonomy.record_fields, once)."""
        return self.taxonomy.record_fields()

    @cached_property
    def assignable_ids(self) -> dict[str, set[str]]:
        """Each axis -> the ids a record may name on it."""
        return {axis: {n.id for n in self.taxonomy.assignable(axis)} for axis in self.taxonomy.axes}

    @cached_property
    def preprint_venues(self) -> set[str]:
        """Venue names of preprint servers (arXiv): no publication to give evidence for."""
        return {v.name for v in self.data.venues.model.venues if v.kind == "preprint"} if self.data.venues else set()

    @cached_property
    def methods_by_id(self) -> dict[str, Loaded[MethodRecord]]:
        """Each record id -> the first record that has it."""
        by_id: dict[str, Loaded[MethodRecord]] = {}
        for item in self.data.methods:
            by_id.setdefault(item.model.id, item)
        return by_id

    @cached_property
    def known_methods(self) -> set[str]:
        """Ids a reference may name: those of the records, and the stems of method files that did not load."""
        return set(self.methods_by_id) | self.data.method_stems

    @cached_property
    def former_owners(self) -> dict[str, Loaded[MethodRecord]]:
        """Each former id no current record has -> the first record that claims it."""
        owners: dict[str, Loaded[MethodRecord]] = {}
        for item in self.data.methods:
            for old in item.model.former_ids or []:
                if old not in self.known_methods:
                    owners.setdefault(old, item)
        return owners

    @cached_property
    def benchmarks_by_id(self) -> dict[str, Benchmark]:
        return {b.model.id: b.model for b in self.data.benchmarks}

    @cached_property
    def metrics_by_id(self) -> dict[str, Metric]:
        return {m.model.id: m.model for m in self.data.metrics}

    @cached_property
    def survey_scored(self) -> set[tuple[str, str]]:
        """(method id, task or condition id) of every score in the survey's leaderboard (the `results` files)."""
        scored: set[tuple[str, str]] = set()
        for loaded in self.data.results:
            bench = self.benchmarks_by_id.get(loaded.model.benchmark)
            tasks = {t.id: t.task for t in bench.tasks} if bench else {}
            scored |= {(r.method, tasks[r.task]) for r in loaded.model.results if r.task in tasks}
            # The conditions every case of the benchmark gives: each scored method took them.
            conditions = (bench.conditions or []) if bench else []
            scored |= {(r.method, c) for r in loaded.model.results for c in conditions}
        return scored


@dataclass(frozen=True)
class Rule:
    """One entry of the registry.

    `codes` maps each code this entry documents to its one-line meaning; a
    code is documented by exactly one entry. A rule may also yield codes that
    another entry documents (`also`), e.g. `duplicate-item` for several lists.
    """

    scope: Scope
    codes: Mapping[str, str]
    check: Callable[..., Iterator[Diagnostic]] | None = None
    severity: Severity = "error"
    also: tuple[str, ...] = ()
    about: str = ""  # for entries without a function: where their codes are reported

    @property
    def all_codes(self) -> tuple[str, ...]:
        """Every code this rule can yield."""
        return (*self.codes, *self.also)

    @property
    def summary(self) -> str:
        """The rule in plain words: the first line of the function's docstring, else `about`."""
        doc = inspect.getdoc(self.check) if self.check is not None else None
        return doc.splitlines()[0] if doc else self.about

    def run(self, ctx: Context) -> Iterator[Diagnostic]:
        """Call the rule on every unit of its scope."""
        if self.check is None:
            return
        if self.scope == "document":
            for doc in ctx.documents():
                yield from self.check(doc)
        elif self.scope == "record":
            for item in ctx.data.methods:
                yield from self.check(item, ctx)
        else:
            yield from self.check(ctx)


@dataclass(frozen=True)
class CodeInfo:
    code: str
    severity: Severity
    scope: Scope
    meaning: str


def code_table(rules: Iterable[Rule]) -> list[CodeInfo]:
    """Every documented code with its severity and meaning, sorted by code."""
    table = [
        CodeInfo(code, rule.severity, rule.scope, meaning) for rule in rules for code, meaning in rule.codes.items()
    ]
    return sorted(table, key=lambda info: info.code)


def rules_as_text(rules: Iterable[Rule]) -> str:
    table = code_table(rules)
    width = max(len(info.code) for info in table)
    return "\n".join(f"{info.code:<{width}}  {info.severity:<7}  {info.meaning}" for info in table)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def rules_as_markdown(rules: Iterable[Rule]) -> str:
    lines = ["| code | severity | meaning |", "| --- | --- | --- |"]
    lines += [f"| `{info.code}` | {info.severity} | {_cell(info.meaning)} |" for info in code_table(rules)]
    return "\n".join(lines)
