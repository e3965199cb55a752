"""The leaderboard overview: one result set as a method x task table of scores.

Rows are the methods with at least one score in the set (by name), columns the
benchmark's tasks (in its order); a cell holds the method's score in that task,
as the per-task leaderboard ranks it, and the best score of each column is marked
(ties: every method sharing rank 1).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..catalog import Catalog, Ranked
from ..models import BenchmarkTask, MethodRecord, ResultSet


@dataclass(frozen=True)
class OverviewRow:
    method: MethodRecord
    cells: list[Ranked | None]  # one per task, None where the method has no score


@dataclass(frozen=True)
class Overview:
    tasks: list[BenchmarkTask]
    rows: list[OverviewRow]

    def best(self, cell: Ranked | None) -> bool:
        return cell is not None and cell.rank == 1


def leaderboard_overview(catalog: Catalog, result_set: ResultSet) -> Overview:
    tasks = list(catalog.benchmark(result_set.benchmark).tasks)
    boards = {t.id: {row.method.id: row for row in catalog.leaderboard(result_set, t.id)} for t in tasks}
    methods = {row.method.id: row.method for board in boards.values() for row in board.values()}
    ordered = sorted(methods.values(), key=lambda m: (m.name.casefold(), m.id))
    rows = [OverviewRow(m, [boards[t.id].get(m.id) for t in tasks]) for m in ordered]
    return Overview(tasks, rows)
