"""The data against the survey's own files (copied under reference/siatmmlab/, MIT).

Every paper of the survey's list has exactly one record and back; every
published LMM score is in our results and nothing else; EditEval_v1's cases
are those of the spreadsheet.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import openpyxl
import pytest

from editsurvey.catalog import load_catalog
from editsurvey.validate import normalise_title
from sitekit import REPO

REFERENCE = REPO / "reference/siatmmlab"

# The list's section headings and the sub-categories they are.
SECTIONS = {
    "Training-Based: Domain-Specific Editing": "domain-specific-editing",
    "Training-Based: Reference and Attribute Guided Editing": "reference-and-attribute-guidance",
    "Training-Based: Instructional Editing": "instructional-editing",
    "Training-Based: Pseudo-Target Retrieval-Based Editing": "pseudo-target-retrieval",
    "Testing-Time Finetuning: Denosing Model Finetuning": "denoising-model-finetuning",
    "Testing-Time Finetuning: Embeddings Finetuning": "embeddings-finetuning",
    "Testing-Time Finetuning: Guidance with Hypernetworks": "guidance-with-hypernetworks",
    "Testing-Time Finetuning: Latent Variable Optimization": "latent-variable-optimization",
    "Testing-Time Finetuning: Hybrid Finetuning": "hybrid-finetuning",
    "Training and Finetuning Free: Input Text Refinement": "input-text-refinement",
    "Training and Finetuning Free: Inversion/Sampling Modification": "inversion-sampling-modification",
    "Training and Finetuning Free: Attention Modification": "attention-modification",
    "Training and Finetuning Free: Mask Guidance": "mask-guidance",
    "Training and Finetuning Free: Multi-Noise Redirection": "multi-noise-redirection",
}

# Venue names the list spells differently from taxonomy/venues.yaml.
VENUE_SPELLINGS = {"CVPR workshop": "CVPR Workshops", "ACM SIGGRAPH": "SIGGRAPH"}


@pytest.fixture(scope="module")
def catalog():
    cat, found = load_catalog(REPO)
    assert cat is not None, found
    return cat


def survey_rows() -> list[tuple[str, str]]:
    """(section heading, linked title) for every paper row of the list."""
    return [(section, title) for section, title, _, _, _ in survey_table()]


def survey_table() -> list[tuple[str, str, str, str, str]]:
    """(section, title, link, publication, date) for every paper row of the list."""
    rows, section = [], None
    for line in (REFERENCE / "README.MD").read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^### (.+?)\s*$", line)
        if heading:
            section = heading.group(1)
            continue
        row = re.match(r"^\|\s*\[(.+?)\]\((\S+?)\)\s*\|\s*(.+?)\s*\|\s*(.+?)\s*\|", line)
        if row and section:
            rows.append((section, *row.groups()))
    return rows


def record_for(catalog, title: str):
    """The records of a listed title: same title up to case, or a record whose correction quotes it."""
    key = normalise_title(title)
    same = [m for m in catalog.methods if normalise_title(m.title) == key]
    return same or [m for m in catalog.methods if m.corrected and f"`{title}`" in m.corrected.get("title", "")]


def differing_fields(record, title: str, link: str, publication: str, date: str) -> set[str]:
    venue, year = publication.rsplit(" ", 1)
    differ = set()
    if record.title != title:
        differ.add("title")
    if record.links.paper.rstrip("/") != link.rstrip("/"):
        differ.add("links.paper")
    if (record.venue, str(record.year)) != (VENUE_SPELLINGS.get(venue, venue), year) or venue in VENUE_SPELLINGS:
        differ.add("venue")
    if record.date != date.replace(".", "-"):
        differ.add("date")
    return differ


def test_every_difference_from_the_list_is_declared_with_a_reason(catalog):
    for _, title, link, publication, date in survey_table():
        [record] = record_for(catalog, title)
        assert differing_fields(record, title, link, publication, date) == set(record.corrected or {}), record.id


def test_every_listed_paper_has_exactly_one_record(catalog):
    rows = survey_rows()
    assert len(rows) == 122  # one paper is listed in two sections
    assert {section for section, _ in rows} == set(SECTIONS)
    for section, title in rows:
        matches = record_for(catalog, title)
        assert len(matches) == 1, (title, [m.id for m in matches])
        record = matches[0]
        filed = {catalog.taxonomy.ancestors(s)[1] for s in [record.strategy, *(record.also_in or [])]}
        assert SECTIONS[section] in filed, (record.id, section)
        assert record.provenance.source == "survey-list" and record.provenance.strategy == "survey"


def test_every_survey_record_maps_back_to_the_list(catalog):
    mapped = Counter(record_for(catalog, title)[0].id for _, title in survey_rows())
    survey_records = {m.id for m in catalog.methods if m.provenance.source == "survey-list"}
    assert set(mapped) == survey_records
    # The paper listed twice is one record with two sub-categories.
    twice = {mid for mid, n in mapped.items() if n > 1}
    assert twice == {m.id for m in catalog.methods if m.also_in and m.provenance.source == "survey-list"}
    assert len(survey_records) == 121


def test_counts_per_sub_category_match_the_list(catalog):
    listed = Counter(SECTIONS[section] for section, _ in survey_rows())
    ours = Counter()
    for m in catalog.methods:
        if m.provenance.source == "survey-list":
            for leaf in [m.strategy, *(m.also_in or [])]:
                ours[catalog.taxonomy.ancestors(leaf)[1]] += 1
    assert ours == listed


class _Tables(HTMLParser):
    """Rows of the HTML tables in Leaderboard.md, per `## Task` section."""

    def __init__(self):
        super().__init__()
        self.section, self.rows, self.cell, self.row = None, [], None, None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.row = []
        elif tag == "td" and self.row is not None:
            self.cell = ""

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row:
            self.rows.append((self.section, self.row))
            self.row = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data


def leaderboard_rows() -> list[tuple[str, str, str, str]]:
    parser = _Tables()
    for chunk in re.split(r"^## ", (REFERENCE / "Leaderboard.md").read_text(encoding="utf-8"), flags=re.M)[1:]:
        title, _, body = chunk.partition("\n")
        parser.section = title.strip()
        parser.feed(body)
    return [(section, row[1], row[4], row[5]) for section, row in parser.rows if section != "Table of Contents"]


def test_leaderboard_results_exactly_as_published(catalog):
    rs = next(r for r in catalog.results if r.id == "editeval-v1-lmm-score")
    bench = catalog.benchmark(rs.benchmark)
    task_by_label = {t.label: t.id for t in bench.tasks}
    method_by_name = {m.name: m.id for m in catalog.methods}
    published = {(task_by_label[section], method_by_name[model], float(mean), float(std))
                 for section, model, mean, std in leaderboard_rows()}
    ours = {(r.task, r.method, r.mean, r.std) for r in rs.results}
    assert len(leaderboard_rows()) == len(published) == 49
    assert ours == published
    assert len(rs.results) == len(ours)  # nothing extra, no repeats


def test_editeval_cases_match_the_spreadsheet(catalog):
    sheet = openpyxl.load_workbook(REFERENCE / "editing_prompts_collection.xlsx").active
    bench = catalog.benchmark("editeval-v1")
    task_by_label = {t.label: t.id for t in bench.tasks}
    cases, task = [], None
    for label, source, target, instruction in sheet.iter_rows(values_only=True):
        if label:
            task = task_by_label[label]
        if source and source != "Source Prompt":
            cases.append((task, source, target, instruction))
    ours = [(c.task, c.source_prompt, c.target_prompt, c.instruction) for c in bench.cases]
    assert ours == cases
    assert len(ours) == bench.images == 50
    assert [t.label for t in bench.tasks] == list(dict.fromkeys(
        row[0] for row in sheet.iter_rows(values_only=True) if row[0]))


def test_lmm_score_definition_matches_the_template(catalog):
    text = (REFERENCE / "LMM_Score_GPT4V_Prompt_Template.md").read_text(encoding="utf-8")
    formula = re.search(r"\$S_\{all\}=(.+?)\$", text).group(1)
    weights = dict((f"S_{name}", float(w)) for w, name in re.findall(r"([0-9.]+)S_\{(\w+)\}", formula))
    metric = catalog.metric("lmm-score")
    assert {f.symbol: f.weight for f in metric.factors} == weights
    assert (metric.scale.min, metric.scale.max) == (1, 10)


def test_every_record_has_a_condition_and_a_task_or_says_it_is_unverified(catalog):
    for m in catalog.methods:
        for field in ("conditions", "tasks"):
            assert getattr(m, field) or field in (m.unverified or []), (m.id, field)
        if m.provenance.source == "survey-list":
            assert (m.provenance.conditions, m.provenance.tasks) == ("curated", "curated")
