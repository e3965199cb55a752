"""The survey's scope of the catalogue: what the survey itself covers.

Counts, matrices and charts can be drawn for everything or for the survey's
scope alone; the latter must reproduce the survey's own list, so it keeps the
records of that list and the axes and nodes of the survey, and drops from
each record the values it has on this project's extension nodes.
"""

from __future__ import annotations

from .catalog import Catalog
from .models import MethodRecord
from .taxonomy import Taxonomy


def survey_taxonomy(tax: Taxonomy) -> Taxonomy:
    """The survey's axes with their survey nodes; extension axes and nodes left out."""
    axes = {}
    for axis_id, axis in tax.axes.items():
        if axis.origin == "extension":
            continue
        nodes = [n for n in axis.nodes if axis.node_origin(n) == "survey"]
        axes[axis_id] = axis.model_copy(update={"nodes": nodes})
    return Taxonomy.build(axes)


def _within(method: MethodRecord, tax: Taxonomy) -> MethodRecord:
    """The record without the values it names on nodes outside `tax` (on the axes `tax` has)."""
    optional = {axis.record.also for axis in tax.axes.values() if axis.record.also}
    update: dict[str, object] = {}
    for field_name in tax.record_fields():
        value = getattr(method, field_name, None)
        if isinstance(value, list):
            kept = [i for i in value if i in tax.nodes]
            if kept != value:
                update[field_name] = kept or (None if field_name in optional else [])
    return method.model_copy(update=update) if update else method


def survey_scope(cat: Catalog) -> Catalog:
    tax = survey_taxonomy(cat.taxonomy)
    methods = [_within(m, tax) for m in cat.methods if cat.in_survey_list(m)]
    return Catalog(
        root=cat.root,
        taxonomy=tax,
        venues=cat.venues,
        methods=methods,
        files={m.id: cat.files[m.id] for m in methods},
        benchmarks=cat.benchmarks,
        metrics=cat.metrics,
        results=cat.results,
    )
