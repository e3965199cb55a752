"""The leaderboard's overview: per result set, one method x task table of scores beside the per-task tables."""

from __future__ import annotations

from sitekit import content, soup


def overview_tables(site):
    doc = content(soup(site / "leaderboard" / "index.html"))
    return doc, {t["data-results"]: t for t in doc.select("table.es-overview")}


def test_one_overview_per_result_set(real_site):
    _, site, cat = real_site
    doc, tables = overview_tables(site)
    assert sorted(tables) == sorted(rs.id for rs in cat.results)
    # Beside (before) the per-task tables of the same result set.
    for rs in cat.results:
        first_task_table = doc.select_one(f'table.es-leaderboard[data-results="{rs.id}"]')
        assert first_task_table is not None
        assert tables[rs.id] in first_task_table.find_all_previous("table")


def test_overview_cells_equal_the_catalog_leaderboards(real_site):
    _, site, cat = real_site
    _, tables = overview_tables(site)
    for rs in cat.results:
        table = tables[rs.id]
        tasks = cat.benchmark(rs.benchmark).tasks
        metric = cat.metric(rs.metric)
        boards = {t.id: {row.method.id: row for row in cat.leaderboard(rs, t.id)} for t in tasks}
        # Columns: the benchmark's tasks, in its order.
        assert [th["data-task"] for th in table.select("thead th[data-task]")] == [t.id for t in tasks]
        assert [th.get_text(strip=True) for th in table.select("thead th[data-task]")] == [t.label for t in tasks]
        # Rows: every method with a score in the set, by name.
        scored = {r.method for r in rs.results}
        rows = table.select("tbody tr")
        ids = [tr["data-method"] for tr in rows]
        assert sorted(ids) == sorted(scored)
        assert ids == [m.id for m in sorted((cat.by_id[i] for i in scored), key=lambda m: (m.name.casefold(), m.id))]
        seen = 0
        for tr in rows:
            method = tr["data-method"]
            assert tr.find("th").get_text(strip=True) == cat.by_id[method].name
            cells = tr.find_all("td")
            assert [td["data-task"] for td in cells] == [t.id for t in tasks]
            for td, task in zip(cells, tasks, strict=True):
                row = boards[task.id].get(method)
                best = "es-best" in td.get("class", [])
                if row is None:
                    assert "es-none" in td.get("class", []) and not best
                    assert td.get_text(strip=True) == "\u2013"
                    continue
                seen += 1
                score = td.find("strong") if best else td
                assert score.get_text(strip=True) == f"{row.mean:.{metric.decimals}f}"
                # Best per column: every method the task's leaderboard ranks first (ties share it).
                assert best == (row.rank == 1), (rs.id, task.id, method)
        assert seen == len(rs.results)
        for task in tasks:
            marked = {tr["data-method"] for tr in rows if tr.select_one(f'td.es-best[data-task="{task.id}"]')}
            top = [r for r in cat.leaderboard(rs, task.id) if r.rank == 1]
            assert marked == {r.method.id for r in top}
            if top:
                best_mean = (max if metric.higher_is_better else min)(r.mean for r in cat.leaderboard(rs, task.id))
                assert all(r.mean == best_mean for r in top)


def test_overview_marks_best_for_screen_readers_too(real_site):
    """Bold is not the only sign: a visually hidden "(best)" follows each best score."""
    _, site, _ = real_site
    _, tables = overview_tables(site)
    for table in tables.values():
        for td in table.select("td.es-best"):
            assert td.select_one(".es-visually-hidden").get_text() == " (best)"
