"""Published results with their full setting: boards compare like with like, every row traceable."""

from __future__ import annotations

import csv
import io

import pytest
from datakit import GOOD_RECORD

from editsurvey.boards import boards_for, reported_by
from editsurvey.models import MethodRecord, PublishedResults

METRIC = """\
kind: metric
id: overall
name: Overall
description: The judge's overall score.
scale: {min: 0, max: 10}
higher_is_better: true
decimals: 2
"""

DATASET = """\
kind: dataset
id: edit-bench
name: EditBench
purpose: evaluation
description: Instructions and images for scoring editors.
size: {count: 600, unit: editing prompts}
"""


def results(id_: str, rows: str, *, language: str | None = "en", judge: str | None = "{model: GPT-4.1}",
            subset: str | None = "full", source: str = '{arxiv: "2504.00001", table: Table 3}') -> str:
    lines = ["kind: published-results", f"id: {id_}", "benchmark: edit-bench"]
    lines += [f"subset: {subset}"] if subset else []
    lines += [f"language: {language}"] if language else []
    lines += [f"judge: {judge}"] if judge else []
    lines += ["metrics: [overall]", f"source: {source}", "rows:", rows]
    return "\n".join(lines) + "\n"


def model(text: str) -> PublishedResults:
    import yaml

    return PublishedResults.model_validate(yaml.safe_load(text))


ROW_A = "  - {method: sample-edit, scores: {overall: 7.10}}"
ROW_B = "  - {system: Closed Model, scores: {overall: 7.50}}"


def test_boards_never_mix_settings_and_keep_disagreeing_sources():
    same_a = model(results("a", ROW_A + "\n" + ROW_B))
    other_paper = '{arxiv: "2505.00002", table: Table 1}'
    same_b = model(results("b", "  - {method: sample-edit, scores: {overall: 6.90}}", source=other_paper))
    other_language = model(results("c", ROW_A, language="zh"))
    other_judge = model(results("d", ROW_A, judge="{model: GPT-4o}"))
    unstated = model(results("e", ROW_A, judge=None))
    boards = boards_for("edit-bench", [same_a, same_b, other_language, other_judge, unstated], {}, {"overall": True})
    assert len(boards) == 4
    for board in boards:
        assert len({f.setting() for f in board.files}) == 1  # one setting per board
    [shared] = [b for b in boards if len(b.files) == 2]
    assert {f.id for f in shared.files} == {"a", "b"}
    rows = [(r.row.method or r.row.system, r.row.scores["overall"], r.results.id, r.rank, r.disagrees)
            for r in shared.rows]
    assert rows == [("Closed Model", 7.5, "a", 1, False), ("sample-edit", 7.1, "a", 2, True),
                    ("sample-edit", 6.9, "b", 3, True)]
    [alone] = [b for b in boards if b.files == [unstated]]
    assert alone.setting[-1] == "e"  # a partly unstated setting is its own


def test_same_setting_from_a_source_with_an_unstated_judge_is_not_merged():
    stated = model(results("a", ROW_A))
    unstated = model(results("b", ROW_A, judge=None))
    assert stated.setting() != unstated.setting()
    assert len(boards_for("edit-bench", [stated, unstated], {}, {"overall": True})) == 2


def test_reported_by_compares_the_source_with_the_methods_own_paper_and_code():
    import yaml

    method = MethodRecord.model_validate(
        {k: v for k, v in yaml.safe_load(GOOD_RECORD).items() if k != "backbone"})
    own = model(results("a", ROW_A, source='{arxiv: "2304.00001", table: Table 2}'))
    repo = model(results("b", ROW_A, source="{repository: https://github.com/example/sample-edit, path: README.md, "
                                            "commit: 0123456789abcdef0123456789abcdef01234567}"))
    other = model(results("c", ROW_A))
    assert reported_by(own.rows[0], own, method) == "authors"
    assert reported_by(repo.rows[0], repo, method) == "authors"
    assert reported_by(other.rows[0], other, method) == "third party"


@pytest.mark.parametrize(
    ("rows", "source", "code", "where"),
    [
        ("  - {method: sample-edit, scores: {overall: 11.0}}", None, "out-of-range", "rows[0].scores.overall"),
        ("  - {method: smaple-edit, scores: {overall: 7.0}}", None, "unknown-method", "rows[0].method"),
        ("  - {method: sample-edit, scores: {ovrall: 7.0}}", None, "unknown-id", "rows[0].scores.ovrall"),
        (ROW_A + "\n" + ROW_A, None, "duplicate-result", "rows[1]"),
        ("  - {method: sample-edit, system: X, scores: {overall: 7.0}}", None, "invalid-value", "rows[0]"),
        (ROW_A, '{arxiv: "2504.00001"}', "invalid-value", "source"),
        (ROW_A, "{repository: https://github.com/o/r, path: README.md}", "invalid-value", "source"),
    ],
)
def test_published_results_rules(data_root, rows, source, code, where):
    data_root.method("sample-edit", GOOD_RECORD)
    data_root.write("benchmarks/overall.yaml", METRIC)
    data_root.write("benchmarks/edit-bench.yaml", DATASET)
    data_root.write("benchmarks/board.yaml", results("board", rows, **({"source": source} if source else {})))
    found = [d for d in data_root.validate() if d.path == "benchmarks/board.yaml"]
    assert [d.code for d in found] == [code], found
    assert found[0].line > 0 and found[0].hint


def test_every_result_needs_a_source(data_root):
    data_root.write("benchmarks/overall.yaml", METRIC)
    data_root.write("benchmarks/edit-bench.yaml", DATASET)
    text = results("board", ROW_B).replace('source: {arxiv: "2504.00001", table: Table 3}\n', "")
    data_root.write("benchmarks/board.yaml", text)
    [d] = [d for d in data_root.validate() if d.path == "benchmarks/board.yaml"]
    assert (d.code, d.message) == ("missing-field", "missing required field `source`")


def test_results_export_flattens_every_score_with_its_setting_and_source(data_root):
    from editsurvey.catalog import load_catalog
    from editsurvey.site.exports import RESULT_COLUMNS, results_csv

    data_root.method("sample-edit", GOOD_RECORD)
    data_root.write("benchmarks/overall.yaml", METRIC)
    data_root.write("benchmarks/edit-bench.yaml", DATASET)
    data_root.write("benchmarks/board.yaml", results("board", ROW_A + "\n" + ROW_B))
    catalog, found = load_catalog(data_root.path)
    assert catalog is not None, found
    rows = list(csv.DictReader(io.StringIO(results_csv(catalog))))
    assert list(rows[0]) == RESULT_COLUMNS
    assert [(r["method"], r["system"], r["score"], r["judge"], r["language"], r["source_table"]) for r in rows] == [
        ("sample-edit", "", "7.1", "GPT-4.1", "en", "Table 3"), ("", "Closed Model", "7.5", "GPT-4.1", "en", "Table 3")]
    assert all(r["source_url"] == "https://arxiv.org/abs/2504.00001" for r in rows)


def test_a_dataset_cannot_take_a_metrics_id(data_root):
    data_root.write("benchmarks/overall.yaml", METRIC)
    data_root.write("benchmarks/edit-bench.yaml", DATASET.replace("id: edit-bench", "id: overall"))
    found = [d for d in data_root.validate() if d.code == "duplicate-id"]
    assert [(d.path, d.message) for d in found] == [
        ("benchmarks/edit-bench.yaml", "id `overall` is also used by benchmarks/overall.yaml")]
