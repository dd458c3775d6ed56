"""The boolean query language of listening queries.

Grammar (operators in capitals; two terms side by side mean AND)::

    query  := or
    or     := and ("OR" and)*
    and    := unary (["AND"] unary)*
    unary  := ("NOT" | "-") unary | atom
    atom   := "(" or ")" | field ":" value | '"phrase"' | word
    field  := lang | network | author

Words and phrases match like charter terms (``tribune/strategy/rules/matching.py``):
case- and accent-insensitive whole words, never inside links; ``word*`` is a prefix
match; ``#tag`` and ``@name`` only that hashtag/mention. ``lang:fr`` compares the
detected language, ``network:bluesky`` the mention's network, ``author:`` the author's
handle or name (case-insensitive, a leading ``@`` ignored).

``parse`` never raises anything but ``QuerySyntaxError``, whose ``position`` is the
1-based character where the problem is (shown to the person typing the query).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import regex
from django.utils.translation import gettext as _

from tribune.strategy.rules.matching import Document, find_term
from tribune.strategy.rules.normalize import fold_char, fold_term

FIELDS = ("lang", "network", "author")
MAX_LENGTH = 2000
MAX_DEPTH = 50


class QuerySyntaxError(ValueError):
    def __init__(self, message: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.position = position


# --- tokens ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Token:
    kind: str  # LPAREN RPAREN AND OR NOT MINUS PHRASE WORD FIELD END
    value: str
    pos: int  # 0-based offset in the query
    field: str = ""


_WORD = regex.compile(r'[^\s()"]+')


def tokenize(text: str) -> list[Token]:
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
        elif char == "(":
            tokens.append(Token("LPAREN", char, i))
            i += 1
        elif char == ")":
            tokens.append(Token("RPAREN", char, i))
            i += 1
        elif char == '"':
            end = text.find('"', i + 1)
            if end < 0:
                raise QuerySyntaxError(
                    _("Unclosed quote at position %(pos)d") % {"pos": i + 1}, i + 1
                )
            tokens.append(Token("PHRASE", text[i + 1 : end], i))
            i = end + 1
        elif char == "-" and i + 1 < n and not text[i + 1].isspace():
            tokens.append(Token("MINUS", char, i))
            i += 1
        else:
            match = _WORD.match(text, i)
            assert match is not None  # any other character starts a word
            word = match.group(0)
            tokens.append(_word_token(text, word, i))
            i = match.end()
            if tokens[-1].kind == "FIELD" and not tokens[-1].value:
                i = _field_phrase(text, tokens, i)
    tokens.append(Token("END", "", n))
    return tokens


def _word_token(text: str, word: str, pos: int) -> Token:
    if word in ("AND", "OR", "NOT"):
        return Token(word, word, pos)
    name, colon, value = word.partition(":")
    if colon and name.lower() in FIELDS:
        return Token("FIELD", value, pos, field=name.lower())
    return Token("WORD", word, pos)


def _field_phrase(text: str, tokens: list[Token], i: int) -> int:
    """``author:"Jean Dupont"``: the value is the quoted phrase right after the colon."""
    field = tokens[-1]
    if i < len(text) and text[i] == '"':
        end = text.find('"', i + 1)
        if end < 0:
            raise QuerySyntaxError(_("Unclosed quote at position %(pos)d") % {"pos": i + 1}, i + 1)
        tokens[-1] = Token("FIELD", text[i + 1 : end], field.pos, field=field.field)
        return end + 1
    raise QuerySyntaxError(
        _("Missing value after %(field)s: at position %(pos)d")
        % {"field": field.field, "pos": field.pos + 1},
        field.pos + 1,
    )


# --- syntax tree ------------------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    text: str
    prefix: bool = False


@dataclass(frozen=True)
class Field:
    name: str
    value: str


@dataclass(frozen=True)
class Not:
    child: Node


@dataclass(frozen=True)
class And:
    children: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    children: tuple[Node, ...]


Node = Term | Field | Not | And | Or


class _Parser:
    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def error(self, message: str, token: Token, **extra: str) -> QuerySyntaxError:
        return QuerySyntaxError(message % {"pos": token.pos + 1, **extra}, token.pos + 1)

    def parse_or(self) -> Node:
        children = [self.parse_and()]
        while self.current.kind == "OR":
            self.take()
            children.append(self.parse_and())
        return children[0] if len(children) == 1 else Or(tuple(children))

    def parse_and(self) -> Node:
        children = [self.parse_unary()]
        while self.current.kind not in ("OR", "RPAREN", "END"):
            if self.current.kind == "AND":
                self.take()
            children.append(self.parse_unary())
        return children[0] if len(children) == 1 else And(tuple(children))

    def parse_unary(self) -> Node:
        token = self.current
        if token.kind in ("NOT", "MINUS"):
            self.take()
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(_("Query nested too deeply at position %(pos)d"), token)
            child = self.parse_unary()
            self.depth -= 1
            return Not(child)
        return self.parse_atom()

    def parse_atom(self) -> Node:
        token = self.take()
        if token.kind == "LPAREN":
            self.depth += 1
            if self.depth > MAX_DEPTH:
                raise self.error(_("Query nested too deeply at position %(pos)d"), token)
            if self.current.kind == "RPAREN":
                raise self.error(_("Empty parentheses at position %(pos)d"), token)
            node = self.parse_or()
            if self.current.kind != "RPAREN":
                raise self.error(_("Unclosed parenthesis at position %(pos)d"), token)
            self.take()
            self.depth -= 1
            return node
        if token.kind == "PHRASE":
            if not fold_term(token.value):
                raise self.error(_("Empty phrase at position %(pos)d"), token)
            return Term(token.value)
        if token.kind == "FIELD":
            if not token.value:
                raise self.error(_("Missing value after the field at position %(pos)d"), token)
            return Field(token.field, token.value)
        if token.kind == "WORD":
            word = token.value
            prefix = word.endswith("*")
            word = word.rstrip("*")
            if not regex.search(r"[\w#@]", fold_term(word)):
                raise self.error(_("Nothing to search for in the word at position %(pos)d"), token)
            return Term(word, prefix)
        if token.kind == "RPAREN":
            raise self.error(
                _("Closing parenthesis without an opening one at position %(pos)d"), token
            )
        if token.kind == "END":
            raise self.error(_("The query ends too early at position %(pos)d"), token)
        raise self.error(
            _("Missing a term before %(op)s at position %(pos)d"), token, op=token.value
        )


@lru_cache(maxsize=512)
def parse(text: str) -> Node:
    """The syntax tree of ``text``, or ``QuerySyntaxError``."""
    if len(text) > MAX_LENGTH:
        raise QuerySyntaxError(
            _("The query is too long (%(max)d characters at most)") % {"max": MAX_LENGTH},
            MAX_LENGTH + 1,
        )
    if not text.strip():
        raise QuerySyntaxError(_("The query is empty"), 1)
    parser = _Parser(tokenize(text))
    node = parser.parse_or()
    token = parser.current
    if token.kind == "RPAREN":
        raise parser.error(
            _("Closing parenthesis without an opening one at position %(pos)d"), token
        )
    if token.kind != "END":  # pragma: no cover - parse_or consumes everything else
        raise parser.error(_("Unexpected text at position %(pos)d"), token)
    return node


# --- evaluation ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """What a query is evaluated against (a mention, or one being previewed)."""

    text: str
    language: str = ""
    network: str = ""
    author: str = ""


def _author_key(value: str) -> str:
    return fold_term(value).lstrip("@")


def evaluate(node: Node, target: Target, doc: Document | None = None) -> bool:
    doc = doc or Document.of(target.text)
    return _eval(node, target, doc)


class _FoldTable(dict):  # type: ignore[type-arg]
    """``str.translate`` table that fills itself with ``fold_char`` on first sight."""

    def __missing__(self, code: int) -> str:
        value = fold_char(chr(code))
        self[code] = value
        return value


_FOLD_TABLE = _FoldTable()


def quick_fold(text: str) -> str:
    """The same folded text as ``normalize.fold(text).text``, at C speed and without the
    map back to the original (for hashing and pre-filters)."""
    return text.translate(_FOLD_TABLE)


@lru_cache(maxsize=4096)
def term_words(term: str) -> tuple[str, ...]:
    """The folded words of a term, as the matcher compares them."""
    return tuple(fold_term(term).split(" "))


def may_contain(doc: Document, term: str) -> bool:
    """A cheap necessary condition for ``find_term``: every folded word of the term occurs
    somewhere in the folded text. Folding is character by character, so a word found in a
    hashtag segment or in running text is a substring of the folded whole; most terms are
    absent from most mentions, and this skips the matcher for them (ingest throughput)."""
    folded = doc.folded.text
    return all(word in folded for word in term_words(term))


def contains_term(doc: Document, term: str, prefix: bool = False) -> bool:
    return may_contain(doc, term) and bool(find_term(doc, term, prefix=prefix))


def _eval(node: Node, target: Target, doc: Document) -> bool:
    if isinstance(node, Term):
        return contains_term(doc, node.text, node.prefix)
    if isinstance(node, Field):
        if node.name == "lang":
            return target.language.lower() == node.value.lower()
        if node.name == "network":
            return target.network.lower() == node.value.lower()
        return _author_key(target.author) == _author_key(node.value)
    if isinstance(node, Not):
        return not _eval(node.child, target, doc)
    if isinstance(node, And):
        return all(_eval(child, target, doc) for child in node.children)
    return any(_eval(child, target, doc) for child in node.children)


def terms(node: Node) -> list[str]:
    """The positive words and phrases of a query (highlighting, keyword hints)."""
    if isinstance(node, Term):
        return [node.text]
    if isinstance(node, And | Or):
        return [t for child in node.children for t in terms(child)]
    return []


def check_expression(text: str) -> str | None:
    """The error message for an invalid expression, or None when it parses."""
    try:
        parse(text)
    except QuerySyntaxError as exc:
        return exc.message
    return None
