"""Parameters of the named queries: lookup by id or words, every error, hostile values.

Values are bound as RDF terms, never pasted into the query text: whatever a value contains,
the answer is an error naming the parameter or an ordinary (possibly empty) result, the store
is unchanged and the text sent to the store is the query file's text.
"""

from __future__ import annotations

import pytest
from rdflib import Literal, URIRef

from graph.cli import main
from graph.errors import QueryError
from graph.namespaces import ID, REF
from graph.queries import NOT_GIVEN, NamedQuery, bind_parameters, run_named_query
from graph.store import Store


@pytest.fixture
def store(any_store: Store) -> Store:
    """Every test here runs on each kind of store (conftest.STORE_KINDS): the embedded one
    and a real SPARQL server must give the same answers."""
    return any_store


def bind(store: Store, queries: dict[str, NamedQuery], name: str, **values: str):
    return bind_parameters(
        store, queries[name], {k.replace("_", "-"): v for k, v in values.items()}
    )


def refused(store: Store, queries: dict[str, NamedQuery], name: str, **values: str) -> QueryError:
    with pytest.raises(QueryError) as caught:
        bind(store, queries, name, **values)
    return caught.value


def accepted_list(query: NamedQuery) -> str:
    return ", ".join(p.name for p in query.parameters)


def assert_lists_parameters(error: QueryError, query: NamedQuery) -> None:
    for parameter in query.parameters:
        assert parameter.name in str(error)
    assert f"Parameter von '{query.name}'" in str(error)


# -- lookup of entities --------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "oberhausen/ki",
        "Kommunales Integrationszentrum Oberhausen",
        "kommunales integrationszentrum oberhausen",
        "Kommunales Integrationszentrum (KI) Oberhausen",
        "Bereich 2-6/Kommunales Integrationszentrum (KI)",
        "KI Oberhausen",
        "  integrationszentrum, OBERHAUSEN!  ",
    ],
)
def test_the_ki_oberhausen_by_id_or_words(store, queries, value: str) -> None:
    assert bind(store, queries, "memberships", actor=value)["actor"] == ID["oberhausen/ki"]


def test_an_ambiguous_name_lists_the_candidates(store, queries) -> None:
    error = refused(store, queries, "memberships", actor="Kommunales Integrationszentrum")
    message = str(error)
    assert error.parameter == "actor"
    assert "oberhausen/ki" in message and "leverkusen/ki" in message
    assert "Kennung" in message  # asks for the id or a narrower value
    assert_lists_parameters(error, queries["memberships"])


def test_an_ambiguous_bare_id_lists_the_candidates(store, queries) -> None:
    message = str(refused(store, queries, "actor", actor="ki"))
    assert "oberhausen/ki" in message and "leverkusen/ki" in message


def test_a_name_shared_by_two_cities_is_resolved_by_the_municipality(store, queries) -> None:
    message = str(refused(store, queries, "members", network="Integrationsrat"))
    assert "leverkusen/integrationsrat" in message
    assert "oberhausen/integrationsrat-oberhausen" in message
    bound = bind(store, queries, "members", network="Integrationsrat", municipality="leverkusen")
    assert bound["network"] == ID["leverkusen/integrationsrat"]
    assert bound["municipality"] == ID["leverkusen"]


def test_a_field_is_looked_up_in_the_municipality(store, queries) -> None:
    # hf-ikoe exists in Leverkusen and in Offenburg
    bound = bind(store, queries, "responsibilities", municipality="offenburg", field="hf-ikoe")
    assert bound["field"] == ID["offenburg/hf-ikoe"]
    bound = bind(store, queries, "responsibilities", municipality="leverkusen", field="A")
    assert bound["field"] == ID["leverkusen/hf-a"]
    bound = bind(
        store, queries, "responsibilities", municipality="leverkusen", field="leverkusen/hf-a"
    )
    assert bound["field"] == ID["leverkusen/hf-a"]
    bound = bind(store, queries, "responsibilities", municipality="leverkusen", field="Wohnen")
    assert bound["field"] == REF["action-field/wohnen"]  # the reference field of that name


def test_nothing_found_suggests_the_closest_names(store, queries) -> None:
    error = refused(
        store, queries, "memberships", actor="Kommunales Integrationszentrum Gelsenkirchen"
    )
    message = str(error)
    assert "nichts" in message or "keine" in message
    assert "Ähnlich:" in message and "Kommunales Integrationszentrum" in message
    assert error.parameter == "actor"


def test_papers_by_number(store, queries) -> None:
    assert (
        bind(store, queries, "consultations", paper="2017/1900")["paper"]
        == ID["leverkusen/paper-2017-1900"]
    )
    assert (
        bind(store, queries, "consultations", paper="Vorlage 2017/1900")["paper"]
        == ID["leverkusen/paper-2017-1900"]
    )


def test_the_default_actor_type_is_mso(store, queries) -> None:
    assert (
        bind(store, queries, "gaps", municipality="offenburg")["actor_type"]
        == REF["actor-type/mso"]
    )
    assert (
        bind(store, queries, "gaps", municipality="offenburg", actor_type="MSO")["actor_type"]
        == REF["actor-type/mso"]
    )


def test_an_optional_parameter_left_out_is_bound_to_the_empty_literal(store, queries) -> None:
    assert bind(store, queries, "members", network="lio")["municipality"] == NOT_GIVEN
    assert bind(store, queries, "compare")["municipalities"] == Literal("")
    assert bind(store, queries, "compare", municipalities="leverkusen,offenburg")[
        "municipalities"
    ] == Literal(",leverkusen,offenburg,")


# -- errors through bind_parameters --------------------------------------------------------


def test_unknown_parameter(store, queries) -> None:
    error = refused(store, queries, "action-fields", municipality="offenburg", city="x")
    assert error.parameter == "city"
    assert "Unbekannter Parameter 'city'" in str(error)
    assert_lists_parameters(error, queries["action-fields"])


def test_unknown_parameter_close_to_a_known_one(store, queries) -> None:
    error = refused(store, queries, "gaps", municipality="offenburg", actortype="mso")
    assert "Meinten Sie 'actor-type'?" in str(error)


def test_missing_required_parameter(store, queries) -> None:
    for name, query in queries.items():
        for parameter in query.parameters:
            if not parameter.required:
                continue
            values = {p.name: p.example for p in query.parameters if p is not parameter}
            with pytest.raises(QueryError) as caught:
                bind_parameters(store, query, values)
            assert caught.value.parameter == parameter.name, name
            assert f"Parameter '{parameter.name}' fehlt" in str(caught.value)
            assert_lists_parameters(caught.value, query)


@pytest.mark.parametrize(
    ("name", "values", "parameter", "hint"),
    [
        ("action-fields", {"municipality": "Bielefeld"}, "municipality", "Bekannt: leverkusen"),
        ("action-fields", {"municipality": "Stadt Leverkusen"}, "municipality", "leverkusen"),
        ("compare", {"municipalities": "leverkusen,atlantis"}, "municipalities", "Bekannt"),
        ("members", {"network": "Arbeitskreis Raumfahrt"}, "network", "keine"),
        ("members", {"network": "lio", "municipality": "mars"}, "municipality", "Bekannt"),
        ("consultations", {"paper": "1999/0001"}, "paper", "keine"),
        ("gaps", {"municipality": "offenburg", "actor-type": "Raumfahrer"}, "actor-type", "keine"),
        ("responsibilities", {"municipality": "oberhausen", "field": "Raumfahrt"}, "field", ""),
        ("memberships", {"actor": "..."}, "actor", "keine Wörter"),
    ],
)
def test_wrong_values_name_the_parameter(
    store, queries, name: str, values: dict[str, str], parameter: str, hint: str
) -> None:
    with pytest.raises(QueryError) as caught:
        bind_parameters(store, queries[name], values)
    assert caught.value.parameter == parameter
    assert f"'{parameter}'" in str(caught.value)
    assert hint in str(caught.value)
    assert_lists_parameters(caught.value, queries[name])


def test_a_field_of_another_municipality_is_not_found(store, queries) -> None:
    error = refused(
        store, queries, "responsibilities", municipality="oberhausen", field="leverkusen/hf-a"
    )
    assert error.parameter == "field"


# -- errors through the CLI ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "parameter"),
    [
        (["action-fields", "--param", "municipality=offenburg", "--param", "stadt=x"], "stadt"),
        (["action-fields"], "municipality"),
        (["action-fields", "--param", "municipality=bielefeld"], "municipality"),
        (["members", "--param", "network=Integrationsrat"], "network"),
        (["memberships", "--param", "actor=Kommunales Integrationszentrum"], "actor"),
        (["consultations", "--param", "paper=0000/0000"], "paper"),
        (
            ["gaps", "--param", "municipality=offenburg", "--param", "actor-type=x y z"],
            "actor-type",
        ),
        (["compare", "--param", "municipalities=leverkusen;offenburg"], "municipalities"),
    ],
)
def test_cli_parameter_errors_exit_2(runner, queries, arguments: list[str], parameter: str) -> None:
    outcome = runner.invoke(main, ["query", *arguments])
    assert outcome.exit_code == 2, outcome.output
    assert outcome.output.startswith("Fehler: ")
    assert f"'{parameter}'" in outcome.output
    query = queries[arguments[0]]
    assert f"Parameter von '{query.name}': " in outcome.output
    for accepted in query.parameters:
        assert accepted.name in outcome.output


def test_cli_ambiguous_entity_names_the_candidates(runner) -> None:
    outcome = runner.invoke(main, ["query", "actor", "--param", "actor=KI"])
    assert outcome.exit_code == 2
    assert "oberhausen/ki" in outcome.output and "leverkusen/ki" in outcome.output


def test_cli_unknown_query_exit_2(runner) -> None:
    outcome = runner.invoke(main, ["query", "action-field"])
    assert outcome.exit_code == 2
    assert "action-fields" in outcome.output


def test_cli_parameter_given_twice_exit_2(runner) -> None:
    outcome = runner.invoke(
        main,
        ["query", "action-fields", "-p", "municipality=offenburg", "-p", "municipality=leverkusen"],
    )
    assert outcome.exit_code == 2


# -- hostile values ------------------------------------------------------------------------

HOSTILE = [
    '"',
    "'",
    "}",
    "{ ?s ?p ?o }",
    "} ; DROP ALL ; {",
    '") } INSERT DATA { <urn:x> <urn:y> <urn:z> } #',
    "'> } DELETE WHERE { ?s ?p ?o } #",
    "<https://w3id.org/ikg/id/oberhausen/ki>",
    "?actor",
    "$municipality",
    "SELECT * WHERE { ?s ?p ?o }",
    'oberhausen" . ?x ?y ?z . "',
    "offenburg\n} INSERT DATA {",
    "\x00",
    "ki\x1b[31m",
    "a" * 10_000,
    "\udcff\udcfe",
    "ober\udc80hausen",
    "\\u0022) }",
    "%22%29%20%7D",
    "😀" * 50,
    # shaped like an id ('municipality/id'), which is looked up as an IRI when it can be one
    "oberhausen/<script>alert(1)</script>",
    "oberhausen/ki> . ?s ?p ?o . <x",
    'leverkusen/hf-a" }',
]

TARGETS = [
    ("action-fields", "municipality", {}),
    ("compare", "municipalities", {}),
    ("members", "network", {}),
    ("members", "municipality", {"network": "lio"}),
    ("memberships", "actor", {}),
    ("actor", "actor", {}),
    ("consultations", "paper", {}),
    ("gaps", "actor-type", {"municipality": "oberhausen"}),
    ("responsibilities", "field", {"municipality": "oberhausen"}),
]


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch, store: Store) -> list[str]:
    """Every query text the store is asked, in order."""
    texts: list[str] = []
    original = store.query

    def spy(sparql, bindings=None, **options):
        texts.append(sparql)
        return original(sparql, bindings, **options)

    monkeypatch.setattr(store, "query", spy)
    return texts


@pytest.mark.parametrize("value", HOSTILE, ids=range(len(HOSTILE)))
@pytest.mark.parametrize(
    ("name", "parameter", "others"), TARGETS, ids=[f"{n}:{p}" for n, p, _ in TARGETS]
)
def test_hostile_value_gives_an_error_or_a_result_never_a_changed_query(
    store, queries, sent, value: str, name: str, parameter: str, others: dict[str, str]
) -> None:
    query = queries[name]
    quads = store.quad_count()
    # only what the named query sends (a remote store counts quads with a query, too)
    before = len(sent)
    try:
        run_named_query(store, query, {**others, parameter: value})
    except QueryError as error:
        assert error.parameter == parameter
        assert "\x00" not in str(error) and "\x1b" not in str(error)
        assert len(str(error)) < 2000
    else:
        assert sent[-1] == query.text
    asked = sent[before:]
    assert store.quad_count() == quads
    stripped = value.strip()
    if len(stripped) > 3:
        assert not any(stripped in text for text in asked), "a value reached a query text"
    assert all(text == query.text or "SELECT" in text for text in asked)


def test_hostile_value_through_the_cli(runner, store) -> None:
    quads = store.quad_count()
    outcome = runner.invoke(
        main,
        ["query", "members", "--param", 'network=") } INSERT DATA { <urn:x> <urn:y> <urn:z> } #'],
    )
    assert outcome.exit_code == 2
    assert "'network'" in outcome.output
    assert store.quad_count() == quads


def test_the_named_query_is_sent_exactly_as_written(store, queries, sent) -> None:
    query = queries["members"]
    result = run_named_query(store, query, {"network": "Integration.Interkommunal"})
    assert result.rows
    assert sent[-1] == query.text
    assert sent[-1] == query.path.read_text(encoding="utf-8")


def test_bound_values_are_terms(store, queries) -> None:
    bound = bind(store, queries, "members", network="vielfalt-verbindet", municipality="oberhausen")
    assert all(isinstance(term, URIRef) for term in bound.values())


def test_non_utf8_bytes_through_the_cli(runner, store) -> None:
    # what Python makes of undecodable bytes in argv: lone surrogates (surrogateescape)
    value = b"ober\xffhausen".decode("utf-8", "surrogateescape")
    quads = store.quad_count()
    for arguments in (
        ["action-fields", "--param", f"municipality={value}"],
        ["members", "--param", f"network={value}"],
        ["action-fields", "--param", f"{value}=oberhausen"],
    ):
        outcome = runner.invoke(main, ["query", *arguments])
        assert outcome.exit_code == 2, outcome.output
        assert outcome.output.startswith("Fehler: ") and "Parameter von" in outcome.output
    assert store.quad_count() == quads


def test_a_query_file_is_parsed_again_only_when_it_has_changed(tmp_path) -> None:
    """The viewer loads the queries on every request: an unchanged file is not parsed again,
    a changed one is, and a broken one is reported every time, not kept."""
    import shutil

    from graph.errors import QueryError
    from graph.queries import load_queries
    from tests.conftest import QUERIES_DIR

    shutil.copy(QUERIES_DIR / "members.rq", tmp_path / "members.rq")
    first = load_queries(tmp_path)["members"]
    assert load_queries(tmp_path)["members"] is first

    path = tmp_path / "members.rq"
    path.write_text(
        path.read_text(encoding="utf-8").replace(first.title_de, "Mitglieder (geändert)", 1),
        encoding="utf-8",
    )
    assert load_queries(tmp_path)["members"].title_de == "Mitglieder (geändert)"

    path.write_text("#+ title: [unclosed\nSELECT * WHERE { ?s ?p ?o }\n", encoding="utf-8")
    for _ in range(2):
        with pytest.raises(QueryError, match="members.rq"):
            load_queries(tmp_path)


def test_a_query_header_declaring_an_unknown_dataset_is_refused(tmp_path) -> None:
    from graph.errors import QueryError
    from graph.queries import parse_query_file
    from tests.conftest import QUERIES_DIR

    text = (QUERIES_DIR / "concept-changes.rq").read_text(encoding="utf-8")
    path = tmp_path / "changes.rq"
    path.write_text(text.replace("#+ dataset: municipality", "#+ dataset: everything"))
    with pytest.raises(QueryError, match=r"changes\.rq: dataset 'everything' is unknown"):
        parse_query_file(path)
