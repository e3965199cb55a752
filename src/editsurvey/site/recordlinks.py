"""Links from a method page to its YAML file (edit) and to a pre-filled "report an error" issue.

Both are GitHub URLs built from `extra.editsurvey_repository` in the data
root's mkdocs.yml (`extra: {editsurvey_repository: https://github.com/OWNER/REPO}`),
a key of ours: Material's own `repo_url` would also make every page fetch the
repository's star count from GitHub, and the site works offline. Without it,
or with an address that is not a GitHub repository, no such links.
The issue form is .github/ISSUE_TEMPLATE/report-an-error.yml; the query
string fills its fields by their ids.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml

from ..catalog import Catalog
from ..models import MethodRecord

CONFIG_NAME = "mkdocs.yml"
CONFIG_KEY = "editsurvey_repository"
REPORT_FORM = "report-an-error.yml"
# Ids of the form's fields that a method page fills in.
REPORT_FIELDS = ("record", "file")
# GitHub resolves HEAD to the repository's default branch.
BRANCH = "HEAD"
_GITHUB_REPO = re.compile(r"https://github\.com/[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}")


def repo_url(root: Path) -> str | None:
    """The GitHub repository named in the data root's mkdocs.yml, without a trailing slash or `.git`."""
    path = root / CONFIG_NAME
    try:
        stat = path.stat()
    except OSError:
        return None
    return _repo_url(path, stat.st_mtime_ns, stat.st_size)


@cache
def _repo_url(path: Path, mtime_ns: int, size: int) -> str | None:
    try:
        config = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return None
    extra = config.get("extra") if isinstance(config, dict) else None
    value = extra.get(CONFIG_KEY) if isinstance(extra, dict) else None
    if not isinstance(value, str):
        return None
    url = value.strip().rstrip("/")
    url = url[: -len(".git")] if url.endswith(".git") else url
    return url if _GITHUB_REPO.fullmatch(url) else None


def edit_url(repo: str, file: str) -> str:
    return f"{repo}/edit/{BRANCH}/{quote(file)}"


def report_url(repo: str, method: MethodRecord, file: str) -> str:
    query = urlencode(
        {
            "template": REPORT_FORM,
            "title": f"Error in {method.name} ({method.id})",
            "record": method.id,
            "file": file,
        }
    )
    return f"{repo}/issues/new?{query}"


def record_links(catalog: Catalog, method: MethodRecord) -> dict[str, str] | None:
    """{"edit": …, "report": …} for a method page, or None when the site has no GitHub repo_url."""
    repo = repo_url(catalog.root)
    if repo is None:
        return None
    file = catalog.files[method.id]
    return {"edit": edit_url(repo, file), "report": report_url(repo, method, file)}
