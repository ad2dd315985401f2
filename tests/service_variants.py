"""Generated SPARQL texts for the SERVICE guard's differential tests.

``calling(target, count)`` gives queries that hold a SERVICE clause naming ``target``, dressed
in what has fooled text-based guards before: strings and long strings holding quotes, braces
and the word SERVICE, ``\\u`` escapes, comparisons with ``<`` that a lexer takes for an IRI,
comments, IRIs with ``#``, prefixed names with escapes, subqueries, every query form,
``SERVICE ?var`` and a prefixed service name. ``harmless(count)`` gives queries that only
mention the word. Both are seeded, so a failure can be repeated.

Whether a text really calls out is not assumed: the tests run each on an unguarded Oxigraph
first and keep the verdict of what it did.
"""

from __future__ import annotations

import random

#: group elements that are valid SPARQL and hard on a lexer; {n} makes variables unique
NOISE = [
    "FILTER(1<'>' || true)",
    'BIND("\\u0022" AS ?x{n})',
    "BIND('\\u0027' AS ?x{n})",
    "BIND('''a'b\"c''' AS ?x{n})",
    'BIND("""a "" b""" AS ?x{n})',
    'BIND("\\\\" AS ?x{n})',
    "BIND('\\'' AS ?x{n})",
    "FILTER(?a{n}<?b{n} || true)",
    'FILTER(2 < 3 && "<" != ">")',
    "FILTER(1<'>' ) BIND(\"}\" AS ?q{n})",
    '# a comment with } and " and SERVICE <http://example.org/> {\n',
    "?s{n} <urn:x:a#frag> ?o{n} .",
    "?s{n} ex:a\\#b ?o{n} .",
    "?s{n} ex:a\\'b 'SERVICE' .",
    "FILTER(<urn:a> != <urn:b>)",
    "BIND(1<2 AS ?lt{n})",
    "FILTER(?a{n} < 'x>')",
    'BIND("SERVICE <http://example.org/> { }" AS ?t{n})',
    "{ SELECT ?z{n} WHERE { ?z{n} ?p{n} ?o{n} } LIMIT 1 }",
    'OPTIONAL { ?s{n} ?p{n} "\\"" }',
    "BIND(<urn:service> AS ?service{n})",
    "?service{n} ex:service _:service{n} .",
]

#: pairs to put around the clause: a parser that expands \u escapes before parsing (rdflib)
#: sees a long string from the first piece to the second, hiding the clause between them
SANDWICHES = [
    ("FILTER(1<'>' || true) BIND(\"\\u0022\" AS ?a{n})", 'BIND("\\u0022" AS ?b{n})'),
    ("BIND('\\u0027' AS ?a{n})", "BIND('\\u0027' AS ?b{n})"),
    ("FILTER(1<'>') BIND(\"\\u0022\\u0022\" AS ?a{n})", 'BIND("\\u0022\\u0022" AS ?b{n})'),
    ('BIND("\\U00000022" AS ?a{n})', 'BIND("\\U00000022" AS ?b{n})'),
]

#: ways to write the SERVICE clause; {target} is the address, {n} a unique number
CLAUSES = [
    "SERVICE <{target}> {{ ?s{n} ?p{n} ?o{n} }}",
    "service silent <{target}> {{ ?s{n} ?p{n} ?o{n} }}",
    "SeRvIcE<{target}>{{?s{n} ?p{n} ?o{n}}}",
    "SERVICESILENT<{target}>{{}}",
    "SERVICE\t\n<{target}>\n{{ }}",
    "SERVICE# a comment\n<{target}> {{ }}",
    "BIND(<{target}> AS ?endpoint{n}) SERVICE ?endpoint{n} {{ }}",
    "VALUES ?endpoint{n} {{ <{target}> }} SERVICE SILENT ?endpoint{n} {{ }}",
    "SERVICE target:x {{ ?s{n} ?p{n} ?o{n} }}",
]

#: where the clause sits; {body} is the group's content
WRAPPERS = [
    "{body}",
    "OPTIONAL {{ {body} }}",
    "{{ SELECT * WHERE {{ {body} }} }}",
    "FILTER EXISTS {{ {body} }}",
    "{{ }} UNION {{ {body} }}",
    "MINUS {{ {body} }}",
]

FORMS = [
    "SELECT * WHERE {{ {group} }}",
    "ASK {{ {group} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ {group} }}",
    "DESCRIBE ?s WHERE {{ {group} }}",
    "SELECT (COUNT(*) AS ?n) {{ {group} }} GROUP BY ?s",
]


def _noise(rng: random.Random, counter: list[int]) -> str:
    pieces = []
    for _ in range(rng.randint(0, 3)):
        counter[0] += 1
        pieces.append(rng.choice(NOISE).replace("{n}", str(counter[0])))
    return " ".join(pieces)


def _query(rng: random.Random, target: str | None) -> str:
    counter = [0]
    if target is None:
        clause = ""
    else:
        counter[0] += 1
        clause = rng.choice(CLAUSES).format(target=target, n=counter[0])
        if rng.random() < 0.5:
            before, after = rng.choice(SANDWICHES)
            clause = f"{before} {clause} {after}".replace("{n}", str(counter[0]))
    body = " ".join(filter(None, [_noise(rng, counter), clause, _noise(rng, counter)]))
    group = rng.choice(WRAPPERS).format(body=body) if target is not None else body
    prologue = "PREFIX ex: <urn:x:> "
    if target is not None:
        prologue += f"PREFIX target: <{target.rsplit('/', 1)[0]}/> "
    return prologue + rng.choice(FORMS).format(group=group)


def calling(target: str, count: int, *, seed: int = 19) -> list[str]:
    """Queries whose SERVICE clause names ``target`` (an http URL), in ``count`` dresses."""
    rng = random.Random(seed)
    return [_query(rng, target) for _ in range(count)]


def harmless(count: int, *, seed: int = 13) -> list[str]:
    """Queries that mention SERVICE only in strings, IRIs, comments and names."""
    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        text = _query(rng, None)
        if "service" in text.lower():
            queries.append(text)
    return queries
