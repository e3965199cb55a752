"""Which folders a build may replace, and the mark that says a folder is our site.

A build replaces its output folder whole. Given a wrong path (`.`, `methods`,
a home folder), that would delete what it never created, so a target must be
new, empty, or a site an earlier build marked as its own.
"""

from __future__ import annotations

from pathlib import Path

SITE_MARKER = ".editsurvey-site"
MARKER_TEXT = "Built by `editsurvey build`, which may replace this whole folder.\n"
# Folders of the repository that hold sources, never output.
PROTECTED = ("taxonomy", "methods", "benchmarks", "docs", "src", ".git", "build", "schema", "reference", "tests")


def refusal(root: Path, site: Path) -> str | None:
    """Why `site` must not be replaced by a build of `root`; None when it may."""
    root, site = root.resolve(), site.resolve()
    if site == root:
        return "it is the data root itself"
    if root.is_relative_to(site):
        return "it contains the data root"
    for name in PROTECTED:
        folder = (root / name).resolve()
        if site == folder or site.is_relative_to(folder):
            return f"it lies inside {name}/, which holds the project's own files"
    if site.exists() or site.is_symlink():
        if not site.is_dir():
            return "it is a file, not a folder"
        if any(site.iterdir()) and not (site / SITE_MARKER).is_file():
            return (
                f"it is a folder with files that no editsurvey build made (no {SITE_MARKER} in it); "
                "remove it yourself if it is an old site"
            )
    return None


def mark(folder: Path) -> None:
    (folder / SITE_MARKER).write_text(MARKER_TEXT, encoding="utf-8")
