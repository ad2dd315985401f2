"""The read-only guard of the SPARQL endpoint (graph.read_only): updates and SERVICE are
refused, a keyword inside a string, IRI, name or comment is not."""

from __future__ import annotations

import pytest

from graph.read_only import RefusedRequest, check_read_only
from graph.sparql_text import keywords


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
    assert check_read_only(query) == form


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }",
        "SELECT * WHERE { sErViCe SILENT ?endpoint { ?s ?p ?o } }",
        "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <http://x/> { ?s ?p ?o } } }",
        "SELECT * WHERE { FILTER(1<'>') SERVICE <http://x/> { ?s ?p ?o } FILTER(?o = 'x') }",
        "PREFIX ex: <urn:x:> SELECT * WHERE { ?s ex:a\\#b ?o . SERVICE <http://x/> { } }",
        "PREFIX ex: <urn:x:> SELECT * { ?s ex:a\\'b ?o . SERVICE <http://x/> {} ?s ex:c 'd' }",
    ],
)
def test_service_is_refused(query):
    with pytest.raises(RefusedRequest) as raised:
        check_read_only(query)
    assert raised.value.http_status == 403 and str(raised.value).startswith("SERVICE")


def test_a_lexer_alone_would_miss_some_service_calls():
    """Why the parser is asked as well: the lexer reads <'> as an IRI and loses its way."""
    tricky = "SELECT * WHERE { FILTER(1<'>') SERVICE <http://x/> { ?s ?p ?o } FILTER(?o = 'x') }"
    assert "SERVICE" not in keywords(tricky)
    with pytest.raises(RefusedRequest):
        check_read_only(tricky)


def test_the_word_service_in_a_text_that_does_not_parse_is_refused_with_the_reason():
    with pytest.raises(RefusedRequest) as raised:
        check_read_only("SELECT * WHERE { ?s ?p 'service' } LIMT 3")
    assert "could not be parsed" in str(raised.value) and "LIMT" in str(raised.value)


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
