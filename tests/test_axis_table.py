"""A fourth taxonomy axis is data only: one YAML file and one record field.

The test adds a "backbone" axis to a copy of the real data, fills it in two
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

BACKBONES = """\
axis: backbones
label: Generative backbone
plural_label: Generative backbones
noun: backbone
description: The generative model family the method edits with.
order: 4
record: {field: backbone, many: false, required: false}
facet: backbone
levels: [family, backbone]
assignable_levels: [backbone]
nodes:
  - id: diffusion-family
    label: Diffusion models
    description: Denoising diffusion models.
  - id: latent-unet
    parent: diffusion-family
    label: Latent U-Net diffusion
    short: LDM
    description: A U-Net denoising in an autoencoder's latent space.
  - id: pixel-unet
    parent: diffusion-family
    label: Pixel-space U-Net diffusion
    description: A U-Net denoising pixels directly.
"""


def add_backbone(record: Path, value: str) -> None:
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("\nprovenance:", f"\nbackbone: {value}\nprovenance:"), encoding="utf-8")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    root = copy_data(tmp_path_factory.mktemp("axis") / "data")
    (root / "taxonomy/backbones.yaml").write_text(BACKBONES, encoding="utf-8")
    add_backbone(root / "methods/instructpix2pix.yaml", "latent-unet")
    add_backbone(root / "methods/imagic.yaml", "pixel-unet")
    return root


@pytest.fixture(scope="module")
def site(root: Path) -> Path:
    return build(root)


def test_validator_accepts_the_axis_and_checks_its_ids(root: Path, tmp_path: Path):
    _, found = validate_root(root)
    assert [d for d in found if d.severity == "error"] == []
    bad = copy_data(tmp_path / "bad")
    (bad / "taxonomy/backbones.yaml").write_text(BACKBONES, encoding="utf-8")
    add_backbone(bad / "methods/imagic.yaml", "latent-unnet")
    _, found = validate_root(bad)
    [d] = [d for d in found if d.severity == "error"]
    assert (d.path, d.code, d.message, d.hint) == (
        "methods/imagic.yaml", "unknown-id", "unknown backbone `latent-unnet`", "did you mean `latent-unet`?")


def test_schema_and_new_know_the_axis(root: Path):
    catalog, _ = load_catalog(root)
    schema = method_schema(catalog.taxonomy, catalog.venue_names)
    enum = next(o["enum"] for o in schema["properties"]["backbone"]["anyOf"] if o.get("type") == "string")
    assert enum == ["latent-unet", "pixel-unet"]
    result = editsurvey("new", "--root", str(root), "--name", "NewEdit", "--title", "NewEdit: A Test",
                        "--arxiv", "2401.00001", "--strategy", "mask-guidance", "--condition", "text",
                        "--task", "object-removal", "--axis-value", "backbone=latent-unet", "--summary", "Edits.")
    assert "created methods/newedit.yaml" in result.stdout
    text = (root / "methods/newedit.yaml").read_text()
    assert "\nbackbone: latent-unet\n" in text and "  backbone: curated\n" in text
    (root / "methods/newedit.yaml").unlink()


def test_node_pages_and_matrix_show_the_axis(site: Path):
    node = soup(site / "backbones/latent-unet/index.html")
    assert "instructpix2pix" in str(node) and "imagic/" not in str(node)
    assert (site / "backbones/index.html").is_file()
    matrix = soup(site / "matrix/index.html")
    headers = [th.get_text() for th in matrix.select("table.es-matrix thead th")]
    assert "Generative backbones" in headers
    method = soup(site / "methods/imagic/index.html")
    assert "Pixel-space U-Net diffusion" in method.get_text()


def test_exports_carry_the_axis(site: Path):
    payload = json.loads((site / "data/methods.json").read_text())
    assert payload["taxonomy"]["backbones"]["facet"] == "backbone"
    by_id = {m["id"]: m for m in payload["methods"]}
    assert by_id["instructpix2pix"]["backbone"] == "latent-unet"
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((site / "data/methods.csv").read_text()))}
    assert rows["imagic"]["backbone"] == "pixel-unet" and rows["sega"]["backbone"] == ""


@pytest.mark.browser
def test_explorer_has_a_facet_for_the_axis(site: Path, page):
    with serve(site) as base:
        page.goto(f"{base}/explorer/?backbone=latent-unet")
        page.wait_for_selector("#es-explorer[data-ready=true]")
        assert page.is_visible('fieldset[data-facet="backbone"]')
        ids = page.eval_on_selector_all("#es-rows .es-ex-row", "rows => rows.map(r => r.dataset.id)")
        assert ids == ["instructpix2pix"]
        assert page.text_content('[data-count="pixel-unet"]') == "(1)"
        assert page.errors == []


def test_issue_form_asks_about_every_axis(root: Path):
    import yaml

    from editsurvey.issueform import issue_form

    committed = editsurvey("issue-form", "--check", "--root", str(REPO))
    assert "up to date" in committed.stdout
    catalog, _ = load_catalog(root)
    form = yaml.safe_load((REPO / ".github/ISSUE_TEMPLATE/suggest-a-method.yml").read_text())
    fields = {item.get("id"): item for item in issue_form(form, catalog.taxonomy)["body"]}
    assert fields["backbone"]["attributes"]["options"] == ["Latent U-Net diffusion", "Pixel-space U-Net diffusion",
                                                           "Not sure"]
    assert fields["backbone"]["validations"]["required"] is False
    ids = [item.get("id") for item in issue_form(form, catalog.taxonomy)["body"]]
    assert ids.index("backbone") == ids.index("tasks") + 1 < ids.index("code")
