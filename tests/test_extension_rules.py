"""What this project adds beyond the survey: extension nodes, the backbone axis, provenance of records.

Each rule gets a bad fixture (file, line, message) and the good case next to it.
"""

from __future__ import annotations

import shutil

import yaml
from datakit import GOOD_RECORD, record
from sitekit import REPO

from editsurvey.diagnostics import Diagnostic

# GOOD_RECORD as an arXiv preprint: no venue, so no venue evidence.
PREPRINT = GOOD_RECORD.replace("venue: CVPR", "venue: arXiv").replace("  venue: arXiv comments\n", "")


def codes(found: list[Diagnostic]) -> list[str]:
    return [d.code for d in found]


def only(found: list[Diagnostic], code: str) -> Diagnostic:
    matching = [d for d in found if d.code == code]
    assert len(matching) == 1, found
    return matching[0]


def line_of(text: str, start: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), start=1) if line.startswith(start))


def add_extension_task(root, node_id: str = "lighting-change", parent: str = "stylistic-editing", origin="extension"):
    path = root.path / "taxonomy/tasks.yaml"
    data = yaml.safe_load(path.read_text())
    if any(n["id"] == node_id for n in data["nodes"]):
        return
    node = {"id": node_id, "parent": parent, "label": "Lighting change", "description": "Relight the scene."}
    if origin:
        node["origin"] = origin
    data["nodes"].append(node)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def test_every_record_needs_a_backbone(data_root):
    text = GOOD_RECORD.replace("backbone: latent-unet-diffusion\n", "").replace("  latent-unet-diffusion: Sec. 4\n", "")
    data_root.method("sample-edit", text)
    d = only(data_root.validate(), "missing-field")
    assert (d.line, d.message) == (1, "missing required field `backbone`")


def test_backbone_values_need_evidence_even_when_provenance_is_silent(data_root):
    data_root.method("sample-edit", GOOD_RECORD.replace("  latent-unet-diffusion: Sec. 4\n", ""))
    d = only(data_root.validate(), "missing-evidence")
    assert d.severity == "error"
    assert d.message == "curated backbone `latent-unet-diffusion` has no evidence"
    assert d.line == GOOD_RECORD.count("\n") - 1  # the `backbone:` line (the evidence above it lost one line)


def test_an_extension_task_on_a_survey_record_needs_evidence(data_root):
    add_extension_task(data_root)
    text = record(tasks="tasks:").replace("  - object-replacement\n", "  - object-replacement\n  - lighting-change\n")
    text = text.replace("  source: contribution\n  strategy: curated\n  conditions: curated\n  tasks: curated",
                        "  source: survey-list\n  strategy: survey\n  conditions: survey\n  tasks: survey")
    data_root.method("sample-edit", text)
    d = only(data_root.validate(), "missing-evidence")
    assert d.message == "curated task `lighting-change` has no evidence"
    assert d.line == line_of(text, "  - lighting-change")
    fixed = text.replace("  style-change: Fig. 3\n", "  style-change: Fig. 3\n  lighting-change: Fig. 4\n")
    data_root.method("sample-edit", fixed)
    assert "missing-evidence" not in codes(data_root.validate())


def test_a_survey_node_below_an_extension_node_is_refused(data_root):
    add_extension_task(data_root, "lighting-group", parent=None, origin="extension")
    path = data_root.path / "taxonomy/tasks.yaml"
    data = yaml.safe_load(path.read_text())
    data["nodes"][-1].pop("parent")
    data["nodes"].append({"id": "relighting", "parent": "lighting-group", "label": "Relighting", "description": "x."})
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    data_root.method("sample-edit", GOOD_RECORD)
    d = only(data_root.validate(), "origin-mismatch")
    assert d.path == "taxonomy/tasks.yaml"
    assert "`relighting` is marked as the survey's" in d.message


def test_venue_evidence_rules(data_root):
    without = GOOD_RECORD.replace("  venue: arXiv comments\n", "")
    data_root.method("sample-edit", without)
    d = only(data_root.validate(), "missing-evidence")
    assert (d.line, d.message) == (7, "venue `CVPR` has no evidence")
    data_root.method("sample-edit", GOOD_RECORD)
    assert data_root.validate() == []
    preprint = GOOD_RECORD.replace("venue: CVPR", "venue: arXiv")
    data_root.method("sample-edit", preprint)
    d = only(data_root.validate(), "evidence-unknown-id")
    assert d.message == "evidence for the venue, but `arXiv` is a preprint server"


def test_survey_text_records_say_where(data_root):
    text = PREPRINT.replace("source: contribution", "source: survey-text")
    data_root.method("sample-edit", text)
    d = only(data_root.validate(), "missing-section")
    assert d.line == line_of(text, "  source:")
    located = text.replace("  source: survey-text\n", "  source: survey-text\n  section: survey Sec. 8.1\n")
    data_root.method("sample-edit", located)
    assert data_root.validate() == []
    data_root.method("sample-edit", PREPRINT.replace(
        "  source: contribution\n", "  source: contribution\n  section: survey Sec. 8.1\n"))
    assert codes(data_root.validate()) == ["bad-provenance"]


def test_empty_tasks_only_when_declared_unverified(data_root):
    base = PREPRINT
    text = base.replace("tasks:\n  - object-replacement\n  - style-change\n", "tasks: []\n").replace(
        "  object-replacement: abstract\n  style-change: Fig. 3\n", "")
    data_root.method("sample-edit", text)
    d = only(data_root.validate(), "empty-value")
    assert (d.line, d.message) == (line_of(text, "tasks:"), "`tasks` must not be empty")
    assert "unverified: [tasks]" in d.hint
    data_root.method("sample-edit", text + "unverified: [tasks]\n")
    assert data_root.validate() == []
    data_root.method("sample-edit", text + "unverified: [summary]\n")
    assert sorted(codes(data_root.validate())) == ["empty-value", "unknown-id"]


def test_survey_leaderboard_pointer_must_match_a_score(data_root):
    bench = data_root.path / "benchmarks"
    for name in ("editeval-v1.yaml", "editeval-v1-lmm-score.yaml", "lmm-score.yaml"):
        shutil.copy(REPO / "benchmarks" / name, bench / name)
    base = PREPRINT
    # The real leaderboard scores instructpix2pix on style change, not sample-edit.
    data_root.method("sample-edit", base.replace("  style-change: Fig. 3\n", "  style-change: survey leaderboard\n"))
    found = [d for d in data_root.validate() if d.path == "methods/sample-edit.yaml"]
    d = only(found, "evidence-not-in-leaderboard")
    assert d.message == "`style-change` cites the survey's leaderboard, which does not score `sample-edit` on it"


def test_fmt_keeps_brackets_in_list_items_and_writes_versions():
    """Regression: `[dev]` inside an alias once produced a broken flow list."""
    from editsurvey.recordfmt import format_record

    data = yaml.safe_load(GOOD_RECORD)
    data["aliases"] = ["Kontext", "FLUX.1 Kontext [dev]"]
    data["versions"] = [{"name": "Edit, 2509", "date": "2025-09", "link": "https://example.org/a,b"}]
    text = format_record(data)
    again = yaml.safe_load(text)
    assert again["aliases"] == data["aliases"] and again["versions"] == data["versions"]
    assert "backbone: latent-unet-diffusion" in text.split("evidence:")[0]  # axis fields follow `tasks`


def test_an_unverified_backbone_is_declared_not_guessed(data_root):
    text = GOOD_RECORD.replace("backbone: latent-unet-diffusion\n", "").replace("  latent-unet-diffusion: Sec. 4\n", "")
    data_root.method("sample-edit", text)
    d = only(data_root.validate(), "missing-field")
    assert "unverified: [backbone]" in d.hint
    data_root.method("sample-edit", text + "unverified: [backbone]\n")
    assert data_root.validate() == []
    data_root.method("sample-edit", GOOD_RECORD + "unverified: [backbone]\n")
    d = only(data_root.validate(), "bad-provenance")
    assert d.message == "`backbone` is declared unverified but holds a value"


def test_the_survey_never_filed_a_paper_under_an_extension_node(data_root):
    add_extension_task(data_root)
    text = GOOD_RECORD.replace("  - style-change\n", "  - style-change\n  - lighting-change\n").replace(
        "  style-change: Fig. 3\n", "  style-change: Fig. 3\n  lighting-change: Fig. 4\n")
    data_root.method("sample-edit", text.replace("  tasks: curated", "  tasks: survey"))
    d = only(data_root.validate(), "bad-provenance")
    assert d.message == "`lighting-change` is this project's extension: the survey cannot have filed the paper there"
    assert d.line == line_of(text, "  - lighting-change")
    data_root.method("sample-edit", text)  # the same value, curated by this project: fine
    assert data_root.validate() == []


def test_a_repository_file_pointer_is_evidence_and_needs_the_repository(data_root):
    pointed = GOOD_RECORD.replace("  latent-unet-diffusion: Sec. 4\n", "  latent-unet-diffusion: repository file src/run_edit.py\n")
    data_root.method("sample-edit", pointed)
    assert codes(data_root.validate()) == []
    without_code = pointed.replace("  code: https://github.com/example/sample-edit\n", "")
    data_root.method("sample-edit", without_code)
    d = only(data_root.validate(), "evidence-without-source")
    assert d.line == line_of(without_code, "  latent-unet-diffusion:")
    assert d.message == (
        "`repository file src/run_edit.py` points into the official repository, but the record has no `links.code`"
    )


def test_a_repository_issue_pointer_needs_the_repository(data_root):
    text = GOOD_RECORD.replace("  latent-unet-diffusion: Sec. 4\n", "  latent-unet-diffusion: repository issue 17\n")
    data_root.method("sample-edit", text)
    assert codes(data_root.validate()) == []
    data_root.method("sample-edit", text.replace("  code: https://github.com/example/sample-edit\n", ""))
    d = only(data_root.validate(), "evidence-without-source")
    assert "`repository issue 17` points into the official repository's issue tracker" in d.message


def test_a_project_page_pointer_needs_the_project_link(data_root):
    text = GOOD_RECORD.replace("  style-change: Fig. 3\n", "  style-change: Fig. 3; project page\n")
    data_root.method("sample-edit", text)
    d = only(data_root.validate(), "evidence-without-source")
    assert (d.path, d.line) == ("methods/sample-edit.yaml", line_of(text, "  style-change:"))
    data_root.method("sample-edit", text.replace("  code:", "  project: https://example.github.io/sample-edit\n  code:"))
    assert codes(data_root.validate()) == []


def test_a_repository_file_pointer_is_a_plain_path(data_root):
    for path in ("../secret.py", "src/my file.py", "/etc/passwd", "a/<b>.py", "x.py; repository issue 0", "x.py@HEAD",
                 "x.py@0f72"):
        data_root.method("sample-edit", GOOD_RECORD.replace("  text: abstract\n", f"  text: repository file {path}\n"))
        d = only(data_root.validate(), "bad-format")
        assert d.line == line_of(GOOD_RECORD, "  text:") and path in d.message
