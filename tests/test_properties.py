"""Property tests: random records through formatting, validation, pages and exports.

Records are drawn from the real taxonomy and venue list; text fields get
arbitrary Unicode. Whatever validates must come out of every export intact
and escaped: HTML (Markdown helpers and rendered method pages), CSV (with
formula-injection neutralisation) and BibTeX (read back by two parsers).
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import bibtexparser
import markdown
import pybtex.database
import pytest
import yaml
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from datakit import GOOD_RECORD, TODAY, DataRoot
from editsurvey.catalog import Catalog
from editsurvey.dataset import load_dataset
from editsurvey.diagnostics import count
from editsurvey.recordfmt import format_record
from editsurvey.site import exports
from editsurvey.site.links import attr, md, method_src
from editsurvey.site.pages import render_pages
from editsurvey.validate import validate_root
from sitekit import REPO

SETTINGS = settings(max_examples=60, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

_REPO_DATA = load_dataset(REPO)
TAXONOMY = _REPO_DATA.taxonomy()
VENUES = [v.name for v in _REPO_DATA.venues.model.venues]
SURVEY_STRATEGIES = {n.id for n in _REPO_DATA.taxonomy().assignable("strategies")
                     if _REPO_DATA.axes["strategies"].model.node_origin(n.node) == "survey"}
SURVEY_NODES = {n.id for n in _REPO_DATA.taxonomy().nodes.values()
                if _REPO_DATA.axes[n.axis].model.node_origin(n.node) == "survey"}
PREPRINTS = {v.name for v in _REPO_DATA.venues.model.venues if v.kind == "preprint"}
POINTERS = ["abstract", "Fig. 2", "Sec. 4.1", "Table 3; Appendix A"]
# Pointers into a linked source: each only when the record has that link (evidence-without-source).
LINKED_POINTERS = {"project": "project page", "code": "repository file src/edit_image.py"}
ANCHOR_ID = "sample-edit"  # GOOD_RECORD, written next to each generated record as a `builds_on` target
TEXT_FIELDS = ("name", "title", "authors", "base_model", "summary")


def assignable(axis: str) -> list[str]:
    return [n.id for n in TAXONOMY.assignable(axis)]


def in_taxonomy_order(ids: list[str]) -> list[str]:
    return sorted(ids, key=TAXONOMY.order_key)


# ---------------------------------------------------------------- strategies

ids = st.from_regex(r"\A[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,3}\Z").filter(lambda i: i != ANCHOR_ID)
# Printable text a valid record may hold: no controls, surrogates, private-use
# or unassigned code points, no line/paragraph separators.
VALID_CHARS = st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"))


def clean_text(max_size: int, alphabet=VALID_CHARS) -> st.SearchStrategy[str]:
    return (st.text(alphabet, min_size=1, max_size=max_size).map(str.strip)
            .filter(lambda t: t and "TODO" not in t))


names = clean_text(60, st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"),
                                     blacklist_characters="<>"))
# Plain text with no markup and no sentence ends, closed by one full stop: one sentence.
summaries = clean_text(500, st.characters(blacklist_categories=("Cc", "Cs", "Co", "Cn", "Cf", "Zl", "Zp"),
                                          blacklist_characters="<>`*[]#.!?\u2024")).map(lambda t: t + ".")
hosts = st.from_regex(r"\A[a-z0-9]{1,10}\.(org|com|net|io)\Z")
paths = st.from_regex(r"\A(/[A-Za-z0-9._~-]{1,12}){0,3}\Z")
urls = st.builds(lambda h, p: f"https://{h}{p}", hosts, paths)


@st.composite
def months(draw) -> str:
    year = draw(st.integers(2000, TODAY.year))
    last = TODAY.month if year == TODAY.year else 12
    return f"{year:04d}-{draw(st.integers(1, last)):02d}"


@st.composite
def valid_records(draw) -> dict:
    """A record dict that validates: field values from the taxonomy, lists in canonical order."""
    date = draw(months())
    year = draw(st.integers(int(date[:4]), TODAY.year + 1))
    source = draw(st.sampled_from(["survey-list", "contribution"]))
    # A paper of the survey's list keeps the survey's own strategy (never an extension node).
    strategies = [s for s in assignable("strategies") if source == "contribution" or s in SURVEY_STRATEGIES]
    strategy = draw(st.sampled_from(strategies))
    number = draw(st.integers(10000, 99999))  # GOOD_RECORD uses 2304.00001
    arxiv = f"{date[2:4]}{date[5:7]}.{number}"
    links = {"paper": f"https://arxiv.org/abs/{arxiv}", "arxiv": arxiv}
    if draw(st.booleans()):
        suffix = draw(st.from_regex(r"\A[a-z0-9.]{1,10}\Z"))
        links["doi"] = f"10.{draw(st.integers(1000, 99999))}/{suffix}"
    for key in ("code", "project"):
        if draw(st.booleans()):
            links[key] = draw(urls)
    record_id = draw(ids)
    data = {
        "id": record_id,
        "name": draw(names),
        "title": draw(clean_text(300)),
        "authors": draw(st.none() | st.lists(clean_text(40), min_size=1, max_size=4)),
        "date": date,
        "venue": draw(st.sampled_from(VENUES)),
        "year": year,
        "links": links,
        "strategy": strategy,
        "also_in": draw(st.none() | st.lists(st.sampled_from([s for s in strategies if s != strategy]),
                                             min_size=1, max_size=2, unique=True).map(in_taxonomy_order)),
        "conditions": in_taxonomy_order(draw(st.lists(st.sampled_from(assignable("conditions")),
                                                      min_size=1, max_size=3, unique=True))),
        "tasks": in_taxonomy_order(draw(st.lists(st.sampled_from(assignable("tasks")),
                                                 min_size=1, max_size=4, unique=True))),
        "base_model": draw(st.none() | clean_text(80)),
        "summary": draw(summaries),
        "provenance": {
            "source": source,
            "strategy": "curated" if source == "contribution" else draw(st.sampled_from(["survey", "curated"])),
            "conditions": draw(st.sampled_from(["survey", "curated"])),
            "tasks": draw(st.sampled_from(["survey", "curated"])),
        },
        "builds_on": draw(st.none() | st.just([ANCHOR_ID])),
        "former_ids": draw(st.none() | st.lists(ids.filter(lambda i: i != record_id), min_size=1, max_size=2,
                                                unique=True)),
        "backbone": draw(st.sampled_from(assignable("backbones"))),
    }
    data["provenance"]["backbone"] = "curated"
    for field in ("conditions", "tasks"):  # the survey never files a paper under this project's extension nodes
        if not set(data[field]) <= SURVEY_NODES:
            data["provenance"][field] = "curated"
    # Evidence for every value (required for curated ones and extension nodes, allowed for the others).
    valued = [strategy, *(data["also_in"] or []), *data["conditions"], *data["tasks"], data["backbone"]]
    pointers = POINTERS + [p for key, p in LINKED_POINTERS.items() if key in data["links"]]
    data["evidence"] = {node: draw(st.sampled_from(pointers)) for node in valued}
    if source == "contribution" and data["venue"] not in PREPRINTS:
        data["evidence"]["venue"] = "arXiv comments"
    return {k: v for k, v in data.items() if v is not None}


# Hostile text: anything at all, plus the vectors that break each output format.
NASTY = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "=cmd|' /C calc'!A0", "+1", "-1", "@SUM(1)",
         "\tx", "\rx", "{", "}", "}{", "\\", "\\}", "~^", "& % $ # _", '"', "'", "@misc{x,", "\n\n# h", "a\nb",
         "|", "[x](javascript:alert(1))", "**b**", "`c`", "&amp;", "&#60;", " and ", "\x00", "\x7f", "\u2028",
         "\ufeff", "TO" "DO"]
hostile_text = st.one_of(
    st.text(),
    st.sampled_from(NASTY),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=5)), min_size=1, max_size=6).map("".join),
)


@st.composite
def records_with_hostile_text(draw) -> tuple[dict, str]:
    data = draw(valid_records())
    field = draw(st.sampled_from(TEXT_FIELDS))
    text = draw(hostile_text)
    if field == "authors":
        authors = list(data.get("authors") or ["Ada Lovelace"])
        authors[draw(st.integers(0, len(authors) - 1))] = text
        data["authors"] = authors
    else:
        data[field] = text
    return data, field


# ------------------------------------------------------------------- helpers

@pytest.fixture(scope="module")
def root(tmp_path_factory) -> DataRoot:
    return DataRoot(tmp_path_factory.mktemp("props") / "data")


def write_record(root: DataRoot, data: dict) -> Path:
    """Replace the root's methods with GOOD_RECORD and this record, in canonical form."""
    shutil.rmtree(root.path / "methods")
    root.method(ANCHOR_ID, GOOD_RECORD)
    return root.method(data["id"], format_record(data, order=TAXONOMY.order_key))


def load(root: DataRoot) -> tuple[Catalog | None, list]:
    data, found = validate_root(root.path, today=TODAY)
    return (Catalog.from_dataset(data) if not count(found)[0] else None), found


def errors(found: list) -> list[str]:
    return [f"{d.path}:{d.line}: {d.code}: {d.message}" for d in found if d.severity == "error"]


# ------------------------------------------------------- a. valid round trip

@SETTINGS
@given(data=valid_records())
def test_valid_record_round_trips_through_yaml_validation_and_json(root, data):
    write_record(root, data)
    catalog, found = load(root)
    assert errors(found) == []
    method = catalog.by_id[data["id"]]
    assert exports.record_dict(method) == data
    exported = json.loads(exports.methods_json(catalog))["methods"]
    assert [m for m in exported if m["id"] == data["id"]] == [data]


# --------------------------------------------- b. hostile text never crashes

@SETTINGS
@given(case=records_with_hostile_text())
def test_hostile_text_gives_diagnostics_never_an_exception(root, case):
    data, _ = case
    write_record(root, data)
    _, found = validate_root(root.path, today=TODAY)  # must not raise
    for d in found:
        assert d.path and d.code and d.message


# ------------------------------------------------- c. escaping in every output

def test_markdown_helpers_escape_and_invert():
    @SETTINGS
    @given(text=hostile_text)
    def check(text):
        a = attr(text)
        assert not set("<>\"'") & set(a)
        assert html.unescape(a) == text
        m = md(text)
        assert "<" not in m and ">" not in m
        assert html.unescape(re.sub(r"\\(.)", r"\1", m, flags=re.S)) == text

    check()


def _markdown_converter() -> markdown.Markdown:
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names, configs = [], {}
    for item in config.get("markdown_extensions", []):
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        names.append(name)
        if options:
            configs[name] = options
    return markdown.Markdown(extensions=names, extension_configs=configs)


MARKDOWN = _markdown_converter()
DANGEROUS_TAGS = {"script", "iframe", "img", "svg", "object", "embed", "style", "base", "form", "frame", "math"}


def render_html(page_md: str) -> BeautifulSoup:
    body = re.sub(r"\A---\n.*?\n---\n", "", page_md, flags=re.S)  # front matter: MkDocs reads it as meta
    MARKDOWN.reset()
    return BeautifulSoup(MARKDOWN.convert(body), "html.parser")


def front_matter(page_md: str) -> dict:
    return yaml.safe_load(re.match(r"\A---\n(.*?)\n---\n", page_md, flags=re.S).group(1))


def squash(text: str) -> str:
    return " ".join(text.split())


def outside_code(page_md: str) -> str:
    """Markdown without its fenced code blocks (the BibTeX entry), whose text the renderer escapes."""
    return re.sub(r"^```.*?^```", "", page_md, flags=re.S | re.M)


def assert_inert(doc: BeautifulSoup, where: str) -> None:
    for el in doc.find_all(True):
        assert el.name not in DANGEROUS_TAGS, (where, str(el)[:200])
        handlers = [a for a in el.attrs if a.lower().startswith("on")]
        assert not handlers, (where, el.name, handlers)
        for a in ("href", "src"):
            assert not str(el.get(a, "")).strip().lower().startswith(("javascript:", "data:")), (where, str(el)[:200])


@SETTINGS
@given(case=records_with_hostile_text())
def test_validated_text_renders_escaped_on_pages(root, case):
    data, field = case
    write_record(root, data)
    catalog, _ = load(root)
    assume(catalog is not None)
    m = catalog.by_id[data["id"]]
    pages = render_pages(catalog)
    src = method_src(m.id)
    # Engines put front matter into <title> and <meta> unescaped, so it holds HTML-escaped text.
    meta = front_matter(pages[src])
    assert not set("<>\"") & set(meta["title"] + meta["description"])
    assert {k: html.unescape(v) for k, v in meta.items()} == {"title": m.name, "description": m.title}
    doc = render_html(pages[src])
    assert_inert(doc, src)
    assert squash(doc.h1.get_text()).removesuffix("¶").strip() == squash(m.name)
    assert squash(doc.select_one("p.es-title").get_text()) == squash(m.title)
    if m.authors:
        assert squash(doc.select_one("p.es-authors").get_text()) == squash(", ".join(m.authors))
    text = squash(doc.get_text(" "))
    assert squash(m.summary) in text
    if m.base_model:
        assert squash(m.base_model) in text
    for other in ("methods/index.md", f"strategies/{catalog.sub_category(m)}/index.md"):
        listing = render_html(pages[other])
        assert_inert(listing, other)
        assert squash(m.title) in squash(listing.get_text(" ")), other
    # The raw text never reaches the Markdown: it occurs no more often than on the
    # same pages rendered with the field's text replaced by a harmless word.
    raw = data["authors"] if field == "authors" else [data[field]]
    tagged = [v for v in raw if "<" in v]
    if not tagged:
        return
    plain_model = m.model_copy(update={field: ["x"] * len(raw) if field == "authors" else "x"})
    neutral = render_pages(replace(catalog, methods=[plain_model if x.id == m.id else x for x in catalog.methods]))
    for value in tagged:
        for page in (src, "methods/index.md"):
            assert outside_code(pages[page]).count(value) <= outside_code(neutral[page]).count(value), (page, value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralised(cell: str) -> str:
    """OWASP: a cell that a spreadsheet would read as a formula gets a leading quote."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


@SETTINGS
@given(case=records_with_hostile_text())
def test_validated_text_round_trips_through_csv(root, case):
    data, _ = case
    write_record(root, data)
    catalog, _ = load(root)
    assume(catalog is not None)
    m = catalog.by_id[data["id"]]
    rows = list(csv.reader(io.StringIO(exports.methods_csv(catalog), newline="")))
    assert rows[0] == exports.CSV_COLUMNS + exports.extra_axis_fields(catalog)
    assert len(rows) == 1 + len(catalog.methods)
    row = dict(zip(rows[0], next(r for r in rows[1:] if r[0] == m.id)))
    expected = {
        "name": m.name,
        "title": m.title,
        "authors": "; ".join(m.authors or []),
        "base_model": m.base_model or "",
        "summary": " ".join(m.summary.split()),
    }
    assert {k: row[k] for k in expected} == {k: neutralised(v) for k, v in expected.items()}


_LATEX = {r"\textbraceleft{}": "{", r"\textbraceright{}": "}", r"\textbackslash{}": "\\",
          r"\textasciitilde{}": "~", r"\textasciicircum{}": "^",
          r"\&": "&", r"\%": "%", r"\$": "$", r"\#": "#", r"\_": "_"}
_LATEX_TOKEN = re.compile("|".join(re.escape(k) for k in _LATEX))


def latex_unescape(text: str) -> str:
    """Inverse of the exporter's escaping (see the mapping above)."""
    return _LATEX_TOKEN.sub(lambda match: _LATEX[match.group(0)], text)


def unwrap_title(value: str) -> str:
    assert value.startswith("{") and value.endswith("}"), value
    return value[1:-1]


def split_names(field: str) -> list[str]:
    """BibTeX's reading of an author list: split on `and` between white space, outside braces."""
    names, depth, start = [], 0, 0
    for match in re.finditer(r"[{}]|\s+and\s+", field, flags=re.IGNORECASE):
        token = match.group(0)
        if token in "{}":
            depth += 1 if token == "{" else -1
        elif depth == 0:
            names.append(field[start:match.start()])
            start = match.end()
    return names + [field[start:]]


def unwrap_name(name: str) -> str:
    """An author the exporter braced to keep BibTeX from splitting or reordering it."""
    return name[1:-1] if name.startswith("{") and name.endswith("}") else name


@SETTINGS
@given(case=records_with_hostile_text())
def test_validated_text_round_trips_through_bibtex(root, case):
    data, _ = case
    write_record(root, data)
    catalog, _ = load(root)
    assume(catalog is not None)
    m = catalog.by_id[data["id"]]
    bib = exports.methods_bib(catalog)
    expected_keys = {x.id for x in catalog.methods}

    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []
    entries = {e.key: e for e in library.entries}
    assert set(entries) == expected_keys
    fields = {f.key: f.value for f in entries[m.id].fields}
    assert {"title", "year", "url"} <= set(fields)
    assert latex_unescape(unwrap_title(fields["title"])) == m.title
    assert fields["year"] == str(m.year) and fields["url"] == m.links.paper
    if m.authors:
        assert [latex_unescape(unwrap_name(n)) for n in split_names(fields["author"])] == m.authors

    parsed = pybtex.database.parse_string(bib, "bibtex")
    assert set(parsed.entries) == expected_keys
    entry = parsed.entries[m.id]
    assert {"title", "year", "url"} <= set(entry.fields)
    # pybtex collapses runs of white space inside field values.
    assert squash(latex_unescape(unwrap_title(entry.fields["title"]))) == squash(m.title)
    assert entry.fields["year"] == str(m.year) and entry.fields["url"] == m.links.paper
    assert len(entry.persons.get("author", [])) == len(m.authors or [])


# ------------------------------------------------------ d. counts end to end

def test_every_record_reaches_every_output(real_site):
    root, site, _ = real_site
    files = sorted((root / "methods").glob("*.yaml"))
    data, found = validate_root(root)
    assert errors(found) == []
    catalog = Catalog.from_dataset(data)
    former = {old for m in catalog.methods for old in (m.former_ids or [])}
    pages = sorted(p.parent.name for p in (site / "methods").glob("*/index.html") if p.parent.name not in former)
    payload = json.loads((site / "data/methods.json").read_text(encoding="utf-8"))
    with open(site / "data/methods.csv", encoding="utf-8", newline="") as handle:
        csv_rows = list(csv.reader(handle))[1:]
    bib = (site / "data/methods.bib").read_text(encoding="utf-8")
    library = bibtexparser.parse_string(bib)
    assert library.failed_blocks == []

    record_ids = sorted(p.stem for p in files)
    assert [m.id for m in catalog.methods] == record_ids
    assert pages == record_ids
    assert sorted(m["id"] for m in payload["methods"]) == record_ids
    assert sorted(r[0] for r in csv_rows) == record_ids
    assert sorted(e.key for e in library.entries) == record_ids
    assert sorted(pybtex.database.parse_string(bib, "bibtex").entries) == record_ids
    for old in former:
        assert "http-equiv=\"refresh\"" in (site / "methods" / old / "index.html").read_text(encoding="utf-8")
