"""`ikg serve`: the web viewer on waitress, bound to localhost unless told otherwise.

Registered in graph/cli.py with ``from graph.serve import serve`` and
``main.add_command(serve)``.
"""

from __future__ import annotations

import click

from graph.errors import IkgError
from graph.settings import Settings


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; the default serves this computer only.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--store", "store", default=None, metavar="PATH|URL",
              help="The embedded store's folder or a SPARQL endpoint's URL "
              "(default: var/store, or IKG_STORE).")
@click.option("--threads", default=4, show_default=True, type=click.IntRange(1, 64))
def serve(host: str, port: int, store: str | None, threads: int) -> None:
    """Serve the web viewer (read-only) with waitress."""
    import waitress

    from graph.store import open_store
    from webapp import create_app

    settings = Settings.from_env()
    target = store or settings.store
    try:
        open_store(settings, target).named_graphs()  # fail now, saying what to do
    except IkgError as error:
        click.echo(f"Fehler: {error}", err=True)
        raise SystemExit(error.exit_code) from error
    app = create_app({"STORE": target})
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"Integrationsgraph läuft auf http://{shown}:{port}/ (Strg+C beendet)", err=True)
    waitress.serve(app, host=host, port=port, threads=threads, ident="integrationsgraph")
