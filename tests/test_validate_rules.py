"""Every validation rule: a bad fixture (exact file, line, column, message) and a good one."""

from __future__ import annotations

import pytest

from datakit import AFTER, GOOD_RECORD, record
from editsurvey.diagnostics import Diagnostic


def only(found: list[Diagnostic], code: str) -> Diagnostic:
    matching = [d for d in found if d.code == code]
    assert len(matching) == 1, found
    return matching[0]


def where(d: Diagnostic) -> tuple[str, int, int]:
    return (d.path, d.line, d.col)


def test_good_record_is_clean(data_root):
    data_root.method("sample-edit", GOOD_RECORD)
    assert data_root.validate() == []


# ------------------------------------------------------------- loader rules

def test_duplicate_key(data_root):
    data_root.method("sample-edit", GOOD_RECORD + "venue: ICCV\n")
    d = only(data_root.validate(), "duplicate-key")
    assert where(d) == ("methods/sample-edit.yaml", AFTER, 1)
    assert d.message == "duplicate key `venue` (first defined on line 7)"


def test_anchor_and_alias(data_root):
    text = record(venue="venue: &v CVPR") + "base_model: *v\n"
    data_root.method("sample-edit", text)
    found = data_root.validate()
    anchor = only(found, "forbidden-anchor")
    assert (where(anchor), anchor.message) == (("methods/sample-edit.yaml", 7, 8), "YAML anchor `&v` is not allowed")
    alias = only(found, "forbidden-alias")
    assert (where(alias), alias.message) == (("methods/sample-edit.yaml", AFTER, 13), "YAML alias `*v` is not allowed")


def test_python_tag_is_rejected(data_root):
    data_root.method("sample-edit", record(name="name: !!python/object/apply:os.system [ls]"))
    d = only(data_root.validate(), "forbidden-tag")
    assert where(d) == ("methods/sample-edit.yaml", 2, 7)
    assert d.message == "the tag `!!python/object/apply:os.system` is not allowed"


def test_one_document_per_file(data_root):
    data_root.method("sample-edit", GOOD_RECORD + "---\nid: other\n")
    d = only(data_root.validate(), "multiple-documents")
    assert where(d) == ("methods/sample-edit.yaml", AFTER, 1)


def test_not_utf8(data_root):
    data_root.method("sample-edit", GOOD_RECORD.replace("Ada Lovelace", "Ada Lovel\xe1ce").encode("latin-1"))
    d = only(data_root.validate(), "not-utf8")
    assert where(d) == ("methods/sample-edit.yaml", 5, 14)
    assert d.message == "the file is not valid UTF-8"


def test_utf8_bom_is_fine(data_root):
    data_root.method("sample-edit", b"\xef\xbb\xbf" + GOOD_RECORD.encode())
    assert data_root.validate() == []


def test_size_limit(data_root, monkeypatch):
    import editsurvey.loader as loader

    monkeypatch.setattr(loader, "MAX_FILE_BYTES", 100)
    data_root.method("sample-edit", GOOD_RECORD)
    d = only([d for d in data_root.validate() if d.path.startswith("methods/")], "file-too-large")
    assert d.path == "methods/sample-edit.yaml"
    assert d.message.endswith("the limit is 100")


def test_yaml_syntax_error(data_root):
    data_root.method("sample-edit", record(conditions="conditions: [text, mask"))
    d = only(data_root.validate(), "yaml-syntax")
    assert d.path == "methods/sample-edit.yaml" and d.line == 15


def test_empty_file(data_root):
    data_root.method("sample-edit", "# nothing yet\n")
    d = only(data_root.validate(), "empty-file")
    assert where(d) == ("methods/sample-edit.yaml", 1, 1)


def test_stray_and_misnamed_files(data_root):
    data_root.write("methods/sample-edit.yml", GOOD_RECORD)
    data_root.write("methods/notes.txt", "hello")
    found = data_root.validate()
    assert only(found, "wrong-extension").path == "methods/sample-edit.yml"
    assert only(found, "stray-file").path == "methods/notes.txt"


# -------------------------------------------------------------- model rules

def test_unknown_field_suggests(data_root):
    data_root.method("sample-edit", GOOD_RECORD + "sumary: typo\n")
    d = only(data_root.validate(), "unknown-field")
    assert where(d) == ("methods/sample-edit.yaml", AFTER, 1)
    assert (d.message, d.hint) == ("unknown field `sumary`", "did you mean `summary`?")


def test_unknown_nested_field(data_root):
    data_root.method("sample-edit", record(code="  github: https://github.com/example/x"))
    d = only(data_root.validate(), "unknown-field")
    assert where(d) == ("methods/sample-edit.yaml", 12, 3)
    assert d.message == "unknown field `links.github`"


def test_missing_field(data_root):
    text = GOOD_RECORD.replace('title: "SampleEdit: A Sample Method for Testing Validation Rules"\n', "")
    data_root.method("sample-edit", text)
    d = only(data_root.validate(), "missing-field")
    assert where(d) == ("methods/sample-edit.yaml", 1, 1)
    assert d.message == "missing required field `title`"


def test_unquoted_arxiv_id(data_root):
    data_root.method("sample-edit", record(arxiv="  arxiv: 2304.00010"))
    d = only(data_root.validate(), "wrong-type")
    assert where(d) == ("methods/sample-edit.yaml", 11, 10)
    assert d.message == "`links.arxiv` must be text, not the number 2304.0001"
    assert d.hint == 'YAML reads an unquoted id as a number; write arxiv: "2304.0001"'


@pytest.mark.parametrize(
    "line, key, value, loc",
    [
        ("date: 2023-4", "date", "2023-4", (6, 7)),
        ("  paper: http://arxiv.org/abs/2304.00001", "links.paper", "http://arxiv.org/abs/2304.00001", (10, 10)),
        ('  arxiv: "arXiv:2304.00001"', "links.arxiv", "arXiv:2304.00001", (11, 10)),
        ("id: Sample_Edit", "id", "Sample_Edit", (1, 5)),
    ],
)
def test_bad_formats(data_root, line, key, value, loc):
    field = key.split(".")[-1]
    data_root.method("sample-edit", record(**{field: line}))
    found = [d for d in data_root.validate() if d.code == "bad-format"]
    assert len(found) == 1
    assert (found[0].line, found[0].col) == loc
    assert found[0].message == f"`{key}` has an invalid value `{value}`"


def test_empty_conditions(data_root):
    data_root.method("sample-edit", record(conditions="conditions: []"))
    d = only(data_root.validate(), "empty-value")
    assert where(d) == ("methods/sample-edit.yaml", 14, 13)
    assert d.message == "`conditions` must not be empty"


def test_bad_provenance_value(data_root):
    data_root.method("sample-edit", record(source="  source: paper"))
    d = only(data_root.validate(), "bad-value")
    assert where(d) == ("methods/sample-edit.yaml", 22, 11)
    assert d.message == "`provenance.source` is `paper`; expected 'survey-list', 'survey-text' or 'contribution'"


# -------------------------------------------------------- cross-file rules

def test_id_must_match_file_name(data_root):
    data_root.method("other-name", GOOD_RECORD)
    d = only(data_root.validate(), "id-mismatch")
    assert where(d) == ("methods/other-name.yaml", 1, 5)
    assert d.message == "id `sample-edit` does not match the file name `other-name.yaml`"


def test_duplicate_ids(data_root):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.method("sample-edit-2", GOOD_RECORD.replace("2304.00001", "2304.00002").replace(
        "Testing Validation Rules", "Something Entirely Different Here"))
    d = only(data_root.validate(), "duplicate-id")
    # Files are read in name order; the later one is at fault.
    assert where(d) == ("methods/sample-edit.yaml", 1, 5)
    assert d.message == "id `sample-edit` is also used by methods/sample-edit-2.yaml"


def test_unknown_condition_suggests(data_root):
    data_root.method("sample-edit", record(conditions="conditions: [text, maks]"))
    d = only(data_root.validate(), "unknown-id")
    assert where(d) == ("methods/sample-edit.yaml", 14, 20)
    assert (d.message, d.hint) == ("unknown condition `maks`", "did you mean `mask`?")


def test_unknown_task(data_root):
    data_root.method("sample-edit", record(tasks="tasks: [object-replace]"))
    text = (data_root.path / "methods/sample-edit.yaml").read_text()
    data_root.method("sample-edit", text.replace("  - object-replacement\n  - style-change\n", ""))
    d = only(data_root.validate(), "unknown-id")
    assert where(d) == ("methods/sample-edit.yaml", 15, 9)
    assert (d.message, d.hint) == ("unknown task `object-replace`", "did you mean `object-replacement`?")


def test_unknown_strategy(data_root):
    data_root.method("sample-edit", record(strategy="strategy: attention-modifcation"))
    d = only(data_root.validate(), "unknown-id")
    assert where(d) == ("methods/sample-edit.yaml", 13, 11)
    assert (d.message, d.hint) == ("unknown strategy `attention-modifcation`", "did you mean `attention-modification`?")


def test_strategy_must_be_a_sub_category(data_root):
    data_root.method("sample-edit", record(strategy="strategy: testing-time-finetuning"))
    d = only(data_root.validate(), "not-assignable")
    assert where(d) == ("methods/sample-edit.yaml", 13, 11)
    assert d.message == "`testing-time-finetuning` is a strategy; records name a sub-category or group"
    assert d.hint.startswith("name one of: denoising-model-finetuning, embeddings-finetuning")


def test_task_group_is_not_a_task(data_root):
    data_root.method("sample-edit", record(conditions="conditions: [text]").replace(
        "  - style-change", "  - stylistic-editing"))
    d = only(data_root.validate(), "not-assignable")
    assert where(d) == ("methods/sample-edit.yaml", 17, 5)


def test_unknown_venue(data_root):
    data_root.method("sample-edit", record(venue="venue: CPVR"))
    d = only(data_root.validate(), "unknown-venue")
    assert where(d) == ("methods/sample-edit.yaml", 7, 8)
    assert (d.message, d.hint) == ("unknown venue `CPVR`", "did you mean `CVPR`?")


def test_duplicate_list_item(data_root):
    data_root.method("sample-edit", record(conditions="conditions: [text, mask, text]"))
    d = only(data_root.validate(), "duplicate-item")
    assert where(d) == ("methods/sample-edit.yaml", 14, 26)


def _second(title: str, arxiv: str, paper: str | None = None) -> str:
    paper = paper or f"https://arxiv.org/abs/{arxiv}"
    return (GOOD_RECORD.replace("sample-edit", "second-edit")
            .replace("SampleEdit: A Sample Method for Testing Validation Rules", title)
            .replace('arxiv: "2304.00001"', f'arxiv: "{arxiv}"')
            .replace("paper: https://arxiv.org/abs/2304.00001", f"paper: {paper}"))


def test_shared_arxiv_id(data_root):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.method("second-edit", _second("Completely Unrelated Work on Other Things", "2304.00001",
                                            "https://example.org/paper"))
    found = [d for d in data_root.validate() if d.code == "duplicate-arxiv"]
    assert [(d.path, d.line, d.col) for d in found] == [
        ("methods/sample-edit.yaml", 11, 10), ("methods/second-edit.yaml", 11, 10)]
    assert found[0].message == "arXiv id `2304.00001` is also used by methods/second-edit.yaml"
    assert found[1].message == "arXiv id `2304.00001` is also used by methods/sample-edit.yaml"


def test_shared_doi(data_root):
    """DOIs are case-insensitive: the same DOI written in other letter case is still shared."""
    doi = "10.1109/CVPR52729.2023.00582"
    data_root.method("sample-edit", record(code=f"  doi: {doi}"))
    data_root.method("second-edit", _second("Completely Unrelated Work on Other Things", "2304.00002").replace(
        "  code: https://github.com/example/second-edit", f"  doi: {doi.lower()}"))
    found = [d for d in data_root.validate() if d.code == "duplicate-doi"]
    assert [(d.path, d.line, d.col) for d in found] == [
        ("methods/sample-edit.yaml", 12, 8), ("methods/second-edit.yaml", 12, 8)]
    assert found[0].message == "DOI `10.1109/cvpr52729.2023.00582` is also used by methods/second-edit.yaml"


def test_near_identical_titles_warn(data_root):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.method("second-edit", _second("Sample-Edit: a sample method for testing validation rules!",
                                            "2304.00002"))
    found = data_root.validate()
    warnings = [d for d in found if d.code == "similar-title"]
    assert all(d.severity == "warning" for d in warnings)
    assert [(d.path, d.line, d.col) for d in warnings] == [
        ("methods/sample-edit.yaml", 3, 8), ("methods/second-edit.yaml", 3, 8)]
    assert warnings[0].message.startswith("title nearly identical to methods/second-edit.yaml")
    assert not [d for d in found if d.severity == "error"]


def test_distinct_titles_do_not_warn(data_root):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.method("second-edit", _second("SampleEdit: Controllable Style Transfer via Diffusion", "2304.00002"))
    assert data_root.validate() == []


def test_future_date(data_root):
    data_root.method("sample-edit", record(date="date: 2027-01", arxiv='  arxiv: "2701.00001"',
                                           paper="  paper: https://arxiv.org/abs/2701.00001", year="year: 2027"))
    d = only(data_root.validate(), "future-date")
    assert where(d) == ("methods/sample-edit.yaml", 6, 7)
    assert d.message == "date 2027-01 is in the future (today is 2026-11-26)"


def test_current_month_is_not_future(data_root):
    data_root.method("sample-edit", record(date="date: 2026-11", year="year: 2026", arxiv='  arxiv: "2611.00001"',
                                           paper="  paper: https://arxiv.org/abs/2611.00001"))
    assert data_root.validate() == []


def test_year_before_first_version(data_root):
    data_root.method("sample-edit", record(year="year: 2022"))
    d = only(data_root.validate(), "year-before-date")
    assert where(d) == ("methods/sample-edit.yaml", 8, 7)


def test_date_later_than_arxiv_month(data_root):
    data_root.method("sample-edit", record(date="date: 2023-12"))
    d = only(data_root.validate(), "date-after-arxiv")
    assert where(d) == ("methods/sample-edit.yaml", 6, 7)
    assert d.hint == "set `date: 2023-04`, the month of the first public version"


def test_builds_on_unknown_method(data_root):
    data_root.method("sample-edit", GOOD_RECORD + "builds_on: [prompt-to-promt]\n")
    data_root.method("prompt-to-prompt", _second("Prompt-to-Prompt Image Editing", "2208.01626").replace(
        "second-edit", "prompt-to-prompt").replace("date: 2023-04", "date: 2022-08"))
    d = only(data_root.validate(), "unknown-method")
    assert where(d) == ("methods/sample-edit.yaml", AFTER, 13)
    assert (d.message, d.hint) == ("unknown method `prompt-to-promt`", "did you mean `prompt-to-prompt`?")


def test_builds_on_cycle(data_root):
    data_root.method("sample-edit", GOOD_RECORD + "builds_on: [second-edit]\n")
    data_root.method("second-edit", _second("Another Method Entirely", "2304.00002") + "builds_on: [sample-edit]\n")
    d = only(data_root.validate(), "builds-on-cycle")
    assert where(d) == ("methods/sample-edit.yaml", AFTER, 13)
    assert d.message == "`builds_on` forms a cycle: sample-edit -> second-edit -> sample-edit"


def test_builds_on_chain_is_fine(data_root):
    data_root.method("sample-edit", GOOD_RECORD + "builds_on: [second-edit]\n")
    data_root.method("second-edit", _second("Another Method Entirely", "2304.00002"))
    assert data_root.validate() == []


def _with_summary(line: str) -> str:
    block = "summary: >-\n  Edits an image by swapping attention maps between two prompts. It needs\n  no training.\n"
    return GOOD_RECORD.replace(block, line + "\n")


def test_three_sentences_with_abbreviations_are_fine(data_root):
    data_root.method("sample-edit", _with_summary(
        "summary: Uses cues, e.g. masks, i.e. regions. Works with Stable Diffusion v1.5. Needs no training."))
    assert data_root.validate() == []


def test_summary_rules(data_root):
    data_root.method("sample-edit", _with_summary("summary: One. Two. Three. Four, e.g. this one."))
    d = only(data_root.validate(), "summary-too-long")
    assert where(d) == ("methods/sample-edit.yaml", 18, 10)
    assert d.message == "the summary has 4 sentences; at most 3"
    data_root.method("sample-edit", _with_summary("summary: See [the paper](https://example.org)."))
    d = only(data_root.validate(), "summary-markup")
    assert where(d) == ("methods/sample-edit.yaml", 18, 10)


def test_title_case_slip_warns(data_root):
    data_root.method("sample-edit", record(title='title: "Sampleedit: A Sample Method"', name="name: SampleEdit"))
    d = only(data_root.validate(), "title-case")
    assert d.severity == "warning" and where(d) == ("methods/sample-edit.yaml", 3, 8)


def test_contribution_cannot_cite_survey(data_root):
    data_root.method("sample-edit", record(strategy="strategy: attention-modification").replace(
        "  strategy: curated", "  strategy: survey"))
    d = only(data_root.validate(), "bad-provenance")
    assert where(d) == ("methods/sample-edit.yaml", 23, 13)


def test_broken_record_does_not_cascade(data_root):
    """A reference to a record that fails validation is not reported as unknown."""
    data_root.method("sample-edit", GOOD_RECORD + "builds_on: [second-edit]\n")
    data_root.method("second-edit", "id: second-edit\n")
    found = data_root.validate()
    assert {d.code for d in found} == {"missing-field"}


# -------------------------------------------------------------- taxonomy

def test_taxonomy_unknown_parent(data_root):
    path = data_root.path / "taxonomy/conditions.yaml"
    path.write_text(path.read_text() + "  - id: depth\n    parent: sketc\n    label: Depth\n    description: A depth map.\n")
    found = data_root.validate()
    d = only(found, "unknown-parent")
    assert d.path == "taxonomy/conditions.yaml" and d.message == "parent `sketc` is not a node of this axis"
    assert d.hint == "did you mean `sketch`?"


def test_taxonomy_duplicate_id_across_axes(data_root):
    path = data_root.path / "taxonomy/conditions.yaml"
    path.write_text(path.read_text() + "  - id: style-change\n    label: X\n    description: Y.\n")
    d = only(data_root.validate(), "duplicate-node")
    # Axes are checked in the survey's order (strategies, conditions, tasks): the later one is at fault.
    line = next(i for i, text in enumerate((data_root.path / "taxonomy/tasks.yaml").read_text().splitlines(), 1)
                if text == "  - id: style-change")
    assert where(d) == ("taxonomy/tasks.yaml", line, 9)
    assert d.message == "taxonomy id `style-change` is already defined in taxonomy/conditions.yaml"


def test_new_condition_is_a_yaml_edit(data_root):
    """Adding a node needs no code: a record may use it at once."""
    path = data_root.path / "taxonomy/conditions.yaml"
    path.write_text(path.read_text() + "  - id: depth-map\n    label: Depth map\n    description: A depth map.\n")
    text = record(conditions="conditions: [text, depth-map]").replace("  mask: Fig. 2", "  depth-map: Fig. 2")
    data_root.method("sample-edit", text)
    assert data_root.validate() == []


# ------------------------------------------------------------ benchmarks

BENCH = """\
kind: benchmark
id: mini-bench
name: MiniBench
description: A tiny benchmark.
images: 2
tasks:
  - id: add
    label: Add
    task: object-addition
cases:
  - task: add
    source_prompt: a
    target_prompt: b
    instruction: c
"""
METRIC = """\
kind: metric
id: score
name: Score
description: A score.
scale: {min: 1, max: 10}
higher_is_better: true
decimals: 2
factors:
  - {id: a, symbol: A, label: A, weight: 0.6, description: a}
  - {id: b, symbol: B, label: B, weight: 0.4, description: b}
"""
RESULTS = """\
kind: results
id: mini-results
benchmark: mini-bench
metric: score
source: {title: T, url: https://example.org/board}
results:
  - {task: add, method: sample-edit, mean: 7.5, std: 1.2}
"""


def _bench_root(data_root, results=RESULTS, metric=METRIC, bench=BENCH):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.write("benchmarks/mini-bench.yaml", bench)
    data_root.write("benchmarks/score.yaml", metric)
    data_root.write("benchmarks/mini-results.yaml", results)
    return data_root.validate()


def test_good_benchmark_files(data_root):
    assert _bench_root(data_root) == []


def test_result_unknown_method_and_task(data_root):
    bad = RESULTS.replace("task: add, method: sample-edit", "task: remove, method: sample-edt")
    found = _bench_root(data_root, results=bad)
    task = only(found, "unknown-id")
    assert where(task) == ("benchmarks/mini-results.yaml", 7, 12)
    assert task.message == "`remove` is not a task of benchmark `mini-bench`"
    method = only(found, "unknown-method")
    assert where(method) == ("benchmarks/mini-results.yaml", 7, 28)
    assert (method.message, method.hint) == ("unknown method `sample-edt`", "did you mean `sample-edit`?")


def test_result_out_of_range(data_root):
    found = _bench_root(data_root, results=RESULTS.replace("mean: 7.5, std: 1.2", "mean: 10.5, std: 4.6"))
    mean, std = [d for d in found if d.code == "out-of-range"]
    assert where(mean) == ("benchmarks/mini-results.yaml", 7, 44)
    assert mean.message == "mean 10.5 is outside the metric's scale [1, 10]"
    assert where(std) == ("benchmarks/mini-results.yaml", 7, 55)
    assert std.message == "standard deviation 4.6 exceeds 4.5, the largest possible on [1, 10]"


def test_one_result_per_method_and_task(data_root):
    found = _bench_root(data_root, results=RESULTS + "  - {task: add, method: sample-edit, mean: 7, std: 1}\n")
    d = only(found, "duplicate-result")
    assert where(d) == ("benchmarks/mini-results.yaml", 8, 5)
    assert d.message == "a second result for `sample-edit` on `add` (first at entry 1)"


def test_metric_weights_sum_to_one(data_root):
    found = _bench_root(data_root, metric=METRIC.replace("weight: 0.4", "weight: 0.3"))
    d = only(found, "bad-weights")
    assert where(d) == ("benchmarks/score.yaml", 9, 3)
    assert d.message == "factor weights add up to 0.9, not 1"


def test_benchmark_unknown_kind(data_root):
    found = _bench_root(data_root, metric=METRIC.replace("kind: metric", "kind: metrc"))
    d = only(found, "unknown-kind")
    assert where(d) == ("benchmarks/score.yaml", 1, 7)
    assert d.hint == "did you mean `metric`?"
