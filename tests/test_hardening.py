"""Regression tests for the hardening issue: one test (or more) per numbered defect.

Each reproduces what a wrong argument or a hostile contribution did on the
landed code (data loss, script injection, a traceback) and asserts what
happens now.
"""

from __future__ import annotations

import csv
import fcntl
import io
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import bibtexparser
import pybtex.database
import pytest
from click.testing import CliRunner

from datakit import GOOD_RECORD, TODAY, DataRoot, record
from editsurvey.catalog import Catalog
from editsurvey.cli import main
from editsurvey.site.exports import methods_bib, methods_csv
from editsurvey.site.pages import render_pages
from editsurvey.site.target import SITE_MARKER
from editsurvey.validate import validate_root
from sitekit import editsurvey, free_port


def catalog_of(root: DataRoot) -> Catalog:
    data, found = validate_root(root.path, today=TODAY)
    assert not [d for d in found if d.severity == "error"], found
    return Catalog.from_dataset(data)


def with_authors(authors: str, **replacements: str) -> str:
    """GOOD_RECORD with a flow list of authors in place of its block list."""
    return record(authors=f"authors: {authors}", **replacements).replace("  - Ada Lovelace\n", "")


def build_args(root: Path, site: Path) -> list[str]:
    return ["build", "--root", str(root), "--site-dir", str(site)]


@pytest.fixture
def repo_like(data_root: DataRoot) -> DataRoot:
    """A data root that looks like the repository: records, docs, sources, a .git folder."""
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.write("docs/about.md", "# About\n")
    data_root.write("src/keep.py", "x = 1\n")
    data_root.write(".git/HEAD", "ref: refs/heads/main\n")
    data_root.write("mkdocs.yml", (Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text())
    return data_root


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------ 1. --site-dir destroys data

@pytest.mark.parametrize("target", [".", "methods", "docs", "taxonomy", "src", ".git", "methods/sub", ".."])
def test_build_refuses_to_replace_the_repository_or_its_folders(repo_like: DataRoot, target: str):
    before = snapshot(repo_like.path)
    result = editsurvey(*build_args(repo_like.path, repo_like.path / target), check=False)
    assert result.returncode == 2, result.stderr
    assert "will not write the site to" in result.stderr and "hint:" in result.stderr
    assert "Traceback" not in result.stderr
    assert snapshot(repo_like.path) == before


def test_build_refuses_a_non_empty_folder_it_did_not_make(repo_like: DataRoot, tmp_path: Path):
    foreign = tmp_path / "home"
    (foreign / "notes.txt").parent.mkdir()
    (foreign / "notes.txt").write_text("mine")
    result = editsurvey(*build_args(repo_like.path, foreign), check=False)
    assert result.returncode == 2
    assert "no editsurvey build made" in result.stderr
    assert (foreign / "notes.txt").read_text() == "mine"


def test_build_marks_its_site_and_replaces_only_a_marked_one(repo_like: DataRoot, tmp_path: Path):
    site = tmp_path / "out"
    editsurvey(*build_args(repo_like.path, site))
    assert (site / SITE_MARKER).is_file() and (site / "index.html").is_file()
    (site / "stale.html").write_text("old")
    editsurvey(*build_args(repo_like.path, site))
    assert not (site / "stale.html").exists()
    # Nothing of ours is left beside the site (staging or moved-aside folders).
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "out"]


def test_build_leaves_a_foreign_folder_named_like_our_old_one(repo_like: DataRoot, tmp_path: Path):
    # The swap used to delete `.<name>-old` beside the target, whoever had made it.
    bystander = tmp_path / ".out-old"
    bystander.mkdir()
    (bystander / "keep.txt").write_text("keep")
    site = tmp_path / "out"
    editsurvey(*build_args(repo_like.path, site))
    editsurvey(*build_args(repo_like.path, site))
    assert (bystander / "keep.txt").read_text() == "keep"


# ------------------------------------------------------------ 2. stored XSS

HOSTILE_TITLE = 'Edits "><svg onload=alert(1)> <script>alert(2)</script> & more'


def test_name_with_markup_and_title_with_newline_are_errors(data_root: DataRoot):
    data_root.method("sample-edit", record(name='name: "<script>alert(1)</script>"',
                                           title='title: "A title\\nwith a line break"'))
    found = {(d.code, d.line) for d in data_root.validate()}
    assert ("markup-in-name", 2) in found
    assert ("control-character", 3) in found


def test_title_reaches_front_matter_html_escaped(data_root: DataRoot):
    data_root.method("sample-edit", record(title=f"title: '{HOSTILE_TITLE}'"))
    page = render_pages(catalog_of(data_root))["methods/sample-edit/index.md"]
    front = page.split("---")[1]
    assert "<svg" not in front and "<script" not in front
    assert "description: \"Edits &quot;&gt;&lt;svg onload=alert(1)&gt;" in front
    body = page.split("---", 2)[2]
    outside_code = re.sub(r"```bibtex\n.*?```", "", body, flags=re.S)  # code blocks are escaped by Markdown
    assert "<svg" not in outside_code and "<script>" not in outside_code


def test_hostile_title_is_text_in_the_built_html(data_root: DataRoot, tmp_path: Path):
    data_root.method("sample-edit", record(title=f"title: '{HOSTILE_TITLE}'"))
    data_root.write("mkdocs.yml", (Path(__file__).resolve().parents[1] / "mkdocs.yml").read_text())
    site = tmp_path / "site"
    editsurvey(*build_args(data_root.path, site))
    html = (site / "methods/sample-edit/index.html").read_text()
    assert "<svg onload" not in html and "<script>alert" not in html
    assert "&lt;svg onload=alert(1)&gt;" in html


def test_links_cannot_carry_markup(data_root: DataRoot):
    data_root.method("sample-edit", record(code='  code: "https://github.com/x/<script>alert(1)</script>"'))
    found = {(d.code, d.line) for d in data_root.validate()}
    assert ("bad-format", 12) in found


# ------------------------------------------------- 3. `new` writes anywhere

@pytest.mark.parametrize("args", [["--id", "../../x"], ["--id", "Bad_Id"], ["--name", "???"]])
def test_new_refuses_ids_outside_the_pattern(data_root: DataRoot, args: list[str]):
    options = {"--name": "X", "--title": "T", "--arxiv": "2304.00001", "--strategy": "mask-guidance",
               "--condition": "text", "--task": "object-removal"}
    for key, value in zip(args[::2], args[1::2]):
        options[key] = value
    before = snapshot(data_root.path.parent)
    result = CliRunner().invoke(main, ["new", "--root", str(data_root.path), *sum(options.items(), ())])
    assert result.exit_code == 2
    assert "is not a valid id" in result.output
    assert snapshot(data_root.path.parent) == before


def test_hidden_record_files_are_reported(data_root: DataRoot):
    data_root.method("", GOOD_RECORD)  # methods/.yaml
    found = [(d.path, d.code) for d in data_root.validate()]
    assert ("methods/.yaml", "hidden-file") in found


# ------------------------------------------------------ 4. CSV formula cells

def test_csv_neutralises_formula_cells(data_root: DataRoot):
    data_root.method("sample-edit", with_authors("['+cmd', '@sum', '-2+3']", name='name: "=HYPERLINK(1)"'))
    rows = list(csv.DictReader(io.StringIO(methods_csv(catalog_of(data_root)))))
    assert rows[0]["name"] == "'=HYPERLINK(1)"
    assert rows[0]["authors"] == "'+cmd; @sum; -2+3"


# ---------------------------------------------------------- 5. BibTeX braces

@pytest.mark.parametrize("authors,title", [
    ("['A } and {B', 'C']", "'Broken } title'"),
    ("['Doe, Jane', 'Smith and Sons']", "'Unbalanced { brace \\\\ and back'"),
])
def test_bibtex_parses_whole_with_every_field(data_root: DataRoot, authors: str, title: str):
    data_root.method("sample-edit", with_authors(authors, title=f"title: {title}"))
    text = methods_bib(catalog_of(data_root))
    database = pybtex.database.parse_string(text, "bibtex")
    entry = database.entries["sample-edit"]
    assert {"title", "year", "url", "booktitle"} <= {k.lower() for k in entry.fields}
    assert len(entry.persons["author"]) == 2
    library = bibtexparser.parse_string(text)
    assert not library.failed_blocks
    fields = {f.key for f in library.entries[0].fields}
    assert {"title", "author", "year", "url", "booktitle"} <= fields


# ------------------------------------------------ 6. newlines break tables

def test_line_break_in_a_title_stops_the_build_before_any_table(repo_like: DataRoot, tmp_path: Path):
    repo_like.method("sample-edit", record(title='title: "First line\\nsecond | line"'))
    result = editsurvey(*build_args(repo_like.path, tmp_path / "out"), check=False)
    assert result.returncode == 1
    assert "methods/sample-edit.yaml:3:8: error: `title` holds a line break [control-character]" in result.stderr
    assert not (tmp_path / "out").exists()


# -------------------------------------------------------- 7. fmt size limit

def test_fmt_refuses_oversized_files_quickly(data_root: DataRoot):
    path = data_root.method("sample-edit", GOOD_RECORD + "# " + "x" * (300 * 1024) + "\n")
    start = time.monotonic()
    result = CliRunner().invoke(main, ["fmt", "--root", str(data_root.path), str(path)])
    assert result.exit_code == 1
    assert "refused: larger than" in result.output
    assert time.monotonic() - start < 5  # it used to take minutes; this only guards against a hang


# ---------------------------------------------- 8. signals stop the engine too

def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    return stat.exists() and stat.read_text().split()[2] != "Z"


def test_sigterm_to_serve_stops_the_engine(repo_like: DataRoot):
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "editsurvey", "serve", "--root", str(repo_like.path),
                                "--dev-addr", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    try:
        deadline = time.monotonic() + 60
        while not _children(process.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        children = _children(process.pid)
        assert children, "serve started no engine"
        process.send_signal(signal.SIGTERM)  # to the parent only, as a process manager would
        assert process.wait(timeout=30) == 128 + signal.SIGTERM
        deadline = time.monotonic() + 15
        while any(_alive(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.2)
        assert not any(_alive(c) for c in children)
    finally:
        for pid in _children(process.pid) + ([process.pid] if process.poll() is None else []):
            os.kill(pid, signal.SIGKILL)  # a failing run leaves no server behind


def test_sigterm_to_build_removes_its_staging_folder(repo_like: DataRoot, tmp_path: Path):
    site = tmp_path / "out"
    process = subprocess.Popen([sys.executable, "-m", "editsurvey", *build_args(repo_like.path, site)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    deadline = time.monotonic() + 60
    while not _children(process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    children = _children(process.pid)
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 128 + signal.SIGTERM, stderr
    assert "previous site was left as it was" in stderr
    assert not any(_alive(c) for c in children)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert not list((repo_like.path / "build").glob(".out-*"))


# --------------------------------------------- 9. tracebacks become messages

def test_unreadable_methods_folder_is_a_diagnostic(data_root: DataRoot, monkeypatch):
    real_iterdir = Path.iterdir

    def iterdir(self):
        if self.name == "methods":
            raise PermissionError(13, "Permission denied")
        return real_iterdir(self)

    monkeypatch.setattr(Path, "iterdir", iterdir)
    found = [(d.path, d.code, d.message) for d in data_root.validate()]
    assert ("methods", "unreadable", "cannot list the folder: Permission denied") in found


def test_unwritable_build_folder_is_a_message(repo_like: DataRoot, tmp_path: Path):
    (repo_like.path / "build").write_text("a file where the build folder goes")
    result = editsurvey(*build_args(repo_like.path, tmp_path / "out"), check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("error: cannot write") and "Traceback" not in result.stderr


def test_concurrent_build_is_told_another_is_running(repo_like: DataRoot, tmp_path: Path):
    lock = repo_like.path / "build" / ".lock"
    lock.parent.mkdir()
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        result = editsurvey(*build_args(repo_like.path, tmp_path / "out"), check=False)
    assert result.returncode == 1
    assert "another build is running" in result.stderr
    assert not (tmp_path / "out").exists()


def test_serve_on_a_busy_port_says_so_before_serving(repo_like: DataRoot):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = editsurvey("serve", "--root", str(repo_like.path), "--dev-addr", f"127.0.0.1:{port}", check=False)
    assert result.returncode == 2
    assert "cannot serve on" in result.stderr and "serving on" not in result.stdout


# ------------------------------------------------------------- 10. symlinks

def test_symlink_leaving_the_root_is_refused(data_root: DataRoot, tmp_path: Path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(GOOD_RECORD)
    (data_root.path / "methods/sample-edit.yaml").symlink_to(outside)
    found = [(d.path, d.code) for d in data_root.validate()]
    assert found == [("methods/sample-edit.yaml", "symlink-outside-root")]
    before = outside.read_text()
    result = CliRunner().invoke(main, ["fmt", "--root", str(data_root.path)])
    assert result.exit_code == 1 and "outside the data root" in result.output
    assert outside.read_text() == before


# ------------------------------------------------- 11. messages for oddities

def test_nul_byte_has_a_line_and_a_hint(data_root: DataRoot):
    data_root.method("sample-edit", GOOD_RECORD.replace("name: SampleEdit", "name: Sample\x00Edit"))
    [d] = data_root.validate()
    assert (d.line, d.col, d.code) == (2, 13, "control-character") and d.hint


def test_nan_score_is_not_finite(data_root: DataRoot):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.write("benchmarks/b.yaml", "kind: benchmark\nid: b\nname: B\ndescription: d\nimages: 1\n"
                                         "tasks:\n  - {id: t, label: T, task: style-change}\n")
    data_root.write("benchmarks/m.yaml", "kind: metric\nid: m\nname: M\ndescription: d\nscale: {min: 0, max: 1}\n"
                                         "higher_is_better: true\ndecimals: 2\n")
    data_root.write("benchmarks/r.yaml", "kind: results\nid: r\nbenchmark: b\nmetric: m\n"
                                         "source: {title: S, url: https://example.org}\nresults:\n"
                                         "  - {task: t, method: sample-edit, mean: .inf, std: .nan}\n")
    found = {(d.code, d.message) for d in data_root.validate()}
    assert ("not-finite", "`results[0].std` must be a finite number, not nan") in found
    assert ("not-finite", "`results[0].mean` must be a finite number, not inf") in found
    assert not any("≥" in message or ">=" in message for _, message in found)


def test_broken_taxonomy_is_reported_first_without_follow_on_errors(data_root: DataRoot):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.write("benchmarks/b.yaml", "kind: benchmark\nid: b\nname: B\ndescription: d\nimages: 1\n"
                                         "tasks:\n  - {id: t, label: T, task: style-change}\n")
    tasks = data_root.path / "taxonomy/tasks.yaml"
    tasks.write_text(tasks.read_text() + "nodes: [\n")
    found = data_root.validate()
    assert found and all(d.path == "taxonomy/tasks.yaml" for d in found), found


def test_aliases_are_plain_names_too(data_root: DataRoot):
    data_root.method("sample-edit", GOOD_RECORD.replace("name: SampleEdit\n", 'name: SampleEdit\naliases: ["<b>SE</b>"]\n'))
    found = [(d.code, d.line) for d in data_root.validate()]
    assert ("markup-in-name", 3) in found
