"""Rules for dataset records and published results (benchmarks/).

A published-results file is one table of one source in one setting; these
rules make sure each row can be traced and compared only with its equals.
"""

from __future__ import annotations

from collections.abc import Iterator

from .diagnostics import Diagnostic
from .rules import Context, suggest


def _datasets(ctx: Context) -> set[str]:
    return {d.model.id for d in ctx.data.datasets} | {b.model.id for b in ctx.data.benchmarks}


def method_datasets_known(ctx: Context) -> Iterator[Diagnostic]:
    """`trained_on` and `evaluated_on` name dataset or benchmark records."""
    known = _datasets(ctx)
    for item in ctx.data.methods:
        for field_name in ("trained_on", "evaluated_on"):
            seen: set[str] = set()
            for i, dataset_id in enumerate(getattr(item.model, field_name) or []):
                if dataset_id in seen:
                    yield item.doc.diagnostic(
                        (field_name, i), "duplicate-item", f"`{dataset_id}` is listed twice", "remove the repeat"
                    )
                elif dataset_id not in known:
                    yield item.doc.diagnostic(
                        (field_name, i),
                        "unknown-dataset",
                        f"unknown dataset `{dataset_id}`",
                        suggest(dataset_id, known) or "add a `kind: dataset` record under benchmarks/ first",
                    )
                seen.add(dataset_id)


def published_benchmark_known(ctx: Context) -> Iterator[Diagnostic]:
    """Published results name an evaluation dataset (or a benchmark) and metrics defined under benchmarks/."""
    evaluation = {d.model.id for d in ctx.data.datasets if d.model.purpose != "training"}
    evaluation |= {b.model.id for b in ctx.data.benchmarks}
    for item in ctx.data.published:
        rs, doc = item.model, item.doc
        if rs.benchmark not in evaluation:
            yield doc.diagnostic(
                ("benchmark",),
                "unknown-benchmark",
                f"`{rs.benchmark}` is not a benchmark (an evaluation dataset) of the catalogue",
                suggest(rs.benchmark, evaluation) or "add it under benchmarks/ with `purpose: evaluation`",
            )
        if rs.rank_by is not None and rs.rank_by not in rs.metrics:
            yield doc.diagnostic(
                ("rank_by",), "unknown-id", f"`{rs.rank_by}` is not one of this file's metrics", "name one of `metrics`"
            )
        seen: set[str] = set()
        for i, metric_id in enumerate(rs.metrics):
            if metric_id in seen:
                yield doc.diagnostic(("metrics", i), "duplicate-item", f"`{metric_id}` is listed twice", "remove it")
            elif metric_id not in ctx.metrics_by_id:
                yield doc.diagnostic(
                    ("metrics", i),
                    "unknown-metric",
                    f"unknown metric `{metric_id}`",
                    suggest(metric_id, ctx.metrics_by_id) or "define it under benchmarks/ (kind: metric)",
                )
            seen.add(metric_id)


def published_rows_valid(ctx: Context) -> Iterator[Diagnostic]:
    """Each row names a known method once, scores only the file's metrics, and on their scales."""
    for item in ctx.data.published:
        rs, doc = item.model, item.doc
        seen: dict[tuple[str, str, str], int] = {}
        for i, row in enumerate(rs.rows):
            if row.method is not None and row.method not in ctx.known_methods:
                yield doc.diagnostic(
                    ("rows", i, "method"),
                    "unknown-method",
                    f"unknown method `{row.method}`",
                    suggest(row.method, ctx.known_methods)
                    or "name a record in methods/, or use `system:` for a system without a paper",
                )
            key = (row.method or f"system:{row.system}", row.checkpoint or "", row.variant or "")
            if key in seen:
                yield doc.diagnostic(
                    ("rows", i),
                    "duplicate-result",
                    f"a second row for `{row.method or row.system}` (first at row {seen[key] + 1})",
                    "one row per method, checkpoint and variant; another setting belongs in another file",
                )
            seen.setdefault(key, i)
            for metric_id, value in row.scores.items():
                metric = ctx.metrics_by_id.get(metric_id)
                if metric_id not in rs.metrics:
                    yield doc.diagnostic(
                        ("rows", i, "scores", metric_id),
                        "unknown-id",
                        f"`{metric_id}` is not one of this file's metrics",
                        "add it to `metrics`, or correct the key",
                        prefer_key=True,
                    )
                elif metric and not metric.scale.min <= value <= metric.scale.max:
                    yield doc.diagnostic(
                        ("rows", i, "scores", metric_id),
                        "out-of-range",
                        f"{value:g} is outside the scale of `{metric_id}` [{metric.scale.min:g}, {metric.scale.max:g}]",
                        "check the number against its source",
                    )
