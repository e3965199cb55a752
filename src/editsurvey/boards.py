"""Leaderboards of published results: rows compared only with rows of the same setting.

A setting is the benchmark, its version, the subset, the language and the
judge with its version. Files of one setting from different sources share a
board; a method reported by two sources keeps both rows, each with its source.
"""

from __future__ import annotations

from dataclasses import dataclass

from .models import MethodRecord, PublishedResults, ResultRow


@dataclass(frozen=True)
class BoardRow:
    rank: int | None  # None when the row lacks the board's ranking metric
    row: ResultRow
    results: PublishedResults  # the file it comes from: its source and setting
    method: MethodRecord | None
    reported_by: str  # "authors" (the method's own paper or repository) or "third party"
    disagrees: bool  # another source gives this method and checkpoint other numbers in this setting


@dataclass(frozen=True)
class Board:
    setting: tuple[str, str, str, str, str, str, str]
    files: list[PublishedResults]
    metrics: list[str]  # every metric of the setting, in the order the files name them
    rank_by: str
    rows: list[BoardRow]

    @property
    def description(self) -> str:
        """The setting in words, saying what the source leaves unstated."""
        _, version, subset, language, judge, judge_version, _ = self.setting
        judged = f"judged by {judge}" + (f" ({judge_version})" if judge_version else "") if judge else ""
        parts = [
            f"subset {subset}" if subset else "subset not stated",
            language or "language not stated",
            version,
            judged or "judge not stated",
        ]
        return ", ".join(p for p in parts if p)

    @property
    def anchor(self) -> str:
        bench, version, subset, language, judge, judge_version, own = self.setting
        parts = [version, subset, language, judge, judge_version, own]
        return "-".join("".join(c if c.isalnum() else "-" for c in p.lower()) for p in parts if p).strip("-")


def reported_by(row: ResultRow, results: PublishedResults, method: MethodRecord | None) -> str:
    """Whether the row's numbers come from the method's own paper or repository."""
    if method is None:
        return "third party"
    source = results.source
    own_paper = source.arxiv is not None and source.arxiv == method.links.arxiv
    repository, code = source.repository, method.links.code
    own_code = bool(repository and code and repository.rstrip("/").lower() == code.rstrip("/").lower())
    return "authors" if own_paper or own_code else "third party"


def boards_for(
    benchmark: str,
    published: list[PublishedResults],
    methods: dict[str, MethodRecord],
    higher_is_better: dict[str, bool],
) -> list[Board]:
    """The boards of one benchmark, one per setting, in the order of their settings."""
    by_setting: dict[tuple[str, str, str, str, str, str, str], list[PublishedResults]] = {}
    for results in published:
        if results.benchmark == benchmark:
            by_setting.setdefault(results.setting(), []).append(results)
    boards = []
    for setting in sorted(by_setting):
        files = sorted(by_setting[setting], key=lambda r: r.id)
        metrics: list[str] = []
        for results in files:
            metrics += [m for m in results.metrics if m not in metrics]
        rank_by = next((r.rank_by for r in files if r.rank_by), metrics[0])
        boards.append(Board(setting, files, metrics, rank_by, _ranked(files, methods, rank_by, higher_is_better)))
    return boards


def _ranked(
    files: list[PublishedResults], methods: dict[str, MethodRecord], rank_by: str, higher_is_better: dict[str, bool]
) -> list[BoardRow]:
    entries = [(row, results) for results in files for row in results.rows]
    numbers: dict[tuple[str, str, str], set[tuple]] = {}
    for row, _ in entries:
        key = (row.method or f"system:{row.system}", row.checkpoint or "", row.variant or "")
        numbers.setdefault(key, set()).add(tuple(sorted(row.scores.items())))
    sign = -1 if higher_is_better.get(rank_by, True) else 1

    def order(entry: tuple[ResultRow, PublishedResults]) -> tuple:
        row, results = entry
        score = row.scores.get(rank_by)
        return (score is None, sign * score if score is not None else 0, row.method or row.system or "", results.id)

    out: list[BoardRow] = []
    previous: tuple[float, int] | None = None
    for position, (row, results) in enumerate(sorted(entries, key=order), start=1):
        score = row.scores.get(rank_by)
        rank = None
        if score is not None:
            rank = previous[1] if previous and previous[0] == score else position
            previous = (score, rank)
        method = methods.get(row.method) if row.method else None
        key = (row.method or f"system:{row.system}", row.checkpoint or "", row.variant or "")
        out.append(BoardRow(rank, row, results, method, reported_by(row, results, method), len(numbers[key]) > 1))
    return out
