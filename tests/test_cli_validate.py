"""`editsurvey validate` as a user runs it: output formats and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

from datakit import AFTER, GOOD_RECORD, record
from sitekit import REPO, cli


def test_repository_data_validates():
    result = subprocess.run([sys.executable, "-m", "editsurvey", "validate"], cwd=REPO,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 errors, " in result.stdout.splitlines()[-1]
    # Evidence is required (an error), so no warning is about it; a title written as the paper's BibTeX does
    # (Uniworld-V2) may differ in case from the name its repository uses (UniWorld-V2).
    codes = {line.rsplit("[", 1)[-1].rstrip("]") for line in result.stdout.splitlines() if ": warning: " in line}
    assert codes <= {"title-case"}


def test_clean_root_exits_0(data_root):
    data_root.method("sample-edit", GOOD_RECORD)
    result = cli("validate", "--root", str(data_root.path))
    assert result.exit_code == 0
    assert result.output == "1 records, 0 errors, 0 warnings\n"


def test_errors_exit_1_sorted_by_file_and_line(data_root):
    data_root.method("b-edit", record(id="id: b-edit", conditions="conditions: [text, maks]", title="title: Other Work",
                                      arxiv='  arxiv: "2304.00002"', paper="  paper: https://example.org/b",
                                      mask="  maks: Fig. 2"))
    data_root.method("sample-edit", record(venue="venue: CPVR") + "extra: 1\n")
    result = cli("validate", "--root", str(data_root.path))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if not line.startswith("    hint:")]
    assert lines == [
        "methods/b-edit.yaml:14:20: error: unknown condition `maks` [unknown-id]",
        "methods/sample-edit.yaml:7:8: error: unknown venue `CPVR` [unknown-venue]",
        f"methods/sample-edit.yaml:{AFTER}:1: error: unknown field `extra` [unknown-field]",
        "2 records, 3 errors, 0 warnings",
    ]
    assert "    hint: did you mean `mask`?" in result.output


def test_warnings_alone_exit_0(data_root):
    data_root.method("sample-edit", record(title='title: "Sampleedit: A Sample Method"'))
    result = cli("validate", "--root", str(data_root.path))
    assert result.exit_code == 0
    assert result.output.splitlines()[-1] == "1 records, 0 errors, 1 warnings"


def test_github_annotations(data_root):
    data_root.method("sample-edit", record(conditions="conditions: [text, maks]"))
    result = cli("validate", "--root", str(data_root.path), "--format", "github")
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "::error file=methods/sample-edit.yaml,line=14,col=20,title=unknown-id::"
        "unknown condition `maks` Hint: did you mean `mask`?")


def test_github_escapes_special_characters():
    from editsurvey.diagnostics import Diagnostic, format_github

    d = Diagnostic("methods/a,b.yaml", 3, 1, "warning", "x", "50% done\nnext", None)
    assert format_github(d) == "::warning file=methods/a%2Cb.yaml,line=3,col=1,title=x::50%25 done%0Anext"


def test_json_format(data_root):
    data_root.method("sample-edit", record(venue="venue: CPVR"))
    result = cli("validate", "--root", str(data_root.path), "--format", "json")
    assert result.exit_code == 1
    payload = json.loads(result.output)
    assert payload["summary"] == {"records": 1, "errors": 1, "warnings": 0}
    assert payload["diagnostics"] == [{
        "path": "methods/sample-edit.yaml", "line": 7, "col": 8, "severity": "error", "code": "unknown-venue",
        "message": "unknown venue `CPVR`", "hint": "did you mean `CVPR`?"}]


def test_usage_errors_exit_2(tmp_path):
    assert cli("validate", "--format", "xml").exit_code == 2
    assert cli("validate", "--root", str(tmp_path / "missing")).exit_code == 2
    assert cli("validate", "--bogus").exit_code == 2


def test_root_without_taxonomy_is_an_error(tmp_path):
    result = cli("validate", "--root", str(tmp_path))
    assert result.exit_code == 1
    assert result.output.startswith("taxonomy: error: no `taxonomy/` folder under")


def test_schema_command_prints_schema_with_taxonomy_ids():
    result = cli("schema", "--root", str(REPO))
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["additionalProperties"] is False
    assert "mask" in schema["properties"]["conditions"]["items"]["enum"]
    assert "training-based" not in schema["properties"]["strategy"]["enum"]
    assert "attention-modification" in schema["properties"]["strategy"]["enum"]
