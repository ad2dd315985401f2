"""One generated municipality: every source file of its folder, as text."""

from __future__ import annotations

from graph.generator import vocabulary as words
from graph.generator.administration import add_administration
from graph.generator.concept import (
    choose_themes,
    concept_records,
    goal_records,
    measure_records,
    plan_editions,
)
from graph.generator.context import DOCUMENT_ID, STATE, CityContext, sources
from graph.generator.networks import add_networks, network_records
from graph.generator.organisations import add_actors
from graph.generator.papers import event_records, funding_records, paper_records
from graph.sources.schema import FICTIONAL_DOCUMENT_KIND
from graph.sources.writing import new_file

DISTRICT_COUNT = 5


def city_files(slug: str, name: str, seed: int) -> dict[str, str]:
    """File name → YAML text of one fictional municipality (``name`` as in "Stadt <name>")."""
    ctx = CityContext.create(slug, name, seed)
    ctx.districts = ctx.random.sample(words.DISTRICTS, DISTRICT_COUNT)
    choose_themes(ctx)
    add_administration(ctx)
    add_actors(ctx)
    networks = add_networks(ctx)
    editions = plan_editions(ctx)
    papers, adopting = paper_records(ctx, editions)
    goals, goals_by_theme = goal_records(ctx, editions)
    measures = measure_records(ctx, editions, goals_by_theme)
    mso_network = next(n.id for n in networks if n.label.startswith("MSO-Netzwerk"))

    note = (
        f"Fiktive, generierte Beispieldaten (ikg generate, Seed {seed}) – keine echte Kommune.\n"
        "Erzeugt von graph/generator; nicht von Hand bearbeiten, sondern neu erzeugen."
    )
    units = [o.record for o in ctx.organisations if o.kind == "unit"]
    bodies = [o.record for o in ctx.organisations if o.kind == "body"]
    actors = [o.record for o in ctx.organisations if o.kind == "actor"]
    tops = {
        "municipality.yaml": _municipality(ctx),
        "administration.yaml": {"units": units},
        "bodies.yaml": {"bodies": bodies},
        "actors.yaml": {"actors": actors},
        "networks.yaml": {"networks": network_records(ctx, networks)},
        "concepts.yaml": {"concepts": concept_records(ctx, editions, adopting)},
        "goals.yaml": {"goals": goals},
        "measures.yaml": {"measures": measures},
        "funding.yaml": {"funding": funding_records(ctx, measures, mso_network)},
        "papers.yaml": {"papers": papers},
        "events.yaml": {"events": event_records(ctx, editions)},
    }
    return {name: new_file(top, note) for name, top in tops.items()}


def _municipality(ctx: CityContext) -> dict:
    return {
        "id": ctx.slug,
        "label": f"Stadt {ctx.label}",
        "alt_labels": [ctx.label],
        "state": STATE,
        "fictional": True,
        "description": (
            f"Fiktive Kommune aus generierten Beispieldaten (Seed {ctx.seed}); keine echte "
            "Kommune. Alle Namen sind erfunden."
        ),
        "documents": [
            {
                "id": DOCUMENT_ID,
                "file": f"keine Datei (generiert, Seed {ctx.seed})",
                "title": f"Generierte Beispieldaten (fiktiv), Seed {ctx.seed}",
                "kind": FICTIONAL_DOCUMENT_KIND,
            }
        ],
        "sources": sources(),
    }
