"""Taking an explorer selection along: BibTeX, CSV and JSON downloads and a citation list for the clipboard.

The build writes every method's BibTeX entry, CSV line and citation into
data/selection.json (exports.selection_json); the explorer concatenates those of
the rows it shows. The downloads must equal the Python query of the same view,
in the formats (and escaping) of the full exports.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import sys
from pathlib import Path
from urllib.parse import parse_qsl

import pytest
from pybtex.database import parse_string

import browserkit
from browserkit import open_explorer, serve
from datakit import record
from editsurvey.catalog import load_catalog
from editsurvey.explorer_query import Query, query
from editsurvey.site.exports import (
    bibtex_entry,
    citation_text,
    csv_header,
    csv_line,
    csv_row,
    extra_axis_fields,
    methods_bib,
    methods_csv,
    record_dict,
    selection_json,
)
from sitekit import REPO, build, copy_data

# ------------------------------------------------------------- the side file


def test_selection_lines_rebuild_the_full_exports_exactly(real_site):
    """All methods' lines, concatenated as the explorer does, are byte for byte methods.csv and methods.bib."""
    _, site, cat = real_site
    payload = json.loads((site / "data" / "selection.json").read_text(encoding="utf-8"))
    assert payload == json.loads(selection_json(cat))
    assert list(payload["methods"]) == [m.id for m in cat.methods]
    lines = payload["methods"]
    assert payload["csv_header"] + "".join(lines[m.id]["csv"] for m in cat.methods) == methods_csv(cat)
    assert "\n".join(lines[m.id]["bib"] for m in cat.methods) == methods_bib(cat)
    assert (site / "data" / "methods.csv").read_text(encoding="utf-8") == methods_csv(cat)
    for m in cat.methods:
        assert lines[m.id]["cite"] == citation_text(cat, m)
        assert "\n" not in lines[m.id]["cite"]


def test_explorer_data_stays_small():
    """The side file keeps the explorer's own data (methods.json) small: 175 B/record gzipped.

    (150 B before every record carried its backbone and the evidence for each value; both are now required,
    and methods.json holds every record exactly as in its file.)
    """
    sys.path.insert(0, str(REPO / "bench"))
    try:
        from synthetic import make_root
    finally:
        sys.path.remove(str(REPO / "bench"))
    import tempfile

    from editsurvey.site.exports import methods_json

    with tempfile.TemporaryDirectory() as tmp:
        root = make_root(Path(tmp) / "data", 300, realistic=True)
        cat, _ = load_catalog(root)
        assert cat is not None
        explorer = len(gzip.compress(methods_json(cat).encode("utf-8"), 9)) / len(cat.methods)
        side = json.loads(selection_json(cat))
    assert explorer <= 175
    assert "bib" not in json.dumps(json.loads(methods_json(cat))["methods"][0])
    assert set(side["methods"]) == {m.id for m in cat.methods}


# ---------------------------------------------------------------- browser


def current_params(page) -> dict[str, str]:
    return dict(parse_qsl(page.evaluate("location.search").lstrip("?")))


def expected_files(cat, rows) -> dict[str, str]:
    extra = extra_axis_fields(cat)
    return {
        "csv": csv_header(cat) + "".join(csv_line(csv_row(cat, m, extra)) for m in rows),
        "bib": "\n".join(bibtex_entry(cat, m) for m in rows),
        "cite": "".join(citation_text(cat, m) + "\n" for m in rows),
    }


def download(page, kind: str) -> tuple[str, str]:
    """(suggested file name, text) of the download a selection button starts."""
    with page.expect_download() as info:
        page.click(f"#es-selection button[data-take={kind}]")
    dl = info.value
    path = dl.path()
    assert path is not None
    return dl.suggested_filename, Path(path).read_text(encoding="utf-8")


def bib_entries(text: str) -> list[tuple[str, str, dict[str, str], list[str]]]:
    data = parse_string(text, "bibtex")
    out = []
    for key, entry in data.entries.items():
        people = [str(p) for p in entry.persons.get("author", [])]
        out.append((key, entry.type, dict(entry.fields), people))
    return out


def check_downloads(page, cat, rows, full_json: dict) -> None:
    """Every download and the clipboard, against the Python result `rows` (in display order)."""
    expected = expected_files(cat, rows)
    ids = [m.id for m in rows]

    name, text = download(page, "csv")
    assert name.endswith(".csv")
    assert text == expected["csv"]
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[0] == next(csv.reader(io.StringIO(methods_csv(cat))))
    assert parsed[1:] == [csv_row(cat, m, extra_axis_fields(cat)) for m in rows]
    assert [r[0] for r in parsed[1:]] == ids

    name, text = download(page, "bib")
    assert name.endswith(".bib")
    assert text == expected["bib"]
    assert bib_entries(text) == bib_entries(expected["bib"])
    assert [e[0] for e in bib_entries(text)] == ids

    name, text = download(page, "json")
    assert name.endswith(".json")
    got = json.loads(text)
    assert got["methods"] == [record_dict(m) for m in rows]
    assert {k: v for k, v in got.items() if k != "methods"} == {k: v for k, v in full_json.items() if k != "methods"}

    page.click("#es-selection button[data-take=cite]")
    page.wait_for_function("() => /^Copied/.test(document.getElementById('es-selection-note').textContent)")
    assert page.evaluate("navigator.clipboard.readText()") == expected["cite"]


@pytest.fixture(scope="module")
def served(browser, real_site):
    with serve(real_site.site) as base:
        yield base, real_site.catalog, json.loads((real_site.site / "data" / "methods.json").read_text("utf-8"))


def grant_clipboard(page, base: str) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)


@pytest.mark.browser
def test_downloads_of_a_filtered_view_equal_the_python_query(served, page):
    base, cat, full = served
    grant_clipboard(page, base)
    open_explorer(page, base)
    # Filter in the explorer: a condition, a task (both "any"), then sort by name.
    page.check("#es-condition-mask")
    page.check("#es-task-object-replacement")
    page.click("[role=columnheader][data-sort=name] button")
    params = current_params(page)
    assert params.get("condition") == "mask" and params.get("sort") == "name"
    rows = query(cat, Query.from_params(params, cat))
    assert 1 < len(rows) < len(cat.methods)
    assert page.text_content("#es-status").startswith(f"{len(rows)} of")
    check_downloads(page, cat, rows, full)
    assert "Copied citations of" in page.text_content("#es-selection-note")
    assert not page.errors


@pytest.mark.browser
def test_downloads_cover_rows_beyond_the_first_page(served, page):
    """Every row of the view, not only the 100 on screen; in the view's order (here: oldest first)."""
    base, cat, full = served
    grant_clipboard(page, base)
    open_explorer(page, base, {"dir": "asc"})
    rows = query(cat, Query.from_params(current_params(page), cat))
    assert len(rows) == len(cat.methods) > browserkit.PAGE
    assert page.is_visible("#es-more")
    check_downloads(page, cat, rows, full)
    assert not page.errors


@pytest.mark.browser
def test_an_empty_view_downloads_nothing(served, page):
    base, cat, _ = served
    open_explorer(page, base, {"condition": "audio", "task": "perspective-viewpoint-change"})
    assert not query(cat, Query.from_params(current_params(page), cat))
    downloads = []
    page.on("download", lambda d: downloads.append(d))
    page.click("#es-selection button[data-take=csv]")
    assert "nothing to take along" in page.text_content("#es-selection-note")
    page.wait_for_timeout(200)
    assert downloads == []


TRICKY = (
    record(
        id="id: tricky-edit",
        name='name: "=Tricky"',
        title='title: "{Tricky} }Edit{: 100% & $x_1$ #1 ~ ^ \\\\ Braces"',
        date="date: 2023-05",
    )
    .replace("  - Ada Lovelace\n", "  - Ada Lovelace\n  - O'Neil, Jr.\n  - Anne and Bob\n")
    .replace("2304.00001", "2305.00009")
    .replace(
        "  Edits an image by swapping attention maps between two prompts. It needs\n  no training.\n",
        "  +1 starts like a formula; {unbalanced } braces, =SUM(A1).\n",
    )
)


@pytest.fixture(scope="module")
def tricky_site(browser, tmp_path_factory):
    """The real data plus a record whose text needs every kind of escaping the exports do."""
    root = copy_data(tmp_path_factory.mktemp("selection") / "data")
    (root / "methods" / "tricky-edit.yaml").write_text(TRICKY, encoding="utf-8")
    site = build(root)
    cat, _ = load_catalog(root)
    assert cat is not None and "tricky-edit" in cat.by_id
    with serve(site) as base:
        yield base, cat, json.loads((site / "data" / "methods.json").read_text("utf-8"))


@pytest.mark.browser
def test_downloads_escape_like_the_full_exports(tricky_site, page):
    """Formula-like cells are neutralised and BibTeX braces stay balanced, exactly as in methods.csv/.bib."""
    base, cat, full = tricky_site
    grant_clipboard(page, base)
    open_explorer(page, base)
    page.check("#es-condition-mask")
    page.check("#es-task-style-change")
    rows = query(cat, Query.from_params(current_params(page), cat))
    assert "tricky-edit" in [m.id for m in rows]
    check_downloads(page, cat, rows, full)
    _, text = download(page, "csv")
    row = next(r for r in csv.reader(io.StringIO(text)) if r[0] == "tricky-edit")
    assert row[1] == "'=Tricky"
    assert row[19].startswith("'+1")
    _, text = download(page, "bib")
    entry = parse_string(text, "bibtex").entries["tricky-edit"]
    assert "\\textbraceleft{}Tricky\\textbraceright{}" in entry.fields["title"]
    assert [str(p) for p in entry.persons["author"]][1:] == [
        "{O'Neil, Jr.}",
        "{Anne and Bob}",
    ]  # one person each, not split or reordered
    assert not page.errors
