"""What's new: the `added` day of every record, the Recently added page and the Atom feed of additions."""

from __future__ import annotations

import re
from pathlib import Path

import feedparser
import yaml

from datakit import record
from editsurvey.catalog import Catalog, load_catalog
from editsurvey.dataset import load_dataset
from editsurvey.recordfmt import canonical_text
from editsurvey.site.content import site_files
from editsurvey.site.feed import FEED_PATH, additions_atom, entry_title
from editsurvey.site.pages import render_pages
from sitekit import REPO, cli, content, copy_data, soup

HOSTILE_TITLE = "<script>alert(1)</script> & ]]> \"quoted\" 'single' <![CDATA[x]]>"


def _set_added(root: Path, dates: dict[str, str]) -> None:
    for method_id, day in dates.items():
        path = root / "methods" / f"{method_id}.yaml"
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^added: .*$", f'added: "{day}"', text), encoding="utf-8")


def _catalog(root: Path) -> Catalog:
    """Every record that passes the models (cross-file rules not applied: the feed must hold any of them)."""
    return Catalog.from_dataset(load_dataset(root))


def _dated_copy(tmp_path: Path) -> Path:
    """The real data with a few records moved to later days, and one of them with a hostile title."""
    root = copy_data(tmp_path / "data")
    _set_added(root, {"zone": "2027-03-02", "imagic": "2027-03-02", "aidi": "2027-01-15"})
    path = root / "methods" / "zone.yaml"
    text = path.read_text(encoding="utf-8")
    hostile = HOSTILE_TITLE.replace("\\", "\\\\").replace('"', '\\"')
    text = re.sub(r"(?m)^title: .*$", f'title: "{hostile}"', text)
    # A control character XML forbids, reachable through a YAML escape.
    text = re.sub(r"(?m)^summary: >-$", lambda _: 'summary: "Bell \\a in the text."\nold_summary: >-', text)
    text = re.sub(r"(?ms)^old_summary: >-\n(  .*?\n)+", "", text)
    path.write_text(text, encoding="utf-8")
    return root


# ------------------------------------------------------------------- the data


def test_every_record_has_the_day_it_was_added(real_site):
    from editsurvey.validate import today_utc

    for m in real_site.catalog.methods:
        assert m.added, f"{m.id} has no `added`"
        assert "2000-01-01" < m.added <= today_utc().isoformat(), m.id


def test_added_must_be_a_real_day(data_root):
    data_root.method("sample-edit", record() + "added: 2024-02-30\n")
    found = data_root.validate()
    assert any(d.severity == "error" and "added" in d.message for d in found), found
    data_root.method("sample-edit", record() + "added: 2024-2-3\n")
    assert any(d.code == "bad-format" for d in data_root.validate())
    data_root.method("sample-edit", record() + "added: 2024-02-29\n")
    assert not [d for d in data_root.validate() if d.severity == "error"]


def test_added_is_canonical_quoted_and_after_the_other_fields(data_root):
    """Quoted, like arXiv ids: plain YAML readers (yaml.safe_load, editors) would read 2024-05-17 as a date."""
    canonical = canonical_text("added: 2024-05-17\n" + record())
    assert canonical.endswith('\nadded: "2024-05-17"\n')
    assert canonical_text(canonical) == canonical
    data_root.method("sample-edit", record() + "added: 2024-05-17\n")  # our reader keeps it as text either way
    assert not [d for d in data_root.validate() if d.severity == "error"]


def test_new_sets_added_to_today(data_root):
    result = cli(
        "new", "--root", str(data_root.path), "--name", "FreshEdit", "--title", "FreshEdit: Editing Things",
        "--arxiv", "2401.00001", "--strategy", "attention-modification", "--condition", "text",
        "--task", "style-change",
    )
    assert result.exit_code == 0, result.output
    from editsurvey.validate import today_utc

    text = (data_root.path / "methods" / "freshedit.yaml").read_text(encoding="utf-8")
    assert f'\nadded: "{today_utc().isoformat()}"\n' in text
    assert canonical_text(text) == text


# ------------------------------------------------------------------- the feed


def test_feed_of_the_real_site_lists_every_record(real_site):
    raw = (real_site.site / FEED_PATH).read_bytes()
    feed = feedparser.parse(raw)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    methods = real_site.catalog.methods
    assert len(feed.entries) == len(methods)
    assert sorted(e.title for e in feed.entries) == sorted(entry_title(m) for m in methods)
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:") for i in ids)
    newest = max(m.added for m in methods if m.added)
    assert feed.feed.updated.startswith(newest)
    by_title = {entry_title(m): m for m in methods}
    for entry in feed.entries:
        m = by_title[entry.title]
        assert entry.updated.startswith(m.added)
        assert entry.link.endswith(f"methods/{m.id}/")
        target = real_site.site / entry.link / "index.html"
        assert target.is_file(), entry.link


def test_feed_is_newest_first_and_keeps_hostile_text_as_text(tmp_path):
    catalog = _catalog(_dated_copy(tmp_path))
    xml = additions_atom(catalog)
    assert "<script>" not in xml and "]]>" not in xml and "\a" not in xml
    feed = feedparser.parse(xml.encode("utf-8"))
    assert not feed.bozo, feed.get("bozo_exception")
    days = [e.updated[:10] for e in feed.entries]
    assert days == sorted(days, reverse=True)
    assert days[:3] == ["2027-03-02", "2027-03-02", "2027-01-15"]
    by_id = {m.id: m for m in catalog.methods}
    first = [by_id[i] for i in ("imagic", "zone", "aidi")]  # same day: by name
    assert [e.title for e in feed.entries[:3]] == [entry_title(m) for m in first]
    hostile = feed.entries[1]
    assert hostile.title == f"ZONE: {HOSTILE_TITLE}"
    assert hostile.title_detail.type == "text/plain"
    assert HOSTILE_TITLE in hostile.summary and "\ufffd" in hostile.summary
    assert len(feed.entries) == len(catalog.methods)
    assert feed.feed.updated.startswith("2027-03-02")


def test_records_without_added_stay_out_of_the_feed(tmp_path):
    root = copy_data(tmp_path / "data")
    path = root / "methods" / "zone.yaml"
    path.write_text(re.sub(r"(?m)^added: .*\n", "", path.read_text(encoding="utf-8")), encoding="utf-8")
    catalog = _catalog(root)
    feed = feedparser.parse(additions_atom(catalog).encode("utf-8"))
    assert not feed.bozo
    assert len(feed.entries) == len(catalog.methods) - 1
    assert "zone" not in {e.link.split("/")[-2] for e in feed.entries}
    page = render_pages(catalog)["recent/index.md"]
    assert "1 method has no date of addition yet" in page


def test_two_builds_give_byte_identical_feeds(real_site):
    first, _ = load_catalog(real_site.root)
    second, _ = load_catalog(real_site.root)
    assert first is not None and second is not None
    one = site_files(first, real_site.root)[FEED_PATH]
    two = site_files(second, real_site.root)[FEED_PATH]
    assert one == two
    assert (real_site.site / FEED_PATH).read_bytes() == one  # the engine copies it unchanged


# ------------------------------------------------------- the Recently added page


def test_recently_added_page_groups_by_day_newest_first(tmp_path):
    catalog = _catalog(_dated_copy(tmp_path))
    page = render_pages(catalog)["recent/index.md"]
    headings = re.findall(r"(?m)^## (\S+)$", page)
    added = sorted({m.added for m in catalog.methods if m.added}, reverse=True)
    assert headings == added and headings[:2] == ["2027-03-02", "2027-01-15"]
    sections = re.split(r"(?m)^## \S+$", page)[1:]
    linked = [re.findall(r"\(\.\./methods/([a-z0-9-]+)/index\.md\)", s) for s in sections]
    assert linked[0] == ["imagic", "zone"] and linked[1] == ["aidi"]
    assert sum(len(group) for group in linked[2:]) == len(catalog.methods) - 3
    assert "&lt;script&gt;" in sections[0] and "<script>" not in page


def test_recently_added_page_is_built_and_in_the_navigation(real_site):
    page = real_site.site / "recent" / "index.html"
    html = soup(page)
    main = content(html)
    assert main.find("h1").get_text(strip=True).startswith("Recently added")
    day = real_site.catalog.methods[0].added
    assert main.find("h2", id=day) is not None or any(day in h.get_text() for h in main.find_all("h2"))
    feed_links = [a["href"] for a in main.find_all("a", href=True) if a["href"].endswith("feed.xml")]
    assert feed_links and (page.parent / feed_links[0]).resolve() == (real_site.site / FEED_PATH).resolve()
    home = soup(real_site.site / "index.html")
    nav_labels = [a.get_text(strip=True) for a in home.select("nav a")]
    assert "Recently added" in nav_labels


def test_repository_records_carry_added_as_text():
    for path in sorted((REPO / "methods").glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        assert re.search(r'(?m)^added: "\d{4}-\d{2}-\d{2}"$', text), path.name
        assert isinstance(yaml.safe_load(text)["added"], str), path.name  # what other YAML readers see
