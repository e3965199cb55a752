"""Diagnostics: one problem found in the data, pointing at file, line and column."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    path: str  # relative to the data root, with forward slashes
    line: int  # 1-based; 0 when the problem concerns the whole file
    col: int  # 1-based; 0 when unknown
    severity: Severity
    code: str  # stable, kebab-case rule name
    message: str
    hint: str | None = None

    def sort_key(self) -> tuple:
        # The taxonomy first: a broken axis explains the problems reported after it.
        return (
            not self.path.startswith("taxonomy"),
            self.path,
            self.line,
            self.col,
            self.severity != "error",
            self.code,
            self.message,
        )


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(diagnostics), key=Diagnostic.sort_key)


def count(diagnostics: Iterable[Diagnostic]) -> tuple[int, int]:
    diagnostics = list(diagnostics)
    errors = sum(1 for d in diagnostics if d.severity == "error")
    return errors, len(diagnostics) - errors


def summary_line(records: int, diagnostics: Iterable[Diagnostic]) -> str:
    errors, warnings = count(diagnostics)
    return f"{records} records, {errors} errors, {warnings} warnings"


def format_text(d: Diagnostic) -> str:
    where = d.path if d.line == 0 else f"{d.path}:{d.line}:{d.col or 1}"
    text = f"{where}: {d.severity}: {d.message} [{d.code}]"
    if d.hint:
        text += f"\n    hint: {d.hint}"
    return text


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_github(d: Diagnostic) -> str:
    """A GitHub Actions workflow command that annotates the file and line."""
    props = [f"file={_escape_property(d.path)}"]
    if d.line:
        props.append(f"line={d.line}")
        props.append(f"col={d.col or 1}")
    props.append(f"title={_escape_property(d.code)}")
    message = d.message + (f" Hint: {d.hint}" if d.hint else "")
    return f"::{d.severity} {','.join(props)}::{_escape_data(message)}"


def format_json(records: int, diagnostics: list[Diagnostic]) -> str:
    errors, warnings = count(diagnostics)
    payload = {
        "summary": {"records": records, "errors": errors, "warnings": warnings},
        "diagnostics": [asdict(d) for d in diagnostics],
    }
    return json.dumps(payload, indent=2, ensure_ascii=False)
