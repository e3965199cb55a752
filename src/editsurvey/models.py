"""Pydantic records for every kind of data file.

The models check each file on its own (types, formats, unknown keys). Rules
that need other files (taxonomy ids, duplicates, cycles) live in validate.py.
Field descriptions end up in the JSON Schema that editors use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
DATE_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])$"
DAY_PATTERN = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$"
# Only characters a URL holds unencoded (RFC 3986 less quotes and brackets), so
# that no link can close an HTML attribute or a Markdown link around it.
HTTPS_PATTERN = r"^https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(:[0-9]{1,5})?(/[A-Za-z0-9._~%!$&*+,;=:@/?#()-]*)?$"
ARXIV_PATTERN = r"^([0-9]{4}\.[0-9]{4,5}|[a-z-]+(\.[A-Z]{2})?/[0-9]{7})$"
DOI_PATTERN = r"^10\.[0-9]{4,9}/[-._;()/:A-Za-z0-9]+$"

Id = Annotated[str, Field(pattern=ID_PATTERN, description="lowercase kebab-case identifier")]
# Where in a paper (or its official pages) a classification is shown: a pointer, never a quote.
_POINTER = (
    r"(abstract|title|project page|repository README|(survey )?(Fig\.|Sec\.|Table|Appendix) "
    r"([A-Z]|[A-Z]?[0-9]+)(\.[0-9]+)*[a-z]?)"
)
EVIDENCE_PATTERN = rf"^{_POINTER}(; {_POINTER})*$"
Evidence = Annotated[
    str,
    Field(
        pattern=EVIDENCE_PATTERN,
        max_length=120,
        description=(
            "where the paper shows it, e.g. `abstract`, `Fig. 3`, `Sec. 4.2`, `project page`, `repository README`; "
            "several joined by `; `"
        ),
    ),
]
Url = Annotated[str, Field(pattern=HTTPS_PATTERN, description="an https:// address")]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


# ---------------------------------------------------------------- taxonomy


class TaxonomyNode(Strict):
    id: Id
    label: Text
    short: Text | None = Field(None, description="the survey's abbreviation, where it has one")
    description: Text
    parent: Id | None = Field(None, description="id of the node one level up")


FIELD_PATTERN = r"^[a-z][a-z0-9_]*$"


class AxisRecordField(Strict):
    """Where a record names nodes of an axis."""

    field: str = Field(pattern=FIELD_PATTERN, description="the record field that names nodes of this axis")
    many: bool = Field(description="true: the field is a list of ids; false: one id")
    also: str | None = Field(
        None, pattern=FIELD_PATTERN, description="an optional list field naming further nodes of this axis"
    )
    required: bool = Field(True, description="whether every record must fill the field")


class TaxonomyAxis(Strict):
    axis: Id = Field(description="the axis id; equals the file stem")
    label: Text = Field(description="the axis' name for one value, e.g. Input condition")
    plural_label: Text = Field(description="its name for several values, e.g. Input conditions")
    noun: Text = Field(description="a lowercase noun for one value, used in messages: condition")
    description: Text
    order: int = Field(ge=0, description="position among the axes (menus, tables, exports)")
    record: AxisRecordField
    facet: Id = Field(description="the explorer's query-string key for this axis")
    levels: list[Id] = Field(min_length=1, description="names of the levels, top first")
    assignable_levels: list[Id] = Field(min_length=1, description="levels a record may name")
    nodes: list[TaxonomyNode] = Field(min_length=1)


VenueKind = Literal["conference", "workshop", "journal", "preprint"]


class Venue(Strict):
    name: Text
    full: Text
    kind: VenueKind


class VenueList(Strict):
    venues: list[Venue] = Field(min_length=1)


# ---------------------------------------------------------------- methods


class Links(Strict):
    paper: Url = Field(description="the paper's own page (publisher or arXiv abstract)")
    arxiv: str | None = Field(
        None, pattern=ARXIV_PATTERN, description='arXiv identifier without version, quoted: "2211.09800"'
    )
    doi: str | None = Field(None, pattern=DOI_PATTERN, description="DOI without the https://doi.org/ prefix")
    code: Url | None = Field(None, description="the official code repository")
    project: Url | None = Field(None, description="the official project page")


Origin = Literal["survey", "curated"]


class Provenance(Strict):
    source: Literal["survey-list", "contribution"] = Field(
        description="survey-list: the paper is in the survey's companion list; contribution: added here"
    )
    strategy: Origin = Field(description="who filed the strategy: the survey, or this project's curation")
    conditions: Origin = Field(description="who classified the input conditions")
    tasks: Origin = Field(description="who classified the editing tasks")


CorrectedField = Literal["title", "venue", "date", "links.paper"]


class MethodRecord(Strict):
    """One image editing method, as published in one paper."""

    id: Id = Field(description="equals the file name without .yaml")
    name: Text = Field(max_length=60, description="the short name the method is known by")
    aliases: list[Annotated[str, Field(min_length=1, max_length=60)]] | None = Field(
        None,
        min_length=1,
        description="other names of the method (a short form, a full form), as its paper or official repository uses",
    )
    title: Text = Field(max_length=300, description="the paper's title, as the paper capitalises it")
    authors: list[Text] | None = Field(None, min_length=1, description="authors in paper order")
    date: str = Field(pattern=DATE_PATTERN, description="YYYY-MM of the first public version")
    venue: Text = Field(description="a venue name from taxonomy/venues.yaml, without the year")
    year: int = Field(ge=1990, le=2100, description="publication year at that venue")
    links: Links
    strategy: Id = Field(description="learning-strategy sub-category (or group) id")
    also_in: list[Id] | None = Field(
        None, min_length=1, description="further sub-categories where the survey lists the paper"
    )
    conditions: list[Id] = Field(min_length=1, description="input condition ids")
    tasks: list[Id] = Field(min_length=1, description="editing task ids")
    base_model: Text | None = Field(None, max_length=80, description="pretrained model the method builds on")
    evidence: dict[Id, Evidence] | None = Field(
        None, min_length=1, description="for curated taxonomy ids of this record: where the paper shows each"
    )
    summary: Text = Field(max_length=600, description="one to three sentences, plain text")
    provenance: Provenance
    corrected: dict[CorrectedField, Text] | None = Field(
        None, min_length=1, description="fields that differ from the survey's list, each with why"
    )
    builds_on: list[Id] | None = Field(None, min_length=1, description="ids of methods this one extends")
    former_ids: list[Id] | None = Field(
        None, min_length=1, description="earlier ids of this record; their pages redirect here"
    )
    added: str | None = Field(
        None,
        pattern=DAY_PATTERN,
        description='YYYY-MM-DD the record entered the catalogue, quoted: "2024-05-17" (older records: first commit)',
    )

    @field_validator("added")
    @classmethod
    def _real_day(cls, value: str | None) -> str | None:
        if value is not None:
            dt.date.fromisoformat(value)  # 2024-02-30 matches the pattern but is no day
        return value


# The axis fields declared above; an axis added as data gets its field from record_model().
CORE_AXIS_FIELDS = ("strategy", "conditions", "tasks")


def record_model(axes: Iterable[TaxonomyAxis]) -> type[MethodRecord]:
    """MethodRecord with a field for every axis whose record field it does not declare.

    This is what makes a new axis a data change: its YAML file names the
    field, and records may (or, if `required`, must) fill it.
    """
    fields: dict[str, Any] = {}
    origins: dict[str, Any] = {}
    for axis in axes:
        spec = axis.record
        for name, many in ((spec.field, spec.many), (spec.also, True)):
            if not name or name in MethodRecord.model_fields:
                continue
            kind: Any = list[Id] if many else Id
            description = f"{axis.plural_label if many else axis.label}: id{'s' if many else ''} from {axis.axis}.yaml"
            if spec.required and name == spec.field:
                fields[name] = (
                    kind,
                    Field(min_length=1, description=description) if many else Field(description=description),
                )
            else:
                fields[name] = (kind | None, Field(None, description=description))
        if spec.field not in Provenance.model_fields:
            origins[spec.field] = (Origin | None, Field(None, description=f"who classified the {axis.noun}"))
    if not fields:
        return MethodRecord
    if origins:
        provenance = create_model("Provenance", __base__=Provenance, **origins)
        fields["provenance"] = (provenance, ...)
    return create_model("MethodRecord", __base__=MethodRecord, **fields)


# ---------------------------------------------------------------- benchmarks


class BenchmarkTask(Strict):
    id: Id = Field(description="the task's id inside this benchmark")
    label: Text
    task: Id = Field(description="the catalogue's editing-task id it corresponds to")


class BenchmarkCase(Strict):
    task: Id = Field(description="a task id of this benchmark")
    source_prompt: Text
    target_prompt: Text
    instruction: Text


class Benchmark(Strict):
    kind: Literal["benchmark"]
    id: Id
    name: Text
    description: Text
    images: int = Field(ge=1)
    image_source: Url | None = None
    url: Url | None = Field(None, description="where the benchmark can be downloaded")
    tasks: list[BenchmarkTask] = Field(min_length=1)
    cases: list[BenchmarkCase] | None = None


class MetricFactor(Strict):
    id: Id
    symbol: Text
    label: Text
    weight: float = Field(gt=0, le=1)
    description: Text


class Scale(Strict):
    min: float
    max: float


class Metric(Strict):
    kind: Literal["metric"]
    id: Id
    name: Text
    description: Text
    judge: Text | None = None
    scale: Scale
    higher_is_better: bool
    decimals: int = Field(ge=0, le=6, description="precision of published scores")
    factors: list[MetricFactor] | None = None
    formula: Text | None = None
    prompt_template: Url | None = None


class Source(Strict):
    title: Text
    url: Url


class Result(Strict):
    task: Id
    method: Id
    mean: float
    std: float = Field(ge=0)


class ResultSet(Strict):
    kind: Literal["results"]
    id: Id
    benchmark: Id
    metric: Id
    source: Source
    results: list[Result] = Field(min_length=1)


BENCHMARK_KINDS: dict[str, type[Strict]] = {"benchmark": Benchmark, "metric": Metric, "results": ResultSet}


# Field-specific help for the diagnostics that pydantic's messages lack.
FIELD_HINTS: dict[tuple[str, ...], str] = {
    ("id",): "use lowercase letters, digits and hyphens, the same as the file name",
    ("name",): "write the short name the method is known by, e.g. InstructPix2Pix (quote it if YAML reads it as "
    "something else)",
    ("title",): "copy the paper's title as the paper writes it, in quotes if it holds a colon",
    ("authors",): "list the authors one per line, each as `  - First Last`, in paper order",
    ("base_model",): "name the pretrained model, e.g. Stable Diffusion 1.5",
    ("date",): "write the month of the first public version as YYYY-MM, e.g. 2023-04",
    ("added",): 'write the day the record entered the catalogue as YYYY-MM-DD, in quotes: added: "2024-05-17"',
    ("year",): "write the publication year as a number, e.g. 2023",
    ("venue",): "use a venue name from taxonomy/venues.yaml, e.g. CVPR or arXiv, without the year",
    ("links", "paper"): "give the paper's own page as an https:// address",
    ("links", "code"): "give the official repository as an https:// address",
    ("links", "project"): "give the project page as an https:// address",
    ("links", "arxiv"): 'quote the bare identifier without version: arxiv: "2211.09800"',
    ("links", "doi"): "write the DOI without https://doi.org/, e.g. 10.1145/3588432.3591513",
    ("strategy",): "name a sub-category id from taxonomy/strategies.yaml",
    ("conditions",): "list at least one condition id from taxonomy/conditions.yaml",
    ("tasks",): "list at least one task id from taxonomy/tasks.yaml",
    ("summary",): "write one to three plain-text sentences",
    ("provenance",): "say where the record and its classification come from",
}
