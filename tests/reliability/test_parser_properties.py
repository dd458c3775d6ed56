"""Bad input, property-based (Hypothesis): every parser fed by people or by the
outside world either gives a result or one clear, typed error — never a crash — and
the results obey the rules the documentation states.

- listening's boolean query language: a tree rendered with full or with minimal
  parentheses (precedence NOT > AND > OR, implicit AND, ``-`` for NOT) parses back to
  something that evaluates like a reference implementation;
- RSS/Atom: arbitrary bytes → a result or ``FeedError``; generated feeds keep every
  item;
- the charter's line format: text → rules → text → rules is stable, bad lines give
  ``LineError``;
- imports (CSV, X, Mastodon, Bluesky archives): arbitrary bytes or zip files →
  ``ImportFailed`` with a message, nothing written.
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tribune.listening.feeds import FeedError, parse_feed
from tribune.listening.querylang import QuerySyntaxError, Target, evaluate, parse
from tribune.strategy.forms.charter_lines import (
    LineError,
    format_required,
    format_terms,
    parse_required,
    parse_terms,
)

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon"]

# --- the query language ---------------------------------------------------------------------
# A tree: ("w", word) | ("not", t) | ("and", [t, t, …]) | ("or", [t, t, …])
trees = st.recursive(
    st.sampled_from(WORDS).map(lambda w: ("w", w)),
    lambda children: st.one_of(
        children.map(lambda c: ("not", c)),
        st.lists(children, min_size=2, max_size=3).map(lambda cs: ("and", cs)),
        st.lists(children, min_size=2, max_size=3).map(lambda cs: ("or", cs)),
    ),
    max_leaves=12,
)


def reference(tree, words: set[str]) -> bool:  # type: ignore[no-untyped-def]
    kind, value = tree
    if kind == "w":
        return value in words
    if kind == "not":
        return not reference(value, words)
    results = [reference(child, words) for child in value]
    return all(results) if kind == "and" else any(results)


def full_parens(tree) -> str:  # type: ignore[no-untyped-def]
    kind, value = tree
    if kind == "w":
        return value
    if kind == "not":
        return f"NOT ({full_parens(value)})"
    joiner = " AND " if kind == "and" else " OR "
    return joiner.join(f"({full_parens(c)})" for c in value)


PRECEDENCE = {"or": 1, "and": 2, "not": 3, "w": 4}


def minimal(tree, implicit_and: bool, minus: bool) -> str:  # type: ignore[no-untyped-def]
    kind, value = tree
    if kind == "w":
        return value
    if kind == "not":
        inner = minimal(value, implicit_and, minus)
        if PRECEDENCE[value[0]] < PRECEDENCE["not"]:
            inner = f"({inner})"
        return f"-{inner}" if minus else f"NOT {inner}"
    parts = []
    for child in value:
        text = minimal(child, implicit_and, minus)
        if PRECEDENCE[child[0]] <= PRECEDENCE[kind]:
            text = f"({text})"
        parts.append(text)
    joiner = (" " if implicit_and else " AND ") if kind == "and" else " OR "
    return joiner.join(parts)


@settings(max_examples=300, deadline=None)
@given(trees, st.sets(st.sampled_from(WORDS)), st.booleans(), st.booleans())
def test_query_language_agrees_with_a_reference_evaluator(tree, present, implicit, minus):
    text = " ".join(sorted(present)) or "rien"
    expected = reference(tree, present)
    for query in (full_parens(tree), minimal(tree, implicit, minus)):
        assert evaluate(parse(query), Target(text)) is expected, query


@settings(max_examples=200, deadline=None)
@given(trees, st.sets(st.sampled_from(WORDS)))
def test_case_and_accents_do_not_change_the_answer(tree, present):
    query = full_parens(tree)
    plain = " ".join(sorted(present)) or "rien"
    shouted = plain.upper().replace("E", "É")
    node = parse(query)
    assert evaluate(node, Target(plain)) is evaluate(node, Target(shouted))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from('ab()" -:*#@OR AND NOT lang:fr\n\t'), max_size=80))
def test_query_errors_are_typed_and_point_inside_the_query(query):
    try:
        parse(query)
    except QuerySyntaxError as exc:
        assert exc.message and 1 <= exc.position <= len(query) + 1


# --- feeds -----------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=2000) | st.text(max_size=500).map(str.encode))
def test_feed_parser_gives_items_or_a_feed_error(body):
    try:
        result = parse_feed(body, {"content-type": "application/xml"})
    except FeedError as exc:
        assert str(exc)
        return
    assert all(item.key for item in result.items)


XML_HEAD = '<?xml version="1.0" encoding="utf-8"?>'
items = st.lists(
    st.tuples(st.text(min_size=1, max_size=40), st.text(max_size=200)), min_size=1, max_size=15
)


@settings(max_examples=100, deadline=None)
@given(items, st.sampled_from(["rss", "atom"]))
def test_generated_feeds_keep_every_item(entries, kind):
    def clean(value: str) -> str:  # XML 1.0 forbids most control characters
        return escape("".join(ch for ch in value if ch in "\t\n" or ord(ch) >= 0x20)[:200])

    if kind == "rss":
        body = "".join(
            f"<item><title>{clean(t)}</title><link>https://news.example/a/{i}</link>"
            f"<description>{clean(d)}</description></item>"
            for i, (t, d) in enumerate(entries)
        )
        xml = f'{XML_HEAD}<rss version="2.0"><channel>{body}</channel></rss>'
    else:
        body = "".join(
            f'<entry><title>{clean(t)}</title><link href="https://news.example/a/{i}"/>'
            f"<id>urn:x:{i}</id><summary>{clean(d)}</summary></entry>"
            for i, (t, d) in enumerate(entries)
        )
        xml = f'{XML_HEAD}<feed xmlns="http://www.w3.org/2005/Atom">{body}</feed>'
    result = parse_feed(xml.encode(), {"content-type": "application/xml"})
    assert [item.url for item in result.items] == [
        f"https://news.example/a/{i}" for i in range(len(entries))
    ]


# --- the charter's line format ---------------------------------------------------------------
cell = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="|,\n"),
    max_size=15,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(cell, max_size=6).map(" | ".join), max_size=6).map("\n".join))
def test_charter_lines_round_trip_or_name_the_line(text):
    for parse_fn, format_fn, extra in (
        (parse_terms, format_terms, ("warn",)),
        (parse_required, format_required, ()),
    ):
        try:
            rules = parse_fn(text, *extra)
        except LineError as exc:
            assert "Line" in str(exc) or "Ligne" in str(exc)
            continue
        again = parse_fn(format_fn(rules), *extra)
        assert again == rules
        assert format_fn(again) == format_fn(rules)


# --- imports ---------------------------------------------------------------------------------
def _zip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


uploads = st.one_of(
    st.binary(max_size=3000),
    st.text(max_size=1000).map(lambda t: ("text,scheduled_at\n" + t).encode()),
    st.dictionaries(
        st.sampled_from(["data/tweets.js", "outbox.json", "repo.car", "x.txt"]),
        st.one_of(
            st.binary(max_size=500),
            st.sampled_from(
                [
                    b"window.YTD.tweets.part0 = [{}]",
                    b'window.YTD.tweets.part0 = [{"tweet": {"full_text": 1}}]',
                    b'{"orderedItems": [{"object": null}]}',
                    b'{"orderedItems": "x"}',
                    b"[]",
                ]
            ),
        ),
        max_size=3,
    ).map(_zip),
)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(kind=st.sampled_from(["csv", "x", "mastodon", "bluesky"]), data=uploads)
def test_imports_fail_cleanly_on_garbage(tenants, kind, data):
    from tribune.core.scope import brand_scope
    from tribune.networks.base import Credentials
    from tribune.networks.services import do_connect_account
    from tribune.publishing.models import Post
    from tribune.transfer.imports import ImportFailed, run_import

    brand = tenants.brand_a
    with brand_scope(brand):
        account = do_connect_account(
            brand, "bluesky" if kind == "csv" else kind, Credentials(handle="h.example"), None
        )
        before = Post.objects.count()
        try:
            report = run_import(brand, tenants.owner, kind, data, account=account)
        except ImportFailed as exc:
            assert str(exc) or exc.args
            assert Post.objects.count() == before  # nothing half-written
            return
        assert report is not None
