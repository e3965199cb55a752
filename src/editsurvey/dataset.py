"""Read every data file under a root into pydantic models, file by file.

Problems found here concern one file at a time (syntax, types, formats,
unknown keys); validate.py adds the rules that look across files.
"""

from __future__ import annotations

import difflib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from .diagnostics import Diagnostic
from .loader import Document, load_document
from .models import (
    BENCHMARK_KINDS,
    CORE_AXIS_FIELDS,
    FIELD_HINTS,
    Benchmark,
    Dataset,
    MethodRecord,
    Metric,
    PublishedResults,
    ResultSet,
    TaxonomyAxis,
    VenueList,
    record_model,
)
from .parsecache import ParseCache
from .progress import Progress, Quiet
from .taxonomy import Taxonomy

TAXONOMY_DIR = "taxonomy"
METHODS_DIR = "methods"
BENCHMARKS_DIR = "benchmarks"
VENUES_FILE = "venues.yaml"

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class Loaded(Generic[M]):
    """A model together with the document it came from (for locations)."""

    doc: Document
    model: M


@dataclass
class DataSet:
    root: Path
    axes: dict[str, Loaded[TaxonomyAxis]] = field(default_factory=dict)
    venues: Loaded[VenueList] | None = None
    methods: list[Loaded[MethodRecord]] = field(default_factory=list)
    benchmarks: list[Loaded[Benchmark]] = field(default_factory=list)
    metrics: list[Loaded[Metric]] = field(default_factory=list)
    results: list[Loaded[ResultSet]] = field(default_factory=list)
    datasets: list[Loaded[Dataset]] = field(default_factory=list)
    published: list[Loaded[PublishedResults]] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_read: int = 0
    # Stems of every method file, valid or not, so that a broken record does
    # not also make every reference to it an error.
    method_stems: set[str] = field(default_factory=set)

    def taxonomy(self) -> Taxonomy:
        """The axes that loaded, as a tree (tolerant of the problems validate reports)."""
        return Taxonomy.build({k: v.model for k, v in self.axes.items()})


# ------------------------------------------------------- pydantic -> diagnostics


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """The nested model class that holds the field at `loc` (for suggestions)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)) or part not in current.model_fields:
            return None
        current = _unwrap(current.model_fields[part].annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    while True:
        origin = typing.get_origin(annotation)
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = args[0]
        elif origin is list or origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        else:
            return annotation


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


_TYPE_NAMES = {
    "string_type": "text",
    "int_type": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "model_type": "a mapping of fields",
    "dict_type": "a mapping",
    "model_attributes_type": "a mapping of fields",
}


def _describe(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def error_to_diagnostic(doc: Document, model: type[BaseModel], error: ErrorDetails) -> Diagnostic:
    loc = tuple(error["loc"])
    kind = error["type"]
    name = _dotted(loc)
    field_key = tuple(p for p in loc if not isinstance(p, int))
    hint = FIELD_HINTS.get(field_key)
    value = error.get("input")
    if kind == "extra_forbidden":
        holder = _model_at(model, loc)
        allowed = sorted(holder.model_fields) if holder else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1, cutoff=0.6)
        hint = (
            f"did you mean `{close[0]}`?"
            if close
            else ("remove it; allowed here: " + ", ".join(allowed) if allowed else "remove it")
        )
        return doc.diagnostic(loc, "unknown-field", f"unknown field `{name}`", hint, prefer_key=True)
    if kind == "missing":
        return doc.diagnostic(
            loc[:-1], "missing-field", f"missing required field `{name}`", hint or f"add `{loc[-1]}:`", prefer_key=True
        )
    if kind in _TYPE_NAMES:
        message = f"`{name}` must be {_TYPE_NAMES[kind]}, not {_describe(value)}"
        if field_key == ("links", "arxiv") and isinstance(value, (int, float)):
            hint = f'YAML reads an unquoted id as a number; write arxiv: "{value}"'
        elif isinstance(value, (bool, type(None))) and kind == "string_type":
            hint = f"YAML reads `{str(value).lower() if value is not None else 'null'}` as a value; quote the text"
        return doc.diagnostic(loc, "wrong-type", message, hint or f"give {_TYPE_NAMES[kind]} here")
    if kind == "string_pattern_mismatch":
        return doc.diagnostic(
            loc,
            "bad-format",
            f"`{name}` has an invalid value `{value}`",
            hint or "see the field's description in schema/method.schema.json",
        )
    if kind == "literal_error":
        expected = error.get("ctx", {}).get("expected", "")
        return doc.diagnostic(loc, "bad-value", f"`{name}` is `{value}`; expected {expected}", hint)
    if kind == "finite_number":
        return doc.diagnostic(
            loc,
            "not-finite",
            f"`{name}` must be a finite number, not {value}",
            "write the published value as a plain number; .nan and .inf are not scores",
        )
    if kind in ("too_short", "string_too_short"):
        return doc.diagnostic(
            loc,
            "empty-value",
            f"`{name}` must not be empty",
            hint or "fill it in, or remove the field if it is optional",
        )
    if kind in ("too_long", "string_too_long"):
        limit = error.get("ctx", {}).get("max_length")
        unit = "characters" if isinstance(value, str) else "items"
        return doc.diagnostic(
            loc, "too-long", f"`{name}` is too long (at most {limit} {unit})", f"shorten it to {limit} {unit} or fewer"
        )
    message = error["msg"][0].lower() + error["msg"][1:]
    return doc.diagnostic(
        loc, "invalid-value", f"`{name}`: {message}", hint or "see the field's description in schema/method.schema.json"
    )


def parse_model(doc: Document, model: type[M]) -> tuple[M | None, list[Diagnostic]]:
    if not isinstance(doc.data, dict):
        return None, [
            doc.diagnostic(
                (),
                "not-a-mapping",
                f"the file must hold a mapping of fields, not {_describe(doc.data)}",
                "start each line with `field: value`",
            )
        ]
    try:
        return model.model_validate(doc.data), []
    except ValidationError as exc:
        problems = [error_to_diagnostic(doc, model, e) for e in exc.errors()]
        return _salvage(doc.data, model, exc), problems


def _salvage(data: dict, model: type[M], exc: ValidationError) -> M | None:
    """The record without its faulty optional or unknown fields, if that validates.

    The problems are already reported; this lets the cross-file rules still
    check the rest of the record, so one run shows every problem.
    """
    bad = {e["loc"][0] for e in exc.errors() if e["loc"]}
    required = {name for name, f in model.model_fields.items() if f.is_required()}
    if bad & required:
        return None
    try:
        return model.model_validate({k: v for k, v in data.items() if k not in bad})
    except ValidationError:
        return None


# ------------------------------------------------------------------- reading


def _yaml_files(directory: Path, root: Path, out: DataSet) -> list[Path]:
    """The .yaml files of a directory; anything else there is reported, not skipped silently."""
    if not directory.is_dir():
        return []
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        out.diagnostics.append(
            Diagnostic(
                directory.relative_to(root).as_posix(),
                0,
                0,
                "error",
                "unreadable",
                f"cannot list the folder: {exc.strerror}",
                "make the folder readable (chmod u+rx) and run again",
            )
        )
        return []
    files = []
    for path in entries:
        rel = path.relative_to(root).as_posix()
        if path.is_symlink() and not path.resolve().is_relative_to(root):
            out.diagnostics.append(
                Diagnostic(
                    rel,
                    0,
                    0,
                    "error",
                    "symlink-outside-root",
                    "this is a symbolic link to a file outside the data root",
                    "replace the link with the file itself, inside the repository",
                )
            )
        elif path.name.startswith("."):
            out.diagnostics.append(
                Diagnostic(
                    rel,
                    0,
                    0,
                    "error",
                    "hidden-file",
                    "hidden files are not read and would be ignored",
                    "rename it without the leading dot (the id and the file name are the same), or delete it",
                )
            )
        elif path.is_file() and path.suffix == ".yaml":
            files.append(path)
        elif path.is_file() and path.suffix.lower() in (".yml", ".yaml"):
            out.diagnostics.append(
                Diagnostic(
                    rel,
                    0,
                    0,
                    "error",
                    "wrong-extension",
                    "data files must end in `.yaml`",
                    f"rename it to {path.stem}.yaml",
                )
            )
        else:
            out.diagnostics.append(
                Diagnostic(
                    rel,
                    0,
                    0,
                    "error",
                    "stray-file",
                    "this is not a data file and would be ignored",
                    "move it out of this folder or turn it into a .yaml record",
                )
            )
    return files


def _read(path: Path, root: Path, out: DataSet, cache: ParseCache | None = None) -> Document | None:
    out.files_read += 1
    doc, problems = load_document(path, root, cache)
    out.diagnostics.extend(problems)
    return doc


def load_dataset(root: Path, progress: Progress | None = None, cache: ParseCache | None = None) -> DataSet:
    """Every data file under `root`, parsed and checked file by file.

    `cache` keeps the data of unchanged files between runs (see parsecache.py).
    """
    root = root.resolve()
    out = DataSet(root=root)
    taxonomy = root / TAXONOMY_DIR
    if not taxonomy.is_dir():
        out.diagnostics.append(
            Diagnostic(
                TAXONOMY_DIR,
                0,
                0,
                "error",
                "missing-taxonomy",
                f"no `{TAXONOMY_DIR}/` folder under {root}",
                "run from the repository root or pass --root",
            )
        )
    for path in _yaml_files(taxonomy, root, out):
        doc = _read(path, root, out, cache)
        if doc is None:
            continue
        model = VenueList if path.name == VENUES_FILE else TaxonomyAxis
        parsed, problems = parse_model(doc, model)
        out.diagnostics.extend(problems)
        if parsed is None:
            continue
        if isinstance(parsed, VenueList):
            out.venues = Loaded(doc, parsed)
        elif isinstance(parsed, TaxonomyAxis):
            out.axes[path.stem] = Loaded(doc, parsed)
    out.axes = {k: out.axes[k] for k in sorted(out.axes, key=lambda a: (out.axes[a].model.order, a))}
    if taxonomy.is_dir():
        declared = {loaded.model.record.field for loaded in out.axes.values()}
        broken = any(d.path.startswith(f"{TAXONOMY_DIR}/") for d in out.diagnostics)
        for field_name in CORE_AXIS_FIELDS:
            if field_name not in declared and not broken:  # a broken axis file explains itself
                out.diagnostics.append(
                    Diagnostic(
                        TAXONOMY_DIR,
                        0,
                        0,
                        "error",
                        "missing-axis",
                        f"no taxonomy axis fills the record field `{field_name}`",
                        f"add an axis file with `record: {{field: {field_name}}}`",
                    )
                )
        if not (taxonomy / VENUES_FILE).exists():
            out.diagnostics.append(
                Diagnostic(
                    f"{TAXONOMY_DIR}/{VENUES_FILE}",
                    0,
                    0,
                    "error",
                    "missing-venues",
                    "the venue list is missing",
                    f"create {TAXONOMY_DIR}/{VENUES_FILE}",
                )
            )

    method_model = record_model(loaded.model for loaded in out.axes.values())
    method_files = _yaml_files(root / METHODS_DIR, root, out)
    progress = progress or Quiet()
    progress.total = len(method_files)
    for path in method_files:
        progress.advance()
        out.method_stems.add(path.stem)
        doc = _read(path, root, out, cache)
        if doc is None:
            continue
        parsed, problems = parse_model(doc, method_model)
        out.diagnostics.extend(problems)
        if parsed is not None:
            out.methods.append(Loaded(doc, parsed))

    for path in _yaml_files(root / BENCHMARKS_DIR, root, out):
        doc = _read(path, root, out, cache)
        if doc is None:
            continue
        kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
        model_cls = BENCHMARK_KINDS.get(kind) if isinstance(kind, str) else None
        if model_cls is None:
            close = difflib.get_close_matches(str(kind), list(BENCHMARK_KINDS), n=1)
            out.diagnostics.append(
                doc.diagnostic(
                    ("kind",),
                    "unknown-kind",
                    f"`kind` is `{kind}`; expected one of: {', '.join(BENCHMARK_KINDS)}",
                    f"did you mean `{close[0]}`?" if close else "set `kind:` to " + ", ".join(BENCHMARK_KINDS),
                )
            )
            continue
        parsed, problems = parse_model(doc, model_cls)
        out.diagnostics.extend(problems)
        if isinstance(parsed, Benchmark):
            out.benchmarks.append(Loaded(doc, parsed))
        elif isinstance(parsed, Metric):
            out.metrics.append(Loaded(doc, parsed))
        elif isinstance(parsed, ResultSet):
            out.results.append(Loaded(doc, parsed))
        elif isinstance(parsed, Dataset):
            out.datasets.append(Loaded(doc, parsed))
        elif isinstance(parsed, PublishedResults):
            out.published.append(Loaded(doc, parsed))
    if cache is not None:
        cache.save()
    return out
