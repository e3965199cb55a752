"""`editsurvey diff BASE`: what a change does to the catalogue, read from git without a checkout."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

from sitekit import REPO, copy_data, editsurvey

HOSTILE = "<script>alert(1)</script> | `tick` & *star*"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


def _commit(repo: Path, message: str) -> None:
    _git(repo, "add", "-A")
    _git(repo, "-c", "user.name=Test", "-c", "user.email=test@example.org", "commit", "-q", "-m", message)


def _replace_line(path: Path, pattern: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    changed, count = re.subn(pattern, new, text, count=1, flags=re.MULTILINE)
    assert count == 1, (path, pattern)
    path.write_text(changed, encoding="utf-8")


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A git repository with the real data (commit 1) and a change (commit 2): one record added, one removed,
    one venue changed and one task moved."""
    root = copy_data(tmp_path_factory.mktemp("review") / "repo")
    _git(root, "init", "-q", "-b", "main")
    _commit(root, "the data")
    methods = root / "methods"
    new = (methods / "instructpix2pix.yaml").read_text(encoding="utf-8")
    new = new.replace("id: instructpix2pix", "id: fresh-edit").replace("name: InstructPix2Pix", "name: FreshEdit")
    title = HOSTILE.replace('"', '\\"')
    new = re.sub(r"(?m)^title: .*$", f'title: "{title}"', new)
    (methods / "fresh-edit.yaml").write_text(new, encoding="utf-8")
    (methods / "zone.yaml").unlink()
    _replace_line(methods / "imagic.yaml", r"^venue: .*$", "venue: ICCV")
    # One task swapped for another, its evidence moving with it (so `tasks` and `evidence` change).
    moved = methods / "cds.yaml"
    data = yaml.safe_load(moved.read_text(encoding="utf-8"))
    assert data["tasks"] == ["object-replacement"] and "object-replacement" in data["evidence"]
    _replace_line(moved, r"^tasks: \[object-replacement\]$", "tasks: [object-removal]")
    _replace_line(moved, r"^  object-replacement: ", "  object-removal: ")
    _commit(root, "the change")
    return root


def _status(repo: Path) -> tuple[str, str]:
    return _git(repo, "status", "--porcelain", "--ignored"), _git(repo, "rev-parse", "HEAD")


def test_diff_lists_exactly_the_change(repo):
    before = _status(repo)
    result = editsurvey("diff", "HEAD~1", "--root", str(repo), "--format", "json")
    assert _status(repo) == before, "diff wrote into the repository"
    report = json.loads(result.stdout)
    assert [r["id"] for r in report["added"]] == ["fresh-edit"]
    assert report["added"][0]["title"] == HOSTILE
    assert [r["id"] for r in report["removed"]] == ["zone"]
    changed = {c["id"]: c["fields"] for c in report["changed"]}
    assert set(changed) == {"imagic", "cds"}
    assert [(f["field"], f["before"], f["after"]) for f in changed["imagic"]] == [("venue", "CVPR", "ICCV")]
    assert [f["field"] for f in changed["cds"]] == ["tasks", "evidence.object-removal", "evidence.object-replacement"]
    assert report["moves"] == [
        {"axis": "tasks", "id": "cds", "name": "CDS",
         "removed": ["object-replacement"], "added": ["object-removal"]}
    ]
    assert report["pages_added"] == ["methods/fresh-edit/"]
    assert report["pages_removed"] == ["methods/zone/"]
    assert report["files_added"] == report["files_removed"] == report["files_changed"] == []
    assert report["unreadable"] == {"base": [], "head": []}
    assert report["records"]["base"] == report["records"]["head"]


def test_markdown_report_for_the_job_summary(repo, tmp_path):
    summary = tmp_path / "summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    result = editsurvey("diff", "HEAD~1", "--root", str(repo), "--summary", str(summary))
    text = result.stdout
    assert summary.read_text(encoding="utf-8") == "earlier step\n" + text
    assert text.startswith("## Catalogue changes against HEAD~1")
    assert "1 added; 1 removed; 2 changed; 1 classification move;" in text
    added = text.split("### Added (1)")[1].split("###")[0]
    assert "`fresh-edit`" in added and "FreshEdit" in added
    assert "<script>" not in text and "&lt;script&gt;" in text and r"\|" in text  # record text stays text
    assert "### Removed (1)" in text and "`zone`" in text
    assert "| `venue` | CVPR | ICCV |" in text
    moved = text.split("### Classifications moved (1)")[1]
    assert "#### Editing tasks" in moved
    assert "| `cds` | CDS | Object replacement | Object removal |" in moved
    assert "- added: `methods/fresh-edit/`" in text and "- removed: `methods/zone/`" in text


def test_text_report(repo):
    text = editsurvey("diff", "HEAD~1", "--root", str(repo), "--format", "text").stdout.splitlines()
    assert "added: fresh-edit (FreshEdit): " + HOSTILE in text
    assert "removed: zone (ZONE)" in text
    assert "  venue: CVPR -> ICCV" in text
    moved = "moved: cds (CDS) tasks: -object-replacement +object-removal"
    assert moved in text


def test_no_change_says_so(repo):
    result = editsurvey("diff", "HEAD", "--root", str(repo))
    assert "No changes to the catalogue." in result.stdout
    assert json.loads(editsurvey("diff", "HEAD", "--root", str(repo), "--format", "json").stdout)["changed"] == []


def test_work_tree_edits_count(repo, tmp_path):
    """The head side is the work tree: an uncommitted edit shows (and the base is still read from git)."""
    path = repo / "methods" / "imagic.yaml"
    original = path.read_text(encoding="utf-8")
    try:
        _replace_line(path, r"^venue: .*$", "venue: ECCV")
        report = json.loads(editsurvey("diff", "HEAD", "--root", str(repo), "--format", "json").stdout)
    finally:
        path.write_text(original, encoding="utf-8")
    assert [(c["id"], [f["after"] for f in c["fields"]]) for c in report["changed"]] == [("imagic", ["ECCV"])]


@pytest.mark.parametrize("ref", ["no-such-branch", "HEAD~99", "--upload-pack=touch /tmp/x", "main:methods"])
def test_a_bad_ref_is_a_clear_error(repo, ref):
    result = editsurvey("diff", "--root", str(repo), "--", ref, check=False)
    assert result.returncode == 2, result
    assert result.stderr.startswith("error: ") and "Traceback" not in result.stderr
    assert ref.split("=")[0] in result.stderr
    assert result.stdout == ""


def test_outside_a_repository_is_a_clear_error(tmp_path):
    root = copy_data(tmp_path / "data")
    result = editsurvey("diff", "main", "--root", str(root), check=False)
    assert result.returncode == 2
    assert "not inside a git work tree" in result.stderr and "Traceback" not in result.stderr


def test_pull_request_workflow_posts_the_diff_and_uploads_the_site():
    workflow = yaml.safe_load((REPO / ".github/workflows/pull-request.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["validate"]["steps"]
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout"))
    assert checkout["with"]["fetch-depth"] == 0  # the base commit must be in the clone
    diff = next(s for s in steps if "editsurvey diff" in s.get("run", ""))
    assert "$GITHUB_STEP_SUMMARY" in diff["run"]
    assert "github.event.pull_request.base.sha" in diff["env"]["BASE_SHA"]
    assert "${{" not in diff["run"]  # the ref reaches the shell as a variable, never spliced into the script
    build = next(i for i, s in enumerate(steps) if "editsurvey build" in s.get("run", ""))
    upload = next(i for i, s in enumerate(steps) if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload > build and steps[upload]["with"]["path"].rstrip("/") == "site"
