"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader keeps the last of two duplicate keys, follows aliases
and forgets line numbers. The careful reader (EventReader) reads the event
stream instead and builds plain Python values itself, so that duplicate keys,
anchors, aliases and non-standard tags are errors, a file holds one document,
and every value keeps its line and column.

That costs about four times the C parser, and positions are only ever needed
for a diagnostic. So a file is first read by the C loader with the same
checks built in (duplicate keys and foreign tags raise; a file that mentions
`&` or `*` at all goes the careful way), and positions are computed by the
careful reader only when something asks for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.nodes import ScalarNode

from .diagnostics import Diagnostic

SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 32

_CORE = "tag:yaml.org,2002:"
_ALLOWED_EXPLICIT_TAGS = {_CORE + t for t in ("str", "int", "float", "bool", "null")}

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Position:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Document:
    """A parsed file: its data and the position of every value and key in it (found when first asked)."""

    path: Path
    rel: str
    data: Any
    text: str = field(repr=False)
    _positions: tuple[dict[Loc, Position], dict[Loc, Position]] | None = field(default=None, repr=False)

    @property
    def values(self) -> dict[Loc, Position]:
        return self._located()[0]

    @property
    def keys(self) -> dict[Loc, Position]:
        return self._located()[1]

    def _located(self) -> tuple[dict[Loc, Position], dict[Loc, Position]]:
        if self._positions is None:
            reader = EventReader(self.text, self.rel)
            reader.build()  # the text already parsed once, so this cannot fail
            self._positions = (reader.values, reader.keys)
        return self._positions

    def where(self, loc: Loc, prefer_key: bool = False) -> Position:
        """Position of the value at `loc`, or of its nearest located ancestor."""
        loc = tuple(loc)
        while True:
            if prefer_key and loc in self.keys:
                return self.keys[loc]
            if loc in self.values:
                return self.values[loc]
            if loc in self.keys:
                return self.keys[loc]
            if not loc:
                return Position(1, 1)
            loc = loc[:-1]

    def diagnostic(
        self,
        loc: Loc,
        code: str,
        message: str,
        hint: str | None = None,
        severity: str = "error",
        prefer_key: bool = False,
    ) -> Diagnostic:
        pos = self.where(loc, prefer_key=prefer_key)
        return Diagnostic(self.rel, pos.line, pos.col, severity, code, message, hint)  # type: ignore[arg-type]


class EventReader:
    """Builds plain values from the parser's events, recording positions and problems."""

    def __init__(self, text: str, rel: str):
        self.loader = SafeLoader(text)
        self.rel = rel
        self.values: dict[Loc, Position] = {}
        self.keys: dict[Loc, Position] = {}
        self.ends: dict[Loc, int] = {}  # last line of each scalar (multi-line ones span several)
        self.problems: list[Diagnostic] = []

    def _problem(self, mark: Any, code: str, message: str, hint: str | None = None) -> None:
        line, col = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
        self.problems.append(Diagnostic(self.rel, line, col, "error", code, message, hint))

    def build(self) -> Any:
        loader = self.loader
        try:
            loader.get_event()  # StreamStartEvent
            if loader.check_event(StreamEndEvent):
                return None
            loader.get_event()  # DocumentStartEvent
            data = self._node((), 0)
            loader.get_event()  # DocumentEndEvent
            if loader.check_event(DocumentStartEvent):
                extra = loader.peek_event()
                self._problem(
                    extra.start_mark,
                    "multiple-documents",
                    "the file holds more than one YAML document",
                    "keep one record per file; remove the `---` separator and what follows",
                )
            return data
        finally:
            loader.dispose()

    def _scalar(self, event: ScalarEvent) -> Any:
        tag = event.tag
        if tag in (None, "!"):
            tag = self.loader.resolve(ScalarNode, event.value, event.implicit)
        elif tag not in _ALLOWED_EXPLICIT_TAGS:
            self._problem(
                event.start_mark,
                "forbidden-tag",
                f"the tag `{_short_tag(event.tag)}` is not allowed",
                "remove the tag; records hold plain strings, numbers, lists and mappings",
            )
            return event.value
        if tag == _CORE + "timestamp":
            # Dates are validated as text (`date: 2023-04`), never as datetime objects.
            tag = _CORE + "str"
        start: Any = event.start_mark  # the C parser's marks serve as well as the Python parser's
        end: Any = event.end_mark
        node = ScalarNode(tag, event.value, start, end, event.style)
        return self.loader.construct_object(node, deep=True)

    def _node(self, loc: Loc, depth: int) -> Any:
        loader = self.loader
        event = loader.get_event()
        if isinstance(event, AliasEvent):
            self._problem(
                event.start_mark,
                "forbidden-alias",
                f"YAML alias `*{event.anchor}` is not allowed",
                "write the value out in full; anchors and aliases are not accepted",
            )
            return None
        anchor = getattr(event, "anchor", None)
        if anchor:
            self._problem(
                event.start_mark,
                "forbidden-anchor",
                f"YAML anchor `&{anchor}` is not allowed",
                "remove the anchor; write every value out in full",
            )
        self.values[loc] = Position(event.start_mark.line + 1, event.start_mark.column + 1)
        if depth > MAX_DEPTH:
            self._problem(
                event.start_mark,
                "too-deep",
                "the data is nested too deeply",
                f"records nest at most {MAX_DEPTH} levels",
            )
            raise _Abort
        if isinstance(event, ScalarEvent):
            start: Any = event.start_mark
            end: Any = event.end_mark
            self.ends[loc] = end.line + 1 if end.column > 0 else max(end.line, start.line + 1)
            return self._scalar(event)
        tag = getattr(event, "tag", None)
        if tag not in (None, "!", _CORE + "seq", _CORE + "map"):
            self._problem(
                event.start_mark,
                "forbidden-tag",
                f"the tag `{_short_tag(tag)}` is not allowed",
                "remove the tag; records hold plain strings, numbers, lists and mappings",
            )
        if isinstance(event, SequenceStartEvent):
            items: list[Any] = []
            while not loader.check_event(SequenceEndEvent):
                items.append(self._node(loc + (len(items),), depth + 1))
            loader.get_event()
            return items
        if isinstance(event, MappingStartEvent):
            mapping: dict[Any, Any] = {}
            while not loader.check_event(MappingEndEvent):
                key_event = loader.peek_event()
                if not isinstance(key_event, ScalarEvent):
                    self._problem(
                        key_event.start_mark,
                        "complex-key",
                        "a mapping key must be a plain value",
                        "use a simple word as the key",
                    )
                    self._node(loc + ("?",), depth + 1)
                    self._node(loc + ("?",), depth + 1)
                    continue
                loader.get_event()
                key = self._scalar(key_event)
                if not isinstance(key, str):
                    key = str(key) if key is not None else "null"
                key_mark: Any = key_event.start_mark
                key_pos = Position(key_mark.line + 1, key_mark.column + 1)
                if key in mapping:
                    first = self.keys[loc + (key,)]
                    self._problem(
                        key_event.start_mark,
                        "duplicate-key",
                        f"duplicate key `{key}` (first defined on line {first.line})",
                        "keep one of the two; YAML would silently drop the first",
                    )
                    self._node(loc + (key, "#dup"), depth + 1)
                    continue
                self.keys[loc + (key,)] = key_pos
                mapping[key] = self._node(loc + (key,), depth + 1)
            loader.get_event()
            return mapping
        raise _Abort  # unreachable with a well-formed event stream


def _short_tag(tag: str | None) -> str:
    tag = tag or "!"
    return "!!" + tag[len(_CORE) :] if tag.startswith(_CORE) else tag


class _Abort(Exception):
    pass


def _decode(raw: bytes, rel: str) -> tuple[str | None, Diagnostic | None]:
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Diagnostic(
            rel, line, col, "error", "not-utf8", "the file is not valid UTF-8", "save the file as UTF-8"
        )


def _syntax_diagnostic(exc: yaml.MarkedYAMLError, rel: str) -> Diagnostic:
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    mark = exc.problem_mark or exc.context_mark
    hint = "check indentation, colons and quotes on this line"
    if "end of stream" in problem and exc.context_mark is not None:
        # An unclosed quote or bracket: where it opened says more than the file's end.
        mark = exc.context_mark
        problem = f"{(exc.context or '').strip()}: {problem}"
        hint = "close the quote or bracket that opens here"
    elif "maximum nesting depth" in problem:
        return Diagnostic(
            rel,
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
            "error",
            "too-deep",
            "the data is nested too deeply",
            f"records nest at most {MAX_DEPTH} levels",
        )
    line, col = (mark.line + 1, mark.column + 1) if mark else (0, 0)
    return Diagnostic(rel, line, col, "error", "yaml-syntax", f"YAML syntax error: {problem}", hint)


class _Careful(Exception):
    """The fast reader met something only the careful reader reports well."""


_CAREFUL: Any = object()
MISSING: Any = object()  # what a cache returns for bytes it has not seen


class _FastLoader(SafeLoader):  # type: ignore[misc, valid-type]
    """The C loader with the careful reader's rules: no duplicate keys, core tags only, dates as text."""

    def construct_mapping(self, node: Any, deep: bool = False) -> dict[Any, Any]:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise _Careful
            key = self.construct_object(key_node, deep=deep)
            key = key if isinstance(key, str) else "null" if key is None else str(key)
            if key in mapping:
                raise _Careful
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def construct_yaml_map(self, node: Any) -> Any:
        yield self.construct_mapping(node, deep=True)

    def construct_yaml_seq(self, node: Any) -> Any:
        yield [self.construct_object(child, deep=True) for child in node.value]

    def construct_undefined(self, node: Any) -> Any:
        raise _Careful


_FastLoader.add_constructor("tag:yaml.org,2002:map", _FastLoader.construct_yaml_map)
_FastLoader.add_constructor("tag:yaml.org,2002:seq", _FastLoader.construct_yaml_seq)
_FastLoader.add_constructor("tag:yaml.org,2002:timestamp", SafeLoader.construct_yaml_str)
for _tag in ("set", "omap", "pairs", "binary"):
    _FastLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _FastLoader.construct_undefined)
_FastLoader.add_constructor(None, _FastLoader.construct_undefined)


def _fast_load(text: str) -> Any:
    """The file's data by the C loader, or _CAREFUL when the careful reader must look (and report)."""
    if "&" in text or "*" in text or "!" in text:  # anchors, aliases, tags: rare, and worth a full report
        return _CAREFUL
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()  # None for an empty file; raises on several documents
        if node is None:
            return None
        depth = _depth(node)
        if depth > MAX_DEPTH:
            return _CAREFUL
        return loader.construct_document(node)
    except (_Careful, yaml.YAMLError, RecursionError):
        return _CAREFUL
    finally:
        loader.dispose()


def _depth(node: Any) -> int:
    """Nesting depth of a composed node, without recursion."""
    deepest, stack = 0, [(node, 0)]
    while stack:
        current, depth = stack.pop()
        deepest = max(deepest, depth)
        if isinstance(current, yaml.SequenceNode):
            stack.extend((child, depth + 1) for child in current.value)
        elif isinstance(current, yaml.MappingNode):
            stack.extend((value, depth + 1) for _, value in current.value)
    return deepest


# Characters YAML refuses (C0 controls but tab, LF and CR; DEL). The parser's
# own error for them has no line; finding them first gives line and column.
_FORBIDDEN_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _control_character(text: str, rel: str) -> Diagnostic | None:
    match = _FORBIDDEN_CHAR.search(text)
    if match is None:
        return None
    line = text.count("\n", 0, match.start()) + 1
    col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    name = "a NUL byte" if match.group() == "\x00" else f"the control character U+{ord(match.group()):04X}"
    return Diagnostic(
        rel,
        line,
        col,
        "error",
        "control-character",
        f"the file contains {name}",
        "remove it; records are plain UTF-8 text (an editor's 'show invisibles' finds it)",
    )


def load_document(path: Path, root: Path, cache: Any = None) -> tuple[Document | None, list[Diagnostic]]:
    """Read one YAML file. Returns the document (None when unreadable) and its problems.

    `cache` (a parsecache.ParseCache) may hold the data of a file with the same bytes.
    """
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [
                Diagnostic(
                    rel,
                    0,
                    0,
                    "error",
                    "file-too-large",
                    f"the file is {size} bytes; the limit is {MAX_FILE_BYTES}",
                    "split the data or remove what does not belong in a record",
                )
            ]
        raw = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(rel, 0, 0, "error", "unreadable", f"cannot read the file: {exc.strerror}")]
    text, problem = _decode(raw, rel)
    if text is None or problem:
        return None, [problem] if problem else []
    problem = _control_character(text, rel)
    if problem:
        return None, [problem]
    fast = cache.get(raw) if cache is not None else MISSING
    if fast is MISSING:
        fast = _fast_load(text)
        if cache is not None and fast is not _CAREFUL and fast is not None:
            cache.put(raw, fast)
    if fast is not _CAREFUL:
        if fast is None:
            return None, [Diagnostic(rel, 1, 1, "error", "empty-file", "the file is empty", "fill it in or delete it")]
        return Document(path, rel, fast, text), []
    builder = EventReader(text, rel)
    try:
        data = builder.build()
    except yaml.MarkedYAMLError as exc:
        return None, builder.problems + [_syntax_diagnostic(exc, rel)]
    except yaml.YAMLError as exc:
        return None, builder.problems + [Diagnostic(rel, 0, 0, "error", "yaml-syntax", f"YAML error: {exc}")]
    except _Abort:
        return None, builder.problems
    if data is None:
        return None, builder.problems + [
            Diagnostic(rel, 1, 1, "error", "empty-file", "the file is empty", "fill it in or delete it")
        ]
    return Document(path, rel, data, text, (builder.values, builder.keys)), builder.problems
