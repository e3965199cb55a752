"""Canonical text of a method record, for `editsurvey new` and `editsurvey fmt`.

Canonical means: fields in the model's order, condition/task/strategy lists in
taxonomy order, arXiv ids quoted, strings quoted only when YAML needs it,
the summary folded at 80 columns, and the editor-schema line on top.

Comments are kept when they stand on their own lines above a top-level field
or at the end of a top-level field's line; they move with that field. Any
other comment cannot be placed reliably, so the file is refused, never
silently changed. A formatted text is always re-read and compared with the
original data before it is accepted.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from .loader import EventReader, SafeLoader  # the same reader as validation
from .models import Links, MethodRecord, Provenance

SCHEMA_COMMENT = "# yaml-language-server: $schema=../schema/method.schema.json"
WIDTH = 80
FLOW_WIDTH = 100
ORDERED_LISTS = ("also_in", "conditions", "tasks")
ALWAYS_QUOTED = {("links", "arxiv")}
BLOCK_LISTS = {"authors"}
# Characters that end a plain scalar inside [...] or {...}: such text is quoted (or the list goes in block style).
FLOW_INDICATORS = re.compile(r"[,\[\]{}]")

FIELD_ORDER = list(MethodRecord.model_fields)
NESTED_ORDER = {"links": list(Links.model_fields), "provenance": list(Provenance.model_fields)}


class FormatRefused(Exception):
    """The file cannot be formatted without losing something; the message says why."""


@dataclass
class Comments:
    before: dict[str, list[str]] = field(default_factory=dict)  # top-level key -> full-line comments above it
    trailing: dict[str, str] = field(default_factory=dict)  # top-level key -> end-of-line comment
    end: list[str] = field(default_factory=list)  # comments after the last field


# ------------------------------------------------------------------ scalars


def _plain_ok(text: str) -> bool:
    if not text or text != text.strip() or "\n" in text:
        return False
    if re.search(r":\s|\s#|^[-?:,\[\]{}#&*!|>'\"%@`]", text) or text.endswith(":"):
        return False
    try:
        return yaml.load(f"k: {text}", Loader=SafeLoader) == {"k": text}
    except yaml.YAMLError:
        return False


def scalar(value: Any, quoted: bool = False) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, (int, float)):
        return repr(value)
    text = str(value)
    if not quoted and _plain_ok(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _folded(key: str, text: str, indent: str = "") -> list[str] | None:
    """`key: >-` with the text wrapped, if folding can carry the text exactly."""
    if "\n" in text or "  " in text or text != text.strip() or not text:
        return None
    lines = textwrap.wrap(text, width=WIDTH - len(indent) - 2, break_long_words=False, break_on_hyphens=False)
    return [f"{indent}{key}: >-", *(f"{indent}  {line}" for line in lines)]


# -------------------------------------------------------------------- lists


def _list_lines(key: str, items: list[Any], indent: str = "") -> list[str]:
    rendered = [scalar(i) for i in items]
    flow = f"{indent}{key}: [{', '.join(rendered)}]"
    # Flow indicators end a plain scalar inside [...]: items holding them go in block style.
    simple = all(isinstance(i, str) and _plain_ok(i) and not FLOW_INDICATORS.search(i) for i in items)
    if key not in BLOCK_LISTS and simple and len(flow) <= FLOW_WIDTH:
        return [flow]
    return [f"{indent}{key}:", *(f"{indent}  - {r}" for r in rendered)]


def _ordered(key: str, items: list[Any], order: Callable[[str], Any] | None) -> list[Any]:
    lists = getattr(order, "fields", ORDERED_LISTS)  # a Taxonomy.list_order() knows every axis' lists
    if key not in lists or order is None or not all(isinstance(i, str) for i in items):
        return list(items)
    return sorted(items, key=order)  # stable: unknown ids keep their relative order at the end


# ------------------------------------------------------------------- record


def _field_lines(key: str, value: Any, order: Callable[[str], Any] | None) -> list[str]:
    if key == "summary" and isinstance(value, str):
        folded = _folded(key, value)
        if folded:
            return folded
    if isinstance(value, dict):
        nested = NESTED_ORDER.get(key, [])
        keys = [k for k in nested if k in value] + [k for k in value if k not in nested]
        lines = [f"{key}:"]
        for k in keys:
            v = value[k]
            if isinstance(v, (dict, list)):
                raise FormatRefused(f"`{key}.{k}` holds a nested structure that records do not have")
            lines.append(f"  {k}: {scalar(v, quoted=(key, k) in ALWAYS_QUOTED)}")
        return lines
    if isinstance(value, list):
        if value and all(isinstance(i, dict) for i in value):
            return [f"{key}:", *(f"  - {_flow_mapping(key, item)}" for item in value)]
        if any(isinstance(i, (dict, list)) for i in value):
            raise FormatRefused(f"`{key}` holds nested structures that records do not have")
        return _list_lines(key, _ordered(key, value, order))
    return [f"{key}: {scalar(value)}"]


def _flow_mapping(key: str, item: dict[str, Any]) -> str:
    """One list item of plain fields (a version) as a flow mapping on one line."""
    if any(isinstance(v, (dict, list)) for v in item.values()):
        raise FormatRefused(f"`{key}` holds nested structures that records do not have")

    def flow(v: Any) -> str:
        return json.dumps(v, ensure_ascii=False) if isinstance(v, str) and FLOW_INDICATORS.search(v) else scalar(v)

    return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in item.items()) + "}"


def format_record(
    data: dict[str, Any], comments: Comments | None = None, order: Callable[[str], Any] | None = None
) -> str:
    """Canonical text for record data. `order` sorts taxonomy ids (taxonomy order)."""
    comments = comments or Comments()
    # Fields the model does not declare are those of axes added as data: they follow the survey's axes.
    extra = [k for k in data if k not in FIELD_ORDER]
    keys = [k for k in FIELD_ORDER if k in data]
    at = keys.index("tasks") + 1 if "tasks" in keys else len(keys)
    keys[at:at] = extra
    out = [SCHEMA_COMMENT]
    for key in keys:
        value = data[key]
        if value is None:
            continue
        out.extend(comments.before.get(key, []))
        lines = _field_lines(key, value, order)
        if key in comments.trailing:
            if len(lines) != 1:
                raise FormatRefused(
                    f"the comment after `{key}:` would end up inside a multi-line value; "
                    f"move it onto its own line above `{key}:`"
                )
            lines[0] += "  " + comments.trailing[key]
        out.extend(lines)
    out.extend(comments.end)
    return "\n".join(out) + "\n"


# ----------------------------------------------------------------- comments


def _comment_spans(text: str) -> list[tuple[int, int, str]]:
    """(line, column, text) of every comment, found as text no YAML token covers."""
    loader = SafeLoader(text)
    covered: list[tuple[int, int]] = []
    try:
        while True:
            token = loader.get_token()
            if token is None:
                break
            covered.append((token.start_mark.index, token.end_mark.index))
            if isinstance(token, yaml.StreamEndToken):
                break
    finally:
        loader.dispose()
    comments = []
    position = 0
    gaps = []
    for start, end in sorted(covered):
        if start > position:
            gaps.append((position, start))
        position = max(position, end)
    gaps.append((position, len(text)))
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for start, end in gaps:
        chunk = text[start:end]
        for match in re.finditer(r"#[^\n]*", chunk):
            index = start + match.start()
            line = max(i for i, s in enumerate(line_starts) if s <= index)
            comments.append((line + 1, index - line_starts[line] + 1, match.group(0).rstrip()))
    return comments


def collect_comments(text: str, key_lines: dict[str, int], value_end_lines: dict[str, int]) -> Comments:
    """Attach each comment to a top-level field, or refuse the file."""
    lines = text.splitlines()
    result = Comments()
    first_key_line = min(key_lines.values(), default=len(lines) + 1)
    ordered_keys = sorted(key_lines, key=lambda k: key_lines[k])
    for line, column, comment in _comment_spans(text):
        own_line = lines[line - 1][: column - 1].strip() == ""
        if own_line and line < first_key_line and comment.replace(" ", "") == SCHEMA_COMMENT.replace(" ", ""):
            continue  # regenerated
        if own_line:
            following = [k for k in ordered_keys if key_lines[k] > line]
            inside = [k for k in ordered_keys if key_lines[k] < line <= value_end_lines.get(k, key_lines[k])]
            if inside:
                raise FormatRefused(
                    f"line {line}: the comment sits inside `{inside[-1]}`; fmt can only keep "
                    f"comments on their own lines above a field, or at the end of a field's line"
                )
            if column != 1:
                raise FormatRefused(f"line {line}: the comment is indented; start it at the beginning of the line")
            if following:
                result.before.setdefault(following[0], []).append(comment)
            else:
                result.end.append(comment)
            continue
        owner = [k for k in ordered_keys if key_lines[k] == line]
        if owner and value_end_lines.get(owner[0], line) == line:
            result.trailing[owner[0]] = comment
        else:
            raise FormatRefused(
                f"line {line}: the comment follows a value inside a nested field; move it onto "
                f"its own line above the field"
            )
    return result


# --------------------------------------------------------------------- api


def canonical_text(text: str, order: Callable[[str], Any] | None = None) -> str:
    """The canonical form of a record file's text. Raises FormatRefused."""
    builder = EventReader(text, "<record>")
    try:
        data = builder.build()
    except yaml.YAMLError as exc:
        raise FormatRefused(f"the file is not valid YAML: {exc}") from exc
    if builder.problems:
        raise FormatRefused(builder.problems[0].message)
    if not isinstance(data, dict):
        raise FormatRefused("the file does not hold a mapping of fields")
    key_lines = {str(loc[0]): pos.line for loc, pos in builder.keys.items() if len(loc) == 1}
    value_end = _value_end_lines(builder, key_lines)
    comments = collect_comments(text, key_lines, value_end)
    formatted = format_record(data, comments, order)
    again = EventReader(formatted, "<formatted>").build()
    expected = {k: (_ordered(k, v, order) if isinstance(v, list) else v) for k, v in data.items() if v is not None}
    if again != expected:
        raise FormatRefused("the canonical form would not hold the same data; the file was left as it is")
    kept = sum(len(v) for v in comments.before.values()) + len(comments.trailing) + len(comments.end)
    if len(_comment_spans(formatted)) != 1 + kept:
        raise FormatRefused("a comment would be lost; the file was left as it is")
    return formatted


def _value_end_lines(builder: Any, key_lines: dict[str, int]) -> dict[str, int]:
    """Last line of each top-level field, from the end of its last scalar."""
    ends = dict(key_lines)
    for loc, line in builder.ends.items():
        if loc and isinstance(loc[0], str) and loc[0] in ends:
            ends[loc[0]] = max(ends[loc[0]], line)
    return ends
