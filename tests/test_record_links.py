"""Method pages link to their YAML file (edit) and to a pre-filled "report an error" issue form.

Both are built from `editsurvey_repository` in the data root's mkdocs.yml; without it, no such links.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import yaml

from editsurvey.catalog import load_catalog
from editsurvey.site.recordlinks import REPORT_FIELDS, REPORT_FORM, repo_url
from sitekit import REPO, build, content, copy_data, soup

REPO_URL = "https://github.com/example-org/editsurvey"


@pytest.fixture(scope="module")
def linked_site(tmp_path_factory):
    """The real data with editsurvey_repository in mkdocs.yml."""
    root = copy_data(tmp_path_factory.mktemp("record-links") / "data")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + f"\nextra:\n  editsurvey_repository: {REPO_URL}/\n", encoding="utf-8")
    site = build(root)
    catalog, _ = load_catalog(root)
    assert catalog is not None
    return site, catalog


def actions(site, method_id: str) -> dict[str, str]:
    doc = content(soup(site / "methods" / method_id / "index.html"))
    return {a["data-record-action"]: a["href"] for a in doc.select("a[data-record-action]")}


def test_every_method_page_links_to_edit_and_report(linked_site):
    site, cat = linked_site
    form = yaml.safe_load((REPO / ".github" / "ISSUE_TEMPLATE" / REPORT_FORM).read_text(encoding="utf-8"))
    form_ids = {item.get("id") for item in form["body"]}
    assert set(REPORT_FIELDS) <= form_ids
    for m in cat.methods:
        links = actions(site, m.id)
        assert set(links) == {"edit", "report"}, m.id
        file = cat.files[m.id]
        assert file == f"methods/{m.id}.yaml"
        assert links["edit"] == f"{REPO_URL}/edit/HEAD/{file}"
        report = urlsplit(links["report"])
        assert f"{report.scheme}://{report.netloc}{report.path}" == f"{REPO_URL}/issues/new"
        query = {k: v[0] for k, v in parse_qs(report.query).items()}
        assert query["template"] == REPORT_FORM
        assert query["title"] == f"Error in {m.name} ({m.id})"
        assert query["record"] == m.id and query["file"] == file
        # Every prefilled field is a field of the form (GitHub ignores unknown ids silently).
        assert set(query) - {"template", "title"} <= form_ids


def test_no_links_without_a_repository(real_site):
    root, site, cat = real_site
    if repo_url(root) is not None:  # the repository set its URL: then the links are there
        assert all(actions(site, m.id) for m in cat.methods)
        return
    for m in cat.methods[:20]:
        assert actions(site, m.id) == {}


@pytest.mark.parametrize(
    "value, expected",
    [
        ("https://github.com/o/r", "https://github.com/o/r"),
        ("https://github.com/o/r.git", "https://github.com/o/r"),
        ("https://github.com/o/r/", "https://github.com/o/r"),
        ("https://gitlab.com/o/r", None),  # the edit and issue URLs below are GitHub's
        ("javascript:alert(1)//github.com/o/r", None),
        ("https://github.com/o/r/tree/main", None),
        ('https://github.com/o/r"><script>', None),
        (["https://github.com/o/r"], None),
    ],
)
def test_repo_url_accepts_only_a_github_repository(tmp_path, value, expected):
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump({"site_name": "x", "extra": {"editsurvey_repository": value}}), encoding="utf-8")
    assert repo_url(tmp_path) == expected


def test_missing_or_broken_config_gives_no_links(tmp_path):
    assert repo_url(tmp_path) is None
    (tmp_path / "mkdocs.yml").write_text("repo_url: [unclosed\n", encoding="utf-8")
    assert repo_url(tmp_path) is None
