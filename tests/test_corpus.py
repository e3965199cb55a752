"""A corpus of broken inputs, each run through the real command line.

Every case writes a few files over a fresh data root (the repository's
taxonomy, its benchmark and metric definitions, and one good record,
methods/sample-edit.yaml) and runs both

    python -m editsurvey validate --root DIR
    python -m editsurvey build --root DIR --site-dir DIR/site

as subprocesses with a timeout, so that a hang fails the test. Each run must:

- exit with status 1, with no "Traceback" in stdout or stderr;
- print the expected diagnostic as ``path[:line:col]: error: message [code]``,
  naming the file relative to the data root and, where the problem has one,
  the line;
- follow it with a ``    hint:`` line saying what to do;
- for build: write nothing (no site folder, no build/ folder).

A case gives `at` as "path" (the problem concerns the whole file) or
"path:line" or "path:line:col"; `phrase` is text the message must contain;
`forbid` lists codes that must not appear at all (follow-on errors of a root
cause); `first` says the expected diagnostic must be the first one printed.

One input is accepted rather than rejected: a UTF-8 byte-order mark
(test_bom_is_accepted). test_base_root_is_clean checks that the base data
root itself is clean, so every failure below comes from the case's own files.

The cases, grouped as in CASES below: YAML syntax (unclosed quote or flow
list, bad indentation, tabs, complex keys); keys and types (duplicate,
unknown, missing, wrong types, YAML 1.1 booleans, empty values); the shape of
the file (empty, comment-only, a list or scalar at top level, several
documents); anchors, aliases and an alias bomb; tags (!!python/object,
!!python/object/apply, !custom); bytes (not UTF-8, NUL); sizes and depth (a
file over 256 KiB, long name and title, nesting past the loader's limit and
past the parser's); ids and file names (id/file mismatch, uppercase and
underscores, hidden files, a symlink out of the root, .yml, stray files);
formats (http and javascript: links, impossible dates); references (unknown
taxonomy ids and venue, dangling and cyclic builds_on, duplicate arXiv ids,
a broken taxonomy file); benchmark results (unknown method and kind, NaN and
infinite scores); text that would break pages (control characters and line
breaks in a title, angle brackets in a name).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from datakit import AFTER, GOOD_RECORD, DataRoot, record
from sitekit import REPO

TIMEOUT = 60  # seconds per command; a hang fails the case

# ------------------------------------------------------------------ the data


@dataclass(frozen=True)
class Symlink:
    """A file to create as a symbolic link to `target` (relative to the link's folder)."""

    target: str


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes | Symlink]  # relative to the data root, written over the base
    at: str  # "path", "path:line" or "path:line:col"
    code: str
    phrase: str  # the message contains this
    forbid: tuple[str, ...] = ()  # codes that must not be reported at all
    first: bool = False  # the expected diagnostic is the first one printed


SAMPLE = "methods/sample-edit.yaml"
RESULTS = "benchmarks/sample-results.yaml"
RESULTS_TEXT = """\
kind: results
id: sample-results
benchmark: editeval-v1
metric: lmm-score
source: {title: A leaderboard, url: https://example.org/board}
results:
  - {task: object-addition, method: sample-edit, mean: 7.5, std: 1.2}
"""
# A second valid record, for rules across files.
OTHER_TEXT = record(id="id: other-edit", name="name: OtherEdit", title='title: "OtherEdit: A Different Paper"',
                    date="date: 2023-05", paper="  paper: https://arxiv.org/abs/2305.00002",
                    arxiv='  arxiv: "2305.00002"', code="  code: https://github.com/example/other-edit")


def sample(text: str | bytes) -> dict[str, str | bytes | Symlink]:
    """The files of a case that replaces the good record."""
    return {SAMPLE: text}


def replaced(old: str, new: str, text: str = GOOD_RECORD) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


def results(old: str, new: str) -> dict[str, str | bytes | Symlink]:
    return {RESULTS: replaced(old, new, RESULTS_TEXT)}


def nested(depth: int) -> str:
    return GOOD_RECORD + "extra: " + "[" * depth + "]" * depth + "\n"


ALIAS_BOMB = "".join(
    [f"a: &a [{', '.join(['lol'] * 9)}]\n"]
    + [f"{b}: &{b} [{', '.join([f'*{a}'] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")]
)
BROKEN_TASKS = replaced("  - id: object-addition\n", "  - id: object-addition: oops\n",
                        (REPO / "taxonomy" / "tasks.yaml").read_text(encoding="utf-8"))

CASES = [
    # YAML syntax
    Case("yaml-unclosed-quote", sample(GOOD_RECORD + 'base_model: "Stable Diffusion\n'), f"{SAMPLE}:{AFTER}",
         "yaml-syntax", "YAML syntax error"),
    Case("yaml-bad-indent", sample(replaced("venue: CVPR", "venue: CVPR\n  year: 2023")), f"{SAMPLE}:8",
         "yaml-syntax", "YAML syntax error"),
    Case("yaml-unclosed-flow", sample(record(conditions="conditions: [text, mask")), f"{SAMPLE}:15",
         "yaml-syntax", "YAML syntax error"),
    Case("yaml-tab-indent", sample(replaced("  - Ada Lovelace", "\t- Ada Lovelace")), f"{SAMPLE}:5",
         "yaml-syntax", "YAML syntax error"),
    Case("yaml-complex-key", sample(GOOD_RECORD + "? [a, b]\n: c\n"), f"{SAMPLE}:{AFTER}:3", "complex-key",
         "mapping key"),
    # keys and types
    Case("duplicate-key", sample(GOOD_RECORD + "venue: ICCV\n"), f"{SAMPLE}:{AFTER}:1", "duplicate-key",
         "duplicate key `venue`"),
    Case("unknown-field", sample(GOOD_RECORD + "homepage: https://example.org\n"), f"{SAMPLE}:{AFTER}:1",
         "unknown-field", "unknown field `homepage`"),
    Case("unknown-nested-field", sample(replaced("  code:", "  homepage: https://example.org\n  code:")),
         f"{SAMPLE}:12:3", "unknown-field", "unknown field `links.homepage`"),
    Case("missing-field", sample(replaced("venue: CVPR\n", "")), f"{SAMPLE}:1:1", "missing-field",
         "missing required field `venue`"),
    Case("year-as-string", sample(record(year='year: "2023"')), f"{SAMPLE}:8:7", "wrong-type",
         "`year` must be a whole number"),
    Case("authors-as-string", sample(replaced("authors:\n  - Ada Lovelace", "authors: Ada Lovelace")),
         f"{SAMPLE}:4:10", "wrong-type", "`authors` must be a list"),
    Case("conditions-as-mapping", sample(record(conditions="conditions: {text: mask}")), f"{SAMPLE}:14:13",
         "wrong-type", "`conditions` must be a list"),
    Case("arxiv-as-number", sample(record(arxiv="  arxiv: 2304.00001")), f"{SAMPLE}:11:10", "wrong-type",
         "`links.arxiv` must be text"),
    Case("name-null", sample(record(name="name:")), f"{SAMPLE}:2", "wrong-type", "`name` must be text"),
    Case("name-yes-is-bool", sample(record(name="name: yes")), f"{SAMPLE}:2:7", "wrong-type",
         "`name` must be text, not true/false"),
    Case("name-empty", sample(record(name='name: ""')), f"{SAMPLE}:2:7", "empty-value", "must not be empty"),
    # the shape of the file
    Case("empty-file", sample(""), f"{SAMPLE}:1:1", "empty-file", "empty"),
    Case("comment-only", sample("# nothing here yet\n\n# still nothing\n"), f"{SAMPLE}:1:1", "empty-file",
         "empty"),
    Case("top-level-list", sample("- id: sample-edit\n- name: SampleEdit\n"), f"{SAMPLE}:1:1", "not-a-mapping",
         "not a list"),
    Case("top-level-scalar", sample("just some words\n"), f"{SAMPLE}:1:1", "not-a-mapping", "not text"),
    Case("several-documents", sample(GOOD_RECORD + "---\n" + GOOD_RECORD), f"{SAMPLE}:{AFTER}:1",
         "multiple-documents", "more than one YAML document"),
    # aliases and tags
    Case("anchor-and-alias", sample(record(name="name: &n SampleEdit") + "base_model: *n\n"), f"{SAMPLE}:2:7",
         "forbidden-anchor", "anchor `&n`"),
    Case("alias-bomb", sample(ALIAS_BOMB), f"{SAMPLE}:1:4", "forbidden-anchor", "anchor `&a`"),
    Case("tag-python-object", sample(record(name="name: !!python/object:os.system echo")), f"{SAMPLE}:2:7",
         "forbidden-tag", "!!python/object:os.system"),
    Case("tag-python-apply", sample(GOOD_RECORD + 'extra: !!python/object/apply:os.system ["true"]\n'),
         f"{SAMPLE}:{AFTER}:8", "forbidden-tag", "!!python/object/apply:os.system"),
    Case("tag-custom", sample(record(name="name: !custom SampleEdit")), f"{SAMPLE}:2:7", "forbidden-tag",
         "`!custom`"),
    # bytes
    Case("not-utf8", sample(record(name="name: Sampl\u00e9Edit").encode("latin-1")), f"{SAMPLE}:2:12", "not-utf8",
         "not valid UTF-8"),
    Case("nul-byte", sample(record(name="name: Sample\0Edit").encode()), f"{SAMPLE}:2:13", "control-character", "NUL"),
    # sizes and depth
    Case("file-too-large", sample(GOOD_RECORD + "# " + "x" * (256 * 1024) + "\n"), SAMPLE, "file-too-large",
         "the limit is 262144"),
    Case("name-too-long", sample(record(name="name: " + "N" * 61)), f"{SAMPLE}:2:7", "too-long",
         "`name` is too long (at most 60 characters)"),
    Case("title-too-long", sample(record(title="title: " + "T" * 301)), f"{SAMPLE}:3:8", "too-long",
         "`title` is too long (at most 300 characters)"),
    Case("deep-nesting", sample(nested(40)), f"{SAMPLE}:{AFTER}", "too-deep", "nested too deeply"),
    Case("deep-nesting-huge", sample(nested(100_000)), f"{SAMPLE}:{AFTER}", "too-deep", "nested too deeply"),
    # ids and file names
    Case("id-file-mismatch", {"methods/other-name.yaml": OTHER_TEXT}, "methods/other-name.yaml:1:5",
         "id-mismatch", "does not match the file name `other-name.yaml`"),
    Case("id-uppercase", {"methods/Other-Edit.yaml": replaced("id: other-edit", "id: Other-Edit", OTHER_TEXT)},
         "methods/Other-Edit.yaml:1:5", "bad-format", "`id` has an invalid value `Other-Edit`"),
    Case("id-underscore", {"methods/other_edit.yaml": replaced("id: other-edit", "id: other_edit", OTHER_TEXT)},
         "methods/other_edit.yaml:1:5", "bad-format", "`id` has an invalid value `other_edit`"),
    Case("hidden-file-bare", {"methods/.yaml": OTHER_TEXT}, "methods/.yaml", "hidden-file", "hidden"),
    Case("hidden-file-dotted", {"methods/.other-edit.yaml": OTHER_TEXT}, "methods/.other-edit.yaml",
         "hidden-file", "hidden"),
    Case("symlink-outside-root", {"../outside/other-edit.yaml": OTHER_TEXT,
                                  "methods/other-edit.yaml": Symlink("../../outside/other-edit.yaml")},
         "methods/other-edit.yaml", "symlink-outside-root", "outside"),
    Case("wrong-extension", {"methods/other-edit.yml": OTHER_TEXT}, "methods/other-edit.yml", "wrong-extension",
         "must end in `.yaml`"),
    Case("stray-file", {"methods/notes.txt": "remember to add DiffEdit\n"}, "methods/notes.txt", "stray-file",
         "not a data file"),
    # formats
    Case("link-http", sample(record(paper="  paper: http://arxiv.org/abs/2304.00001")), f"{SAMPLE}:10:10",
         "bad-format", "`links.paper` has an invalid value `http://arxiv.org/abs/2304.00001`"),
    Case("link-javascript", sample(record(code="  code: javascript:alert(1)")), f"{SAMPLE}:12:9", "bad-format",
         "`links.code` has an invalid value"),
    Case("date-month-13", sample(record(date="date: 2023-13")), f"{SAMPLE}:6:7", "bad-format",
         "`date` has an invalid value `2023-13`"),
    Case("date-full-day", sample(record(date="date: 2023-02-30")), f"{SAMPLE}:6:7", "bad-format",
         "`date` has an invalid value `2023-02-30`"),
    Case("date-future", sample(record(date="date: 2099-01", year="year: 2099")), f"{SAMPLE}:6:7", "future-date",
         "date 2099-01 is in the future"),
    # references
    Case("unknown-strategy", sample(record(strategy="strategy: attention-modifcation")), f"{SAMPLE}:13:11",
         "unknown-id", "unknown strategy `attention-modifcation`"),
    Case("unknown-condition", sample(record(conditions="conditions: [text, maks]")), f"{SAMPLE}:14:20",
         "unknown-id", "unknown condition `maks`"),
    Case("unknown-task", sample(replaced("  - style-change", "  - style-chnage")), f"{SAMPLE}:17:5", "unknown-id",
         "unknown task `style-chnage`"),
    Case("unknown-venue", sample(record(venue="venue: CPVR")), f"{SAMPLE}:7:8", "unknown-venue",
         "unknown venue `CPVR`"),
    Case("builds-on-dangling", sample(GOOD_RECORD + "builds_on: [no-such-method]\n"), f"{SAMPLE}:{AFTER}:13",
         "unknown-method", "unknown method `no-such-method`"),
    Case("builds-on-cycle", {SAMPLE: GOOD_RECORD + "builds_on: [other-edit]\n",
                             "methods/other-edit.yaml": OTHER_TEXT + "builds_on: [sample-edit]\n"},
         f"methods/other-edit.yaml:{AFTER}:13", "builds-on-cycle",
         "other-edit -> sample-edit -> other-edit"),
    Case("duplicate-arxiv", {"methods/other-edit.yaml": replaced('"2305.00002"', '"2304.00001"', OTHER_TEXT)},
         "methods/other-edit.yaml:11:10", "duplicate-arxiv", "arXiv id `2304.00001` is also used by " + SAMPLE),
    Case("taxonomy-tasks-syntax", {"taxonomy/tasks.yaml": BROKEN_TASKS}, "taxonomy/tasks.yaml:19",
         "yaml-syntax", "YAML syntax error", forbid=("unknown-id",), first=True),
    # benchmark results
    Case("results-unknown-method", results("method: sample-edit", "method: no-such-method"), f"{RESULTS}:7:37",
         "unknown-method", "unknown method `no-such-method`"),
    Case("results-unknown-kind", results("kind: results", "kind: result"), f"{RESULTS}:1:7", "unknown-kind",
         "`kind` is `result`"),
    Case("results-mean-nan", results("mean: 7.5", "mean: .nan"), f"{RESULTS}:7", "not-finite", "mean",
         forbid=("out-of-range", "invalid-value")),
    Case("results-std-nan", results("std: 1.2", "std: .nan"), f"{RESULTS}:7", "not-finite", "std",
         forbid=("out-of-range", "invalid-value")),
    Case("results-mean-inf", results("mean: 7.5", "mean: -.inf"), f"{RESULTS}:7", "not-finite", "mean",
         forbid=("out-of-range", "invalid-value")),
    Case("results-std-inf", results("std: 1.2", "std: .inf"), f"{RESULTS}:7", "not-finite", "std",
         forbid=("out-of-range", "invalid-value")),
    # text that would break pages
    Case("title-control-character", sample(record(title=r'title: "SampleEdit:\e A Sample Method"')),
         f"{SAMPLE}:3:8", "control-character", "title"),
    Case("title-newline", sample(record(title=r'title: "SampleEdit:\nA Sample Method"')), f"{SAMPLE}:3:8",
         "control-character", "title"),
    Case("name-markup-tag", sample(record(name='name: "<b>SampleEdit</b>"')), f"{SAMPLE}:2:7", "markup-in-name",
         "name"),
    Case("name-greater-than", sample(record(name="name: Sample>Edit")), f"{SAMPLE}:2:7", "markup-in-name", "name"),
]


# --------------------------------------------------------------- the helpers

DIAGNOSTIC = re.compile(r"^(?P<path>[^\s:][^:]*?)(?::(?P<line>\d+):(?P<col>\d+))?: (?P<severity>error|warning): "
                        r"(?P<message>.*) \[(?P<code>[a-z0-9-]+)\]$")
AT = re.compile(r"^(?P<path>[^:]+)(?::(?P<line>\d+)(?::(?P<col>\d+))?)?$")
BENCHMARK_DEFINITIONS = ("editeval-v1.yaml", "editeval-v2.yaml", "lmm-score.yaml")  # not the results


@dataclass
class Reported:
    path: str
    line: int | None
    col: int | None
    code: str
    message: str
    hints: list[str] = field(default_factory=list)


def editsurvey(*args: str) -> subprocess.CompletedProcess:
    """Run the command line as a user does; a hang is a failure, not a stuck test run."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    try:
        return subprocess.run([sys.executable, "-m", "editsurvey", *args], check=False, cwd=REPO, env=env,
                              capture_output=True, text=True, errors="replace", timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"editsurvey {' '.join(args)} did not finish within {TIMEOUT} s")


def make_root(base: Path, files: dict[str, str | bytes | Symlink]) -> Path:
    """A data root: taxonomy, benchmark and metric definitions, the good record, then the case's files."""
    data = DataRoot(base / "data")
    for name in BENCHMARK_DEFINITIONS:
        shutil.copy2(REPO / "benchmarks" / name, data.path / "benchmarks" / name)
    data.method("sample-edit", GOOD_RECORD)
    for rel, content in files.items():
        if isinstance(content, Symlink):
            link = data.path / rel
            link.unlink(missing_ok=True)
            link.symlink_to(content.target)
        else:
            data.write(rel, content)
    return data.path


def diagnostics(output: str) -> list[Reported]:
    """The diagnostics in a text report; anything that is neither a diagnostic nor its hint is skipped."""
    found: list[Reported] = []
    for line in output.splitlines():
        if line.startswith("    hint: ") and found:
            found[-1].hints.append(line.removeprefix("    hint: ").strip())
        elif match := DIAGNOSTIC.match(line):
            number = int(match["line"]) if match["line"] else None
            col = int(match["col"]) if match["col"] else None
            found.append(Reported(match["path"], number, col, match["code"], match["message"]))
    return found


def assert_rejected(result: subprocess.CompletedProcess, case: Case) -> None:
    output = result.stdout + result.stderr
    shown = f"\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    assert "Traceback" not in output, shown
    assert result.returncode == 1, f"exit status {result.returncode}" + shown
    at = AT.match(case.at)
    assert at, case.at
    path = at["path"]
    line, col = (int(at[part]) if at[part] else None for part in ("line", "col"))
    reported = diagnostics(output)
    matching = [d for d in reported
                if d.path == path and d.code == case.code
                and (line is None or d.line == line) and (col is None or d.col == col)]
    assert matching, f"no [{case.code}] at {case.at}" + shown
    d = matching[0]
    assert line is None or d.line, f"{path} is named without a line" + shown
    assert case.phrase in d.message, f"message {d.message!r} lacks {case.phrase!r}" + shown
    assert d.hints and all(d.hints), "the diagnostic has no `hint:` line" + shown
    for code in case.forbid:
        assert not [r for r in reported if r.code == code], f"follow-on [{code}] reported" + shown
    if case.first:
        assert reported[0] is d, "the root cause is not reported first" + shown


# ----------------------------------------------------------------- the tests


def test_base_root_is_clean(tmp_path):
    root = make_root(tmp_path, {})
    result = editsurvey("validate", "--root", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "1 records, 0 errors, 0 warnings"


def test_bom_is_accepted(tmp_path):
    root = make_root(tmp_path, sample("\ufeff" + GOOD_RECORD))
    result = editsurvey("validate", "--root", str(root))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1] == "1 records, 0 errors, 0 warnings"


def test_corpus_size():
    assert len(CASES) >= 40
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_validate_rejects(tmp_path, case):
    root = make_root(tmp_path, case.files)
    assert_rejected(editsurvey("validate", "--root", str(root)), case)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_build_rejects_and_writes_nothing(tmp_path, case):
    root = make_root(tmp_path, case.files)
    result = editsurvey("build", "--root", str(root), "--site-dir", str(root / "site"))
    assert_rejected(result, case)
    assert "nothing was written" in result.stderr
    assert not (root / "site").exists(), "build wrote a site"
    assert not (root / "build").exists(), "build wrote generated pages"
