from __future__ import annotations

import contextlib

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from tribune.listening.querylang import (
    And,
    Field,
    Not,
    Or,
    QuerySyntaxError,
    Target,
    Term,
    evaluate,
    parse,
)


def test_precedence_and_implicit_and():
    assert parse('alpha beta OR "gamma delta" NOT lang:en') == Or(
        (
            And((Term("alpha"), Term("beta"))),
            And((Term("gamma delta"), Not(Field("lang", "en")))),
        )
    )
    assert parse("(a OR b) AND -c*") == And((Or((Term("a"), Term("b"))), Not(Term("c", True))))


@pytest.mark.parametrize(
    "text,message,position",
    [
        ("alpha AND (beta OR gamma", "Parenthèse non fermée à la position 11", 11),
        ('alpha "beta', "Guillemet non fermé à la position 7", 7),
        ("alpha OR", "La requête se termine trop tôt à la position 9", 9),
        ("alpha)", "Parenthèse fermante sans ouvrante à la position 6", 6),
        ("OR alpha", "Il manque un terme avant OR à la position 1", 1),
        ("   ", "La requête est vide", 1),
        ("lang: alpha", "Il manque une valeur après lang: à la position 1", 1),
        ("()", "Parenthèses vides à la position 1", 1),
    ],
)
def test_errors_point_at_the_position_in_french(text, message, position):
    with translation.override("fr"), pytest.raises(QuerySyntaxError) as caught:
        parse(text)
    assert caught.value.message == message
    assert caught.value.position == position


def test_errors_in_english():
    with translation.override("en"), pytest.raises(QuerySyntaxError) as caught:
        parse("(alpha")
    assert caught.value.message == "Unclosed parenthesis at position 1"


def test_evaluation_is_accent_and_case_insensitive_with_fields():
    node = parse('Alpha AND (arnaque OR "service client") -lang:en author:@jean')
    hit = Target("Quelle ARNAQUE cet #alpha", language="fr", author="@Jean")
    assert evaluate(node, hit)
    assert not evaluate(node, Target("Quelle arnaque cet alpha", language="en", author="jean"))
    assert not evaluate(node, Target("Quelle arnaque cet alpha", language="fr", author="paul"))
    assert evaluate(parse("boycott*"), Target("On boycotte ALPHA"))
    assert not evaluate(parse("boycott"), Target("On boycotte ALPHA"))
    assert evaluate(parse("network:bluesky alpha"), Target("alpha", network="bluesky"))
    # Never inside a link.
    assert not evaluate(parse("alpha"), Target("voir https://alpha.example/x"))


OPERATORS = st.sampled_from(
    ["AND", "OR", "NOT", "(", ")", '"', "-", "*", "lang:", "author:", "network:", "x:", " "]
)
QUERYISH = st.lists(st.one_of(OPERATORS, st.text(max_size=6)), max_size=20).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), QUERYISH), st.text(max_size=80))
def test_parser_never_crashes_and_evaluation_is_deterministic(query, text):
    try:
        node = parse(query)
    except QuerySyntaxError as exc:
        assert exc.message and 1 <= exc.position <= len(query) + 1
        return
    target = Target(text, language="fr", network="sandbox", author="@someone")
    first = evaluate(node, target)
    assert evaluate(parse(query), target) is first
    assert evaluate(node, target) is first


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(["(", ")", "a", "OR", "NOT"]), max_size=200).map(" ".join))
def test_deep_or_unbalanced_nesting_is_an_error_not_a_crash(query):
    with contextlib.suppress(QuerySyntaxError):
        parse(query)


def test_very_deep_nesting_is_refused():
    with pytest.raises(QuerySyntaxError):
        parse("(" * 500 + "a" + ")" * 500)
    with pytest.raises(QuerySyntaxError):
        parse("NOT " * 500 + "a")
