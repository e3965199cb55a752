"""Tests on a built site: parse the HTML and compare it with the catalog."""

from __future__ import annotations

import contextlib
import csv
import html
import io
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import bibtexparser
import jsonschema
import pytest
import yaml

from editsurvey.models import CORE_AXIS_FIELDS
from sitekit import REPO, build, content, copy_data, editsurvey, html_pages, method_links, resolve, soup


def page(site: Path, rel: str) -> Path:
    path = site / rel
    assert path.is_file(), f"missing page {rel}"
    return path


# ------------------------------------------------------------------ pages

def test_every_record_has_its_page(real_site):
    _, site, cat = real_site
    for m in cat.methods:
        doc = soup(page(site, f"methods/{m.id}/index.html"))
        assert content(doc).h1.get_text(strip=True).rstrip("¶") == m.name
        assert m.title in content(doc).get_text()


def test_method_page_shows_every_field(real_site):
    _, site, cat = real_site
    m = cat.by_id["ledits-plus-plus"]
    text = content(soup(page(site, "methods/ledits-plus-plus/index.html")))
    hrefs = {a["href"] for a in text.find_all("a", href=True)}
    assert {m.links.paper, m.links.code, m.links.project, f"https://arxiv.org/abs/{m.links.arxiv}"} <= hrefs
    body = text.get_text(" ")
    for author in m.authors:
        assert author in body
    assert text.select_one("pre code").get_text().startswith("@inproceedings{ledits-plus-plus,\n")
    assert "Builds on:" in body and "ledits/" in " ".join(hrefs)


def test_relations_both_ways(real_site):
    _, site, cat = real_site
    for m in cat.methods:
        doc = content(soup(page(site, f"methods/{m.id}/index.html")))
        text = doc.get_text(" ")
        for target in m.builds_on or []:
            assert "Builds on:" in text
            other = content(soup(page(site, f"methods/{target}/index.html")))
            paragraph = next(p for p in other.find_all("p") if "Built on by:" in p.get_text())
            assert m.id in method_links(paragraph, site, page(site, f"methods/{target}/index.html"))


def test_taxonomy_badges_link_node_and_explorer(real_site):
    _, site, cat = real_site
    path = page(site, "methods/diffedit/index.html")
    badges = content(soup(path)).select(".es-badge")
    m = cat.by_id["diffedit"]
    expected = len(cat.strategy_nodes(m)) + len(m.conditions) + len(m.tasks)
    assert len(badges) == expected
    for badge in badges:
        node_link, explorer_link = badge.find_all("a")
        target, _ = resolve(site, path, node_link["href"])
        assert target.is_file()
        assert explorer_link["href"].startswith("../../explorer/?")


def test_every_node_page_lists_exactly_its_records(real_site):
    _, site, cat = real_site
    for node in cat.taxonomy.nodes.values():
        path = page(site, f"{node.axis}/{node.id}/index.html")
        doc = content(soup(path))
        heading = doc.find(id="methods")
        tables = heading.find_all_next("table")
        listed = method_links(tables[0], site, path) if tables else []
        assert sorted(listed) == sorted(m.id for m in cat.methods_for(node.id)), node.id
        assert len(listed) == len(set(listed))


def test_matrix_checks_equal_record_tasks(real_site):
    _, site, cat = real_site
    path = page(site, "matrix/index.html")
    doc = content(soup(path))
    tables = doc.select("table.es-matrix")
    seen: dict[str, set[str]] = {}
    for table in tables:
        tasks = [th.get("data-task") for th in table.select("thead th")]
        sub = table["data-subcategory"]
        rows = table.select("tbody tr")
        assert sorted(r["data-method"] for r in rows) == sorted(
            m.id for m in cat.methods if sub in cat.strategy_nodes(m))
        for row in rows:
            cells = row.find_all(["th", "td"])
            checked = {tasks[i] for i, cell in enumerate(cells) if cell.select_one(".es-check")}
            assert checked == set(cat.by_id[row["data-method"]].tasks), row["data-method"]
            seen.setdefault(row["data-method"], set()).add(sub)
    assert set(seen) == set(cat.by_id)
    energy = cat.by_id["energy-based-cross-attention"]
    assert seen[energy.id] == {energy.strategy, *energy.also_in}


def test_coverage_counts(real_site):
    _, site, cat = real_site
    doc = content(soup(page(site, "coverage/index.html")))
    table = doc.select_one("table.es-coverage")
    tasks = [a["href"].split("/")[-2] for a in table.select("thead th a")]
    counts = cat.coverage()
    for row in table.select("tbody tr")[:-1]:
        condition = row.th.a["href"].split("/")[-2]
        cells = row.find_all("td")[: len(tasks)]
        for task, cell in zip(tasks, cells):
            expected = counts.get((condition, task), 0)
            if expected:
                assert int(cell.get_text()) == expected, (condition, task)
            else:
                assert "es-gap" in cell.get("class", []), (condition, task)


def test_leaderboard_order_equals_score_order(real_site):
    _, site, cat = real_site
    doc = content(soup(page(site, "leaderboard/index.html")))
    tables = doc.select("table.es-leaderboard")
    rs = cat.results[0]
    published = {(r.task, r.method): r for r in rs.results}
    assert sum(len(t.select("tbody tr")) for t in tables) == len(rs.results)
    for table in tables:
        task = table["data-task"]
        rows = [(int(tr.find_all("td")[0].get_text()), tr["data-method"], float(tr.find_all("td")[3].get_text()),
                 float(tr.find_all("td")[4].get_text())) for tr in table.select("tbody tr")]
        means = [r[2] for r in rows]
        assert means == sorted(means, reverse=True)
        for position, (rank, method, mean, std) in enumerate(rows, start=1):
            assert (mean, std) == (published[(task, method)].mean, published[(task, method)].std)
            better = sum(1 for other in means if other > mean)
            assert rank == better + 1  # ties share a rank; the next rank skips


def test_leaderboard_fixes_the_published_rank_slip(real_site):
    """Leaderboard.md prints ProxEdit 3rd and InstructPix2Pix 4th in background change, by scores the reverse."""
    _, site, _ = real_site
    doc = content(soup(page(site, "leaderboard/index.html")))
    table = doc.select_one('table[data-task="background-change"]')
    order = [tr["data-method"] for tr in table.select("tbody tr")]
    assert order.index("instructpix2pix") == 2 and order.index("proxedit") == 3


def test_benchmark_page_lists_all_cases(real_site):
    _, site, cat = real_site
    doc = content(soup(page(site, "benchmarks/editeval-v1/index.html")))
    bench = cat.benchmark("editeval-v1")
    rows = [tr for table in doc.find_all("table")[1:] for tr in table.select("tbody tr")]
    assert len(rows) == len(bench.cases) == 50
    assert {tr.find_all("td")[3].get_text() for tr in rows} == {c.instruction for c in bench.cases}


def test_statistics_charts_are_inline_svg(real_site):
    _, site, cat = real_site
    doc = content(soup(page(site, "statistics/index.html")))
    svgs = doc.find_all("svg")
    # Per year, per sub-category, condition, task, venue: and one per axis added as data (the backbone).
    assert len(svgs) == 5 + len([a for a in cat.taxonomy.axes.values() if a.record.field not in CORE_AXIS_FIELDS])
    assert all(svg.get("role") == "img" and svg.title for svg in svgs)
    years = cat.per_year()
    total_text = [t.get_text() for t in svgs[0].find_all("text")]
    for year, counter in years.items():
        assert str(year) in total_text and str(sum(counter.values())) in total_text


# ---------------------------------------------------------------- exports

def test_json_export_equals_the_records(real_site):
    root, site, cat = real_site
    payload = json.loads(page(site, "data/methods.json").read_text(encoding="utf-8"))
    raw = {}
    for path in sorted((root / "methods").glob("*.yaml")):
        raw[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert [m["id"] for m in payload["methods"]] == sorted(raw)
    for record in payload["methods"]:
        assert record == raw[record["id"]]
    assert set(payload["taxonomy"]) == {"strategies", "conditions", "tasks", "backbones"}
    assert len([n for n in payload["taxonomy"]["conditions"]["nodes"] if n["origin"] == "survey"]) == 10
    assert payload["taxonomy"]["backbones"]["origin"] == "extension"
    assert {n["origin"] for n in payload["taxonomy"]["backbones"]["nodes"]} == {"extension"}


def test_bibtex_parses_one_entry_per_method(real_site):
    _, site, cat = real_site
    library = bibtexparser.parse_string(page(site, "data/methods.bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert [e.key for e in library.entries] == [m.id for m in cat.methods]
    for entry in library.entries:
        m = cat.by_id[entry.key]
        assert entry.fields_dict["title"].value.strip("{}") == m.title.replace("&", r"\&").replace("_", r"\_")
        assert entry.fields_dict["year"].value == str(m.year)


def test_csv_has_one_row_per_method(real_site):
    _, site, cat = real_site
    rows = list(csv.DictReader(io.StringIO(page(site, "data/methods.csv").read_text(encoding="utf-8"))))
    assert [r["id"] for r in rows] == [m.id for m in cat.methods]
    for row in rows:
        m = cat.by_id[row["id"]]
        assert (row["tasks"].split("; ") if row["tasks"] else []) == m.tasks and row["title"] == m.title


def test_every_record_validates_against_exported_schema(real_site):
    root, site, _ = real_site
    schema = json.loads(page(site, "data/schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((root / "methods").glob("*.yaml")):
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert not errors, (path.name, errors[0].message)
    bad = yaml.safe_load((root / "methods/imagic.yaml").read_text()) | {"conditions": ["maks"]}
    assert list(validator.iter_errors(bad))


# ----------------------------------------------------- links and structure

def _internal_targets(site: Path, path: Path):
    doc = soup(path)
    for tag, attr_name in (("a", "href"), ("link", "href"), ("script", "src"), ("img", "src")):
        for element in doc.find_all(tag, attrs={attr_name: True}):
            target, fragment = resolve(site, path, element[attr_name])
            if target is not None:
                yield element, target, fragment


def test_no_broken_internal_link(real_site):
    _, site, _ = real_site
    ids_cache: dict[Path, set[str]] = {}
    broken = []
    for path in html_pages(site):
        for element, target, fragment in _internal_targets(site, path):
            if not target.is_file():
                broken.append(f"{path.relative_to(site)} -> {element.get('href') or element.get('src')}")
                continue
            if fragment and target.suffix == ".html":
                if target not in ids_cache:
                    ids_cache[target] = {e["id"] for e in soup(target).find_all(id=True)}
                if fragment not in ids_cache[target]:
                    broken.append(f"{path.relative_to(site)} -> #{fragment} missing in {target.relative_to(site)}")
    assert not broken, broken[:20]


def test_no_orphan_page(real_site):
    _, site, _ = real_site
    pages = {p.resolve() for p in html_pages(site) if p.name == "index.html"}
    seen, queue = set(), [(site / "index.html").resolve()]
    while queue:
        current = queue.pop()
        if current in seen or current.suffix != ".html" or not current.is_file():
            continue
        seen.add(current)
        for _, target, _ in _internal_targets(site, current):
            if target.resolve() not in seen:
                queue.append(target.resolve())
    orphans = sorted(str(p.relative_to(site.resolve())) for p in pages - seen)
    assert not orphans


def test_generated_pages_are_folder_index_files(real_site):
    """Source and page at the same depth: raw-HTML links mean the same to MkDocs and Zensical."""
    from editsurvey.site.pages import render_pages

    _, _, cat = real_site
    assert all(src == "index.md" or src.endswith("/index.md") for src in render_pages(cat))


def test_method_pages_are_not_in_the_navigation(real_site):
    _, site, _ = real_site
    nav = soup(page(site, "index.html")).select_one("nav.md-nav--primary")
    assert not [a for a in nav.find_all("a", href=True) if re.search(r"methods/[a-z0-9-]+/$", a["href"])]


def test_site_works_offline(real_site):
    _, site, _ = real_site
    for path in list(site.rglob("*.html")) + list(site.rglob("*.css")) + list(site.rglob("*.js")):
        text = path.read_text(encoding="utf-8", errors="replace")
        assert "fonts.googleapis.com" not in text and "fonts.gstatic.com" not in text, path
    for path in html_pages(site):
        doc = soup(path)
        for element in doc.find_all(["script", "link", "img"]):
            url = element.get("src") or (element.get("href") if element.name == "link" else None)
            if url and element.name != "link" or (url and "stylesheet" in element.get("rel", [])):
                assert not re.match(r"^(https?:)?//", url), (path, url)


# ------------------------------------------------------------ build rules

def test_build_is_deterministic(tmp_path):
    root = copy_data(tmp_path / "data")
    outputs = []
    for run in range(2):
        site = build(root, tmp_path / f"site{run}")
        files = {p.relative_to(root / "build/pages").as_posix(): p.read_bytes()
                 for p in sorted((root / "build/pages").rglob("*")) if p.is_file()}
        files.update({f"site:{p.name}": p.read_bytes() for p in sorted((site / "data").iterdir())})
        outputs.append(files)
    assert outputs[0].keys() == outputs[1].keys()
    assert [k for k in outputs[0] if outputs[0][k] != outputs[1][k]] == []


def test_bad_data_fails_and_leaves_no_half_written_site(tmp_path):
    root = copy_data(tmp_path / "data")
    record = root / "methods/imagic.yaml"
    record.write_text(record.read_text().replace("conditions: [text]", "conditions: [txet]"))
    result = editsurvey("build", "--root", str(root), check=False)
    assert result.returncode == 1
    assert re.search(r"methods/imagic\.yaml:\d+:\d+: error: unknown condition `txet`", result.stderr)
    assert "hint: did you mean `text`?" in result.stderr
    assert not (root / "site").exists() and not (root / "build").exists()

    record.write_text(record.read_text().replace("conditions: [txet]", "conditions: [text]"))
    build(root)
    before = {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()}
    pages_before = {p: p.read_bytes() for p in (root / "build/pages").rglob("*") if p.is_file()}
    record.write_text(record.read_text().replace("venue: CVPR", "venue: CPVR"))
    assert editsurvey("build", "--root", str(root), check=False).returncode == 1
    assert {p: p.read_bytes() for p in (root / "site").rglob("*") if p.is_file()} == before
    assert {p: p.read_bytes() for p in (root / "build/pages").rglob("*") if p.is_file()} == pages_before


def test_engine_failure_keeps_the_previous_site(tmp_path):
    root = copy_data(tmp_path / "data")
    build(root)
    before = sorted(p.relative_to(root).as_posix() for p in (root / "site").rglob("*"))
    # A hand-written page with a broken link makes the strict build fail after generation.
    (root / "docs/broken.md").write_text("# Broken\n\n[nowhere](missing.md)\n")
    result = editsurvey("build", "--root", str(root), check=False)
    assert result.returncode == 1 and "missing.md" in result.stderr
    assert sorted(p.relative_to(root).as_posix() for p in (root / "site").rglob("*")) == before
    assert not [p for p in root.iterdir() if p.name.startswith(".site-")]


def test_redirects_for_former_ids(tmp_path):
    root = copy_data(tmp_path / "data")
    for path in (root / "methods").glob("*.yaml"):
        path.write_text(re.sub(r"(?<=[\[ ])dds(?=[,\]])", "delta-denoising-score", path.read_text()))
    old, new = root / "methods/dds.yaml", root / "methods/delta-denoising-score.yaml"
    text = old.read_text().replace("id: dds", "id: delta-denoising-score")
    new.write_text(text + "former_ids: [dds]\n")
    old.unlink()
    results = root / "benchmarks/editeval-v1-lmm-score.yaml"
    results.write_text(results.read_text().replace("method: dds,", "method: delta-denoising-score,"))
    site = build(root)
    redirect = soup(site / "methods/dds/index.html")
    assert redirect.find("meta", attrs={"http-equiv": "refresh"})["content"] == "0; url=../delta-denoising-score/"
    assert (site / "methods/delta-denoising-score/index.html").is_file()


MAIN_URL = "http://127.0.0.1:8000/methods/instructpix2pix/"  # where the README says the site is served
MAIN_TIMEOUT = 300  # seconds for venv, pip install, build and serve


def _port_8000_taken() -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", 8000))
        except OSError:
            return True
    return False


def _get(url: str) -> tuple[int, str] | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, ""
    except OSError:
        return None


def _checkout(work: Path) -> None:
    """The repository's files as a fresh clone has them: tracked files and new files not yet committed,
    never ignored ones (.venv/, site/, build/, egg-info)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                            capture_output=True, check=True).stdout.decode("utf-8").split("\0")
    for rel in listed:
        if rel and (REPO / rel).is_file():  # a tracked file deleted in the work tree is listed too
            (work / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / rel, work / rel)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM to the command's whole process group (bash, pip, editsurvey, the engine), then SIGKILL."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)
    deadline = time.monotonic() + 30
    while _group_alive(process.pid) and (_get(MAIN_URL) is not None or _port_8000_taken()) \
            and time.monotonic() < deadline:
        time.sleep(0.5)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever ignored SIGTERM
    process.wait(timeout=30)


@pytest.mark.slow
def test_readme_main_command_builds_and_serves(tmp_path):
    """Run the README's main command in a fresh copy of the repository, as a new user would."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- main-command -->\s*```\n(.*?)\n```\s*<!-- /main-command -->", readme, re.S).group(1)
    assert "pip install -e ." in block and block.rstrip().endswith("editsurvey serve")
    if _port_8000_taken():
        pytest.fail("port 8000 on 127.0.0.1 is taken, and the README's main command serves there: "
                    "stop whatever listens on it (e.g. another `editsurvey serve`) and run the test again")

    work = tmp_path / "editsurvey"
    _checkout(work)
    title = yaml.safe_load((work / "methods/instructpix2pix.yaml").read_text(encoding="utf-8"))["title"]
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PATH"] = ":".join(p for p in env["PATH"].split(":") if not p.startswith(str(REPO / ".venv")))
    log = tmp_path / "main-command.log"

    def tail() -> str:
        return "\n".join(log.read_text(encoding="utf-8", errors="replace").splitlines()[-40:])

    with open(log, "wb") as out:
        process = subprocess.Popen(["bash", "-c", block], cwd=work, env=env, stdout=out, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + MAIN_TIMEOUT
        while True:
            answer = _get(MAIN_URL)
            if answer is not None and answer[0] == 200 and html.escape(title, quote=False) in answer[1]:
                break
            if process.poll() is not None:
                pytest.fail(f"the main command exited ({process.returncode}) without serving {MAIN_URL}:\n{tail()}")
            if time.monotonic() > deadline:
                pytest.fail(f"{MAIN_URL} did not answer 200 with {title!r} within {MAIN_TIMEOUT} s "
                            f"(last answer: {answer and answer[0]}):\n{tail()}")
            time.sleep(1)
    finally:
        _stop(process)
    assert _get(MAIN_URL) is None and not _port_8000_taken(), "something still serves on port 8000"
