"""Pydantic records for every kind of data file.

The models check each file on its own (types, formats, unknown keys). Rules
that need other files (taxonomy ids, duplicates, cycles) live in validate.py.
Field descriptions end up in the JSON Schema that editors use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

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
    r"(abstract|title|project page|repository README|arXiv comments|publisher page|survey leaderboard|"
    # A file of the official repository (`links.code`), by its path there, optionally at the commit read (@hex):
    # code that loads the model, say.
    r"repository file [A-Za-z0-9_][A-Za-z0-9_.-]*(/[A-Za-z0-9_][A-Za-z0-9_.-]*)*(@[0-9a-f]{7,40})?|"
    # A maintainer's answer in the official repository's issue tracker, by the number.
    r"repository issue [1-9][0-9]{0,6}|"
    r"(survey )?(Fig\.|Sec\.|Table|Appendix) "
    r"([A-Z]|[A-Z]?[0-9]+)(\.[0-9]+)*[a-z]?)"
)
EVIDENCE_PATTERN = rf"^{_POINTER}(; {_POINTER})*$"
Evidence = Annotated[
    str,
    Field(
        pattern=EVIDENCE_PATTERN,
        max_length=120,
        description=(
            "where the paper shows it, e.g. `abstract`, `Fig. 3`, `Sec. 4.2`, `project page`, `repository README`, "
            "`repository file src/edit.py@1a2b3c4` (a file of the official repository, at the commit read), "
            "`repository issue 12` (a maintainer's answer there), "
            "`survey leaderboard` (the survey scored the method on this task); several joined by `; `"
        ),
    ),
]
Url = Annotated[str, Field(pattern=HTTPS_PATTERN, description="an https:// address")]
# A free pointer into an official source (a file of a repository, a section), for facts outside the taxonomy.
Pointer = Annotated[str, Field(min_length=1, max_length=200)]
Text = Annotated[str, Field(min_length=1)]


class Strict(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


# ---------------------------------------------------------------- taxonomy


NodeOrigin = Literal["survey", "extension"]


class TaxonomyNode(Strict):
    id: Id
    label: Text
    short: Text | None = Field(
        None, description="the survey's abbreviation (or, on an extension, ours), where it has one"
    )
    description: Text
    parent: Id | None = Field(None, description="id of the node one level up")
    origin: NodeOrigin | None = Field(
        None, description="extension: added by this project, not in the survey; unset: the axis' origin"
    )


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
    origin: NodeOrigin = Field("survey", description="survey: the survey's axis; extension: an axis of this project")
    nodes: list[TaxonomyNode] = Field(min_length=1)

    def node_origin(self, node: TaxonomyNode) -> NodeOrigin:
        return node.origin or self.origin


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


SURVEY_POINTER = r"^survey (Sec\.|Table|Fig\.) [0-9]+(\.[0-9]+)*$"


class Provenance(Strict):
    source: Literal["survey-list", "survey-text", "contribution"] = Field(
        description=(
            "survey-list: the paper is in the survey's companion list; survey-text: the survey's text discusses it "
            "but its list does not hold it; contribution: added by this project"
        )
    )
    section: str | None = Field(
        None, pattern=SURVEY_POINTER, description="for survey-text: where the survey discusses it, e.g. survey Sec. 8.1"
    )
    strategy: Origin = Field(description="who filed the strategy: the survey, or this project's curation")
    conditions: Origin = Field(description="who classified the input conditions")
    tasks: Origin = Field(description="who classified the editing tasks")


CorrectedField = Literal["title", "venue", "date", "links.paper"]


class Version(Strict):
    """A release of the same model without a paper of its own."""

    name: Text = Field(max_length=80, description="the release's name, as its publisher writes it")
    date: str = Field(pattern=f"{DATE_PATTERN}|{DAY_PATTERN}", description="YYYY-MM or YYYY-MM-DD of the release")
    link: Url = Field(description="the official page of the release (model card, repository, announcement)")


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
    conditions: list[Id] = Field(description="input condition ids (empty only when listed in `unverified`)")
    tasks: list[Id] = Field(description="editing task ids (empty only when listed in `unverified`)")
    unverified: list[Id] | None = Field(
        None,
        min_length=1,
        description=(
            "axis fields (e.g. tasks) whose values no primary source could confirm yet: they are left out, "
            "and the field may be empty"
        ),
    )
    base_model: Text | None = Field(None, max_length=80, description="pretrained model the method builds on")
    evidence: dict[Id, Evidence] | None = Field(
        None,
        min_length=1,
        description=(
            "for curated taxonomy ids of this record (and `venue` for a contributed record's venue): "
            "where the paper or its official pages show each"
        ),
    )
    summary: Text = Field(max_length=600, description="one to three sentences, plain text")
    provenance: Provenance
    corrected: dict[CorrectedField, Text] | None = Field(
        None, min_length=1, description="fields that differ from the survey's list, each with why"
    )
    builds_on: list[Id] | None = Field(None, min_length=1, description="ids of methods this one extends")
    versions: list[Version] | None = Field(
        None, min_length=1, description="releases of this model without a new paper, oldest first"
    )
    trained_on: list[Id] | None = Field(None, min_length=1, description="ids of datasets the paper trains on")
    evaluated_on: list[Id] | None = Field(
        None, min_length=1, description="ids of datasets or benchmarks the paper reports results on"
    )
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
            # Optional in the model even when `required`: a record may declare the field `unverified`, so the
            # requirement is a rule (scope_rules.required_axis_fields), not a type.
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
    conditions: list[Id] | None = Field(
        None, min_length=1, description="input condition ids every case gives the method (e.g. text)"
    )
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
    source: Text | None = Field(None, max_length=300, description="where the metric is defined (paper section, file)")


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


class DatasetSize(Strict):
    count: int = Field(ge=1, description="how many, as the source states it")
    qualifier: Literal["exactly", "about", "over"] = Field(
        "exactly", description="about: the source gives a rounded figure (2.5 million); over: a lower bound (10K+)"
    )
    unit: Text = Field(max_length=60, description="of what: image pairs, editing prompts, images")


class DatasetPaper(Strict):
    title: Text = Field(max_length=300)
    arxiv: str | None = Field(None, pattern=ARXIV_PATTERN, description="arXiv identifier without version, quoted")
    url: Url | None = Field(None, description="the paper's page, when it has no arXiv id")


class DatasetLinks(Strict):
    code: Url | None = Field(None, description="the official repository")
    data: Url | None = Field(None, description="where the data can be downloaded")
    project: Url | None = Field(None, description="the official project page")


class Dataset(Strict):
    """An editing dataset or benchmark that methods train or are evaluated on."""

    kind: Literal["dataset"]
    id: Id
    name: Text = Field(max_length=60)
    purpose: Literal["training", "evaluation", "both"] = Field(
        description="training: methods learn from it; evaluation: a benchmark; both"
    )
    description: Text = Field(max_length=600, description="what it contains, in one to three sentences")
    size: DatasetSize | None = None
    construction: Text | None = Field(None, max_length=600, description="how its pairs or prompts were made")
    languages: list[Annotated[str, Field(pattern=r"^[a-z]{2}$")]] | None = Field(
        None, min_length=1, description="ISO 639-1 codes of its instructions or prompts"
    )
    licence: Text | None = Field(None, max_length=80, description="as the official repository or data card states it")
    paper: DatasetPaper | None = None
    links: DatasetLinks | None = None
    evidence: dict[Literal["description", "size", "construction", "licence", "languages"], Pointer] | None = Field(
        None,
        min_length=1,
        description="where the paper or the official repository states each fact (a file or section)",
    )
    added: str | None = Field(None, pattern=DAY_PATTERN, description="YYYY-MM-DD the record entered the catalogue")


class Judge(Strict):
    model: Text = Field(max_length=80, description="the judging model, as the source names it")
    version: Text | None = Field(None, max_length=80, description="its version or snapshot, when the source names it")


class ResultSource(Strict):
    """Where the numbers are printed: a table of a paper, or a file of a repository at a commit."""

    arxiv: str | None = Field(None, pattern=ARXIV_PATTERN, description="the paper that prints the numbers")
    table: str | None = Field(
        None, pattern=r"^Table [A-Z]?[0-9]+[a-z]?$", description="the table that prints them, e.g. Table 3"
    )
    repository: Url | None = Field(None, description="a repository that holds the numbers in a file")
    path: str | None = Field(None, pattern=r"^[A-Za-z0-9._/-]+$", description="the file in that repository")
    commit: str | None = Field(None, pattern=r"^[0-9a-f]{40}$", description="the commit the numbers were read at")

    @model_validator(mode="after")
    def _one_kind(self) -> ResultSource:
        repo = self.repository is not None and self.path is not None and self.commit is not None
        partial_repo = len({self.repository is None, self.path is None, self.commit is None}) > 1
        paper = self.arxiv is not None and self.table is not None
        if partial_repo or (repo and self.arxiv) or not (repo or paper):
            raise ValueError(
                "give `arxiv` and `table`, or `repository`, `path` and `commit` (and `table` if the file has one)"
            )
        return self

    @property
    def url(self) -> str:
        if self.arxiv:
            return f"https://arxiv.org/abs/{self.arxiv}"
        return f"{self.repository}/blob/{self.commit}/{self.path}"

    @property
    def label(self) -> str:
        if self.arxiv:
            return f"arXiv {self.arxiv}, {self.table}"
        repository = "/".join(str(self.repository).rstrip("/").split("/")[-2:])
        return f"{repository}: {self.path}{f' ({self.table})' if self.table else ''} at {str(self.commit)[:7]}"


class ResultRow(Strict):
    method: Id | None = Field(None, description="the method's record id")
    system: Text | None = Field(None, max_length=80, description="a system without a record (e.g. a closed model)")
    checkpoint: Text | None = Field(None, max_length=80, description="checkpoint or version, as the source names it")
    variant: Text | None = Field(
        None, max_length=80, description="an inference mode of the same checkpoint, as the source names it (with CoT)"
    )
    scores: dict[Id, float] = Field(min_length=1, description="metric id -> the number as printed")

    @model_validator(mode="after")
    def _one_name(self) -> ResultRow:
        if (self.method is None) == (self.system is None):
            raise ValueError("name the row with exactly one of `method` (a record id) or `system`")
        return self


class PublishedResults(Strict):
    """One table of one source, in one setting: the rows compare only with rows of the same setting."""

    kind: Literal["published-results"]
    id: Id
    benchmark: Id = Field(description="the id of a dataset record (or a benchmark)")
    version: Text | None = Field(None, max_length=40, description="the benchmark's version, when the source names it")
    subset: Text | None = Field(
        None,
        max_length=60,
        description="the part of the benchmark scored, e.g. full; leave out when the source does not say",
    )
    language: str | None = Field(
        None,
        pattern=r"^[a-z]{2}$",
        description="ISO 639-1 code of the prompts scored; leave out when the source does not say",
    )
    judge: Judge | None = Field(None, description="the model that scores, for judged metrics")
    metrics: list[Id] = Field(min_length=1, description="metric ids, in the table's order")
    rank_by: Id | None = Field(None, description="the metric the table ranks by (its overall score); else the first")
    source: ResultSource
    rows: list[ResultRow] = Field(min_length=1)

    @property
    def fully_stated(self) -> bool:
        """Whether the source names the subset, the language and the judge."""
        return bool(self.subset and self.language and self.judge)

    def setting(self) -> tuple[str, str, str, str, str, str, str]:
        """What must be equal for two rows to be compared.

        A setting the source leaves partly unstated is not known to equal any
        other source's: it is qualified by this file, so its rows are compared
        only with the rows of the same table.
        """
        model, version = (self.judge.model, self.judge.version or "") if self.judge else ("", "")
        own = "" if self.fully_stated else self.id
        return (self.benchmark, self.version or "", self.subset or "", self.language or "", model, version, own)


BENCHMARK_KINDS: dict[str, type[Strict]] = {
    "benchmark": Benchmark,
    "metric": Metric,
    "results": ResultSet,
    "dataset": Dataset,
    "published-results": PublishedResults,
}


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
