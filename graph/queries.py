"""Named queries: load queries/*.rq, read their headers, bind parameters, run.

A query file starts with a header of comment lines beginning with ``#+``; together they are a
YAML document with ``title`` (de, en), ``description``, ``parameters`` and ``columns``. The same
file serves the CLI, the web page and the JSON API.

Parameter values are never pasted into query text: each one is checked, resolved to an RDF term
(an entity's IRI, a literal) and passed to the store as a binding (pyoxigraph substitutions).

Rules for writing a query file, learnt from how the engine treats bindings:
- every parameter's variable (``actor-type`` → ``?actor_type``) is in the SELECT projection
  (the engine refuses a substitution otherwise), hidden with ``columns: {var: "-"}`` and, with
  GROUP BY, grouped by;
- an optional parameter without value is bound to ``""`` (``NOT_GIVEN``): test it with
  ``sameTerm(?var, "")``, never with BOUND() (folded to a constant for a substituted variable);
- a UNION branch or OPTIONAL is evaluated before it is joined: a variable used in a BIND or
  EXISTS inside it must be bound inside it;
- the engine plans joins before the values are substituted, so it does not know a parameter's
  variable is bound: it starts from the pattern with the most constants (``?x a ikg:Measure``
  reads every measure of every municipality). To start from the parameter, anchor the first
  pattern in the parameter's named graph: ``?municipality_graph`` (for a parameter
  ``municipality``; likewise ``?actor_graph`` …) is bound to the named graph of the value's
  municipality — ``GRAPH ?municipality_graph { ?edition a ikg:ConceptEdition }`` reads one
  municipality's editions only. Project and hide it like a parameter.
- where that anchoring does not hold as the graph grows (the engine plans differently at a
  hundred municipalities than at ten), declare ``dataset: municipality`` in the header: the
  query then reads only the stated graph of the municipality its parameters name and the
  reference schemes — no inferred facts.

What a file is for, ``purpose`` in its header (PURPOSES): ``query`` (the default) is a named
query of the list — ``ikg query --list``, the viewer's /abfragen and the examples of /sparql;
``page`` is the SPARQL of a viewer page (``queries/pages/*.rq``, read with ``page_query``),
in no list and not run by name. A page's values are bound by the page, so instead of
``parameters`` its header declares ``bindings``: each bound variable with a description and
an example term (``id:oberhausen/ki``, ``graph:oberhausen``, or a literal in double quotes,
in YAML ``'"Integration"'``), with which the test suite runs every page query on every kind
of store.
"""

from __future__ import annotations

import difflib
import functools
import re
import textwrap
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from rdflib import Literal, URIRef
from rdflib.term import Node

from graph.errors import NotFoundError, QueryError
from graph.namespaces import (
    ID,
    ID_PATTERN,
    PREFIXES,
    REFERENCE_GRAPH,
    inferred_graph,
    municipality_graph,
    municipality_iri,
    short_id,
    slug_of_graph,
)
from graph.store import QueryResult, Store

HEADER_PREFIX = "#+"
MAX_VALUE_LENGTH = 200

#: parameter types and what a value of each means (shown by --help and the web forms)
PARAMETER_TYPES = {
    "municipality": "Kürzel einer Kommune, z. B. leverkusen",
    "municipalities": "Kürzel, durch Kommas getrennt; leer = alle",
    "actor": "Kennung oder Wörter aus dem Namen einer Organisation",
    "network": "Kennung oder Wörter aus dem Namen eines Netzwerks oder Gremiums",
    "paper": "Nummer der Vorlage (z. B. 2017/1900), Kennung oder Wörter aus dem Titel",
    "action-field": "Kennung oder Wörter aus dem Namen eines Handlungsfelds",
    "actor-type": "Kennung oder Name eines Akteurstyps, z. B. mso",
    "boolean": "ja oder nein",
    "string": "Text",
}
#: what a query's header may declare as the graphs it reads (``dataset``); without it, the
#: union of all graphs (or, with a ``municipalities`` parameter, those municipalities')
DATASETS = {
    "municipality": "der Graph der Kommune, die die Parameter nennen, und die Referenzschemata",
}
#: what a query file is for (``purpose`` in its header); only ``query`` files are listed
PURPOSES = {
    "query": "benannte Abfrage: in `ikg query --list`, auf /abfragen und als Beispiel auf /sparql",
    "page": "Abfrage einer Seite des Viewers (queries/pages/): in keiner Liste",
}
#: the folder below the queries folder that holds the pages' queries
PAGES_FOLDER = "pages"
#: the words a boolean parameter accepts (German and English, as typed in a form or a shell)
BOOLEAN_WORDS = {"ja": True, "nein": False, "true": True, "false": False, "1": True, "0": False}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool
    description: str
    example: str | None = None
    default: str | None = None

    @property
    def variable(self) -> str:
        """The SPARQL variable the value is bound to (hyphens are not allowed there)."""
        return self.name.replace("-", "_")


@dataclass(frozen=True)
class Binding:
    """A variable a page binds (``bindings`` in a page query's header), with an example."""

    variable: str
    description: str
    example: Node


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title_de: str
    title_en: str
    description: str
    parameters: tuple[Parameter, ...]
    columns: dict[str, str]
    text: str
    path: Path
    #: the graphs the query reads, a key of DATASETS (None: see dataset_of)
    dataset: str | None = None
    #: what the file is for, a key of PURPOSES
    purpose: str = "query"
    #: the variables a page binds (page queries only)
    bindings: tuple[Binding, ...] = ()

    @property
    def listed(self) -> bool:
        """In `ikg query --list`, on /abfragen and among the examples of /sparql."""
        return self.purpose == "query"

    def example_bindings(self) -> dict[str, Node]:
        """Each declared binding's example, as a page would bind it."""
        return {binding.variable: binding.example for binding in self.bindings}

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    def help_text(self) -> str:
        lines = [f"{self.name}: {self.title_de} / {self.title_en}", ""]
        lines += textwrap.wrap(self.description, width=96) + [""]
        if not self.parameters:
            lines.append("Keine Parameter.")
        for parameter in self.parameters:
            need = "erforderlich" if parameter.required else "optional"
            lines.append(f"  --param {parameter.name}=…  ({parameter.type}, {need})")
            lines.append(f"      {parameter.description}")
            if parameter.default is not None:
                lines.append(f"      Vorgabe: {parameter.default}")
            if parameter.example is not None:
                lines.append(f"      Beispiel: --param {parameter.name}={parameter.example}")
        return "\n".join(lines)


def load_queries(directory: Path) -> dict[str, NamedQuery]:
    """The named queries of the list: every query file of the directory but those whose
    header declares another ``purpose``. A file is parsed again only when it has changed: the
    viewer asks for the queries on every request, and reading all the YAML headers each time
    cost ~95 ms (as much as the queries themselves)."""
    queries = {}
    for path in sorted(directory.glob("*.rq")):
        query = _read(path)
        if query.listed:
            queries[query.name] = query
    return queries


def load_page_queries(directory: Path) -> dict[str, NamedQuery]:
    """The pages' queries: every file of ``directory/pages/``, each declaring
    ``purpose: page``."""
    return {
        path.stem: page_query(directory, path.stem)
        for path in sorted((directory / PAGES_FOLDER).glob("*.rq"))
    }


def page_query(directory: Path, name: str) -> NamedQuery:
    """``directory/pages/NAME.rq``, read as the named queries are (and kept as they are)."""
    path = directory / PAGES_FOLDER / f"{name}.rq"
    if not path.is_file():
        raise QueryError(
            f"{path}: Die Abfrage der Seite fehlt; sie gehört in den Ordner {PAGES_FOLDER}/ des "
            f"Abfrageordners (Einstellung IKG_QUERIES). / The page's query file is missing."
        )
    query = _read(path)
    if query.purpose != "page":
        raise QueryError(
            f"{path}: Eine Datei in {PAGES_FOLDER}/ braucht „#+ purpose: page“ im Kopf. "
            f"/ A file in {PAGES_FOLDER}/ must declare purpose: page in its header."
        )
    return query


def _read(path: Path) -> NamedQuery:
    status = path.stat()
    return _parsed_query_file(path, status.st_mtime_ns, status.st_size)


@functools.lru_cache(maxsize=512)
def _parsed_query_file(path: Path, modified_ns: int, size: int) -> NamedQuery:
    """parse_query_file, kept per version of the file (a failed parse is not kept)."""
    return parse_query_file(path)


def parse_query_file(path: Path) -> NamedQuery:
    text = path.read_text(encoding="utf-8")
    header_lines = []
    for line in text.splitlines():
        if line.startswith(HEADER_PREFIX):
            header_lines.append(line[len(HEADER_PREFIX) :].removeprefix(" "))
    try:
        header = yaml.safe_load("\n".join(header_lines)) or {}
    except yaml.YAMLError as error:
        raise QueryError(f"{path}: the '#+' header is not valid YAML: {error}") from error
    missing = [key for key in ("title", "description") if key not in header]
    if missing:
        raise QueryError(f"{path}: the header lacks {', '.join(missing)}")
    dataset = header.get("dataset")
    if dataset is not None and dataset not in DATASETS:
        raise QueryError(
            f"{path}: dataset {dataset!r} is unknown; known: {', '.join(sorted(DATASETS))}"
        )
    purpose = header.get("purpose", "query")
    if purpose not in PURPOSES:
        raise QueryError(
            f"{path}: purpose {purpose!r} ist unbekannt; bekannt: {', '.join(PURPOSES)}. "
            f"/ purpose {purpose!r} is unknown."
        )
    parameters = []
    for name, spec in (header.get("parameters") or {}).items():
        spec = spec or {}
        if spec.get("type") not in PARAMETER_TYPES:
            raise QueryError(f"{path}: parameter {name} has unknown type {spec.get('type')!r}")
        default = spec.get("default")
        parameters.append(
            Parameter(
                name=name,
                type=spec["type"],
                required=bool(spec.get("required", False)),
                description=str(spec.get("description", "")),
                example=None if spec.get("example") is None else str(spec["example"]),
                default=None if default is None else str(default),
            )
        )
    return NamedQuery(
        name=path.stem,
        title_de=header["title"]["de"],
        title_en=header["title"]["en"],
        description=" ".join(str(header["description"]).split()),
        parameters=tuple(parameters),
        columns={str(k): str(v) for k, v in (header.get("columns") or {}).items()},
        text=text,
        path=path,
        dataset=dataset,
        purpose=purpose,
        bindings=tuple(
            _binding(path, str(variable), spec)
            for variable, spec in (header.get("bindings") or {}).items()
        ),
    )


def _binding(path: Path, variable: str, spec: Any) -> Binding:
    if not isinstance(spec, dict) or "example" not in spec or "description" not in spec:
        raise QueryError(
            f"{path}: Bindung {variable} braucht description und example. / binding "
            f"{variable} needs a description and an example."
        )
    return Binding(
        variable=variable,
        description=" ".join(str(spec["description"]).split()),
        example=example_term(path, str(spec["example"])),
    )


def example_term(path: Path, text: str) -> Node:
    """An example value as a header writes it: ``"text"`` (a literal) or ``prefix:rest``
    with one of the project's prefixes (``id:oberhausen/ki``, ``graph:oberhausen``)."""
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        return Literal(text[1:-1])
    prefix, colon, rest = text.partition(":")
    if colon and prefix in PREFIXES:
        return URIRef(PREFIXES[prefix] + rest)
    raise QueryError(
        f'{path}: Beispiel {text!r} ist weder "Text" noch prefix:name mit einem der Präfixe '
        f"{', '.join(PREFIXES)}. / example {text!r} is neither a quoted literal nor a prefixed "
        "name."
    )


def get_query(queries: dict[str, NamedQuery], name: str) -> NamedQuery:
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, list(queries), n=3)
    hint = f" Meinten Sie: {', '.join(close)}?" if close else ""
    raise NotFoundError(
        f"Unbekannte Abfrage '{name}'.{hint} Verfügbar: {', '.join(sorted(queries))}"
    )


def run_named_query(
    store: Store,
    query: NamedQuery,
    values: dict[str, str],
    *,
    row_cap: int | None = None,
) -> QueryResult:
    bindings = bind_parameters(store, query, values)
    graphs = dataset_of(query, bindings)
    return store.query(
        query.text, bindings, row_cap=row_cap, default_graphs=graphs, named_graphs=graphs
    )


def dataset_of(query: NamedQuery, bindings: dict[str, Node]) -> list[URIRef] | None:
    """The graphs a query reads, so that asking about some municipalities costs what their
    data costs, whatever else the store holds; ``None`` (the union of all graphs) otherwise.

    - Given municipalities by name (``municipalities``): their stated and inferred graphs
      (compare reads the figures the build counted) and the reference schemes (compare for one
      of ten: 167 → 33 ms).
    - Declaring ``dataset: municipality``: the stated graph of the municipality each parameter
      names and the reference schemes (concept-changes for one of a hundred: 90 → 9 ms).

    Each graph more is one index lookup more per pattern (with the ontology too, compare for
    one municipality took 70 ms instead of 36), so no more are read than needed."""
    named = [
        slug
        for parameter in query.parameters
        if parameter.type == "municipalities"
        for slug in str(bindings[parameter.variable]).split(",")
        if slug
    ]
    stated = list(named)
    if query.dataset == "municipality":
        # the municipality of each value (none for a reference term or a missing value)
        stated += [
            slug
            for parameter in query.parameters
            if (slug := slug_of_graph(graph_of(bindings[parameter.variable])))  # type: ignore[arg-type]
        ]
    if not stated:
        return None
    return stated_dataset(stated) + [inferred_graph(slug) for slug in dict.fromkeys(named)]


def stated_dataset(slugs: list[str]) -> list[URIRef]:
    """The stated graphs of these municipalities and the reference schemes: everything stated
    about their entities (the build maps each municipality into its own graph, and its facts
    name only its own entities and the shared reference terms)."""
    return [REFERENCE_GRAPH, *(municipality_graph(slug) for slug in dict.fromkeys(slugs))]


#: What an optional parameter without a value (and without a default) is bound to. Queries
#: test ``sameTerm(?var, "")`` for "no restriction": every parameter variable is always
#: bound, so no query depends on how the engine treats BOUND() of a substituted variable.
NOT_GIVEN = Literal("")


def bind_parameters(store: Store, query: NamedQuery, values: dict[str, str]) -> dict[str, Node]:
    """Check every value and resolve it to an RDF term; raise QueryError naming the parameter.

    Municipality parameters are resolved first: an entity parameter of the same query is then
    looked up among that municipality's entities (and the shared reference terms) only.
    """
    for name in values:
        if query.parameter(name) is None:
            close = difflib.get_close_matches(name, [p.name for p in query.parameters], n=1)
            hint = f" Meinten Sie '{close[0]}'?" if close else ""
            raise _error(query, name, f"Unbekannter Parameter '{_shown(name)}'.{hint}")
    bindings: dict[str, Node] = {}
    scope: URIRef | None = None
    ordered = sorted(query.parameters, key=lambda p: p.type != "municipality")
    for parameter in ordered:
        raw = values.get(parameter.name)
        if raw is None or raw == "":
            raw = parameter.default
        if raw is None:
            if parameter.required:
                raise _error(
                    query,
                    parameter.name,
                    f"Parameter '{parameter.name}' fehlt ({PARAMETER_TYPES[parameter.type]}). "
                    f"Beispiel: --param {parameter.name}={parameter.example or '…'}",
                )
            bindings[parameter.variable] = NOT_GIVEN
            continue
        value = _clean_value(query, parameter, raw)
        term = _resolve(store, query, parameter, value, scope)
        if parameter.type == "municipality" and isinstance(term, URIRef):
            scope = term
        bindings[parameter.variable] = term
    for parameter in query.parameters:
        graph_variable = f"{parameter.variable}_graph"
        if re.search(rf"[?$]{graph_variable}\b", query.text):
            bindings[graph_variable] = graph_of(bindings[parameter.variable])
    return bindings


def graph_of(term: Node) -> Node:
    """The named graph a parameter's value is stated in: its municipality's for a municipality
    or one of its entities, the reference schemes' for a shared term; ``NOT_GIVEN`` for none."""
    if not isinstance(term, URIRef):
        return NOT_GIVEN
    if str(term).startswith(str(ID)):
        return municipality_graph(short_id(term).split("/", 1)[0])
    return REFERENCE_GRAPH


def accepted_parameters(query: NamedQuery) -> str:
    """'municipality (municipality, erforderlich), field (action-field, optional)'."""
    if not query.parameters:
        return "(keine)"
    return ", ".join(
        f"{p.name} ({p.type}, {'erforderlich' if p.required else 'optional'})"
        for p in query.parameters
    )


def _error(query: NamedQuery, parameter: str, message: str) -> QueryError:
    """Every parameter error names the parameter and lists what the query accepts."""
    text = f"{message} Parameter von '{query.name}': {accepted_parameters(query)}."
    return QueryError(text, parameter=parameter)


def _clean_value(query: NamedQuery, parameter: Parameter, raw: str) -> str:
    try:
        raw.encode("utf-8")
    except UnicodeEncodeError as error:
        raise _error(
            query, parameter.name, f"Parameter '{parameter.name}' ist kein gültiger UTF-8-Text."
        ) from error
    value = raw.strip()
    if len(value) > MAX_VALUE_LENGTH:
        raise _error(
            query,
            parameter.name,
            f"Parameter '{parameter.name}' ist zu lang ({len(value)} Zeichen, höchstens "
            f"{MAX_VALUE_LENGTH}).",
        )
    if any(unicodedata.category(char) in {"Cc", "Cs"} for char in value):
        raise _error(query, parameter.name, f"Parameter '{parameter.name}' enthält Steuerzeichen.")
    return value


def _resolve(
    store: Store,
    query: NamedQuery,
    parameter: Parameter,
    value: str,
    scope: URIRef | None,
) -> Node:
    kind = parameter.type
    if kind == "municipality":
        return _municipality(store, query, parameter, value)
    if kind == "municipalities":
        slugs = [part.strip() for part in value.split(",") if part.strip()]
        for slug in slugs:
            _municipality(store, query, parameter, slug)
        # Bound as one literal ",a,b," that the query tests with CONTAINS; empty means all.
        return Literal("," + ",".join(slugs) + "," if slugs else "")
    if kind == "string":
        return Literal(value)
    if kind == "boolean":
        if value.casefold() not in BOOLEAN_WORDS:
            raise _error(
                query,
                parameter.name,
                f"Parameter '{parameter.name}': '{_shown(value)}' ist weder ja noch nein.",
            )
        return Literal(BOOLEAN_WORDS[value.casefold()])
    return _lookup(store, query, parameter, value, scope)


def known_municipalities(store: Store) -> dict[str, str]:
    result = store.query(
        "SELECT ?m ?label WHERE { ?m a ikg:Municipality ; skos:prefLabel ?label ; "
        "ikg:fictional ?fictional . }"
    )
    return {str(row[0]).rsplit("/", 1)[-1]: str(row[1]) for row in result.rows}


def _municipality(store: Store, query: NamedQuery, parameter: Parameter, value: str) -> URIRef:
    if ID_PATTERN.match(value) and _is_municipality(store, value):
        return municipality_iri(value)
    known = known_municipalities(store)
    wanted = _words(value)
    by_label = sorted(
        slug
        for slug, label in known.items()
        if wanted and all(w in _words(label) + [slug] for w in wanted)
    )
    hint = f" Meinten Sie '{by_label[0]}'?" if len(by_label) == 1 else ""
    raise _error(
        query,
        parameter.name,
        f"Parameter '{parameter.name}': keine Kommune '{_shown(value)}'.{hint} "
        f"Bekannt: {', '.join(sorted(known))}.",
    )


def _is_municipality(store: Store, slug: str) -> bool:
    """One municipality looked up by its IRI (an index hit), not all of them listed."""
    result = store.query(
        "SELECT ?m WHERE { ?m a ikg:Municipality ; skos:prefLabel ?label ; "
        "ikg:fictional ?fictional . } LIMIT 1",
        {"m": municipality_iri(slug)},
    )
    return bool(result.rows)


# Candidates per entity parameter: ?entity, one ?label per name it goes by (labels,
# alternative labels and, for papers, the paper number) and its ?municipality if it has one
# (reference terms have none).
_LABELS = "skos:prefLabel|skos:altLabel"
_CANDIDATE_PATTERNS = {
    # anything organised: units, bodies, actors, networks, the municipalities themselves
    "actor": f"?entity org:classification ?classification ; {_LABELS} ?label .",
    "network": "{ ?entity a org:OrganizationalCollaboration } UNION "
    f"{{ ?entity a ikg:PoliticalBody }} ?entity {_LABELS} ?label .",
    "paper": f"?entity a ikg:Paper ; {_LABELS}|dcterms:identifier ?label .",
    "action-field": "{ ?entity a ikg:ActionField } UNION { ?entity a ikg:ReferenceActionField } "
    f"?entity {_LABELS}|skos:notation ?label .",
    "actor-type": f"?entity skos:inScheme ref:actor-type ; {_LABELS}|skos:notation ?label .",
}
#: every candidate of the whole graph
ENTITY_CANDIDATES = {
    kind: f"""
        SELECT DISTINCT ?entity ?label ?municipality WHERE {{
          {pattern}
          OPTIONAL {{ ?entity ikg:municipality ?municipality }}
        }}"""
    for kind, pattern in _CANDIDATE_PATTERNS.items()
}
#: the candidates of one municipality (?scope) plus the shared reference terms: what the
#: whole graph's candidates are filtered to when the municipality is known, found through the
#: ikg:municipality index instead of reading every label of every municipality
SCOPED_CANDIDATES = {
    kind: f"""
        SELECT DISTINCT ?scope ?entity ?label ?municipality WHERE {{
          {{
            ?entity ikg:municipality ?scope .
            {pattern}
            BIND (?scope AS ?municipality)
          }} UNION {{
            GRAPH <{REFERENCE_GRAPH}> {{ {pattern} }}
            FILTER NOT EXISTS {{ ?entity ikg:municipality ?other }}
          }}
        }}"""
    for kind, pattern in _CANDIDATE_PATTERNS.items()
}

_ENTITY_NOUNS = {
    "actor": "Organisation",
    "network": "Netzwerk oder Gremium",
    "paper": "Vorlage",
    "action-field": "Handlungsfeld",
    "actor-type": "Akteurstyp",
}


def _words(text: str) -> list[str]:
    """Case-folded words, punctuation dropped: 'Bereich 2-6/KI' → ['bereich', '2', '6', 'ki']."""
    return re.findall(r"\w+", unicodedata.normalize("NFC", text).casefold())


def _lookup(
    store: Store,
    query: NamedQuery,
    parameter: Parameter,
    value: str,
    scope: URIRef | None = None,
) -> URIRef:
    """An entity by id, exact name or words of its names; ambiguity and misses are errors.

    1. The id ('oberhausen/ki', or 'ki' where the municipality is known or the id unique) or a
       name / number equal to the value (case-insensitive). Several → ambiguous.
    2. Otherwise every word of the value must begin a word of the entity's label or
       alternative labels (case and punctuation ignored). One match wins; several are listed;
       none → the closest names are suggested.
    """
    slug, _, local_id = value.partition("/")
    if (
        ID_PATTERN.match(slug)
        and ID_PATTERN.match(local_id)
        and scope in (None, municipality_iri(slug))
    ):
        # 'slug/id' (the municipality's, when it is known): when the id is there, it is the
        # answer (as it would be among the candidates), found by one index lookup with the
        # entity bound instead of reading the candidates (tens of ms for 300 actors). Only
        # for what can be an id: anything else is no IRI and is matched against the names.
        if scope is not None or _is_municipality(store, slug):
            entity = URIRef(str(ID) + value)
            bound = {"scope": municipality_iri(slug), "entity": entity}
            if _scoped_rows(store, parameter.type, bound):
                return entity
    labels = _candidates(store, parameter.type, scope)
    folded = value.casefold()
    first = [
        entity
        for entity, names in labels.items()
        if short_id(entity) == value
        or short_id(entity).rsplit("/", 1)[-1] == value
        or folded in {name.casefold() for name in names}
    ]
    exact_id = [entity for entity in first if short_id(entity) == value]
    if len(exact_id) == 1:
        return URIRef(exact_id[0])
    if len(first) == 1:
        return URIRef(first[0])
    if first:
        raise _ambiguous(query, parameter, value, first, labels)
    wanted = _words(value)
    if not wanted:
        raise _error(
            query,
            parameter.name,
            f"Parameter '{parameter.name}': '{_shown(value)}' enthält keine Wörter.",
        )
    matches = [
        entity
        for entity, names in labels.items()
        if _covers(wanted, [word for name in names for word in _words(name)])
    ]
    if len(matches) == 1:
        return URIRef(matches[0])
    if matches:
        raise _ambiguous(query, parameter, value, matches, labels)
    close = _closest(value, wanted, labels)
    hint = f" Ähnlich: {'; '.join(close)}." if close else ""
    noun = _ENTITY_NOUNS.get(parameter.type, "Eintrag")
    where = f" in {short_id(str(scope))}" if scope is not None else ""
    raise _error(
        query,
        parameter.name,
        f"Parameter '{parameter.name}': keine {noun}{where} passt auf '{_shown(value)}'.{hint}",
    )


def _candidates(store: Store, kind: str, scope: URIRef | None) -> dict[str, set[str]]:
    """entity → its names: of one municipality and the reference terms, or of all."""
    if scope is None:
        rows = store.query(ENTITY_CANDIDATES[kind]).rows
    else:
        rows = [row[1:] for row in _scoped_rows(store, kind, {"scope": scope})]
    labels: dict[str, set[str]] = {}
    for entity, label, municipality in rows:
        if scope is not None and municipality is not None and municipality != scope:
            continue
        labels.setdefault(str(entity), set()).add(str(label))
    return labels


def _scoped_rows(
    store: Store, kind: str, bindings: dict[str, Node]
) -> list[tuple[Node | None, ...]]:
    """SCOPED_CANDIDATES read in the scope's stated graph and the reference schemes, where
    all of them are stated: the union of every graph lets the engine start from the typed
    pattern and read every municipality's networks (members at 100 municipalities: 40 ms
    for the lookup, 3 ms for the query)."""
    graphs = stated_dataset([short_id(bindings["scope"])])
    return store.query(
        SCOPED_CANDIDATES[kind], bindings, default_graphs=graphs, named_graphs=graphs
    ).rows


def _covers(wanted: list[str], words: list[str]) -> bool:
    return all(any(word.startswith(w) for word in words) for w in wanted)


def _closest(value: str, wanted: list[str], labels: dict[str, set[str]]) -> list[str]:
    """Up to three names sharing the most words with the value, else the most similar ones."""
    names = sorted({name for names in labels.values() for name in names})
    scored = []
    for name in names:
        words = _words(name)
        shared = sum(1 for w in wanted if any(word.startswith(w) for word in words))
        if shared:
            scored.append((-shared, len(name), name))
    if scored:
        return [name for _, _, name in sorted(scored)[:3]]
    return difflib.get_close_matches(value, names, n=3, cutoff=0.4)


def _ambiguous(
    query: NamedQuery,
    parameter: Parameter,
    value: str,
    matches: list[str],
    labels: dict[str, set[str]],
) -> QueryError:
    listed = "; ".join(
        f"{short_id(entity)} ({sorted(labels[entity], key=lambda n: (-len(n), n))[0]})"
        for entity in sorted(matches)[:10]
    )
    more = f" und {len(matches) - 10} weitere" if len(matches) > 10 else ""
    return _error(
        query,
        parameter.name,
        f"Parameter '{parameter.name}': '{_shown(value)}' passt auf {len(matches)} Einträge: "
        f"{listed}{more}. Bitte genauer angeben oder die Kennung verwenden.",
    )


def _shown(value: str) -> str:
    """A user's value as it may appear in a message: bounded and without control characters."""
    clean = "".join(c if unicodedata.category(c) not in {"Cc", "Cs"} else "?" for c in value)
    return clean if len(clean) <= 60 else clean[:57] + "…"


def describe(queries: dict[str, NamedQuery]) -> list[dict[str, Any]]:
    """The list of queries as plain data, for `ikg query --list --format json` and the web."""
    return [
        {
            "name": q.name,
            "title": {"de": q.title_de, "en": q.title_en},
            "description": q.description,
            "parameters": [
                {
                    "name": p.name,
                    "type": p.type,
                    "required": p.required,
                    "default": p.default,
                    "example": p.example,
                    "description": p.description,
                }
                for p in q.parameters
            ],
        }
        for q in queries.values()
    ]


__all__ = [
    "NOT_GIVEN",
    "PAGES_FOLDER",
    "PARAMETER_TYPES",
    "PURPOSES",
    "Binding",
    "NamedQuery",
    "Parameter",
    "accepted_parameters",
    "bind_parameters",
    "dataset_of",
    "describe",
    "get_query",
    "known_municipalities",
    "load_page_queries",
    "load_queries",
    "page_query",
    "parse_query_file",
    "run_named_query",
    "stated_dataset",
]
