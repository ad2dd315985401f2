"""`ikg`: a thin click group over the library.

Exit codes: 0 fine, 1 the data does not conform, 2 usage or load error. An IkgError becomes
its message and exit code in one place (``IkgGroup.invoke``); a wrong command line is a click
usage error (exit 2). `ikg serve` lives with the web app (webapp/serve.py), which graph/ never
imports: the console script (webapp/cli.py) is this group with that command added.
"""

from __future__ import annotations

import contextlib
import copy
import json
import sys
from pathlib import Path

import click

from graph.errors import IkgError, SourceError
from graph.importing.oparl.command import oparl_command
from graph.importing.table.command import table_command
from graph.settings import Settings

FORMAT_CHOICE = click.Choice(["table", "csv", "json"])


def _settings() -> Settings:
    return Settings.from_env()


def _progress(message: str) -> None:
    if sys.stderr.isatty():
        click.echo(message, err=True)


STORE_UNCHANGED = (
    "Nichts wurde gespeichert; der bisherige Store ist unverändert. "
    "Nothing was stored; the previous store is unchanged."
)
DATA_UNCHANGED = (
    "Nichts wurde geschrieben; die Daten sind unverändert. "
    "Nothing was written; the data are unchanged."
)


def report_error(error: IkgError, unchanged: str = STORE_UNCHANGED) -> None:
    """An IkgError as the command line shows it, on stderr; for data that do not conform,
    ``unchanged`` says what was left as it was."""
    if isinstance(error, SourceError):
        click.echo(_printable(str(error)), err=True)
        click.echo(unchanged, err=True)
    else:
        click.echo(f"Fehler: {_printable(str(error))}", err=True)


def _printable(message: str) -> str:
    # a message may quote what a server or a file sent: no escape sequence reaches the terminal
    return "".join(c if c.isprintable() or c in "\n\t" else "\ufffd" for c in message)


class IkgGroup(click.Group):
    """The `ikg` group: a command that raises an IkgError ends with its message and its exit
    code (1 the data does not conform, 2 usage or load error), never a traceback."""

    #: what a command of the group leaves unchanged when the data do not conform
    unchanged = STORE_UNCHANGED

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except IkgError as error:
            report_error(error, self.unchanged)
            ctx.exit(error.exit_code)

    def with_commands(self, *commands: click.Command) -> IkgGroup:
        """This group with ``commands`` added, leaving this one as it is."""
        group = copy.copy(self)
        group.commands = {**self.commands, **{command.name: command for command in commands}}
        return group


def _data_option(function):
    return click.option(
        "--data",
        "data_dir",
        type=click.Path(path_type=Path, file_okay=False),
        default=None,
        help="Folder with one sub-folder per municipality and reference/ (default: data/, "
        "or IKG_DATA).",
    )(function)


def _example_option(function):
    return click.option(
        "--with-example",
        is_flag=True,
        help="Also read the fictional example city 'beispielstadt', generated into a temporary "
        "folder beside the data (never into it).",
    )(function)


@contextlib.contextmanager
def _data_folder(data_dir: Path, with_example: bool):
    """The folder to read: data_dir itself, or a temporary one that adds the example city."""
    if not with_example:
        yield data_dir
        return
    import tempfile

    from graph.generator import data_with_example

    with tempfile.TemporaryDirectory(prefix="ikg-beispielstadt-") as workspace:
        yield data_with_example(data_dir, Path(workspace))


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


@click.group(cls=IkgGroup, context_settings={"help_option_names": ["-h", "--help"]})
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
@click.option(
    "--full",
    is_flag=True,
    help="Prepare every municipality again, even those whose files did not change.",
)
@_example_option
def build(data_dir: Path | None, store_path: Path | None, full: bool, with_example: bool) -> None:
    """Read, map, validate and store the graph (atomically: on error the old store stays).

    Only municipalities whose files changed since the last build are prepared again.
    """
    from graph.build import build as run_build

    settings = _settings()
    with _data_folder(data_dir or settings.data_dir, with_example) as folder:
        summary = run_build(
            folder,
            store_path or settings.store_path,
            seeds_dir=settings.seeds_dir,
            builds_kept=settings.builds_kept,
            progress=_progress,
            full=full,
        )
    _print_summary(summary)
    if not summary.full:
        click.echo(
            f"Neu aufgebaut: {', '.join(summary.rebuilt) or '–'}; "
            f"entfernt: {', '.join(summary.removed) or '–'}; "
            f"unverändert übernommen: {len(summary.entities) - len(summary.rebuilt)} Kommunen"
        )


#: More municipalities than this are summed up in one column instead of one column each.
SUMMARY_COLUMNS = 8


def _print_summary(summary) -> None:
    entities = summary.entities
    if len(entities) > SUMMARY_COLUMNS:
        kinds_of_all = next(iter(entities.values()), {})
        entities = {
            f"{len(entities)} Kommunen": {
                kind: sum(counts[kind] for counts in summary.entities.values())
                for kind in kinds_of_all
            }
        }
    slugs = sorted(entities)
    kinds = list(next(iter(entities.values()), {}))
    width = max([len(kind) for kind in kinds] + [10])
    click.echo(f"{'':{width}}  " + "  ".join(f"{slug:>12}" for slug in slugs))
    for kind in kinds:
        counts = "  ".join(f"{entities[slug][kind]:>12}" for slug in slugs)
        click.echo(f"{kind:{width}}  {counts}")
    seconds = summary.seconds.get("total", sum(summary.seconds.values()))
    where = f" in {summary.store}" if summary.store else ""
    click.echo(
        f"{summary.triples} Tripel in {len(summary.triples_per_graph)} benannten Graphen{where} "
        f"({seconds:.1f} s)"
    )
    _print_consistency_routes(summary)
    # what the checks could not check (a document whose text is not at hand), once each
    for note in summary.notes:
        click.echo(f"Hinweis / note: {note}", err=True)


def _print_consistency_routes(summary) -> None:
    """Which municipalities HermiT checked and which the rules (above IKG_HERMIT_LIMIT)."""
    by_route: dict[str, list[str]] = {}
    for slug, route in sorted(summary.consistency_routes.items()):
        by_route.setdefault(route, []).append(slug)
    if not by_route:
        return
    parts = []
    for route, slugs in sorted(by_route.items()):
        named = ", ".join(slugs) if len(slugs) <= SUMMARY_COLUMNS else f"{len(slugs)} Kommunen"
        parts.append(f"{route}: {named}")
    spent = summary.seconds.get("consistency", 0.0)
    click.echo(f"Widerspruchsfreiheit geprüft mit {'; '.join(parts)} ({spent:.1f} s)")


@main.command()
@_data_option
@_example_option
def validate(data_dir: Path | None, with_example: bool) -> None:
    """Run every check of `build` without writing a store."""
    from graph.build import prepare, summarise

    settings = _settings()
    with _data_folder(data_dir or settings.data_dir, with_example) as folder:
        prepared = prepare(folder, settings.seeds_dir, _progress)
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
    from graph.result_formats import render

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
    named = get_query(queries, name)
    if show_help:
        click.echo(named.help_text())
        return
    values = _parse_params(params, named)
    opened = _open_store(settings, store)
    result = run_named_query(opened, named, values, row_cap=settings.row_cap)
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

    The store is opened read-only: updates are refused, and so is SERVICE. As on the
    viewer's /sparql, the query runs in a worker process without network access, stopped
    after IKG_QUERY_TIMEOUT seconds.
    """
    from graph.read_only import check_read_only
    from graph.result_formats import render
    from graph.store.workers import WorkerStore

    settings = _settings()
    if (sparql is None) == (query_file is None):
        raise click.UsageError(
            "Geben Sie genau eines an: einen Abfragetext oder -f DATEI. / "
            "Give a query text or -f FILE (exactly one)."
        )
    text = sparql if sparql is not None else query_file.read()
    check_read_only(text)  # an update is refused before any store is opened
    opened = WorkerStore(_open_store(settings, store), timeout_seconds=settings.query_timeout)
    with contextlib.closing(opened):
        result = opened.query(text, row_cap=settings.row_cap)
    click.echo(render(result, output_format))


@main.command()
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["ttl", "trig", "nq", "jsonld", "graphml", "gexf"]),
    default="trig",
    show_default=True,
    help="An RDF format, or graphml/gexf: the network of actors and networks for Gephi, "
    "with centralities and communities.",
)
@click.option("--municipality", default=None, help="Only this municipality's named graph.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None)
@_store_option
def export(
    export_format: str, municipality: str | None, output: Path | None, store: str | None
) -> None:
    """Export the whole graph or one municipality's named graph (RDF), or the network of
    actors and networks (GraphML, GEXF)."""
    from graph.export import export as run_export

    settings = _settings()
    data = run_export(_open_store(settings, store), export_format, municipality)
    if output is None:
        sys.stdout.buffer.write(data)
    else:
        output.write_bytes(data)
        click.echo(f"{len(data)} Bytes nach {output} geschrieben.", err=True)


@main.command()
@click.option(
    "--municipality", required=True, metavar="SLUG", help="The municipality, e.g. oberhausen."
)
@click.option(
    "--format",
    "output_format",
    type=FORMAT_CHOICE,
    default="table",
    show_default=True,
    help="table: sections for people; csv: one row per actor; json: everything.",
)
@click.option(
    "--ties",
    metavar="KINDS",
    default=None,
    help="Which kinds of tie count, comma-separated: membership, measure, funding, event "
    "(default: all four).",
)
@_store_option
def analyse(municipality: str, output_format: str, ties: str | None, store: str | None) -> None:
    """Network analysis of one municipality: central actors, brokers, communities, isolated
    MSOs and the action fields the MSOs reach."""
    from graph.analysis.projection import tie_kinds
    from graph.analysis.report import analyse as run_analysis
    from graph.analysis.report import render

    try:
        kinds = tie_kinds(ties)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--ties") from None
    settings = _settings()
    analysis = run_analysis(_open_store(settings, store), municipality, kinds)
    click.echo(render(analysis, output_format))


@main.command()
@click.option(
    "--endpoint",
    metavar="URL",
    default=None,
    help="The server's SPARQL 1.1 query endpoint, e.g. http://127.0.0.1:7878/query "
    "(default: IKG_STORE when it is a URL).",
)
@click.option(
    "--update",
    "update_url",
    metavar="URL",
    default=None,
    help="Its SPARQL 1.1 update endpoint (default: IKG_STORE_UPDATE, else the query URL with "
    "/query replaced by /update, else the query URL itself).",
)
@click.option(
    "--store",
    "store_path",
    type=click.Path(path_type=Path),
    default=None,
    help="The built embedded store to upload (default: var/store, or IKG_STORE when it is a "
    "folder).",
)
@click.option(
    "--chunk-triples",
    type=click.IntRange(min=1),
    default=None,
    help="Most triples per request; a larger graph goes up in chunks into a staging graph "
    "and is moved into place at once (default: 1000).",
)
@click.option(
    "--timeout",
    "timeout_seconds",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Seconds each request may take (default: IKG_QUERY_TIMEOUT).",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=10),
    default=None,
    help="How often a transient failure (connection lost, HTTP 502/503/504, timeout) is "
    "retried, with back-off (default: 3).",
)
def push(
    endpoint: str | None,
    update_url: str | None,
    store_path: Path | None,
    chunk_triples: int | None,
    timeout_seconds: float | None,
    retries: int | None,
) -> None:
    """Upload the built graph to a SPARQL 1.1 server, replacing each named graph as a whole.

    \b
    ikg push --endpoint http://127.0.0.1:7878/query

    Credentials only from the environment: IKG_STORE_USER and IKG_STORE_PASSWORD, or
    IKG_STORE_TOKEN. If the push cannot finish (exit 2), the message says which graph is in
    which state; running it again repairs them.
    """
    from graph.store.push import PushTarget, push_source
    from graph.store.push import push as run_push

    settings = _settings()
    target = PushTarget.from_settings(
        settings,
        endpoint=endpoint,
        update_url=update_url,
        timeout_seconds=timeout_seconds,
        retries=retries,
    )

    def report_retry(message: str) -> None:
        click.echo(f"\nWarnung: {message}", err=True)

    source = push_source(settings, store_path)
    with contextlib.ExitStack() as stack:
        on_progress = None
        if sys.stderr.isatty():
            bar = stack.enter_context(
                click.progressbar(length=source.quad_count(), label="Hochladen", file=sys.stderr)
            )
            on_progress = bar.update
        summary = run_push(
            source,
            target,
            chunk_triples=chunk_triples,
            on_progress=on_progress,
            on_retry=report_retry,
        )
    retried = f", {summary.retried} davon wiederholt" if summary.retried else ""
    click.echo(
        f"{len(summary.graphs)} Graphen mit {summary.triples} Tripeln nach {summary.url} "
        f"übertragen ({summary.requests} Anfragen{retried}) in {summary.seconds:.1f} s."
    )
    if summary.removed:
        click.echo("Entfernt (nicht mehr im Build): " + ", ".join(map(str, summary.removed)))


@main.command()
@click.option(
    "--municipalities",
    "-n",
    "count",
    type=click.IntRange(min=1),
    required=True,
    help="How many fictional municipalities (musterstadt-001, musterstadt-002, …).",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Same seed, same files.")
@click.option(
    "--out",
    "out_dir",
    type=click.Path(path_type=Path),
    required=True,
    help="A new or empty folder (never data/); it becomes a data folder for --data.",
)
@click.option(
    "--force",
    is_flag=True,
    help="Write into a folder that is not empty (files of the same name are overwritten, "
    "nothing is deleted). data/ is refused even so.",
)
def generate(count: int, seed: int, out_dir: Path, force: bool) -> None:
    """Write fictional municipalities, generated from a seed, as a data folder.

    Each has about 300 actors (about 50 MSOs), 15 networks, a concept with 10 action fields,
    30 goals, 120 measures and council papers, all marked fictional. For benchmarks and for
    trying the product out:

    \b
    ikg generate --municipalities 10 --seed 1 --out var/generated
    ikg build --data var/generated --store var/generated-store
    """
    import time

    from graph.generator import check_target, write_generated_data

    started = time.perf_counter()
    check_target(out_dir, force=force)
    slugs = write_generated_data(out_dir, municipalities=count, seed=seed)
    shown = ", ".join(slugs) if len(slugs) <= 3 else f"{slugs[0]} … {slugs[-1]}"
    click.echo(
        f"{len(slugs)} fiktive Kommunen ({shown}) mit Seed {seed} nach {out_dir} geschrieben "
        f"({time.perf_counter() - started:.1f} s). Bauen: ikg build --data {out_dir} "
        "--store PATH"
    )


@main.command()
@click.argument("slug")
@click.option("--name", required=True, help='The municipality\'s name, e.g. "Stadt Musterstadt".')
@click.option("--ags", default=None, help="Amtlicher Gemeindeschlüssel, 8 digits (05119000).")
@click.option(
    "--state", default=None, help="The Land (default: from the AGS), e.g. Nordrhein-Westfalen."
)
@_data_option
def new(slug: str, name: str, ags: str | None, state: str | None, data_dir: Path | None) -> None:
    """Create the folder of a new municipality, SLUG: municipality.yaml and an empty,
    commented file for each kind of record. `ikg validate` passes on it.

    \b
    ikg new musterstadt --name "Stadt Musterstadt" --ags 05999000
    """
    from graph.importing.new import create_municipality

    folder = create_municipality(
        data_dir or _settings().data_dir, slug, name=name, ags=ags, state=state
    )
    files = sorted(path.name for path in folder.iterdir() if path.is_file())
    click.echo(
        f"Neue Kommune {name} angelegt in {folder}/ ({len(files)} Dateien: {', '.join(files)})."
    )
    click.echo(
        "Weiter: Quelldokumente in municipality.yaml eintragen, Akteure mit 'ikg import table' "
        "übernehmen, dann 'ikg validate' und 'ikg build'."
    )


class ImportGroup(IkgGroup):
    """`ikg import`: an import writes data, not the store."""

    unchanged = DATA_UNCHANGED


@main.group("import", cls=ImportGroup)
def import_group() -> None:
    """Bring a municipality's own data in: its council information system (OParl) or its
    tables (CSV, Excel, ODS). Each import writes source files under data/<slug>/ only after
    everything it read passed the checks; --dry-run shows what it would write."""


# `ikg import oparl` and `ikg import table` are defined with their importers (graph/importing/)
# and added here.
import_group.add_command(table_command)
import_group.add_command(oparl_command)


if __name__ == "__main__":
    main()
