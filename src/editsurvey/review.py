"""What a change does to the catalogue: the data at a git ref against the data in the work tree.

The ref's files are read with `git ls-tree` and `git cat-file` (never a
checkout, nothing written into the repository) into a temporary folder, and
both sides are read by the same loader and models as `validate`
(dataset.load_dataset). The comparison is by record id: records added,
removed (or renamed: a new record naming the old id in `former_ids`) and
changed field by field; per taxonomy axis (the axis table), the nodes each
record left and joined; the generated pages that appear or disappear (the
page registry); and the other data files that changed.
"""

from __future__ import annotations

import json
import re
import subprocess
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .catalog import Catalog
from .dataset import BENCHMARKS_DIR, METHODS_DIR, TAXONOMY_DIR, DataSet, load_dataset
from .models import MethodRecord
from .site.links import md, url_of

DATA_DIRS = (TAXONOMY_DIR, METHODS_DIR, BENCHMARKS_DIR)
FORMATS = ("text", "markdown", "json")
_REGULAR_FILE_MODES = {"100644", "100755"}


class ReviewError(Exception):
    """The comparison cannot be made (no git, not a repository, an unknown ref); the message says why."""


# ------------------------------------------------------------------------ git


def _git(root: Path, *args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", "-C", str(root), *args], input=stdin, capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise ReviewError("git is not installed (or not on PATH); `editsurvey diff` reads the base with git") from exc


def resolve_commit(root: Path, ref: str) -> str:
    """The commit id `ref` names in the repository holding `root`. Raises ReviewError."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0 or inside.stdout.strip() != b"true":
        raise ReviewError(f"{root} is not inside a git work tree; run `editsurvey diff` in a clone of the repository")
    if not ref or ref.startswith("-") or any(ch.isspace() or ord(ch) < 32 for ch in ref):
        raise ReviewError(f"`{ref}` is not a git ref: give a branch, tag or commit id, e.g. origin/main")
    found = _git(root, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise ReviewError(
            f"`{ref}` names no commit in this repository: give a branch, tag or commit id "
            "(in CI, fetch the history first: actions/checkout with fetch-depth: 0)"
        )
    return found.stdout.decode().strip()


def export_data(root: Path, commit: str, target: Path) -> dict[str, bytes]:
    """Write the data files of `commit` (taxonomy/, methods/, benchmarks/ beside `root`) under `target`.

    Returns {path relative to the data root: bytes}. Symbolic links and submodules are not data and are skipped.
    """
    listing = _git(root, "ls-tree", "-r", "-z", commit, "--", *DATA_DIRS)
    if listing.returncode != 0:
        raise ReviewError(f"cannot list the files of {commit[:12]}: {listing.stderr.decode(errors='replace').strip()}")
    entries: list[tuple[str, str]] = []
    for item in listing.stdout.split(b"\0"):
        if not item:
            continue
        meta, _, raw_path = item.partition(b"\t")
        mode, kind, oid = meta.decode().split(" ")
        path = raw_path.decode("utf-8", errors="surrogateescape")
        parts = PurePosixPath(path).parts
        if kind != "blob" or mode not in _REGULAR_FILE_MODES or path.startswith("/") or ".." in parts:
            continue
        entries.append((oid, path))
    if not entries:
        return {}
    batch = _git(root, "cat-file", "--batch", stdin="".join(f"{oid}\n" for oid, _ in entries).encode())
    if batch.returncode != 0:
        raise ReviewError(f"cannot read the files of {commit[:12]}: {batch.stderr.decode(errors='replace').strip()}")
    out: dict[str, bytes] = {}
    data, position = batch.stdout, 0
    for oid, path in entries:
        header_end = data.index(b"\n", position)
        header = data[position:header_end].decode().split(" ")
        if len(header) != 3 or header[0] != oid:
            raise ReviewError(f"git cat-file gave an unexpected answer for {path}")
        size = int(header[2])
        body = data[header_end + 1 : header_end + 1 + size]
        position = header_end + 1 + size + 1  # the content, then a newline
        destination = target / path
        destination.parent.mkdir(parents=True, exist_ok=True)
        destination.write_bytes(body)
        out[path] = body
    return out


def _work_tree_files(root: Path) -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for folder in DATA_DIRS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*")):
            if path.is_file() and not path.is_symlink():
                out[path.relative_to(root).as_posix()] = path.read_bytes()
    return out


# ---------------------------------------------------------------- the model


@dataclass
class Side:
    """One side of the comparison: its data, catalogue, generated pages and raw files."""

    data: DataSet
    catalog: Catalog
    records: dict[str, MethodRecord]
    pages: set[str]
    files: dict[str, bytes]

    @classmethod
    def read(cls, root: Path, files: dict[str, bytes]) -> Side:
        from .site.registry import generated_sources  # the site package is only needed for the page list

        data = load_dataset(root)
        catalog = Catalog.from_dataset(data)
        try:
            pages = generated_sources(catalog)
        except (KeyError, IndexError, ValueError):  # data too broken to lay out pages; validate says why
            pages = set()
        return cls(data, catalog, {m.id: m for m in catalog.methods}, pages, files)

    def unreadable(self) -> list[str]:
        """Method files that hold no usable record (validate reports why)."""
        loaded = {item.doc.rel for item in self.data.methods}
        return sorted(
            rel for rel in (f"{METHODS_DIR}/{stem}.yaml" for stem in self.data.method_stems) if rel not in loaded
        )


@dataclass
class FieldChange:
    field: str  # dotted for nested fields: links.code, provenance.tasks, evidence.text
    before: Any  # None when the field was absent
    after: Any


@dataclass
class RecordRef:
    id: str
    name: str
    title: str
    file: str
    classification: dict[str, list[str]] = field(default_factory=dict)  # axis id -> node ids


@dataclass
class RecordChange:
    id: str
    name: str
    fields: list[FieldChange]
    renamed_from: str | None = None


@dataclass
class Move:
    axis: str
    id: str
    name: str
    removed: list[str]
    added: list[str]


@dataclass
class CatalogueDiff:
    base: str  # the ref as given
    commit: str
    records: dict[str, int]  # records on each side: {"base": n, "head": m}
    added: list[RecordRef] = field(default_factory=list)
    removed: list[RecordRef] = field(default_factory=list)
    changed: list[RecordChange] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    pages_added: list[str] = field(default_factory=list)  # URLs relative to the site root
    pages_removed: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)  # data files outside methods/
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    unreadable: dict[str, list[str]] = field(default_factory=dict)  # side -> method files without a record
    labels: dict[str, str] = field(default_factory=dict)  # node and axis ids -> labels, for the reports

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.removed
            or self.changed
            or self.moves
            or self.pages_added
            or self.pages_removed
            or self.files_changed
            or self.files_added
            or self.files_removed
            or any(self.unreadable.values())
        )

    def to_json(self) -> str:
        payload = asdict(self)
        payload.pop("labels")
        return json.dumps(payload, indent=1, ensure_ascii=False) + "\n"


# ----------------------------------------------------------------- comparing


def _flat(record: MethodRecord) -> dict[str, Any]:
    """A record's fields, mappings one level down as dotted names, absent fields left out."""
    out: dict[str, Any] = {}
    for key, value in record.model_dump(mode="json", exclude_none=True).items():
        if isinstance(value, dict):
            for inner, item in value.items():
                out[f"{key}.{inner}"] = item
        else:
            out[key] = value
    return out


def field_changes(before: MethodRecord, after: MethodRecord) -> list[FieldChange]:
    old, new = _flat(before), _flat(after)
    keys = list(new) + [k for k in old if k not in new]
    return [FieldChange(k, old.get(k), new.get(k)) for k in keys if old.get(k) != new.get(k)]


def _axis_ids(head: Side, base: Side) -> list[str]:
    axes = list(head.catalog.taxonomy.axes)
    return axes + [a for a in base.catalog.taxonomy.axes if a not in axes]


def _leaves(side: Side, record: MethodRecord, axis_id: str) -> list[str]:
    tax = side.catalog.taxonomy
    return tax.leaves_of(record, axis_id) if axis_id in tax.axes else []


def _ref(side: Side, record: MethodRecord, axes: list[str]) -> RecordRef:
    file = side.catalog.files.get(record.id, f"{METHODS_DIR}/{record.id}.yaml")
    classification = {a: _leaves(side, record, a) for a in axes if _leaves(side, record, a)}
    return RecordRef(record.id, record.name, record.title, file, classification)


def compare(base: Side, head: Side, ref: str, commit: str) -> CatalogueDiff:
    diff = CatalogueDiff(ref, commit, {"base": len(base.records), "head": len(head.records)})
    axes = _axis_ids(head, base)
    shared_axes = [a for a in axes if a in head.catalog.taxonomy.axes and a in base.catalog.taxonomy.axes]
    for side in (base, head):  # the head's labels win
        for axis_id, axis in side.catalog.taxonomy.axes.items():
            diff.labels[f"axis:{axis_id}"] = axis.plural_label
        for node_id, node in side.catalog.taxonomy.nodes.items():
            diff.labels[node_id] = node.label

    renamed = {
        old: new.id
        for new in head.records.values()
        if new.id not in base.records
        for old in new.former_ids or []
        if old in base.records and old not in head.records
    }
    pairs = [(i, i) for i in sorted(head.records) if i in base.records] + sorted(
        (old, new) for old, new in renamed.items()
    )
    diff.added = [_ref(head, head.records[i], axes) for i in sorted(head.records) if i not in base.records]
    diff.added = [r for r in diff.added if r.id not in renamed.values()]
    diff.removed = [_ref(base, base.records[i], axes) for i in sorted(base.records) if i not in head.records]
    diff.removed = [r for r in diff.removed if r.id not in renamed]
    for old_id, new_id in sorted(pairs, key=lambda p: p[1]):
        before, after = base.records[old_id], head.records[new_id]
        changes = field_changes(before, after)
        if changes:
            diff.changed.append(RecordChange(new_id, after.name, changes, old_id if old_id != new_id else None))
        for axis_id in shared_axes:  # an axis on one side only is new or gone: its pages say so
            old_nodes, new_nodes = _leaves(base, before, axis_id), _leaves(head, after, axis_id)
            left = [n for n in old_nodes if n not in new_nodes]
            joined = [n for n in new_nodes if n not in old_nodes]
            if left or joined:
                diff.moves.append(Move(axis_id, new_id, after.name, left, joined))
    diff.moves.sort(key=lambda m: (axes.index(m.axis), m.id))

    diff.pages_added = sorted(url_of(src) for src in head.pages - base.pages)
    diff.pages_removed = sorted(url_of(src) for src in base.pages - head.pages)
    others = {p for p in (*base.files, *head.files) if not p.startswith(f"{METHODS_DIR}/")}
    for path in sorted(others):
        if path not in base.files:
            diff.files_added.append(path)
        elif path not in head.files:
            diff.files_removed.append(path)
        elif base.files[path] != head.files[path]:
            diff.files_changed.append(path)
    diff.unreadable = {"base": base.unreadable(), "head": head.unreadable()}
    return diff


def catalogue_diff(root: Path, ref: str) -> CatalogueDiff:
    """Compare the data at git `ref` with the data under `root` (the work tree). Raises ReviewError."""
    root = root.resolve()
    commit = resolve_commit(root, ref)
    with tempfile.TemporaryDirectory(prefix="editsurvey-diff-") as folder:
        base_root = Path(folder) / "data"
        base_root.mkdir()
        base_files = export_data(root, commit, base_root)
        base = Side.read(base_root, base_files)
    head = Side.read(root, _work_tree_files(root))
    return compare(base, head, ref, commit)


# ------------------------------------------------------------------ reports

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _plain(value: Any) -> str:
    """A value on one line for the terminal: lists joined, no control characters, `(none)` for absent."""
    if value is None:
        return "(none)"
    text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return _CONTROL.sub("\ufffd", " ".join(text.split()))


def _cell(value: Any) -> str:
    """A value in a Markdown table cell: escaped (HTML and Markdown), on one line."""
    if value is None:
        return "&mdash;"
    text = ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return md(_CONTROL.sub("\ufffd", " ".join(text.split()))) or "&mdash;"


def _counts(diff: CatalogueDiff) -> str:
    parts = [f"{len(diff.added)} added", f"{len(diff.removed)} removed", f"{len(diff.changed)} changed"]
    parts.append(f"{len(diff.moves)} classification move{'' if len(diff.moves) == 1 else 's'}")
    parts.append(f"{len(diff.pages_added)} pages added, {len(diff.pages_removed)} removed")
    return "; ".join(parts)


def _labels(diff: CatalogueDiff, ids: list[str]) -> list[str]:
    return [diff.labels.get(i, i) for i in ids]


def to_text(diff: CatalogueDiff) -> str:
    lines = [f"catalogue changes against {_plain(diff.base)} ({diff.commit[:12]}): {_counts(diff)}"]
    if diff.empty:
        lines.append("no changes to the catalogue")
    lines += [f"added: {r.id} ({_plain(r.name)}): {_plain(r.title)}" for r in diff.added]
    lines += [f"removed: {r.id} ({_plain(r.name)})" for r in diff.removed]
    for change in diff.changed:
        renamed = f", renamed from {change.renamed_from}" if change.renamed_from else ""
        lines.append(f"changed: {change.id} ({_plain(change.name)}{renamed})")
        lines += [f"  {c.field}: {_plain(c.before)} -> {_plain(c.after)}" for c in change.fields]
    for move in diff.moves:
        gone = " ".join(f"-{n}" for n in move.removed)
        new = " ".join(f"+{n}" for n in move.added)
        lines.append(f"moved: {move.id} ({_plain(move.name)}) {move.axis}: {' '.join(p for p in (gone, new) if p)}")
    lines += [f"page added: {p}" for p in diff.pages_added]
    lines += [f"page removed: {p}" for p in diff.pages_removed]
    lines += [f"file added: {p}" for p in diff.files_added]
    lines += [f"file removed: {p}" for p in diff.files_removed]
    lines += [f"file changed: {p}" for p in diff.files_changed]
    for side, files in diff.unreadable.items():
        lines += [f"unreadable ({side}): {p}" for p in files]
    return "\n".join(lines) + "\n"


def to_markdown(diff: CatalogueDiff) -> str:
    axes = list(dict.fromkeys(m.axis for m in diff.moves))
    record_axes = list(dict.fromkeys(a for r in diff.added for a in r.classification))
    out = [f"## Catalogue changes against {md(diff.base)} (`{diff.commit[:12]}`)", ""]
    out += [f"{diff.records['base']} records before, {diff.records['head']} after: {_counts(diff)}.", ""]
    if diff.empty:
        out += ["No changes to the catalogue.", ""]
    if diff.added:
        head = " | ".join(_cell(diff.labels.get(f"axis:{a}", a)) for a in record_axes)
        out += [f"### Added ({len(diff.added)})", ""]
        out += [f"| Record | Name | Title | {head} |", "| --- | --- | --- | " + "--- | " * len(record_axes)]
        for r in diff.added:
            cells = " | ".join(_cell(_labels(diff, r.classification.get(a, []))) for a in record_axes)
            out.append(f"| `{r.id}` | {_cell(r.name)} | {_cell(r.title)} | {cells} |")
        out.append("")
    if diff.removed:
        out += [f"### Removed ({len(diff.removed)})", "", "| Record | Name | Title |", "| --- | --- | --- |"]
        out += [f"| `{r.id}` | {_cell(r.name)} | {_cell(r.title)} |" for r in diff.removed]
        out.append("")
    if diff.changed:
        out += [f"### Changed ({len(diff.changed)})", ""]
        for change in diff.changed:
            renamed = f", renamed from `{change.renamed_from}`" if change.renamed_from else ""
            out += [f"#### {_cell(change.name)} (`{change.id}`{renamed})", ""]
            out += ["| Field | Before | After |", "| --- | --- | --- |"]
            out += [f"| `{c.field}` | {_cell(c.before)} | {_cell(c.after)} |" for c in change.fields]
            out.append("")
    if diff.moves:
        out += [f"### Classifications moved ({len(diff.moves)})", ""]
        for axis in axes:
            out += [f"#### {_cell(diff.labels.get(f'axis:{axis}', axis))}", ""]
            out += ["| Record | Name | Left | Joined |", "| --- | --- | --- | --- |"]
            for move in (m for m in diff.moves if m.axis == axis):
                gone, joined = _cell(_labels(diff, move.removed)), _cell(_labels(diff, move.added))
                out.append(f"| `{move.id}` | {_cell(move.name)} | {gone} | {joined} |")
            out.append("")
    if diff.pages_added or diff.pages_removed:
        out += ["### Pages", ""]
        out += [f"- added: `{p}`" for p in diff.pages_added]
        out += [f"- removed: `{p}`" for p in diff.pages_removed]
        out.append("")
    if diff.files_added or diff.files_removed or diff.files_changed:
        out += ["### Other data files", ""]
        out += [f"- added: {_cell(p)}" for p in diff.files_added]
        out += [f"- removed: {_cell(p)}" for p in diff.files_removed]
        out += [f"- changed: {_cell(p)}" for p in diff.files_changed]
        out.append("")
    if any(diff.unreadable.values()):
        out += ["### Records that do not load", "", "`editsurvey validate` says why.", ""]
        out += [f"- {side}: {_cell(p)}" for side, files in diff.unreadable.items() for p in files]
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def render(diff: CatalogueDiff, output_format: str) -> str:
    if output_format == "json":
        return diff.to_json()
    return to_markdown(diff) if output_format == "markdown" else to_text(diff)
