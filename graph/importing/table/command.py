"""`ikg import table`: the click command over graph/importing/table/plan.py."""

from __future__ import annotations

from pathlib import Path

import click

from graph.errors import SourceError
from graph.settings import Settings

#: the kinds of table (graph/importing/table/rows.py CONVERTERS; the command line imports the
#: importer only when the command runs)
KIND_CHOICES = ("actors", "memberships", "measures")


@click.command("table")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--municipality", "slug", required=True, metavar="SLUG", help="e.g. musterstadt")
@click.option(
    "--kind",
    type=click.Choice(KIND_CHOICES),
    default="actors",
    show_default=True,
    help="What the rows are: actors (with their networks), memberships, or measures.",
)
@click.option(
    "--sheet",
    default=None,
    help="The sheet of a workbook (default: the first with a recognised header).",
)
@click.option(
    "--mapping",
    "mapping_path",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help='A YAML file naming the field of each column: columns: {"Header": field}.',
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder with one sub-folder per municipality and reference/ (default: data/, or "
    "IKG_DATA).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be added, changed and removed.")
def table_command(
    file: Path,
    slug: str,
    kind: str,
    sheet: str | None,
    mapping_path: Path | None,
    data_dir: Path | None,
    dry_run: bool,
) -> None:
    """Import a table (CSV, XLSX, ODS) of actors, memberships or measures into
    data/SLUG/. Columns of personal data (contact persons, phone, e-mail, address) are
    dropped; every record cites its row of a cleaned copy of the table under tabellen/.

    \b
    ikg import table akteure.xlsx --municipality musterstadt
    ikg import table massnahmen.csv --municipality musterstadt --kind measures --dry-run
    """
    from graph.importing.table.plan import apply, prepare_import
    from graph.importing.whole import written_whole

    settings = Settings.from_env()
    prepared = prepare_import(
        file,
        data_dir=data_dir or settings.data_dir,
        slug=slug,
        kind=kind,
        sheet_name=sheet,
        mapping_path=mapping_path,
        seeds_dir=settings.seeds_dir,
    )
    _describe(prepared)
    plan = prepared.plan
    if plan.problems:
        raise SourceError(plan.problems, exit_code=1)
    if dry_run:
        _changes(plan.added, "+ neu / added")
        _changes(plan.changed, "~ geändert / changed")
        _changes(plan.removed, "- entfernt / removed")
        click.echo("Probelauf: nichts geschrieben. / Dry run: nothing written.")
        return
    written = written_whole(prepared.folder, lambda: apply(prepared))
    click.echo(f"Geschrieben / written: {', '.join(written) or '– (alles unverändert)'}")


def _describe(prepared) -> None:
    from graph.sources import kinds

    plan, table, columns = prepared.plan, prepared.table, prepared.table.columns
    how = f"; {prepared.sheet.how}" if prepared.sheet.how != "Arbeitsmappe" else ""
    click.echo(f"Tabelle {table.origin}: Kopfzeile in Zeile {columns.header_row}{how}")
    used = ", ".join(
        f"{columns.header[column]} → {field}" for column, field in sorted(columns.fields.items())
    )
    click.echo(f"Spalten: {used}")
    if columns.personal:
        click.echo(
            "Nicht übernommen, personenbezogene Daten (auch nicht in der Kopie): "
            + ", ".join(columns.names(columns.personal))
        )
    if columns.unused:
        click.echo("Nicht verwendet: " + ", ".join(columns.names(columns.unused)))
    click.echo(f"Zeilen gelesen: {plan.rows_read}; leer übersprungen: {plan.rows_empty}")
    if plan.problems:
        return  # what would be written is no news while the rows have problems
    for kind in (kinds.ACTOR, kinds.MEASURE, kinds.MEMBERSHIP):
        added = sum(1 for change in plan.added if change.kind is kind)
        changed = sum(1 for change in plan.changed if change.kind is kind)
        removed = sum(1 for change in plan.removed if change.kind is kind)
        unchanged = plan.unchanged.get(kind, 0)
        if added or changed or removed or unchanged:
            click.echo(
                f"{kind.plural}: {added} neu, {changed} geändert, {unchanged} unverändert, "
                f"{removed} entfernt"
            )
    if plan.elsewhere:
        click.echo(
            "Schon erfasst, nicht als Organisation übernommen (ihre Netzwerke schon): "
            + "; ".join(plan.elsewhere)
        )
    for conflict in plan.conflicts:
        click.echo(f"Konflikt: {conflict}")


def _changes(changes: list, heading: str) -> None:
    for change in changes:
        fields = f" ({', '.join(change.fields)})" if change.fields else ""
        click.echo(f"{heading}: {change.kind.singular} {change.id} „{change.label}“{fields}")
