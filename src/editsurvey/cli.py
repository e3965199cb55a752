"""The `editsurvey` command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from . import diagnostics as diag
from .dataset import TAXONOMY_DIR
from .parsecache import user_cache
from .progress import Progress

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
        "--root",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        default=None,
        help="Data root holding taxonomy/, methods/ and benchmarks/ (default: the repository).",
    )(func)


def resolve_root(root: Path | None) -> Path:
    return root.resolve() if root else find_root(Path.cwd())


def report(
    records: int, found: list[diag.Diagnostic], output_format: str, stream=None, summary: str | None = None
) -> None:
    """Print diagnostics in a format, then a summary line (default: `N records, M errors, K warnings`)."""
    stream = stream or sys.stdout
    if output_format == "json":
        click.echo(diag.format_json(records, found), file=stream)
        return
    render = diag.format_github if output_format == "github" else diag.format_text
    for d in found:
        click.echo(render(d), file=stream)
    click.echo(summary or diag.summary_line(records, found), file=stream)


def load_catalog_or_exit(root: Path, mention_warnings: bool = False):
    """For commands that need clean data: print the errors and stop on them."""
    from .catalog import load_catalog

    catalog, found = load_catalog(root, progress=Progress("reading records", 0), cache=user_cache(root))
    errors, warnings = diag.count(found)
    if catalog is None:
        for d in found:
            if d.severity == "error":
                click.echo(diag.format_text(d), err=True)
        click.echo(f"{errors} errors, {warnings} warnings: fix the errors above; nothing was written", err=True)
        sys.exit(1)
    if warnings and mention_warnings:  # the data is usable; `validate` lists them
        click.echo(f"{warnings} warnings; `editsurvey validate` lists them", err=True)
    return catalog


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="editsurvey")
def main() -> None:
    """editsurvey: the validated catalogue of diffusion-model-based image editing methods."""


@main.command("validate")
@root_option
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for GitHub Actions annotations.",
)
def validate_command(root: Path | None, output_format: str) -> None:
    """Check taxonomy/, methods/ and benchmarks/ and print every problem at once.

    Exit status: 0 when there are no errors (warnings allowed), 1 when there
    are errors, 2 on a usage error.
    """
    from .validate import validate_root

    root = resolve_root(root)
    data, found = validate_root(root, progress=Progress("reading records", 0), cache=user_cache(root))
    report(len(data.method_stems), found, output_format)
    sys.exit(1 if diag.count(found)[0] else 0)


@main.command("rules")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown"]),
    default="text",
    show_default=True,
    help="text for the terminal, markdown for a table on a documentation page.",
)
def rules_command(output_format: str) -> None:
    """List every diagnostic code with its severity and its meaning."""
    from .rules import rules_as_markdown, rules_as_text
    from .validate import RULES

    click.echo(rules_as_markdown(RULES) if output_format == "markdown" else rules_as_text(RULES))


@main.command()
@root_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write the schema to this file instead of printing it.",
)
@click.option("--check", is_flag=True, help=f"Exit 1 if the committed {'schema/method.schema.json'} is stale.")
def schema(root: Path | None, output: Path | None, check: bool) -> None:
    """Print the JSON Schema of a method record (structure plus taxonomy ids)."""
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


@main.command("issue-form")
@root_option
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if the committed form is out of date.")
def issue_form_command(root: Path | None, check: bool) -> None:
    """Regenerate the taxonomy questions of the "suggest a method" issue form."""
    import yaml

    from .issueform import FORM_PATH, dumps, issue_form

    root = resolve_root(root)
    catalog = load_catalog_or_exit(root)
    target = root / FORM_PATH
    try:
        current = target.read_text(encoding="utf-8")
        form = yaml.safe_load(current)
    except (OSError, yaml.YAMLError) as exc:
        click.echo(f"error: cannot read {FORM_PATH}: {exc}", err=True)
        sys.exit(2)
    text = dumps(issue_form(form, catalog.taxonomy))
    if check:
        if text != current:
            click.echo(f"{FORM_PATH}: out of date; run `editsurvey issue-form`", err=True)
            sys.exit(1)
        click.echo(f"{FORM_PATH}: up to date")
    elif text != current:
        target.write_text(text, encoding="utf-8")
        click.echo(f"wrote {FORM_PATH}")
    else:
        click.echo(f"{FORM_PATH}: up to date")


def summary_option(func):
    return click.option(
        "--summary",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Also append a Markdown report to this file (e.g. $GITHUB_STEP_SUMMARY).",
    )(func)


def _site_dir_option(func):
    return click.option(
        "-d",
        "--site-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Where to write the site (default: site/ under the root).",
    )(func)


def _engine_option(func):
    # The names of site.engines.ENGINES (tests/test_engines.py checks they agree); MkDocs is the default.
    return click.option(
        "--engine",
        type=click.Choice(["mkdocs", "zensical"]),
        default="mkdocs",
        show_default=True,
        help="The site engine that renders and serves the generated pages.",
    )(func)


@main.command()
@root_option
@_site_dir_option
@click.option(
    "--strict/--no-strict",
    default=True,
    show_default=True,
    help="Treat engine warnings (broken links, missing pages) as errors.",
)
@_engine_option
def build(root: Path | None, site_dir: Path | None, strict: bool, engine: str) -> None:
    """Validate the data, generate the pages and exports, and render the site.

    Bad data stops the build before anything is written; a failed render
    leaves the previous site in place.
    """
    from .site.build import BuildError, build_site
    from .site.process import Stopped
    from .site.target import refusal

    root = resolve_root(root)
    site = (site_dir or root / "site").resolve()
    problem = refusal(root, site)
    if problem:
        click.echo(f"error: will not write the site to {site}: {problem}", err=True)
        click.echo("hint: give --site-dir a new or empty folder, or one an earlier build made", err=True)
        sys.exit(2)
    catalog = load_catalog_or_exit(root, mention_warnings=True)
    try:
        prepared = build_site(catalog, root, site, engine=engine, strict=strict)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or 'the site'}: {exc.strerror}; nothing was replaced", err=True)
        sys.exit(1)
    except Stopped as exc:
        click.echo(f"build {exc}; the previous site was left as it was", err=True)
        sys.exit(128 + exc.signum)
    pages = sum(1 for p in prepared.files if p.endswith(".md"))
    click.echo(f"built {pages} pages from {len(catalog.methods)} methods into {site}")


@main.command()
@root_option
@click.option("-a", "--dev-addr", default="127.0.0.1:8000", show_default=True, help="Address to serve on.")
@click.option("--open", "open_browser", is_flag=True, help="Open the site in a browser.")
@_engine_option
def serve(root: Path | None, dev_addr: str, open_browser: bool, engine: str) -> None:
    """Build and serve the site locally; editing a YAML file reloads the page."""
    import socket

    from .site.build import BuildError, prepare_serve, serve_site
    from .site.process import Stopped

    root = resolve_root(root)
    host, _, port = dev_addr.rpartition(":")
    try:
        with socket.socket() as probe:
            probe.bind((host or "127.0.0.1", int(port)))
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not HOST:PORT"
        click.echo(f"error: cannot serve on {dev_addr}: {reason}", err=True)
        click.echo("hint: stop what uses that port, or pass another one: --dev-addr 127.0.0.1:8001", err=True)
        sys.exit(2)
    catalog = load_catalog_or_exit(root, mention_warnings=True)
    try:
        prepared = prepare_serve(catalog, root, engine=engine)
    except BuildError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    except OSError as exc:
        click.echo(f"error: cannot write {exc.filename or 'the pages'}: {exc.strerror}", err=True)
        sys.exit(1)
    click.echo(f"serving on http://{dev_addr}/ with {engine} (Ctrl+C to stop)")
    try:
        sys.exit(serve_site(root, prepared, engine=engine, dev_addr=dev_addr, open_browser=open_browser))
    except KeyboardInterrupt:
        sys.exit(0)
    except Stopped as exc:
        sys.exit(128 + exc.signum)


# ------------------------------------------------------------- contributing


def _taxonomy_order(root: Path):
    """A sort key putting taxonomy ids in taxonomy order (unknown ids last), the taxonomy, the data."""
    from .dataset import load_dataset

    data = load_dataset(root)
    tax = data.taxonomy()
    return tax.list_order(), tax, data


@main.command("fmt")
@root_option
@click.option("--check", is_flag=True, help="Change nothing; list the files that differ and exit 1 if any do.")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def fmt_command(root: Path | None, check: bool, files: tuple[Path, ...]) -> None:
    """Rewrite method records into canonical form (default: every file in methods/).

    Field order, list order (taxonomy order) and quoting become canonical;
    data and comments are kept. A file whose comments cannot be kept is
    refused and left unchanged.
    """
    from .dataset import METHODS_DIR
    from .loader import MAX_FILE_BYTES
    from .recordfmt import FormatRefused, canonical_text

    root = resolve_root(root)
    order, _, _ = _taxonomy_order(root)
    targets = sorted(files) if files else sorted((root / METHODS_DIR).glob("*.yaml"))
    differ, refused = [], []
    for path in targets:
        resolved = path.resolve()
        shown = resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else str(path)
        if path.is_symlink() and not resolved.is_relative_to(root):
            refused.append(shown)
            click.echo(f"{shown}: refused: a symbolic link to a file outside the data root", err=True)
            continue
        if path.stat().st_size > MAX_FILE_BYTES:
            refused.append(shown)
            click.echo(f"{shown}: refused: larger than {MAX_FILE_BYTES} bytes, the limit for a record", err=True)
            continue
        try:
            text = path.read_bytes().decode("utf-8-sig")
            canonical = canonical_text(text, order)
        except (FormatRefused, UnicodeDecodeError) as exc:
            refused.append(shown)
            click.echo(f"{shown}: refused: {exc}", err=True)
            continue
        if canonical != text:
            differ.append(shown)
            if check:
                click.echo(f"{shown}: not in canonical form")
            else:
                path.write_text(canonical, encoding="utf-8")
                click.echo(f"{shown}: formatted")
    if check:
        click.echo(f"{len(targets)} files checked, {len(differ)} to format, {len(refused)} refused")
        sys.exit(1 if differ or refused else 0)
    click.echo(f"{len(targets)} files checked, {len(differ)} formatted, {len(refused)} refused")
    sys.exit(1 if refused else 0)


def _split(values: tuple[str, ...]) -> list[str]:
    out: list[str] = []
    for value in values:
        out.extend(v.strip() for v in value.split(",") if v.strip())
    return out


@main.command()
@root_option
@click.option("--id", "method_id", help="Record id (default: derived from the name).")
@click.option(
    "--name", prompt="Short name of the method (e.g. InstructPix2Pix)", help="The name the method is known by."
)
@click.option("--title", prompt="Paper title, as the paper capitalises it", help="The paper's title.")
@click.option("--arxiv", help="arXiv id, e.g. 2211.09800; sets the paper link and the date if not given.")
@click.option("--paper", help="The paper's own page (https://); default: its arXiv page.")
@click.option("--date", help="YYYY-MM of the first public version; default: the arXiv id's month.")
@click.option("--venue", default="arXiv", show_default=True, help="Venue name from taxonomy/venues.yaml.")
@click.option("--year", type=int, help="Publication year; default: the year of --date.")
@click.option(
    "--strategy",
    prompt="Strategy sub-category id (see taxonomy/strategies.yaml)",
    help="Learning-strategy sub-category id.",
)
@click.option("--condition", "conditions", multiple=True, help="Input condition id; repeat or comma-separate.")
@click.option("--task", "tasks", multiple=True, help="Editing task id; repeat or comma-separate.")
@click.option(
    "--axis-value",
    "axis_values",
    multiple=True,
    metavar="FIELD=ID",
    help="A node of another taxonomy axis, e.g. backbone=latent-unet; repeat for each.",
)
@click.option(
    "--evidence",
    "evidence_pairs",
    multiple=True,
    metavar="ID=POINTER",
    help="Where the paper shows a value, e.g. text=abstract or style-change='Fig. 3'; repeat for each.",
)
@click.option("--author", "authors", multiple=True, help="An author, in paper order; repeat for each.")
@click.option("--code", help="Official code repository (https://).")
@click.option("--project", help="Official project page (https://).")
@click.option("--doi", help="DOI, e.g. 10.1145/3588432.3591513.")
@click.option("--base-model", help="Pretrained model the method builds on.")
@click.option("--summary", help="One to three sentences on what the method does and how.")
def new(
    root: Path | None,
    method_id: str | None,
    name: str,
    title: str,
    arxiv: str | None,
    paper: str | None,
    date: str | None,
    venue: str,
    year: int | None,
    strategy: str,
    conditions: tuple[str, ...],
    tasks: tuple[str, ...],
    axis_values: tuple[str, ...],
    evidence_pairs: tuple[str, ...],
    authors: tuple[str, ...],
    code: str | None,
    project: str | None,
    doi: str | None,
    base_model: str | None,
    summary: str | None,
) -> None:
    """Create methods/<id>.yaml from options, checked against the taxonomy as it goes."""
    import re

    from .dataset import METHODS_DIR
    from .models import EVIDENCE_PATTERN, ID_PATTERN
    from .pointers import split as split_pointers
    from .pointers import unlinked_source
    from .recordfmt import format_record
    from .validate import arxiv_month, suggest, today_utc

    root = resolve_root(root)
    order, tax, data = _taxonomy_order(root)
    venues = {v.name for v in data.venues.model.venues} if data.venues else set()
    problems: list[str] = []

    axis_of = tax.record_fields()

    def check_ids(field_name: str, values: list[str]) -> None:
        if field_name not in axis_of:
            problems.append(f"no taxonomy axis fills `{field_name}`: one of {', '.join(axis_of)}")
            return
        axis = axis_of[field_name]
        allowed = [n.id for n in tax.assignable(axis)]
        for value in values:
            if value not in allowed:
                hint = suggest(value, allowed) or f"valid: {', '.join(allowed)}"
                problems.append(f"unknown {tax.axes[axis].noun} `{value}`: {hint}")

    method_id = method_id or re.sub(r"[^a-z0-9]+", "-", name.lower().replace("++", "-plus-plus")).strip("-")
    if not re.fullmatch(ID_PATTERN, method_id):
        shown = method_id or "(empty)"
        click.echo(
            f"error: `{shown}` is not a valid id: use lowercase letters, digits and single hyphens, "
            "e.g. --id my-method (nothing was written)",
            err=True,
        )
        sys.exit(2)
    conditions_list = _split(conditions) or _split((click.prompt("Input condition ids, comma-separated"),))
    tasks_list = _split(tasks) or _split((click.prompt("Editing task ids, comma-separated"),))
    check_ids("strategy", [strategy])
    check_ids("conditions", conditions_list)
    check_ids("tasks", tasks_list)
    more: dict[str, list[str]] = {}
    for pair in axis_values:
        field_name, _, value = pair.partition("=")
        more.setdefault(field_name.strip(), []).extend(_split((value,)))
    for field_name, values in more.items():
        check_ids(field_name, values)
    if venues and venue not in venues:
        problems.append(f"unknown venue `{venue}`: {suggest(venue, venues) or 'add it to taxonomy/venues.yaml'}")
    curated = [strategy, *conditions_list, *tasks_list, *(v for values in more.values() for v in values)]
    evidence: dict[str, str] = {}
    for pair in evidence_pairs:
        node_id, _, pointer = (part.strip() for part in pair.partition("="))
        if node_id not in [*curated, "venue"]:
            problems.append(
                f"evidence for `{node_id}`, which the record does not list: {suggest(node_id, curated) or ''}"
            )
        elif not re.fullmatch(EVIDENCE_PATTERN, pointer):
            problems.append(f"`{pointer}` is not a pointer: write abstract, Fig. 2, Sec. 4.1, project page, ...")
        else:
            evidence[node_id] = pointer
    if arxiv:
        arxiv = re.sub(r"^(https?://arxiv\.org/abs/|arXiv:)", "", arxiv.strip())
        arxiv = re.sub(r"v\d+$", "", arxiv)
        date = date or arxiv_month(arxiv)
        paper = paper or f"https://arxiv.org/abs/{arxiv}"
    if not paper:
        problems.append("no paper link: give --paper URL or --arxiv ID")
    links = {"paper": paper, "arxiv": arxiv, "doi": doi, "code": code, "project": project}
    given = {name for name, value in links.items() if value}
    problems.extend(
        f"evidence `{node_id}={pointer}` points into {unlinked[1]}: give --{unlinked[0]} too"
        for node_id, pointers in evidence.items()
        for pointer in split_pointers(pointers)
        if (unlinked := unlinked_source(pointer, given))
    )
    if not date:
        problems.append("no date: give --date YYYY-MM or --arxiv ID")
    target = root / METHODS_DIR / f"{method_id}.yaml"
    if target.exists():
        problems.append(
            f"{target.relative_to(root).as_posix()} already exists; choose another --id (nothing was overwritten)"
        )
    if problems:
        for problem in problems:
            click.echo(f"error: {problem}", err=True)
        sys.exit(2)

    provenance = {"source": "contribution", "strategy": "curated", "conditions": "curated", "tasks": "curated"}
    record: dict[str, Any] = {
        "id": method_id,
        "name": name,
        "title": title,
        "authors": list(authors) or None,
        "date": date,
        "venue": venue,
        "year": year or int(str(date)[:4]),
        "links": {k: v for k, v in links.items() if v},
        "strategy": strategy,
        "conditions": conditions_list,
        "tasks": tasks_list,
        "base_model": base_model,
        "evidence": evidence or None,
        "summary": summary or "TODO: one to three sentences on what the method does and how.",
        "provenance": provenance,
        "added": today_utc().isoformat(),  # the day it enters the catalogue: the Recently added page and the feed
    }
    for field_name, values in more.items():  # axes added as data
        many = tax.axes[axis_of[field_name]].record.many
        record[field_name] = values if many else values[0]
        provenance[field_name] = "curated"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(format_record(record, order=order), encoding="utf-8")
    rel = target.relative_to(root).as_posix()
    click.echo(f"created {rel}")
    steps = []
    missing = [node_id for node_id in curated if node_id not in evidence]
    if missing:
        steps.append("add `evidence` (where the paper shows it) for: " + ", ".join(missing))
    steps.extend(
        f"name the {axis.noun} (`--axis-value {axis.record.field}=ID`, with its evidence)"
        for axis in tax.axes.values()
        if axis.record.required and axis.record.field not in record
    )
    if not summary:
        steps.append("write the `summary` (one to three sentences, your own words)")
    if not authors:
        steps.append("add `authors` if you can (optional)")
    if not code:
        steps.append("add `links.code` if the paper has official code (optional)")
    steps.append(f"run `editsurvey validate` and `editsurvey fmt {rel}`, then open a pull request")
    click.echo("next:")
    for step in steps:
        click.echo(f"  - {step}")


@main.command("diff")
@root_option
@click.argument("base")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "markdown", "json"]),
    default="markdown",
    show_default=True,
    help="markdown for a pull request's job summary, text for the terminal, json for programs.",
)
@summary_option
def diff_command(root: Path | None, base: str, output_format: str, summary: Path | None) -> None:
    """What the data in the work tree changes in the catalogue compared with git ref BASE.

    Records added, removed and changed field by field, classifications moved
    on each taxonomy axis, pages added and removed. BASE is read from git
    (never checked out). Exit 0 with a report, 2 when BASE or the repository
    cannot be read.
    """
    from .review import ReviewError, catalogue_diff, render, to_markdown

    root = resolve_root(root)
    try:
        found = catalogue_diff(root, base)
    except ReviewError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except OSError as exc:
        click.echo(f"error: cannot read the data: {exc.strerror or exc}", err=True)
        sys.exit(2)
    click.echo(render(found, output_format), nl=False)
    if summary:
        with summary.open("a", encoding="utf-8") as handle:
            handle.write(to_markdown(found))


@main.command("check-links")
@root_option
@click.option(
    "--retry-after",
    type=float,
    default=30,
    show_default=True,
    help="Seconds to wait before trying failed links again; only a second failure counts.",
)
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="text", show_default=True)
@summary_option
def check_links_command(root: Path | None, retry_after: float, output_format: str, summary: Path | None) -> None:
    """Check every external link of the records (needs the network; not for pull requests).

    Exit 1 when a link failed twice.
    """
    from .catalog import Catalog
    from .linkcheck import check_links, record_links
    from .validate import validate_root

    root = resolve_root(root)
    data, found = validate_root(root)
    if diag.count(found)[0]:
        report(len(data.method_stems), found, "text", sys.stderr)
        sys.exit(1)
    catalog = Catalog.from_dataset(data)
    docs = {item.model.id: item.doc for item in data.methods}
    outcomes = check_links(record_links(catalog), retry_after=retry_after)
    dead = []
    for outcome in outcomes:
        if outcome.ok:
            continue
        link = outcome.link
        loc = tuple(link.field.split("."))
        dead.append(
            docs[link.method_id].diagnostic(
                loc,
                "dead-link",
                f"{link.url} failed twice ({outcome.detail})",
                "fix or remove the link if the page has moved or gone",
            )
        )
    report(len(outcomes), dead, output_format, summary=f"{len(outcomes)} links checked, {len(dead)} dead")
    if summary:
        lines = [f"## Link check: {len(dead)} dead of {len(outcomes)}", ""]
        lines += [f"- `{d.path}:{d.line}` {d.message}" for d in dead] or ["All links answered."]
        with summary.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
    sys.exit(1 if dead else 0)
