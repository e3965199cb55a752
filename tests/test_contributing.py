"""Contributing by pull request: new, fmt, duplicates, schema, workflows, CONTRIBUTING.md."""

from __future__ import annotations

import http.server
import os
import re
import shlex
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import click
import pytest
import yaml
from click.testing import CliRunner

from datakit import GOOD_RECORD
from editsurvey.cli import main
from editsurvey.recordfmt import FormatRefused, canonical_text
from sitekit import REPO, cli, copy_data

BIN = Path(sys.executable).parent


# ------------------------------------------------------------------ schema

def test_committed_schema_matches_the_models():
    result = cli("schema", "--root", str(REPO))
    assert (REPO / "schema/method.schema.json").read_text(encoding="utf-8") == result.output
    assert cli("schema", "--root", str(REPO), "--check").exit_code == 0


def test_schema_check_notices_drift(tmp_path):
    root = copy_data(tmp_path / "data")
    (root / "schema").mkdir()
    (root / "schema/method.schema.json").write_text("{}\n")
    result = cli("schema", "--root", str(root), "--check")
    assert result.exit_code == 1


def test_check_jsonschema_validates_every_record():
    records = sorted(str(p) for p in (REPO / "methods").glob("*.yaml"))
    result = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", str(REPO / "schema/method.schema.json"),
                             *records], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok -- validation done" in result.stdout


def test_check_jsonschema_rejects_a_bad_record(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD_RECORD.replace("conditions: [text, mask]", "conditions: [text, maks]"))
    result = subprocess.run([str(BIN / "check-jsonschema"), "--schemafile", str(REPO / "schema/method.schema.json"),
                             str(bad)], capture_output=True, text=True)
    assert result.returncode == 1 and "maks" in result.stdout


# --------------------------------------------------------------------- new

NEW_ARGS = ["--name", "MyEdit", "--title", "MyEdit: Editing Images for Tests", "--arxiv", "2501.00001",
            "--strategy", "attention-modification", "--condition", "text,mask", "--task", "style-change",
            "--task", "object-replacement", "--axis-value", "backbone=latent-unet-diffusion",
            "--evidence", "attention-modification=abstract", "--evidence", "text=abstract", "--evidence", "mask=Fig. 2",
            "--evidence", "style-change=Fig. 3", "--evidence", "object-replacement=abstract",
            "--evidence", "latent-unet-diffusion=Sec. 4",
            "--author", "Ada Lovelace", "--summary", "Edits images. Needs no training."]


def test_new_then_fmt_check_is_clean_and_validates(tmp_path):
    root = copy_data(tmp_path / "data")
    result = cli("new", "--root", str(root), *NEW_ARGS)
    assert result.exit_code == 0, result.output
    assert "created methods/myedit.yaml" in result.output
    text = (root / "methods/myedit.yaml").read_text()
    assert text.startswith("# yaml-language-server: $schema=../schema/method.schema.json\nid: myedit\nname: MyEdit\n")
    assert "conditions: [text, mask]\ntasks: [object-replacement, style-change]\n" in text  # taxonomy order
    assert 'arxiv: "2501.00001"' in text and "date: 2025-01\n" in text
    assert cli("fmt", "--root", str(root), "--check").exit_code == 0
    assert cli("validate", "--root", str(root)).exit_code == 0


def test_new_refuses_to_overwrite(tmp_path):
    root = copy_data(tmp_path / "data")
    before = (root / "methods/imagic.yaml").read_text()
    result = cli("new", "--root", str(root), *NEW_ARGS[:-2], "--id", "imagic")
    assert result.exit_code == 2
    assert "methods/imagic.yaml already exists" in result.output
    assert (root / "methods/imagic.yaml").read_text() == before


def test_new_checks_the_taxonomy_as_it_goes(tmp_path):
    root = copy_data(tmp_path / "data")
    args = [a.replace("text,mask", "text,maks").replace("attention-modification", "attention-modifcation")
            for a in NEW_ARGS]
    result = cli("new", "--root", str(root), *args)
    assert result.exit_code == 2
    assert "unknown condition `maks`: did you mean `mask`?" in result.output
    assert "unknown strategy `attention-modifcation`: did you mean `attention-modification`?" in result.output
    assert not (root / "methods/myedit.yaml").exists()


def test_new_prompts_for_what_is_missing_and_says_what_next(tmp_path):
    root = copy_data(tmp_path / "data")
    answers = "\n".join(["MyEdit", "MyEdit: Editing Images for Tests", "mask-guidance", "text", "object-removal"]) + "\n"
    result = cli("new", "--root", str(root), "--arxiv", "2501.00001", input=answers)
    assert result.exit_code == 0, result.output
    assert "write the `summary`" in result.output
    found = cli("validate", "--root", str(root))
    assert found.exit_code == 1 and "`summary` still holds a TODO placeholder" in found.output


# --------------------------------------------------------------------- fmt

def test_repository_records_are_canonical():
    result = cli("fmt", "--root", str(REPO), "--check")
    assert result.exit_code == 0, result.output


def test_fmt_is_idempotent_on_every_record():
    for path in sorted((REPO / "methods").glob("*.yaml")):
        once = canonical_text(path.read_text(encoding="utf-8"))
        assert canonical_text(once) == once, path.name


def test_fmt_reorders_and_keeps_data(tmp_path):
    root = copy_data(tmp_path / "data")
    messy = ("summary: Edits images. Needs no training.\n"
             + GOOD_RECORD.replace("summary: >-\n  Edits an image by swapping attention maps between two prompts. "
                                   "It needs\n  no training.\n", "")
             .replace("conditions: [text, mask]", "conditions: [mask, text]")
             .replace('arxiv: "2304.00001"', "arxiv: '2304.00001'"))
    path = root / "methods/sample-edit.yaml"
    path.write_text(messy)
    assert cli("fmt", "--root", str(root), "--check").exit_code == 1
    result = cli("fmt", "--root", str(root), str(path))
    assert result.exit_code == 0 and "formatted" in result.output
    text = path.read_text()
    assert text.index("id:") < text.index("summary:") < text.index("provenance:")
    assert "conditions: [text, mask]" in text and 'arxiv: "2304.00001"' in text
    assert yaml.safe_load(text) == {**yaml.safe_load(messy), "conditions": ["text", "mask"]}


def test_fmt_keeps_comments_it_can_place():
    text = GOOD_RECORD.replace("venue: CVPR\n", "venue: CVPR  # camera-ready\n").replace(
        "strategy: attention-modification\n", "# Filed by the survey under attention.\nstrategy: attention-modification\n")
    out = canonical_text(text)
    assert "venue: CVPR  # camera-ready\n" in out
    assert "# Filed by the survey under attention.\nstrategy: attention-modification\n" in out
    assert canonical_text(out) == out


def test_fmt_refuses_comments_it_cannot_place(tmp_path):
    root = copy_data(tmp_path / "data")
    text = GOOD_RECORD.replace("  code: https://github.com/example/sample-edit\n",
                               "  # verified on the project page\n  code: https://github.com/example/sample-edit\n")
    with pytest.raises(FormatRefused, match="line 12: the comment sits inside `links`"):
        canonical_text(text)
    path = root / "methods/sample-edit.yaml"
    path.write_text(text)
    result = CliRunner().invoke(main, ["fmt", "--root", str(root), str(path)])
    assert result.exit_code == 1
    assert "methods/sample-edit.yaml: refused: line 12: the comment sits inside `links`" in result.output
    assert path.read_text() == text


def test_fmt_refuses_a_trailing_comment_on_a_multiline_value():
    text = GOOD_RECORD.replace("tasks:\n  - object-replacement\n  - style-change\n",
                               "tasks:  # two for now\n  - object-replacement\n  - style-change\n")
    with pytest.raises(FormatRefused):
        canonical_text(text)


# -------------------------------------------------------------- duplicates

def test_copy_of_a_record_fails_naming_the_original(tmp_path):
    root = copy_data(tmp_path / "data")
    original = (root / "methods/masactrl.yaml").read_text()
    (root / "methods/masactrl-copy.yaml").write_text(original.replace("id: masactrl", "id: masactrl-copy"))
    result = cli("validate", "--root", str(root))
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith("methods/masactrl-copy.yaml:") and "also used by methods/masactrl.yaml" in line
               and "[duplicate-arxiv]" in line for line in lines)
    assert any("[similar-title]" in line and "methods/masactrl.yaml" in line for line in lines)


def test_same_paper_without_arxiv_is_caught_by_its_link(tmp_path):
    root = copy_data(tmp_path / "data")
    original = (root / "methods/texfit.yaml").read_text()
    assert "arxiv:" not in original
    (root / "methods/texfit-2.yaml").write_text(original.replace("id: texfit", "id: texfit-2"))
    result = cli("validate", "--root", str(root))
    assert result.exit_code == 1
    assert re.search(r"methods/texfit-2\.yaml:\d+:\d+: error: paper link `.*` is also used by methods/texfit\.yaml",
                     result.output)


# ---------------------------------------------------------- repository furniture

def _editsurvey_commands(text: str) -> list[list[str]]:
    commands = []
    for line in text.replace("\\\n", " ").splitlines():
        for part in re.split(r"&&|;|\|", line):
            words = shlex.split(part.strip().replace("$GITHUB_STEP_SUMMARY", "/tmp/summary.md"))
            if words and words[0] == "editsurvey":
                commands.append(words[1:])
    return commands


def _check_cli(args: list[str]) -> None:
    command = main.get_command(click.Context(main), args[0])
    assert command is not None, f"no such command: editsurvey {args[0]}"
    command.make_context(args[0], args[1:])  # raises on an unknown option or a bad value


def test_workflows_are_valid_and_call_existing_commands():
    workflows = sorted((REPO / ".github/workflows").glob("*.yml"))
    assert {w.name for w in workflows} >= {"pull-request.yml", "deploy.yml", "links.yml"}
    seen = set()
    for workflow in workflows:
        data = yaml.safe_load(workflow.read_text())
        assert data["jobs"], workflow.name
        for job in data["jobs"].values():
            for step in job["steps"]:
                script = step.get("run", "")
                for args in _editsurvey_commands(script):
                    _check_cli(args)
                    seen.add(args[0])
                for path in re.findall(r"bash (\S+)", script):
                    assert (REPO / path).is_file(), path
    assert {"validate", "build", "check-links", "fmt", "schema"} <= seen
    pull_request = yaml.safe_load((REPO / ".github/workflows/pull-request.yml").read_text())
    assert "pull_request" in pull_request[True]  # `on:` is YAML 1.1's True
    assert "check-links" not in (REPO / ".github/workflows/pull-request.yml").read_text()
    links = yaml.safe_load((REPO / ".github/workflows/links.yml").read_text())
    assert "schedule" in links[True]


def test_pre_commit_hooks_call_existing_commands():
    for name in (".pre-commit-hooks.yaml", ".pre-commit-config.yaml"):
        data = yaml.safe_load((REPO / name).read_text())
        hooks = data if isinstance(data, list) else [h for repo in data["repos"] for h in repo["hooks"]]
        assert hooks
        for hook in hooks:
            for args in _editsurvey_commands(hook["entry"]):
                _check_cli(args)


def test_issue_form_mirrors_the_taxonomy():
    from editsurvey.catalog import load_catalog

    catalog, _ = load_catalog(REPO)
    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE/suggest-a-method.yml").read_text())
    fields = {item.get("id"): item for item in form["body"]}
    subcategories = [n.label for n in catalog.taxonomy.axis_nodes("strategies") if n.depth == 1]
    assert fields["strategy"]["attributes"]["options"] == subcategories + ["Not sure"]
    for field, axis in (("conditions", "conditions"), ("tasks", "tasks")):
        labels = [o["label"] for o in fields[field]["attributes"]["options"]]
        assert labels == [n.label for n in catalog.taxonomy.assignable(axis)]
    for required in ("name", "title", "paper", "date", "venue", "summary"):
        assert fields[required]["validations"]["required"] is True


# --------------------------------------------------------------- link check

class _Flaky(http.server.BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def do_HEAD(self):
        self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/ok" or (self.path == "/flaky" and self.hits[self.path] > 1):
            self.send_response(200)
        elif self.path == "/no-head":
            self.send_response(405)
        else:
            self.send_response(404)
        self.end_headers()

    def do_GET(self):
        self.send_response(200 if self.path == "/no-head" else 404)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_links_count_as_dead_only_after_two_failures():
    from editsurvey.linkcheck import Link, check_links

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        links = [Link("m", "methods/m.yaml", "links.code", f"{base}{path}") for path in ("/ok", "/flaky", "/gone",
                                                                                          "/no-head")]
        outcomes = {o.link.url.rsplit("/", 1)[1]: o for o in check_links(links, retry_after=0)}
    finally:
        server.shutdown()
    assert {k: o.ok for k, o in outcomes.items()} == {"ok": True, "flaky": True, "gone": False, "no-head": True}
    assert outcomes["gone"].detail == "HTTP 404"
    assert _Flaky.hits["/gone"] == 2 and _Flaky.hits["/ok"] == 1


# ------------------------------------------------------- CONTRIBUTING.md

def test_following_contributing_literally(tmp_path):
    """Run every `sh` block of CONTRIBUTING.md, in order, in a fresh copy of the repository."""
    guide = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", guide, re.S)
    assert len(blocks) >= 4
    work = tmp_path / "editsurvey"
    generated = {".venv", "site", "build", ".git", "test-artifacts", ".pytest_cache"}

    def ignore(folder: str, names: list[str]) -> set[str]:
        top = Path(folder) == REPO
        return {n for n in names if (top and n in generated) or n == "__pycache__" or n.endswith(".egg-info")}

    shutil.copytree(REPO, work, ignore=ignore)
    script = "set -euo pipefail\n" + "\n".join(blocks)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH")}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if not p.startswith(str(REPO / ".venv")))
    env["NO_MKDOCS_2_WARNING"] = "1"
    result = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "0 errors" in result.stdout
    page = work / "site/methods/myedit/index.html"
    assert page.is_file()
    assert "MyEdit: The Title of Your Paper" in page.read_text(encoding="utf-8")


def test_new_checks_evidence_and_says_what_still_lacks_it(tmp_path):
    root = copy_data(tmp_path / "data")
    bad = cli("new", "--root", str(root), *NEW_ARGS, "--evidence", "sketch=abstract")
    assert bad.exit_code == 2 and "evidence for `sketch`, which the record does not list" in bad.output
    worse = cli("new", "--root", str(root), *NEW_ARGS[:-2], "--evidence", "text=the abstract says so",
                "--summary", "Edits.")
    assert worse.exit_code == 2 and "is not a pointer" in worse.output
    assert not (root / "methods/myedit.yaml").exists()
    unlinked = cli("new", "--root", str(root), *NEW_ARGS, "--evidence", "style-change=repository file edit.py")
    assert unlinked.exit_code == 2 and not (root / "methods/myedit.yaml").exists()
    assert "evidence `style-change=repository file edit.py` points into the official repository: give --code too" in (
        unlinked.output
    )
    linked = cli("new", "--root", str(root), *NEW_ARGS, "--evidence", "style-change=repository file edit.py",
                 "--code", "https://github.com/example/myedit", "--id", "myedit-linked")
    assert linked.exit_code == 0, linked.output
    at = NEW_ARGS.index("mask=Fig. 2")
    partial = NEW_ARGS[: at - 1] + NEW_ARGS[at + 1 :]
    result = cli("new", "--root", str(root), *partial)
    assert result.exit_code == 0, result.output
    assert "add `evidence` (where the paper shows it) for: mask" in result.output
