"""The `editsurvey` command."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from . import diagnostics as diag
from .dataset import TAXONOMY_DIR

FORMATS = ("text", "json", "github")


def find_root(start: Path) -> Path:
    """The nearest folder at or above `start` that holds taxonomy/; else `start`."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / TAXONOMY_DIR).is_dir():
            return folder
    return start


def root_option(func):
    return click.option(
        "--root", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
        help="Data root holding taxonomy/, methods/ and benchmarks/ (default: the repository).",
    )(func)


def resolve_root(root: Path | None) -> Path:
    return root.resolve() if root else find_root(Path.cwd())


def report(records: int, found: list[diag.Diagnostic], fmt: str, stream=None) -> None:
    stream = stream or sys.stdout
    if fmt == "json":
        click.echo(diag.format_json(records, found), file=stream)
        return
    render = diag.format_github if fmt == "github" else diag.format_text
    for d in found:
        click.echo(render(d), file=stream)
    click.echo(diag.summary_line(records, found), file=stream)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="editsurvey")
def main() -> None:
    """editsurvey: the validated catalogue of diffusion-model-based image editing methods."""


@main.command()
@root_option
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="text for people, json for programs, github for GitHub Actions annotations.")
def validate(root: Path | None, fmt: str) -> None:
    """Check taxonomy/, methods/ and benchmarks/ and print every problem at once.

    Exit status: 0 when there are no errors (warnings allowed), 1 when there
    are errors, 2 on a usage error.
    """
    from .validate import validate as run

    data, found = run(resolve_root(root))
    report(len(data.method_stems), found, fmt)
    sys.exit(1 if diag.count(found)[0] else 0)


@main.command()
@root_option
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the schema to this file instead of printing it.")
@click.option("--check", is_flag=True, help=f"Exit 1 if the committed {'schema/method.schema.json'} is stale.")
def schema(root: Path | None, output: Path | None, check: bool) -> None:
    """Print the JSON Schema of a method record (structure plus taxonomy ids)."""
    from .catalog import load_catalog_or_exit
    from .schema import SCHEMA_PATH, dumps, method_schema

    root = resolve_root(root)
    catalog = load_catalog_or_exit(root)
    text = dumps(method_schema(catalog.taxonomy, catalog.venue_names))
    if check:
        target = output or root / SCHEMA_PATH
        current = target.read_text(encoding="utf-8") if target.exists() else ""
        if current != text:
            click.echo(f"{target}: out of date; run `editsurvey schema -o {target}`", err=True)
            sys.exit(1)
        click.echo(f"{target}: up to date")
    elif output:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
    else:
        click.echo(text, nl=False)
