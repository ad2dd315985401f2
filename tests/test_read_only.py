"""The read-only guard of the SPARQL endpoint (graph.read_only): updates and SERVICE are
refused, a keyword inside a string, IRI, name or comment is not."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.namespaces import PREFIXES
from graph.read_only import (
    RefusedRequest,
    check_read_only,
    confirm_no_service,
    neutralised,
)
from graph.sparql_text import keywords
from tests.listening import Listener
from tests.service_variants import calling, harmless


def guard(text: str) -> str:
    """Both parts of the guard, as the query workers apply them."""
    form = check_read_only(text)
    confirm_no_service(text)
    return form


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("PREFIX ex: <urn:x:> BASE <urn:y:> ASK { ?s ex:p ?o }", "ASK"),
        ("# SERVICE <http://x/> { }\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("SELECT * WHERE { ?s ?p 'SERVICE <http://x/> { ?s ?p ?o }' }", "SELECT"),
        ('SELECT * WHERE { ?s ?p """a\nSERVICE <http://x/> {}\n""" }', "SELECT"),
        ("SELECT ?service WHERE { ?service a ikg:Service ; ikg:service ?o }", "SELECT"),
        ("SELECT * WHERE { ?s ?p <http://example.org/SERVICE> }", "SELECT"),
        ("DESCRIBE <urn:x:service>", "DESCRIBE"),
    ],
)
def test_queries_pass_with_their_form(query, form):
    assert guard(query) == form


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { sErViCe SILENT ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://x/> { ?s ?p ?o } } }",
        "SELECT * WHERE { FILTER(1<'>') SERVICE <http://x/> { ?s ?p ?o } FILTER(?o = 'x') }",
        "PREFIX ex: <urn:x:> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <http://x/> { } }",
        "PREFIX ex: <urn:x:> SELECT * { ?s ex:a\\'b ?o . SERVICE <http://x/> {} ?s ex:c 'd' }",
        # the probe of issue 19: a lexer and rdflib each lose their way, Oxigraph does not
        "SELECT * WHERE { FILTER(1<'>' || true) BIND(\"\\u0022\" AS ?x) "
        'SERVICE <http://x/> { ?s ?p ?o } BIND("\\u0022" AS ?y) }',
        "SELECT * WHERE { SERVICESILENT<http://x/>{} }",
        "PREFIX ep: <http://x/> SELECT * WHERE { SERVICE ep:sparql { ?s ?p ?o } }",
    ],
)
def test_service_is_refused(query):
    with pytest.raises(RefusedRequest) as raised:
        guard(query)
    assert raised.value.http_status == 403 and str(raised.value).startswith("SERVICE")


def test_a_lexer_alone_would_miss_some_service_calls():
    """Why Oxigraph's parser decides: the lexer reads <'> as an IRI and loses its way."""
    tricky = "SELECT * WHERE { FILTER(1<'>') SERVICE <http://x/> { ?s ?p ?o } FILTER(?o = 'x') }"
    assert "SERVICE" not in keywords(tricky)
    with pytest.raises(RefusedRequest):
        guard(tricky)


def test_the_word_service_in_a_text_that_does_not_parse_is_refused_with_the_reason():
    with pytest.raises(RefusedRequest) as raised:
        guard("SELECT * WHERE { ?s ?p 'service' } LIMT 3")
    message = str(raised.value)
    assert "Syntaxfehler" in message and "does not parse" in message
    # where Oxigraph's parser stopped, in the neutralised text, which has the same length
    assert "Hinweis des Parsers: error at 1:42" in message


@pytest.mark.parametrize(
    "query",
    [
        # Oxigraph expands no escapes outside strings and IRIs and matches keywords in ASCII
        # only, so none of these is a SERVICE to it: each is a plain syntax error (400 later)
        "SELECT * WHERE { \\u0053ERVICE <http://x/> { } }",
        "SELECT * WHERE { \u017fERVICE <http://x/> { } }",
    ],
)
def test_what_oxigraph_does_not_read_as_service_is_left_to_its_syntax_error(query):
    assert not any(word.lower() == "service" for word in query.replace("\\", " ").split())
    confirm_no_service(query)  # nothing to refuse: no letters "service"
    with pytest.raises(SyntaxError):
        ox.Store().query(query)


def test_neutralising_changes_no_string_iri_name_or_comment_beyond_the_letter():
    query = "# service\nSELECT ?service { ?s <urn:Service> 'sErViCe', _:service, ex:service }"
    assert neutralised(query) == (
        "# 1ervice\nSELECT ?1ervice { ?s <urn:1ervice> '1ErViCe', _:1ervice, ex:1ervice }"
    )
    # and the neutralised text still parses: so the guard lets the original through
    guard(query.replace("ex:", "ikg:"))


def _what_oxigraph_does(query: str, listener: Listener) -> tuple[bool, bool]:
    """(parsed, connected): the query run with no guard on an empty Oxigraph store."""
    before = len(listener.received)
    parsed = True
    try:
        answer = ox.Store().query(query, prefixes=PREFIXES, use_default_graph_as_union=True)
        if not isinstance(answer, ox.QueryBoolean):
            list(answer)
    except SyntaxError:
        parsed = False
    except (OSError, RuntimeError):
        # the listener hung up (it counts before it closes, so the count is already in), or
        # the service name was unbound
        pass
    return parsed, len(listener.received) > before


def test_every_service_clause_oxigraph_would_run_is_refused(listener):
    """Differential: 300 dressed-up SERVICE clauses are first run unguarded on Oxigraph
    (which really connects to the listener for many of them), then given to the guard; every
    one that Oxigraph parses holds a SERVICE clause by construction and must be refused."""
    parsed_count = connected_count = 0
    for query in calling(listener.url(), 300):
        parsed, connected = _what_oxigraph_does(query, listener)
        parsed_count += parsed
        connected_count += connected
        if parsed:
            with pytest.raises(RefusedRequest):
                guard(query)
    # the variants are real: Oxigraph parses them and calls out for many
    assert parsed_count == 300 and connected_count >= 100


def test_queries_that_only_mention_service_pass(listener):
    """The other half of the differential: the word in strings, IRIs, comments, variables
    and names is no reason to refuse."""
    for query in harmless(200):
        parsed, connected = _what_oxigraph_does(query, listener)
        assert parsed and not connected, query
        guard(query)


@pytest.mark.parametrize(
    ("query", "keyword"),
    [
        ("INSERT DATA { <urn:x:a> <urn:x:b> 'SELECT' }", "INSERT"),
        ("PREFIX select: <urn:x:> DELETE WHERE { ?s select:p ?o }", "DELETE"),
        ("# SELECT\nWITH <urn:x:g> INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }", "WITH"),
        ("LOAD <http://x/data.ttl> INTO GRAPH <urn:x:g>", "LOAD"),
        ("CLEAR DEFAULT", "CLEAR"),
        ("DROP SILENT ALL", "DROP"),
        ("CREATE GRAPH <urn:x:g>", "CREATE"),
        ("ADD <urn:x:a> TO <urn:x:b>", "ADD"),
        ("MOVE DEFAULT TO <urn:x:b>", "MOVE"),
        ("COPY <urn:x:a> TO DEFAULT", "COPY"),
    ],
)
def test_updates_are_refused_naming_the_operation(query, keyword):
    with pytest.raises(RefusedRequest) as raised:
        check_read_only(query)
    message = str(raised.value)
    assert f"SPARQL Update ({keyword})" in message
    assert "schreibgeschützt" in message and "read-only" in message


def test_ikg_sparql_refuses_service_before_the_store_is_asked(runner) -> None:
    from graph.cli import main

    outcome = runner.invoke(
        main, ["sparql", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"]
    )
    assert outcome.exit_code == 2
    assert "SERVICE" in outcome.output
