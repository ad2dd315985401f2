"""The overview of a network too large to draw whole: each municipality with its networks and
bodies around it, sized by their members, instead of every actor.

Plain functions over plain data (no Flask, no store), like ``webapp.network_graph``: the page
reads one row per network and one per municipality, ``overview_data`` turns them into what
vis-network draws. The positions come from ``overview_layout``, which costs one step per node,
so the overview of 400 municipalities (about 11,000 networks and bodies) is placed in
milliseconds where a spring layout would not finish.

>>> towns = [OverviewMunicipality("m:a", "a", "A", fictional=False, members=3)]
>>> nets = [OverviewNetwork("n:1", "Netz", "network", "a", members=3)]
>>> data = overview_data(towns, nets)
>>> [(n["kind"], n["label"]) for n in data["nodes"]], data["edges"][0]["to"], data["physics"]
([('municipality', 'A'), ('network', 'Netz')], 'm:a', False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from webapp.network_graph import CATEGORIES

#: kind → (German name, colour, vis shape) of the overview's nodes. A municipality is a box
#: with its name inside (vis draws a box around its label, readable at any size); a fictional
#: one is grey and says so in its label.
OVERVIEW_KINDS: dict[str, tuple[str, str, str]] = {
    "municipality": ("Kommune", "#dce6f2", "box"),
    "fictional-municipality": ("Fiktive Kommune", "#e6e6e6", "box"),
    "network": (CATEGORIES["network"][0], CATEGORIES["network"][1], CATEGORIES["network"][2]),
    "body": (
        CATEGORIES["politisches-gremium"][0],
        CATEGORIES["politisches-gremium"][1],
        CATEGORIES["politisches-gremium"][2],
    ),
}

#: the label size of a municipality's box, in diagram pixels: large, so that the names stay
#: readable (12 px and more) when the grid of 20 municipalities is fitted into the window
MUNICIPALITY_FONT_SIZE = 56
#: a municipality's name is wrapped at spaces into lines of at most this many characters, so
#: that its box stays inside the ring of its networks
LINE_LENGTH = 16

#: distances of the layout in vis-network's pixels: the first ring of networks around a
#: municipality (outside its box: three lines of LINE_LENGTH at MUNICIPALITY_FONT_SIZE), the
#: gap between rings, the room each network has on its ring (enough for a diamond of the
#: largest size drawn), and the space between two municipalities' cells
FIRST_RING = 300.0
RING_GAP = 75.0
ROOM_ON_RING = 62.0
CELL_GAP = 80.0
#: width to height of the diagram's box on a wide screen (975 × 640 px): the grid has about as
#: many more columns than rows, so that the fitted grid is as large as the box allows
GRID_ASPECT = 1.5


@dataclass(frozen=True)
class OverviewMunicipality:
    iri: str
    slug: str
    label: str
    fictional: bool
    #: distinct members of its networks and bodies
    members: int
    url: str | None = None


@dataclass(frozen=True)
class OverviewNetwork:
    iri: str
    label: str
    #: "network" or "politisches-gremium", as in the full diagram
    category: str
    #: the slug of its municipality
    municipality: str
    members: int
    url: str | None = None


def ring_places(count: int) -> list[tuple[float, float]]:
    """Where ``count`` nodes sit around a centre at (0, 0): on rings, each as full as its
    length allows, the first place at the top, each ring turned by half a place against the
    one inside it so that no two nodes line up with the centre.

    >>> ring_places(0)
    []
    >>> [(round(x), round(y)) for x, y in ring_places(2)]
    [(0, -300), (0, 300)]
    """
    places: list[tuple[float, float]] = []
    radius, ring = FIRST_RING, 0
    while len(places) < count:
        room = max(1, int(2 * math.pi * radius / ROOM_ON_RING))
        on_ring = min(room, count - len(places))
        turn = math.pi / room if ring % 2 else 0.0
        for index in range(on_ring):
            angle = -math.pi / 2 + turn + 2 * math.pi * index / on_ring
            places.append((radius * math.cos(angle), radius * math.sin(angle)))
        radius += RING_GAP
        ring += 1
    return places


def overview_layout(groups: list[tuple[str, list[str]]]) -> dict[str, tuple[float, float]]:
    """Each group (a centre and the nodes around it) in its own cell of a grid (GRID_ASPECT),
    row by row; cells are as large as the largest group needs. Linear in the number of nodes,
    and the same every time for the same groups.

    >>> positions = overview_layout([("a", ["a1"]), ("b", [])])
    >>> positions["a"], positions["b"][1], positions["a1"][0]
    ((0.0, 0.0), 0.0, 0.0)
    """
    if not groups:
        return {}
    around = [ring_places(len(members)) for _centre, members in groups]
    reach = max((math.hypot(x, y) for places in around for x, y in places), default=0.0)
    cell = 2 * reach + CELL_GAP
    columns = math.ceil(math.sqrt(len(groups) * GRID_ASPECT))
    positions: dict[str, tuple[float, float]] = {}
    for number, ((centre, members), places) in enumerate(zip(groups, around, strict=True)):
        row, column = divmod(number, columns)
        x0, y0 = column * cell, row * cell
        positions[centre] = (float(x0), float(y0))
        for member, (x, y) in zip(members, places, strict=True):
            # a tenth of a pixel is exact enough, and keeps the page's JSON short
            positions[member] = (round(x0 + x, 1) + 0.0, round(y0 + y, 1) + 0.0)
    return positions


def overview_data(
    municipalities: list[OverviewMunicipality], networks: list[OverviewNetwork]
) -> dict:
    """Nodes and edges for vis-network, in the shape ``vis_data`` gives for the full diagram
    (every text plain, fixed positions, physics off), plus each node's ``kind``
    ("municipality", "network", "body") and members. Networks of a municipality not in
    ``municipalities`` are left out."""
    by_town: dict[str, list[OverviewNetwork]] = {town.slug: [] for town in municipalities}
    for network in networks:
        if network.municipality in by_town:
            by_town[network.municipality].append(network)
    for members in by_town.values():
        members.sort(key=lambda n: (n.category != "network", n.label.casefold(), n.iri))
    positions = overview_layout(
        [(town.iri, [n.iri for n in by_town[town.slug]]) for town in municipalities]
    )
    nodes, edges = [], []
    counts = dict.fromkeys(OVERVIEW_KINDS, 0)
    for town in municipalities:
        kind = "fictional-municipality" if town.fictional else "municipality"
        counts[kind] += 1
        name, colour, shape = OVERVIEW_KINDS[kind]
        own = by_town[town.slug]
        network_count = sum(1 for n in own if n.category == "network")
        label = f"{town.label} (fiktiv)" if town.fictional else town.label
        drawn_label = box_label(town.label, town.fictional)
        nodes.append(
            {
                "id": town.iri,
                "kind": "municipality",
                "label": drawn_label,
                "title": (
                    f"{label}\n{name}\n{plural(network_count, 'Netzwerk', 'Netzwerke')}, "
                    f"{plural(len(own) - network_count, 'Gremium', 'Gremien')}, "
                    f"{plural(town.members, 'Mitglied', 'Mitglieder')}\n"
                    "Klick: das ganze Netzwerk der Kommune"
                ),
                "municipality": town.slug,
                "fictional": town.fictional,
                "members": town.members,
                "color": colour,
                "shape": shape,
                "fontSize": MUNICIPALITY_FONT_SIZE,
                "url": town.url,
                "x": positions[town.iri][0],
                "y": positions[town.iri][1],
            }
        )
        for network in own:
            kind = "network" if network.category == "network" else "body"
            counts[kind] += 1
            name, colour, shape = OVERVIEW_KINDS[kind]
            nodes.append(
                {
                    "id": network.iri,
                    "kind": kind,
                    "category": network.category,
                    "label": network.label,
                    "title": (
                        f"{network.label}\n{name} · {label}\n"
                        f"{plural(network.members, 'Mitglied', 'Mitglieder')}\n"
                        "Klick: im Netzwerk der Kommune zeigen"
                    ),
                    "municipality": town.slug,
                    "fictional": town.fictional,
                    "members": network.members,
                    "color": colour,
                    "shape": shape,
                    "value": network.members,
                    "url": network.url,
                    "x": positions[network.iri][0],
                    "y": positions[network.iri][1],
                }
            )
            edges.append(
                {
                    "from": network.iri,
                    "to": town.iri,
                    "relation": "municipality",
                    "title": f"{network.label} – {label}",
                    "dashes": False,
                }
            )
    legend = [
        {
            "kind": kind,
            "label": name,
            "color": colour,
            "shape": shape,
            "count": counts[kind],
            "swatch": f"o-{kind}",
        }
        for kind, (name, colour, shape) in OVERVIEW_KINDS.items()
        if counts[kind]
    ]
    return {"nodes": nodes, "edges": edges, "legend": legend, "physics": False}


def box_label(name: str, fictional: bool) -> str:
    """A municipality's name in lines of at most LINE_LENGTH characters (a longer word stays
    whole), and "(fiktiv)" on a line of its own for a fictional one.

    >>> box_label("Stadt Musterstadt 001", True)
    'Stadt\\nMusterstadt 001\\n(fiktiv)'
    >>> box_label("Oberhausen", False)
    'Oberhausen'
    """
    lines: list[str] = []
    for word in name.split():
        if lines and len(lines[-1]) + 1 + len(word) <= LINE_LENGTH:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if fictional:
        lines.append("(fiktiv)")
    return "\n".join(lines)


def plural(count: int, one: str, many: str) -> str:
    """The count and the noun in the right number.

    >>> plural(1, "Netzwerk", "Netzwerke"), plural(0, "Gremium", "Gremien")
    ('1 Netzwerk', '0 Gremien')
    """
    return f"{count} {one if count == 1 else many}"
