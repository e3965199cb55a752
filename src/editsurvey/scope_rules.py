"""Rules about where the data comes from: the survey, its text, or this project.

The survey's axes stay as published; what this project adds (extension
nodes, whole axes, records the survey does not hold) must say so. (That each
extension node is needed by a record is a test of the data, not a rule: a
contributor's data root may hold a few records.)
"""

from __future__ import annotations

from collections.abc import Iterator

from .dataset import Loaded
from .diagnostics import Diagnostic
from .models import MethodRecord
from .pointers import split
from .rules import Context, placed_ids


def extension_below_extension(ctx: Context) -> Iterator[Diagnostic]:
    """A node under an extension node is an extension node too."""
    for loaded in ctx.data.axes.values():
        axis = loaded.model
        by_id = {n.id: n for n in axis.nodes}
        for i, node in enumerate(axis.nodes):
            parent = by_id.get(node.parent or "")
            if parent and axis.node_origin(parent) == "extension" and axis.node_origin(node) == "survey":
                yield loaded.doc.diagnostic(
                    ("nodes", i, "origin"),
                    "origin-mismatch",
                    f"`{node.id}` is marked as the survey's, but its parent `{parent.id}` is this project's extension",
                    "set `origin: extension` on the node: the survey has nothing below an extension node",
                    prefer_key=node.origin is not None,
                )


def survey_text_has_section(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A record the survey discusses only in its text says where (`provenance.section`), and only then."""
    rec, doc = item.model, item.doc
    if rec.provenance.source == "survey-text" and not rec.provenance.section:
        yield doc.diagnostic(
            ("provenance", "source"),
            "missing-section",
            "a record from the survey's text does not say where the survey discusses it",
            "add `section: survey Sec. N` under provenance",
            prefer_key=True,
        )
    elif rec.provenance.source != "survey-text" and rec.provenance.section:
        yield doc.diagnostic(
            ("provenance", "section"),
            "bad-provenance",
            f"`provenance.section` belongs to records from the survey's text, not `{rec.provenance.source}`",
            "remove `section`, or set `source: survey-text`",
            prefer_key=True,
        )


def venue_has_evidence(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A record not from the survey's list that names a venue other than a preprint says where that is stated."""
    rec, doc = item.model, item.doc
    evidence = rec.evidence or {}
    if rec.venue in ctx.preprint_venues:
        if "venue" in evidence:
            yield doc.diagnostic(
                ("evidence", "venue"),
                "evidence-unknown-id",
                f"evidence for the venue, but `{rec.venue}` is a preprint server",
                "remove `venue` from evidence",
                prefer_key=True,
            )
        return
    if rec.provenance.source != "survey-list" and "venue" not in evidence and rec.venue in ctx.venues:
        yield doc.diagnostic(
            ("venue",),
            "missing-evidence",
            f"venue `{rec.venue}` has no evidence",
            "add `evidence: {venue: arXiv comments}` (or publisher page, project page, repository README) "
            "where the publication is stated, or write the venue as arXiv",
        )


LEADERBOARD_POINTER = "survey leaderboard"


def leaderboard_evidence_holds(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A `survey leaderboard` pointer names a task (or a condition of its cases) the survey scores the method on."""
    rec, doc = item.model, item.doc
    for node_id, pointer in (rec.evidence or {}).items():
        if LEADERBOARD_POINTER in split(pointer) and (rec.id, node_id) not in ctx.survey_scored:
            yield doc.diagnostic(
                ("evidence", node_id),
                "evidence-not-in-leaderboard",
                f"`{node_id}` cites the survey's leaderboard, which does not score `{rec.id}` on it",
                "point to where the paper shows it instead",
            )


def required_axis_fields(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A required axis field is filled, unless `unverified` names it; `unverified` names only empty axis fields."""
    rec, doc, tax = item.model, item.doc, ctx.taxonomy
    required = {axis.record.field: axis for axis in tax.axes.values() if axis.record.required}
    listed = rec.unverified or []
    for field_name, axis in sorted(required.items()):
        value = getattr(rec, field_name, None)
        if field_name in listed:
            continue
        if value == []:
            yield doc.diagnostic(
                (field_name,),
                "empty-value",
                f"`{field_name}` must not be empty",
                f"list an id with evidence; if no primary source confirms any, add `unverified: [{field_name}]`",
            )
        elif value is None:
            yield doc.diagnostic(
                (),
                "missing-field",
                f"missing required field `{field_name}`",
                f"name a {axis.noun} from taxonomy/{axis.axis}.yaml with its evidence; if no primary source "
                f"confirms one, add `unverified: [{field_name}]`",
                prefer_key=True,
            )
    for i, field_name in enumerate(listed):
        if field_name not in required:
            yield doc.diagnostic(
                ("unverified", i),
                "unknown-id",
                f"`{field_name}` is not a field of a taxonomy axis",
                "name " + " or ".join(sorted(required)),
            )
        elif getattr(rec, field_name, None):
            yield doc.diagnostic(
                ("unverified", i),
                "bad-provenance",
                f"`{field_name}` is declared unverified but holds a value",
                f"remove `{field_name}` from `unverified`, or the value if it is not verified",
            )


def survey_values_are_survey_nodes(item: Loaded[MethodRecord], ctx: Context) -> Iterator[Diagnostic]:
    """A value attributed to the survey, and the one-valued survey axes of a paper in its list, name survey nodes."""
    rec, doc, tax = item.model, item.doc, ctx.taxonomy
    for axis in tax.axes.values():
        if axis.origin == "extension":
            continue
        spec = axis.record
        by_survey = getattr(rec.provenance, spec.field, None) == "survey"
        listed = rec.provenance.source == "survey-list" and not spec.many
        if not (by_survey or listed):
            continue
        for name in (n for n in (spec.field, spec.also) if n):
            for loc, node_id in placed_ids(rec, name):
                node = tax.nodes.get(node_id)
                if node is None or axis.node_origin(node.node) != "extension":
                    continue
                yield doc.diagnostic(
                    loc,
                    "bad-provenance",
                    f"`{node_id}` is this project's extension: the survey cannot have filed the paper there",
                    f"keep the survey's own {axis.noun} here, or mark the {axis.noun} `curated` under provenance"
                    if not listed
                    else f"a paper of the survey's list keeps the survey's {axis.noun}; name it in the summary instead",
                )
