"""`ikg`: a thin click group over the library.

Exit codes: 0 fine, 1 the data does not conform, 2 usage or load error.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from graph.errors import IkgError, SourceError
from graph.settings import Settings

FORMAT_CHOICE = click.Choice(["table", "csv", "json"])


def _settings() -> Settings:
    return Settings.from_env()


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        click.echo(message, err=True)


def _fail(error: IkgError) -> None:
    if isinstance(error, SourceError):
        click.echo(str(error), err=True)
        click.echo(
            "Nichts wurde gespeichert; der bisherige Store ist unverändert. "
            "Nothing was stored; the previous store is unchanged.",
            err=True,
        )
    else:
        click.echo(f"Fehler: {error}", err=True)
    sys.exit(error.exit_code)


def _data_option(function):
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Folder with one sub-folder per municipality and reference/ (default: data/, "
        "or IKG_DATA).",
    )(function)


def _store_option(function):
    return click.option(
        "--store",
        "store",
        default=None,
        metavar="PATH|URL",
        help="The embedded store's folder, or the URL of a SPARQL 1.1 query endpoint "
        "(default: var/store, or IKG_STORE). Credentials only from IKG_STORE_USER/"
        "IKG_STORE_PASSWORD or IKG_STORE_TOKEN.",
    )(function)


def _open_store(settings: Settings, store: str | None):
    from graph.store import open_store

    return open_store(settings, store)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="integrationsgraph")
def main() -> None:
    """Integrationsgraph: the knowledge graph of municipal integration work.

    Build the graph from the curated data, query it with named queries or SPARQL, export it,
    and serve the web viewer.
    """


@main.command()
@_data_option
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The embedded store's folder (default: var/store, or IKG_STORE). To fill a remote "
    "store, build here and run 'ikg push'.",
)
def build(data_dir: Path | None, store_path: Path | None) -> None:
    """Read, map, validate and store the graph (atomically: on error the old store stays)."""
    from graph.build import build as run_build

    settings = _settings()
    try:
        summary = run_build(
            data_dir or settings.data_dir,
            store_path or settings.store_path,
            seeds_dir=settings.seeds_dir,
            builds_kept=settings.builds_kept,
            progress=_progress,
        )
    except IkgError as error:
        _fail(error)
        return
    _print_summary(summary)


def _print_summary(summary) -> None:
    slugs = sorted(summary.entities)
    kinds = list(next(iter(summary.entities.values()), {}))
    width = max([len(kind) for kind in kinds] + [10])
    click.echo(f"{'':{width}}  " + "  ".join(f"{slug:>12}" for slug in slugs))
    for kind in kinds:
        counts = "  ".join(f"{summary.entities[slug][kind]:>12}" for slug in slugs)
        click.echo(f"{kind:{width}}  {counts}")
    seconds = sum(summary.seconds.values())
    where = f" in {summary.store}" if summary.store else ""
    click.echo(
        f"{summary.triples} Tripel in {len(summary.triples_per_graph)} benannten Graphen{where} "
        f"({seconds:.1f} s)"
    )


@main.command()
@_data_option
def validate(data_dir: Path | None) -> None:
    """Run every check of `build` without writing a store."""
    from graph.build import prepare, summarise

    settings = _settings()
    try:
        prepared = prepare(data_dir or settings.data_dir, settings.seeds_dir, _progress)
    except IkgError as error:
        _fail(error)
        return
    _print_summary(summarise(prepared, None))
    click.echo("Die Daten sind gültig. / The data conforms.")


@main.command(add_help_option=False)
@click.argument("name", required=False)
@click.option("--list", "list_queries", is_flag=True, help="List the named queries.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="A parameter of the query; repeat for several.",
)
@click.option("--format", "output_format", type=FORMAT_CHOICE, default="table", show_default=True)
@click.option("--help", "-h", "show_help", is_flag=True, help="Help for NAME, or this text.")
@_store_option
@click.pass_context
def query(
    context: click.Context,
    name: str | None,
    list_queries: bool,
    params: tuple[str, ...],
    output_format: str,
    show_help: bool,
    store: str | None,
) -> None:
    """Run a named query from queries/*.rq.

    \b
    ikg query --list
    ikg query NAME --help
    ikg query action-fields --param municipality=leverkusen --format json
    """
    from graph.queries import describe, get_query, load_queries, run_named_query
    from graph.results import render

    settings = _settings()
    queries = load_queries(settings.queries_dir)
    if show_help and name is None:
        click.echo(context.get_help())
        return
    if list_queries or name is None:
        if output_format == "json":
            click.echo(json.dumps(describe(queries), ensure_ascii=False, indent=2))
            return
        width = max(len(q) for q in queries) if queries else 0
        for query_name, named in queries.items():
            parameters = ", ".join(
                p.name if p.required else f"[{p.name}]" for p in named.parameters
            )
            click.echo(f"{query_name:{width}}  {named.title_de} ({parameters})")
        return
    try:
        named = get_query(queries, name)
        if show_help:
            click.echo(named.help_text())
            return
        values = _parse_params(params, named)
        opened = _open_store(settings, store)
        result = run_named_query(opened, named, values, row_cap=settings.row_cap)
    except IkgError as error:
        _fail(error)
        return
    click.echo(render(result, output_format, named.columns))


def _parse_params(params: tuple[str, ...], named) -> dict[str, str]:
    from graph.errors import QueryError
    from graph.queries import accepted_parameters

    accepted = f"Parameter von '{named.name}': {accepted_parameters(named)}"
    values: dict[str, str] = {}
    for item in params:
        key, separator, value = item.partition("=")
        if not separator or not key:
            raise QueryError(
                f"--param erwartet KEY=VALUE, nicht {item[:60]!r}. {accepted}",
                parameter=key or None,
            )
        if key in values:
            raise QueryError(f"Parameter '{key}' ist zweimal angegeben. {accepted}", parameter=key)
        values[key] = value
    return values


@main.command()
@click.argument("sparql", required=False)
@click.option("-f", "--file", "query_file", type=click.File("r", encoding="utf-8"), default=None)
@click.option("--format", "output_format", type=FORMAT_CHOICE, default="table", show_default=True)
@_store_option
def sparql(sparql: str | None, query_file, output_format: str, store: str | None) -> None:
    """Run any read-only SPARQL query (SELECT, ASK, CONSTRUCT, DESCRIBE).

    The store is opened read-only: updates are refused.
    """
    from graph.results import render

    settings = _settings()
    if (sparql is None) == (query_file is None):
        click.echo("Fehler: give a query text or -f FILE (exactly one).", err=True)
        sys.exit(2)
    text = sparql if sparql is not None else query_file.read()
    try:
        result = _open_store(settings, store).query(text, row_cap=settings.row_cap)
    except IkgError as error:
        _fail(error)
        return
    click.echo(render(result, output_format))


@main.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["ttl", "trig", "nq", "jsonld"]),
    default="trig",
    show_default=True,
)
@click.option("--municipality", default=None, help="Only this municipality's named graph.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None)
@_store_option
def export(
    export_format: str, municipality: str | None, output: Path | None, store: str | None
) -> None:
    """Export the whole graph or one municipality's named graph."""
    from graph.export import export as run_export

    settings = _settings()
    try:
        data = run_export(_open_store(settings, store), export_format, municipality)
    except IkgError as error:
        _fail(error)
        return
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"{len(data)} Bytes nach {output} geschrieben.", err=True)


def _register_serve() -> None:
    # The web viewer lives in webapp/; its command is kept beside it, registered here.
    from graph.serve import serve

    main.add_command(serve)


_register_serve()

if __name__ == "__main__":
    main()
