"""Machine-readable exports: JSON, CSV, BibTeX, JSON Schema.

Every function returns text and depends only on the catalog, so two builds
of the same data give byte-identical files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from ..boards import reported_by
from ..catalog import Catalog
from ..models import MethodRecord
from ..schema import dumps as dump_schema
from ..schema import method_schema
from .feed import FEED_PATH, additions_atom

EXPORT_VERSION = 1


def record_dict(method: MethodRecord) -> dict[str, Any]:
    """A record as JSON data: exactly its YAML fields, absent ones left out."""
    return method.model_dump(mode="json", exclude_none=True)


def taxonomy_dict(catalog: Catalog) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for axis_id, axis in catalog.taxonomy.axes.items():
        out[axis_id] = {
            "label": axis.label,
            "plural_label": axis.plural_label,
            "noun": axis.noun,
            "record": axis.record.model_dump(mode="json", exclude_none=True),
            "facet": axis.facet,
            "description": axis.description,
            "levels": axis.levels,
            "assignable_levels": axis.assignable_levels,
            "origin": axis.origin,
            "nodes": [
                {
                    **n.node.model_dump(mode="json", exclude_none=True),
                    "level": n.level,
                    "origin": axis.node_origin(n.node),
                }
                for n in catalog.taxonomy.axis_nodes(axis_id)
            ],
        }
    return out


def methods_json(catalog: Catalog) -> str:
    payload = {
        "version": EXPORT_VERSION,
        "taxonomy": taxonomy_dict(catalog),
        "venues": [v.model_dump(mode="json") for v in catalog.venues.values()],
        "methods": [record_dict(m) for m in catalog.methods],
    }
    return json.dumps(payload, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


CSV_COLUMNS = [
    "id",
    "name",
    "title",
    "authors",
    "date",
    "venue",
    "year",
    "strategy",
    "sub_category",
    "also_in",
    "conditions",
    "tasks",
    "base_model",
    "paper",
    "arxiv",
    "doi",
    "code",
    "project",
    "builds_on",
    "summary",
]


def extra_axis_fields(catalog: Catalog) -> list[str]:
    """Record fields of axes added as data (beyond the columns above), in axis order."""
    return [
        name
        for axis in catalog.taxonomy.axes.values()
        for name in (axis.record.field, axis.record.also)
        if name and name not in CSV_COLUMNS
    ]


def _joined(value: object) -> str:
    if value is None:
        return ""
    return "; ".join(value) if isinstance(value, list) else str(value)


# A spreadsheet runs a cell that starts with one of these as a formula. OWASP's
# advice: prefix such a cell with a single quote, which shows it as text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_row(catalog: Catalog, m: MethodRecord, extra: list[str]) -> list[str]:
    """One method's cells, formula-neutralised; `extra` is `extra_axis_fields(catalog)`."""
    links = m.links
    return [
        csv_cell(cell)
        for cell in [
            m.id,
            m.name,
            m.title,
            "; ".join(m.authors or []),
            m.date,
            m.venue,
            m.year,
            m.strategy,
            catalog.sub_category(m),
            "; ".join(m.also_in or []),
            "; ".join(m.conditions),
            "; ".join(m.tasks),
            m.base_model or "",
            links.paper,
            links.arxiv or "",
            links.doi or "",
            links.code or "",
            links.project or "",
            "; ".join(m.builds_on or []),
            " ".join(m.summary.split()),
            *(_joined(getattr(m, name, None)) for name in extra),
        ]
    ]


def csv_line(cells: list[str]) -> str:
    """One CSV line (quoted as needed, ending in a newline): lines concatenate into a file."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def csv_header(catalog: Catalog) -> str:
    return csv_line(CSV_COLUMNS + extra_axis_fields(catalog))


def methods_csv(catalog: Catalog) -> str:
    extra = extra_axis_fields(catalog)
    return csv_header(catalog) + "".join(csv_line(csv_row(catalog, m, extra)) for m in catalog.methods)


# BibTeX counts every brace, escaped or not, so `\}` would still close a field:
# braces become commands, which keeps every field's braces balanced.
_LATEX_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIAL.get(ch, ch) for ch in text)


def bibtex_name(author: str) -> str:
    """One author; braced when BibTeX would otherwise split it (" and ") or reorder it (a comma)."""
    escaped = latex_escape(author)
    return "{" + escaped + "}" if re.search(r"\sand\s|,", author, re.IGNORECASE) else escaped


def bibtex_key(method: MethodRecord) -> str:
    """Stable: the record id, which never changes (renames keep former ids)."""
    return method.id


def bibtex_entry(catalog: Catalog, method: MethodRecord) -> str:
    venue = catalog.venues.get(method.venue)
    kind = venue.kind if venue else "preprint"
    fields: list[tuple[str, str]] = [("title", "{" + latex_escape(method.title) + "}")]
    if method.authors:
        fields.append(("author", " and ".join(bibtex_name(a) for a in method.authors)))
    if kind in ("conference", "workshop") and venue:
        entry = "inproceedings"
        fields.append(("booktitle", latex_escape(venue.full)))
    elif kind == "journal" and venue:
        entry = "article"
        fields.append(("journal", latex_escape(venue.full)))
    else:
        entry = "misc"
        if method.links.arxiv:
            fields.append(("eprint", method.links.arxiv))
            fields.append(("archivePrefix", "arXiv"))
        fields.append(("howpublished", latex_escape(venue.full if venue else method.venue)))
    fields.append(("year", str(method.year)))
    if method.links.doi:
        fields.append(("doi", latex_escape(method.links.doi)))
    fields.append(("url", method.links.paper))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{entry}{{{bibtex_key(method)},\n{body}\n}}\n"


def methods_bib(catalog: Catalog) -> str:
    return "\n".join(bibtex_entry(catalog, m) for m in catalog.methods)


def citation_text(catalog: Catalog, method: MethodRecord) -> str:
    """A plain-text reference on one line (for the clipboard): authors, title, venue, year, paper link."""
    venue = catalog.venues.get(method.venue)
    where = venue.full if venue else method.venue
    parts = [", ".join(method.authors)] if method.authors else []
    parts += [" ".join(method.title.split()), f"{where}, {method.year}", method.links.paper]
    return f"[{method.name}] " + ". ".join(parts)


SELECTION_PATH = "data/selection.json"


def selection_json(catalog: Catalog) -> str:
    """What the explorer's selection downloads concatenate: per method, its BibTeX entry, CSV line and citation.

    A side file fetched only when a reader takes a selection along, so the explorer's own data
    (data/methods.json) stays small. Header + the chosen methods' lines is exactly methods.csv's
    format; their entries joined by a blank line is exactly methods.bib's.
    """
    extra = extra_axis_fields(catalog)
    payload = {
        "version": EXPORT_VERSION,
        "csv_header": csv_header(catalog),
        "methods": {
            m.id: {
                "bib": bibtex_entry(catalog, m),
                "csv": csv_line(csv_row(catalog, m, extra)),
                "cite": citation_text(catalog, m),
            }
            for m in catalog.methods
        },
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")) + "\n"


def schema_json(catalog: Catalog) -> str:
    return dump_schema(method_schema(catalog.taxonomy, catalog.venue_names))


RESULT_COLUMNS = [
    "benchmark",
    "benchmark_version",
    "subset",
    "language",
    "judge",
    "judge_version",
    "metric",
    "score",
    "method",
    "system",
    "checkpoint",
    "reported_by",
    "source_url",
    "source_arxiv",
    "source_table",
    "source_repository",
    "source_path",
    "source_commit",
    "results_file",
]


def result_rows(catalog: Catalog) -> list[dict[str, Any]]:
    """Every published score as one flat row that carries its whole setting and source."""
    rows = []
    for results in catalog.published:
        judge = results.judge
        source = results.source
        for row in results.rows:
            method = catalog.by_id.get(row.method) if row.method else None
            for metric_id in results.metrics:
                if metric_id not in row.scores:
                    continue
                rows.append(
                    {
                        "benchmark": results.benchmark,
                        "benchmark_version": results.version,
                        "subset": results.subset,
                        "language": results.language,
                        "judge": judge.model if judge else None,
                        "judge_version": judge.version if judge else None,
                        "metric": metric_id,
                        "score": row.scores[metric_id],
                        "method": row.method,
                        "system": row.system,
                        "checkpoint": row.checkpoint,
                        "reported_by": reported_by(row, results, method),
                        "source_url": source.url,
                        "source_arxiv": source.arxiv,
                        "source_table": source.table,
                        "source_repository": source.repository,
                        "source_path": source.path,
                        "source_commit": source.commit,
                        "results_file": results.id,
                    }
                )
    return rows


def results_csv(catalog: Catalog) -> str:
    lines = [
        csv_line([csv_cell("" if row[c] is None else row[c]) for c in RESULT_COLUMNS]) for row in result_rows(catalog)
    ]
    return csv_line(RESULT_COLUMNS) + "".join(lines)


def results_json(catalog: Catalog) -> str:
    payload = {
        "version": EXPORT_VERSION,
        "datasets": [d.model_dump(mode="json", exclude_none=True) for d in catalog.datasets],
        "results": [{k: v for k, v in row.items() if v is not None} for row in result_rows(catalog)],
    }
    return json.dumps(payload, indent=1, ensure_ascii=False) + "\n"


def export_files(catalog: Catalog) -> dict[str, str]:
    """Path under the site -> content."""
    return {
        "data/results.csv": results_csv(catalog),
        "data/results.json": results_json(catalog),
        "data/methods.json": methods_json(catalog),
        "data/methods.csv": methods_csv(catalog),
        "data/methods.bib": methods_bib(catalog),
        "data/schema.json": schema_json(catalog),
        FEED_PATH: additions_atom(catalog),  # the Atom feed of additions (site/feed.py)
        SELECTION_PATH: selection_json(catalog),
    }
