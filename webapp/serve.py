"""`ikg serve`: the web viewer on waitress, bound to localhost unless told otherwise.

It lives here, with the web app, because graph/ never imports webapp/; the console script
(webapp/cli.py) adds it to the library's commands.
"""

from __future__ import annotations

import ipaddress

import click

from graph.settings import Settings


def thread_count(page_threads: int, sparql_running: int, sparql_waiting: int) -> int:
    """waitress's threads: the pages' own, plus one for every /sparql query that may run or
    wait at once (webapp/sparql/admission.py), so queries never take the pages' threads."""
    return page_threads + sparql_running + sparql_waiting


def reachable_from_elsewhere(host: str) -> bool:
    """Whether binding ``host`` serves other computers too (anything but loopback)."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:  # a host name: it may resolve to any address
        return True


OPEN_TO_THE_NETWORK = (
    "Warnung: {host} ist von anderen Rechnern aus erreichbar. Der Viewer und sein "
    "SPARQL-Endpunkt verlangen keine Anmeldung, und /sparql erlaubt Anfragen jeder Herkunft "
    "(CORS): Jede Person und jede Webseite, die diesen Rechner erreicht, kann den ganzen Graphen "
    "lesen. Ohne --host bleibt er auf diesem Rechner; für ein Netz davor einen Reverse-Proxy "
    "mit Anmeldung setzen. / Warning: {host} is reachable from other computers; the viewer and "
    "its SPARQL endpoint need no login and /sparql allows any origin."
)


@click.command()
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default serves this computer only.",
)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--store",
    "store",
    default=None,
    metavar="PATH|URL",
    help="The embedded store's folder or a SPARQL endpoint's URL "
    "(default: var/store, or IKG_STORE).",
)
@click.option(
    "--threads",
    default=4,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Threads for pages; /sparql queries get IKG_SPARQL_RUNNING + "
    "IKG_SPARQL_WAITING more of their own.",
)
def serve(host: str, port: int, store: str | None, threads: int) -> None:
    """Serve the web viewer (read-only) with waitress."""
    import waitress

    from graph.store import open_store
    from webapp import create_app

    settings = Settings.from_env()
    target = store or settings.store
    # fail now, saying what to do (an IkgError ends the command as every other one does)
    open_store(settings, target).named_graphs()
    app = create_app({"STORE": target})
    shown = f"[{host}]" if ":" in host else host
    if reachable_from_elsewhere(host):
        click.echo(OPEN_TO_THE_NETWORK.format(host=host), err=True)
    click.echo(f"Integrationsgraph läuft auf http://{shown}:{port}/ (Strg+C beendet)", err=True)
    total = thread_count(threads, settings.sparql_running, settings.sparql_waiting)
    waitress.serve(app, host=host, port=port, threads=total, ident="integrationsgraph")
