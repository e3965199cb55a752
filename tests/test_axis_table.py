"""Another taxonomy axis is data only: one YAML file and one record field.

The test adds an "image domain" axis to a copy of the real data, fills it in two
records, and checks that every consumer picks it up with no code change: the
validator, the JSON Schema, `new`, the node pages, the matrix, the exports
and the explorer's facets in the browser.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from browserkit import serve
from editsurvey.catalog import load_catalog
from editsurvey.schema import method_schema
from editsurvey.validate import validate_root
from sitekit import REPO, build, copy_data, editsurvey, soup

DOMAINS = """\
axis: domains
label: Image domain
plural_label: Image domains
noun: domain
description: The kind of images the method was shown on.
order: 5
record: {field: domain, many: false, required: false}
facet: domain
levels: [family, domain]
assignable_levels: [domain]
nodes:
  - id: natural-images
    label: Natural images
    description: Photographs.
  - id: faces
    parent: natural-images
    label: Face images
    short: Face
    description: Portraits of human faces.
  - id: scenes
    parent: natural-images
    label: Scene images
    description: Whole scenes, indoors or outdoors.
"""


def add_domain(record: Path, value: str) -> None:
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("\nprovenance:", f"\ndomain: {value}\nprovenance:"), encoding="utf-8")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = copy_data(tmp_path_factory.mktemp("axis") / "data")
    (root / "taxonomy/domains.yaml").write_text(DOMAINS, encoding="utf-8")
    add_domain(root / "methods/instructpix2pix.yaml", "faces")
    add_domain(root / "methods/imagic.yaml", "scenes")
    return root


@pytest.fixture(scope="module")
def site(root: Path) -> Path:
    return build(root)


def test_validator_accepts_the_axis_and_checks_its_ids(root: Path, tmp_path: Path):
    _, found = validate_root(root)
    assert [d for d in found if d.severity == "error"] == []
    bad = copy_data(tmp_path / "bad")
    (bad / "taxonomy/domains.yaml").write_text(DOMAINS, encoding="utf-8")
    add_domain(bad / "methods/imagic.yaml", "facez")
    _, found = validate_root(bad)
    [d] = [d for d in found if d.severity == "error"]
    assert (d.path, d.code, d.message, d.hint) == (
        "methods/imagic.yaml", "unknown-id", "unknown domain `facez`", "did you mean `faces`?")


def test_schema_and_new_know_the_axis(root: Path):
    catalog, _ = load_catalog(root)
    schema = method_schema(catalog.taxonomy, catalog.venue_names)
    enum = next(o["enum"] for o in schema["properties"]["domain"]["anyOf"] if o.get("type") == "string")
    assert enum == ["faces", "scenes"]
    result = editsurvey("new", "--root", str(root), "--name", "NewEdit", "--title", "NewEdit: A Test",
                        "--arxiv", "2401.00001", "--strategy", "mask-guidance", "--condition", "text",
                        "--task", "object-removal", "--axis-value", "domain=faces", "--summary", "Edits.")
    assert "created methods/newedit.yaml" in result.stdout
    text = (root / "methods/newedit.yaml").read_text()
    assert "\ndomain: faces\n" in text and "  domain: curated\n" in text
    (root / "methods/newedit.yaml").unlink()


def test_node_pages_and_matrix_show_the_axis(site: Path):
    node = soup(site / "domains/faces/index.html")
    assert "instructpix2pix" in str(node) and "imagic/" not in str(node)
    assert (site / "domains/index.html").is_file()
    matrix = soup(site / "matrix/index.html")
    headers = [th.get_text() for th in matrix.select("table.es-matrix thead th")]
    assert "Image domains" in headers
    method = soup(site / "methods/imagic/index.html")
    assert "Scene images" in method.get_text()


def test_exports_carry_the_axis(site: Path):
    payload = json.loads((site / "data/methods.json").read_text())
    assert payload["taxonomy"]["domains"]["facet"] == "domain"
    by_id = {m["id"]: m for m in payload["methods"]}
    assert by_id["instructpix2pix"]["domain"] == "faces"
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((site / "data/methods.csv").read_text()))}
    assert rows["imagic"]["domain"] == "scenes" and rows["sega"]["domain"] == ""


@pytest.mark.browser
def test_explorer_has_a_facet_for_the_axis(site: Path, page):
    with serve(site) as base:
        page.goto(f"{base}/explorer/?domain=faces")
        page.wait_for_selector("#es-explorer[data-ready=true]")
        assert page.is_visible('fieldset[data-facet="domain"]')
        ids = page.eval_on_selector_all("#es-rows .es-ex-row", "rows => rows.map(r => r.dataset.id)")
        assert ids == ["instructpix2pix"]
        assert page.text_content('[data-count="scenes"]') == "(1)"
        assert page.errors == []


def test_issue_form_asks_about_every_axis(root: Path):
    import yaml

    from editsurvey.issueform import issue_form

    committed = editsurvey("issue-form", "--check", "--root", str(REPO))
    assert "up to date" in committed.stdout
    catalog, _ = load_catalog(root)
    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE/suggest-a-method.yml").read_text())
    fields = {item.get("id"): item for item in issue_form(form, catalog.taxonomy)["body"]}
    assert fields["domain"]["attributes"]["options"] == ["Face images", "Scene images", "Not sure"]
    assert fields["domain"]["validations"]["required"] is False
    ids = [item.get("id") for item in issue_form(form, catalog.taxonomy)["body"]]
    assert ids.index("domain") == ids.index("backbone") + 1 < ids.index("code")
