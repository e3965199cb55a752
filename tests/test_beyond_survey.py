"""The catalogue beyond the survey, on the real data and the built site.

Every record has a backbone; this project's extension nodes are marked and
rendered as such; the survey's scope still reproduces the survey's list; the
home page says how far the catalogue reaches beyond it.
"""

from __future__ import annotations

from collections import Counter

import pytest

from browserkit import expected_ids, open_explorer, serve, shown_ids
from sitekit import soup
from test_data_reference import SECTIONS, survey_rows


def test_every_record_has_a_backbone_with_evidence_or_says_it_is_unverified(real_site):
    cat = real_site.catalog
    backbones = {n.id for n in cat.taxonomy.assignable("backbones")}
    unverified = []
    for m in cat.methods:
        if "backbone" in (m.unverified or []):
            assert m.backbone is None, m.id  # never a guess next to the declaration
            unverified.append(m.id)
            page = soup(real_site.site / "methods" / m.id / "index.html")
            assert page.select_one('[data-unverified="true"]') is not None, m.id
        else:
            assert m.backbone in backbones, m.id
            assert (m.evidence or {}).get(m.backbone), m.id
    assert len(unverified) < len(cat.methods) / 2  # most records are classified


def test_extension_nodes_are_defined_used_and_marked(real_site):
    cat, site = real_site.catalog, real_site.site
    extension = [n for n in cat.taxonomy.nodes.values() if cat.is_extension(n.id)]
    survey_axes = [a for a in cat.taxonomy.axes.values() if a.origin == "survey"]
    assert {a.axis for a in survey_axes} == {"strategies", "conditions", "tasks"}
    assert any(n.axis in {a.axis for a in survey_axes} for n in extension)  # nodes added to the survey's own axes
    for n in extension:
        assert n.node.description.strip()
        assert cat.methods_for(n.id), f"extension node {n.id} has no record: extensions are only as many as needed"
        page = soup(site / n.axis / n.id / "index.html")
        assert page.select_one('[data-origin="extension"]') is not None, n.id
    for node_id in ("object-removal", "text", "attention-modification"):
        page = soup(site / cat.node(node_id).axis / node_id / "index.html")
        assert page.select_one('[data-origin="extension"]') is None
    home = soup(site / "index.html")
    items = home.select(".es-axis li")
    marked = {li.a["href"].strip("/").split("/")[-1] for li in items if li.find(class_="es-ext", recursive=False)}
    assert marked == {n.id for n in extension}


def test_survey_scope_counts_equal_the_survey_list(real_site):
    listed = Counter(SECTIONS[section] for section, _ in survey_rows())
    scope = real_site.catalog.survey_scope
    assert len(scope.methods) == 121
    assert not any(real_site.catalog.is_extension(n) for n in scope.taxonomy.nodes)
    assert "backbones" not in scope.taxonomy.axes
    page = soup(real_site.site / "statistics/survey/index.html")
    table = next(t for t in page.select("table") if t.th and t.th.get_text(strip=True) == "Sub-category")
    shown = {tr.select("td")[0].get_text(strip=True): int(tr.select("td")[1].get_text(strip=True))
             for tr in table.select("tbody tr")}
    labels = {scope.node(sub).label: sub for sub in listed}
    assert {labels[label]: n for label, n in shown.items() if n} == dict(listed)


def test_scoped_pages_link_to_each_other(real_site):
    for name in ("statistics", "matrix", "coverage"):
        everything = soup(real_site.site / name / "index.html").select_one("nav.es-scope")
        survey = soup(real_site.site / name / "survey/index.html").select_one("nav.es-scope")
        assert everything["data-scope"] == "all" and survey["data-scope"] == "survey"
        assert everything.a["href"] == "survey/" and survey.a["href"] == "../"
    matrix = soup(real_site.site / "matrix/survey/index.html")
    shown = {tr["data-method"] for tr in matrix.select("tr[data-method]")}
    assert shown == {m.id for m in real_site.catalog.methods if m.provenance.source == "survey-list"}


def test_home_says_how_far_the_catalogue_reaches_beyond_the_survey(real_site):
    reach = soup(real_site.site / "index.html").select_one("p.es-reach")
    sources = Counter(m.provenance.source for m in real_site.catalog.methods)
    assert int(reach["data-survey-list"]) == sources["survey-list"] == 121
    assert int(reach["data-added"]) == sources["contribution"] >= 60
    assert "backbone" in reach.get_text().lower()


def test_method_pages_say_where_the_record_comes_from(real_site):
    for m in real_site.catalog.methods:
        line = soup(real_site.site / "methods" / m.id / "index.html").select_one("p.es-scope-line")
        assert line["data-source"] == m.provenance.source
        expected = "In the survey's list." if m.provenance.source == "survey-list" else "not in the survey's list"
        assert expected in line.get_text(), m.id


def test_dataset_pages_show_one_board_per_setting_each_row_with_its_source(real_site):
    cat, site = real_site.catalog, real_site.site
    checked = 0
    for d in cat.datasets:
        page = soup(site / "datasets" / d.id / "index.html")
        files = [p for p in cat.published if p.benchmark == d.id]
        setting_of_url = {p.source.url: p.setting() for p in files}
        tables = page.select("table.es-board")
        assert len(tables) == len({p.setting() for p in files}), d.id
        shown = 0
        for table in tables:
            rows = table.select("tbody tr")
            urls = [tr.select("td a")[-1]["href"] for tr in rows]
            assert len({setting_of_url[u] for u in urls}) == 1, (d.id, "a board mixes settings")
            shown += len(rows)
        assert shown == sum(len(p.rows) for p in files), d.id
        users = cat.dataset_users[d.id]
        linked = {a["href"].rstrip("/").split("/")[-1] for a in page.select("a[href*='/methods/']")}
        assert {m.id for m in users["trained_on"] + users["evaluated_on"]} <= linked, d.id
        checked += bool(files)
    assert checked >= 2


def test_published_results_reach_two_later_benchmarks_and_the_export(real_site):
    import csv
    import io

    per_benchmark = Counter()
    for results in real_site.catalog.published:
        per_benchmark[results.benchmark] += len(results.rows)
    assert sum(per_benchmark.values()) >= 40
    assert len([b for b, n in per_benchmark.items() if n >= 10]) >= 2
    rows = list(csv.DictReader(io.StringIO((real_site.site / "data/results.csv").read_text(encoding="utf-8"))))
    scores = sum(len(r.scores) for p in real_site.catalog.published for r in p.rows)
    assert len(rows) == scores and all(r["source_url"].startswith("https://") for r in rows)
    assert {r["reported_by"] for r in rows} == {"authors", "third party"}


def test_method_tables_mark_the_records_this_project_added(real_site):
    table = soup(real_site.site / "methods/index.html").select_one(".es-methods table")
    marked = {tr.select_one("td a")["href"].rstrip("/").split("/")[-1] for tr in table.select("tbody tr")
              if tr.select_one("td .es-ext")}
    assert marked == {m.id for m in real_site.catalog.methods if m.provenance.source != "survey-list"}


@pytest.mark.browser
def test_explorer_narrows_to_the_survey_scope_and_marks_our_records(real_site, page):
    with serve(real_site.site) as base:
        open_explorer(page, base, {"scope": "survey", "task": "style-change"})
        shown = shown_ids(page)
        assert shown == expected_ids(real_site.catalog, {"scope": "survey", "task": "style-change"})
        survey = {m.id for m in real_site.catalog.methods if m.provenance.source == "survey-list"}
        assert shown and set(shown) <= survey
        assert page.is_checked("#es-survey")
        page.click("label[for=es-survey]")  # untick: every record again, ours marked in the rows
        page.wait_for_function("() => !new URLSearchParams(location.search).has('scope')")
        everything = shown_ids(page)
        assert set(everything) > set(shown)
        marked = page.eval_on_selector_all("#es-rows [role=row]:has(.es-ext)", "rows => rows.map(r => r.dataset.id)")
        assert set(marked) == set(everything) - survey
        assert page.errors == []


def test_coverage_lists_every_record_with_an_unverified_axis(real_site):
    cat = real_site.catalog
    page = soup(real_site.site / "coverage" / "index.html")
    shown = {
        p["data-unverified-axis"]: [a["data-method"] for a in p.select("a[data-method]")]
        for p in page.select(".es-unverified-list")
    }
    expected = {}
    for axis in cat.taxonomy.axes.values():
        ids = sorted(
            (m for m in cat.methods if axis.record.field in (m.unverified or [])), key=lambda m: (m.name.casefold(), m.id)
        )
        if ids:
            expected[axis.noun] = [m.id for m in ids]
    assert shown == expected
    assert "backbone" in shown and "task" in shown
    for ids in shown.values():
        for method_id in ids:
            method_page = soup(real_site.site / "methods" / method_id / "index.html")
            assert method_page.select_one('[data-unverified="true"]') is not None, method_id
    # The survey's scope has no backbone axis, so it lists no unverified backbone.
    survey = soup(real_site.site / "coverage" / "survey" / "index.html")
    assert {p["data-unverified-axis"] for p in survey.select(".es-unverified-list")} == {"condition", "task"}


def test_statistics_count_unverified_records_so_the_backbone_totals_add_up(real_site):
    cat = real_site.catalog
    page = soup(real_site.site / "statistics" / "index.html")
    details = next(d for d in page.select("details") if "methods per backbone" in d.summary.get_text().lower())
    rows = {tr.select("td")[0].get_text(strip=True): int(tr.select("td")[-1].get_text()) for tr in details.select("tbody tr")}
    assert rows["Not yet verified"] == sum("backbone" in (m.unverified or []) for m in cat.methods) > 0
    assert sum(rows.values()) == len(cat.methods)  # one backbone per record, or the declaration
    link = next(a for a in details.select("a") if a.get_text() == "Not yet verified")
    assert link["href"].endswith("coverage/#not-yet-verified")
