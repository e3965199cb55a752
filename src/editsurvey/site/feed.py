"""What's new: the records by the day they entered the catalogue, and an Atom feed of them.

The day is the record's `added` field (data, never the build time), so two
builds of the same data give byte-identical feeds. Records without `added`
are left out of both until they get one.
"""

from __future__ import annotations

import re
from itertools import groupby

from ..catalog import Catalog
from ..models import MethodRecord
from .links import method_src, page_src, url_of

RECENT_PAGE = "recent"  # the Recently added page: page_src("recent")
FEED_PATH = "feed.xml"  # at the site root, so that entry links are relative to it
# Entry ids are tag: URIs (RFC 4151) naming the record id, which never changes (renames keep former ids):
# they stay the same wherever the site is served from.
TAG_AUTHORITY = "tag:editsurvey,2026"
FEED_TITLE = "editsurvey: methods added to the catalogue"

# Characters XML 1.0 does not allow at all (a YAML escape such as "\x01" or "\uFFFE" can put them into a record).
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_XML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;"}


def xml_text(value: object) -> str:
    """Text for XML character data or an attribute value: markup characters escaped, forbidden ones replaced."""
    text = _NOT_XML.sub("\ufffd", str(value))
    return re.sub(r"[&<>\"']", lambda m: _XML_ESCAPES[m.group()], text)


def additions(catalog: Catalog) -> list[MethodRecord]:
    """Records with an `added` day, newest first; on one day by name, then id."""
    dated = [m for m in catalog.methods if m.added]
    dated.sort(key=lambda m: (m.name.casefold(), m.id))
    return sorted(dated, key=lambda m: m.added or "", reverse=True)  # stable: keeps the name order within a day


def additions_by_day(catalog: Catalog) -> list[tuple[str, list[MethodRecord]]]:
    """(day, records added that day), newest day first."""
    return [(day, list(group)) for day, group in groupby(additions(catalog), key=lambda m: m.added or "")]


def entry_title(m: MethodRecord) -> str:
    """The method's name and its paper's title, without saying the name twice."""
    return m.title if m.title.casefold().startswith(m.name.casefold()) else f"{m.name}: {m.title}"


def entry_id(m: MethodRecord) -> str:
    return f"{TAG_AUTHORITY}:methods/{m.id}"


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def additions_atom(catalog: Catalog) -> str:
    """An Atom 1.0 feed (RFC 4287) of the additions, newest first; every value from the data."""
    records = additions(catalog)
    updated = _timestamp(records[0].added) if records and records[0].added else "1970-01-01T00:00:00Z"
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <id>{TAG_AUTHORITY}:additions</id>",
        f'  <title type="text">{xml_text(FEED_TITLE)}</title>',
        "  <subtitle>Diffusion-model-based image editing methods, as they enter the catalogue.</subtitle>",
        f"  <updated>{updated}</updated>",
        "  <author><name>editsurvey</name></author>",
        f'  <link rel="self" type="application/atom+xml" href="{FEED_PATH}"/>',
        f'  <link rel="alternate" type="text/html" href="{url_of(page_src(RECENT_PAGE))}"/>',
    ]
    for m in records:
        day = _timestamp(m.added or "")
        venue = f"{m.venue} {m.year}"
        summary = f"{entry_title(m)} ({venue}). {' '.join(m.summary.split())}"
        lines += [
            "  <entry>",
            f"    <id>{entry_id(m)}</id>",
            f'    <title type="text">{xml_text(entry_title(m))}</title>',
            f'    <link rel="alternate" type="text/html" href="{xml_text(url_of(method_src(m.id)))}"/>',
            f"    <published>{day}</published>",
            f"    <updated>{day}</updated>",
            f'    <category term="{xml_text(m.strategy)}" label="{xml_text(catalog.node(m.strategy).label)}"/>'
            if m.strategy in catalog.taxonomy.nodes
            else "",
            f'    <summary type="text">{xml_text(summary)}</summary>',
            "  </entry>",
        ]
    lines.append("</feed>")
    return "\n".join(line for line in lines if line) + "\n"


def recent_context(catalog: Catalog) -> dict[str, object]:
    """Template variables of the Recently added page."""
    days = additions_by_day(catalog)
    return dict(days=days, total=sum(len(ms) for _, ms in days), undated=sum(1 for m in catalog.methods if not m.added))
