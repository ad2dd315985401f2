"""What every part of one generated municipality shares: its random source, ids, organisations.

All randomness of a municipality comes from one ``random.Random`` seeded with the generator's
seed and the municipality's slug, and every choice is made from a list in a fixed order, so
the same seed writes the same bytes on every machine and every run.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from graph.generator.themes import THEMES, Theme
from graph.generator.vocabulary import Community
from graph.namespaces import slugify

DOCUMENT_ID = "generierte-daten"
PASSAGE = "Generierter Datensatz, fiktiv"
STATE = "Nordrhein-Westfalen"


def sources() -> list[dict[str, str]]:
    return [{"doc": DOCUMENT_ID, "passage": PASSAGE}]


@dataclass(eq=False)  # compared by identity: two records never stand for the same organisation
class Organisation:
    """A unit, body or actor, with what decides where it takes part."""

    id: str
    label: str
    kind: str  # unit, body, actor
    group: str  # mso, welfare, school, unit, body, … (finer than the actor type)
    #: reference action fields it works on
    fields: tuple[str, ...] = ()
    district: str | None = None
    community: str | None = None
    record: dict[str, Any] = field(default_factory=dict)
    networks: list[str] = field(default_factory=list)
    #: an MSO kept out of every network and measure (isolated in the analysis)
    isolated: bool = False


@dataclass
class CityContext:
    slug: str
    label: str
    seed: int
    random: random.Random
    districts: list[str] = field(default_factory=list)
    #: the communities of its MSOs, largest first
    communities: list[Community] = field(default_factory=list)
    organisations: list[Organisation] = field(default_factory=list)
    themes: list[Theme] = field(default_factory=list)
    #: theme key → id of the city's action field in the current concept edition
    field_ids: dict[str, str] = field(default_factory=dict)
    used_ids: set[str] = field(default_factory=set)

    @classmethod
    def create(cls, slug: str, label: str, seed: int) -> CityContext:
        # A string seed is hashed with SHA-512 by random.Random: stable across runs and
        # independent of PYTHONHASHSEED.
        rng = random.Random(f"ikg-generator:{seed}:{slug}")
        return cls(slug=slug, label=label, seed=seed, random=rng, used_ids={slug, DOCUMENT_ID})

    def new_id(self, text: str, prefix: str = "") -> str:
        base = prefix + slugify(text)
        if len(base) > 60:
            # cut at a word boundary: ids are read by people, too
            base = base[:61].rsplit("-", 1)[0]
        candidate, number = base, 2
        while candidate in self.used_ids:
            candidate, number = f"{base}-{number}", number + 1
        self.used_ids.add(candidate)
        return candidate

    def add(self, organisation: Organisation) -> Organisation:
        self.organisations.append(organisation)
        return organisation

    def of_group(self, *groups: str) -> list[Organisation]:
        return [o for o in self.organisations if o.group in groups]

    def by_id(self, org_id: str) -> Organisation:
        return next(o for o in self.organisations if o.id == org_id)

    def field_ref(self, theme_key: str) -> str:
        """The city's action field for a theme, else the theme's first reference field."""
        if theme_key in self.field_ids:
            return self.field_ids[theme_key]
        theme = next(t for t in THEMES if t.key == theme_key)
        return theme.reference_fields[0]

    def chance(self, probability: float) -> bool:
        return self.random.random() < probability
