"""The rule registry: every code is documented once, listed by `editsurvey rules`, and yielded by its rule."""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
from pathlib import Path

from click.testing import CliRunner
from datakit import GOOD_RECORD, TODAY, record

from editsurvey import validate as validate_module
from editsurvey.cli import main
from editsurvey.dataset import load_dataset
from editsurvey.rules import SCOPES, Context, code_table
from editsurvey.validate import RULES

TESTS = Path(__file__).resolve().parent
SRC = TESTS.parent / "src" / "editsurvey"

DOCUMENTED = {info.code for info in code_table(RULES)}


# ------------------------------------------------- codes named in the source


def _code_parameters(trees: list[ast.Module]) -> dict[str, int]:
    """Every function or dataclass of the package with a `code` parameter -> the argument position of `code`."""
    positions: dict[str, int] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                names = [a.arg for a in node.args.posonlyargs + node.args.args]
                if "code" in names:
                    positions[node.name] = names.index("code") - (names[:1] in (["self"], ["cls"]))
            elif isinstance(node, ast.ClassDef):
                fields = [s.target.id for s in node.body if isinstance(s, ast.AnnAssign)
                          and isinstance(s.target, ast.Name)]
                if "code" in fields and any(getattr(d, "id", getattr(d, "attr", None)) == "dataclass"
                                            or getattr(getattr(d, "func", None), "id", None) == "dataclass"
                                            for d in node.decorator_list):
                    positions[node.name] = fields.index("code")
    return positions


def _codes_passed(tree: ast.AST, positions: dict[str, int]) -> set[str]:
    """String constants passed as the `code` argument of any call in `tree`."""
    found = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name not in positions:
            continue
        args = [k.value for k in node.keywords if k.arg == "code"]
        if len(node.args) > positions[name]:
            args.append(node.args[positions[name]])
        found |= {a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)}
    return found


SOURCE_TREES = [ast.parse(p.read_text(encoding="utf-8")) for p in sorted(SRC.rglob("*.py"))]
CODE_PARAMETERS = _code_parameters(SOURCE_TREES)


def codes_in_source() -> set[str]:
    found: set[str] = set()
    for tree in SOURCE_TREES:
        found |= _codes_passed(tree, CODE_PARAMETERS)
    return found


def test_the_source_scan_finds_the_call_sites():
    assert {"diagnostic", "_problem", "Diagnostic", "_pairs_by_key"} <= set(CODE_PARAMETERS)
    assert {"yaml-syntax", "hidden-file", "unknown-id", "duplicate-doi", "dead-link"} <= codes_in_source()


def test_every_code_in_the_source_is_documented():
    assert codes_in_source() - DOCUMENTED == set()


def test_every_documented_code_occurs_in_the_source():
    assert DOCUMENTED - codes_in_source() == set()


# -------------------------------------------------- codes asserted by tests


def _codes_asserted(tree: ast.Module) -> set[str]:
    """Codes that tests compare with a diagnostic's code, in the ways this test suite does it."""

    def text(node: ast.AST) -> str | None:
        return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None

    def is_code(node: ast.AST) -> bool:
        return isinstance(node, ast.Attribute) and node.attr == "code"

    def strings(node: ast.AST) -> set[str]:
        if text(node) is not None:
            return {text(node)}  # type: ignore[arg-type]
        if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
            return {t for e in node.elts if (t := text(e)) is not None}
        return set()

    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):  # d.code == "x", d.code in (...), {d.code for d in found} == {"x"}
            sides = [node.left, *node.comparators]
            if any(is_code(s) or (isinstance(s, (ast.SetComp, ast.ListComp)) and is_code(s.elt)) for s in sides):
                for s in sides:
                    found |= strings(s)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None)
            if name == "only" and len(node.args) == 2:  # only(found, "x")
                found |= strings(node.args[1])
            elif name == "Case":  # the corpus: Case(id, files, at, code, phrase, forbid=...)
                if len(node.args) > 3:
                    found |= strings(node.args[3])
                found |= {c for k in node.keywords if k.arg in ("code", "forbid") for c in strings(k.value)}
        elif isinstance(node, ast.Dict):  # {"severity": ..., "code": "x", ...}: a diagnostic in JSON output
            fields = {text(k): v for k, v in zip(node.keys, node.values) if k is not None}
            if "severity" in fields and text(fields.get("code", node)):
                found.add(text(fields["code"]))  # type: ignore[arg-type]
        elif isinstance(node, ast.FunctionDef):  # ("markup-in-name", 2) in {(d.code, d.line) for d in ...}
            tuples = [n for n in ast.walk(node) if isinstance(n, ast.Tuple)]
            shapes = {(len(t.elts), i) for t in tuples for i, e in enumerate(t.elts) if is_code(e)}
            found |= {text(t.elts[i]) for t in tuples for n, i in shapes  # type: ignore[misc]
                      if len(t.elts) == n and text(t.elts[i])}
        if (t := text(node)) is not None:  # "[code]", "path:1:2: error: message [code]", "::error ...,title=code::"
            if re.fullmatch(r"\[[a-z0-9]+(-[a-z0-9]+)+\]", t):
                found.add(t[1:-1])
            for line in t.splitlines():
                if line.endswith("]") and "[" in line and (": error: " in line or ": warning: " in line):
                    found.add(line.rsplit("[", 1)[1][:-1])
                if line.startswith("::") and ",title=" in line:
                    found.add(line.split(",title=", 1)[1].split("::", 1)[0])
    return found - _codes_passed(tree, CODE_PARAMETERS)  # a Diagnostic a test builds itself has any code


def codes_asserted_by_tests() -> dict[str, set[str]]:
    return {p.name: _codes_asserted(ast.parse(p.read_text(encoding="utf-8"))) for p in sorted(TESTS.glob("test_*.py"))}


def test_the_test_scan_finds_codes_in_every_style():
    by_file = codes_asserted_by_tests()
    assert {"duplicate-key", "forbidden-tag", "duplicate-doi", "missing-field"} <= by_file["test_validate_rules.py"]
    assert {"unknown-id", "unknown-venue", "unknown-field"} <= by_file["test_cli_validate.py"]
    assert {"yaml-syntax", "hidden-file", "symlink-outside-root", "out-of-range"} <= by_file["test_corpus.py"]
    assert {"markup-in-name", "bad-format", "unreadable", "not-finite", "control-character"} <= by_file[
        "test_hardening.py"]
    assert {"duplicate-arxiv", "similar-title"} <= by_file["test_contributing.py"]


def test_every_code_a_test_asserts_is_documented():
    missing = {name: codes - DOCUMENTED for name, codes in codes_asserted_by_tests().items() if codes - DOCUMENTED}
    assert missing == {}


# ---------------------------------------------------------- the registry


def test_codes_are_documented_once():
    documented = [code for rule in RULES for code in rule.codes]
    assert len(documented) == len(set(documented))
    assert all(code == code.lower() and " " not in code for code in documented)


def test_every_code_a_rule_also_yields_is_documented_elsewhere():
    for rule in RULES:
        assert set(rule.also) <= DOCUMENTED - set(rule.codes), rule


def test_every_entry_has_a_known_scope_a_summary_and_meanings():
    for rule in RULES:
        assert rule.scope in SCOPES
        assert rule.summary and not rule.summary.endswith(" ")
        assert all(meaning.strip() for meaning in rule.codes.values())
        assert rule.codes or rule.also
        assert (rule.check is None) == (rule.scope in ("file", "links")), rule


def test_every_rule_is_a_documented_generator_that_yields_exactly_its_codes():
    functions = [rule.check for rule in RULES if rule.check is not None]
    assert len(functions) == len(set(functions)), "a function is registered twice"
    for rule in RULES:
        if rule.check is None:
            continue
        assert inspect.isgeneratorfunction(rule.check), rule.check.__name__
        assert inspect.getdoc(rule.check), rule.check.__name__
        tree = ast.parse(textwrap.dedent(inspect.getsource(rule.check)))
        assert _codes_passed(tree, CODE_PARAMETERS) == set(rule.all_codes), rule.check.__name__


def test_every_rule_function_of_validate_is_registered():
    """A public generator in validate.py called with (doc), (item, ctx) or (ctx) is a rule: it must be in RULES."""
    registered = {rule.check for rule in RULES}
    shapes = (["doc"], ["item", "ctx"], ["ctx"])
    rules = [f for name, f in vars(validate_module).items()
             if inspect.isgeneratorfunction(f) and not name.startswith("_")
             and f.__module__ == validate_module.__name__ and list(inspect.signature(f).parameters) in shapes]
    assert len(rules) > 40
    assert [f.__name__ for f in rules if f not in registered] == []


# ------------------------------------------------------- editsurvey rules


def test_rules_command_lists_every_code_with_severity_and_meaning():
    result = CliRunner().invoke(main, ["rules"])
    assert result.exit_code == 0, result.output
    rows = {line.split()[0]: line.split(None, 2)[1:] for line in result.output.splitlines()}
    assert set(rows) == DOCUMENTED
    assert rows["similar-title"][0] == "warning" and rows["unknown-id"][0] == "error"
    assert rows["duplicate-doi"][1] == "two records with the same DOI"


def test_rules_command_markdown_is_a_table():
    result = CliRunner().invoke(main, ["rules", "--format", "markdown"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:2] == ["| code | severity | meaning |", "| --- | --- | --- |"]
    assert len(lines) == 2 + len(DOCUMENTED)
    assert "| `title-case` | warning | the title writes the method's name in another capitalisation |" in lines
    assert all(line.startswith("| `") and line.endswith(" |") and line.count(" | ") == 2 for line in lines[2:])


def test_rules_command_refuses_an_unknown_format():
    assert CliRunner().invoke(main, ["rules", "--format", "html"]).exit_code == 2


# ------------------------------------------------- one rule, on its own


def test_one_record_rule_runs_on_its_own(data_root):
    data_root.method("sample-edit", record(venue="venue: CPVR"))
    data = load_dataset(data_root.path)
    [item] = data.methods
    [d] = validate_module.venue_known(item, Context.of(data, TODAY))
    assert (d.path, d.line, d.col, d.code) == ("methods/sample-edit.yaml", 7, 8, "unknown-venue")
    assert (d.message, d.hint) == ("unknown venue `CPVR`", "did you mean `CVPR`?")
    assert list(validate_module.dates_not_in_future(item, Context.of(data, TODAY))) == []


def test_the_axis_rule_runs_on_its_own(data_root):
    data_root.method("sample-edit", record(conditions="conditions: [text, maks, text]"))
    data = load_dataset(data_root.path)
    found = list(validate_module.record_taxonomy_ids(data.methods[0], Context.of(data, TODAY)))
    assert [(d.code, d.line, d.col, d.message) for d in found] == [
        ("unknown-id", 14, 20, "unknown condition `maks`"),
        ("duplicate-item", 14, 26, "`text` is listed twice in `conditions`"),
    ]


def test_a_clean_record_passes_every_record_rule(data_root):
    data_root.method("sample-edit", GOOD_RECORD)
    data = load_dataset(data_root.path)
    ctx = Context.of(data, TODAY)
    for rule in RULES:
        if rule.scope == "record":
            assert list(rule.check(data.methods[0], ctx)) == [], rule.check.__name__
