"""The watch-rule query language, parsed with lark and compiled into parameterised SQL.

The grammar is the one feed readers use (Lucene/FreshRSS-like): words, "phrases",
`AND` / `OR` / `NOT` / `-word`, parentheses, the fields `title:`, `source:`, `lang:`,
`trend:`, and `/regex/`. Juxtaposed terms mean AND, and AND binds tighter than OR. An
exclusion (`-word` or `NOT word`) excludes for its whole group, as in Lucene: the query,
or the parentheses around it. `ILRS OR "lunar station" -Artemis` is
`(ILRS OR "lunar station") AND NOT Artemis`; `ILRS OR ("lunar station" -Artemis)`
excludes within the second alternative only.

Safety: the analyst's text never becomes SQL. Every word, phrase and regex reaches DuckDB
as a bound parameter; the compiler only emits fixed fragments. Regexes run in DuckDB's
RE2 (linear time, so `(a+)+$` cannot blow up), and the query length and nesting depth
are capped so a hostile query costs nothing.

Matching is case- and accent-insensitive: both sides go through `lower(strip_accents())`.
A word in a script written without spaces (Chinese, Japanese, Thai…) matches as a
substring (`title:北斗` matches 中国北斗卫星导航系统); elsewhere a word or phrase matches
whole words (`sanction*` matches any word that starts with "sanction").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import cache

from lark import Lark, Token, Transformer, Tree, v_args
from lark.exceptions import UnexpectedCharacters, UnexpectedEOF, UnexpectedInput, VisitError

from spacebrief.warehouse.exceptions import RuleQueryError

MAX_QUERY_CHARS = 2000
MAX_DEPTH = 32
MAX_TERMS = 200

_GRAMMAR = r"""
?start: or_expr
?or_expr: and_expr (_OR and_expr)*
?and_expr: unary (_AND? unary)*
?unary: _NOT unary          -> negate
      | "-" atom            -> negate
      | atom
?atom: "(" or_expr ")"     -> group
     | FIELD value          -> field
     | value                -> anywhere
?value: PHRASE | REGEX | WORD

_OR.3: /OR(?![^\s()"])/
_AND.3: /AND(?![^\s()"])/
_NOT.3: /NOT(?![^\s()"])/
FIELD.2: /(?i:title|source|lang|trend):/
PHRASE: /"(?:[^"\\]|\\.)*"/
REGEX: /\/(?:[^\/\\\n]|\\.)+\//
WORD: /[^\s()"\/:\-][^\s()":]*/

%import common.WS
%ignore WS
"""

# Scripts usually written without spaces between words: their words match as substrings.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uac00-\ud7af]"
)
_NORM = "lower(strip_accents({}))"
_TEXT = "coalesce(i.title, '') || ' ' || coalesce(i.summary, '')"
_COLUMNS = {
    None: _TEXT,
    "title": "coalesce(i.title, '')",
    "source": "coalesce(i.source_name, '') || ' ' || coalesce(i.source_id, '')",
}
_BOUNDARY_START = r"(?:^|[^\pL\pN])"
_BOUNDARY_END = r"(?:[^\pL\pN]|$)"


@dataclass(frozen=True)
class CompiledQuery:
    """A WHERE fragment over `items AS i`, with `?` placeholders, and their values in order."""

    text: str
    sql: str
    params: tuple[str, ...]
    regexes: tuple[str, ...] = ()  # checked against RE2 before a rule is saved


@cache
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", propagate_positions=True)


def _position_error(query: str, error: UnexpectedInput) -> RuleQueryError:
    token = getattr(error, "token", None)
    if isinstance(error, UnexpectedEOF) or (token is not None and token.type == "$END"):
        return RuleQueryError(
            f"The query ends too early (at character {len(query) + 1}): "
            "close the parenthesis or quote, or finish the AND/OR/NOT.",
            query=query,
            position=len(query) + 1,
        )
    column = getattr(error, "column", None) or getattr(error, "pos_in_stream", 0) + 1
    position = int(column) if column and column > 0 else 1
    snippet = query[max(0, position - 1) : position + 9]
    if isinstance(error, UnexpectedCharacters):
        what = f"unexpected {snippet!r}"
        if snippet.startswith(":"):
            what += " (fields are title:, source:, lang: and trend:)"
        elif snippet.startswith("/"):
            what += " (a /regex/ needs its closing slash)"
        elif snippet.startswith('"'):
            what += " (a phrase needs its closing quote)"
    else:
        shown = str(token) if token is not None and str(token) else snippet
        what = f"unexpected {shown!r}"
        if shown == ")":
            what += " (a closing parenthesis with no opening one)"
    return RuleQueryError(
        f"The query is malformed at character {position}: {what}.", query=query, position=position
    )


def _unquote(phrase: str) -> str:
    return re.sub(r"\\(.)", r"\1", phrase[1:-1])


@dataclass(frozen=True)
class _Clause:
    """A compiled term or group; `excluded` when it is a `-term` / `NOT term`."""

    sql: str
    params: tuple[str, ...]
    excluded: bool = False


@dataclass(frozen=True)
class _Conjunction:
    """Terms side by side (AND): its exclusions may still apply to a whole OR group."""

    parts: tuple[_Clause, ...]


_Node = _Clause | _Conjunction


def _all_of(clauses: list[_Clause]) -> _Clause:
    if len(clauses) == 1:
        return replace(clauses[0], excluded=False)
    return _Clause(
        "(" + " AND ".join(c.sql for c in clauses) + ")",
        tuple(p for c in clauses for p in c.params),
    )


def _group(node: _Node) -> _Clause:
    """A whole group as one clause: its exclusions apply to every alternative in it."""
    alternatives = node.parts if isinstance(node, _Conjunction) else (node,)
    return _all_of(list(alternatives))


@v_args(inline=True)
class _Compiler(Transformer[Token, _Node]):
    """Tree -> SQL fragments and params. Fragments are fixed strings; values are params."""

    def __init__(self) -> None:
        super().__init__()
        self.terms = 0
        self.regexes: list[str] = []

    def _count(self) -> None:
        self.terms += 1
        if self.terms > MAX_TERMS:
            raise RuleQueryError(f"The query has more than {MAX_TERMS} terms; split it into rules.")

    def _text_match(self, column: str, token: Token) -> _Clause:
        self._count()
        haystack = _NORM.format(column)
        if token.type == "REGEX":
            pattern = token.value[1:-1]
            self.regexes.append(pattern)
            return _Clause(f"regexp_matches({haystack}, ?, 'i')", (pattern,))
        raw = _unquote(token.value) if token.type == "PHRASE" else token.value
        prefix = token.type == "WORD" and raw.endswith("*") and len(raw) > 1
        needle = " ".join(raw.rstrip("*").split()) if prefix else " ".join(raw.split())
        if not needle:
            raise RuleQueryError(
                f"The query has an empty phrase at character {token.column}; put words in it."
            )
        if _UNSPACED.search(needle):
            return _Clause(f"contains({haystack}, {_NORM.format('?')})", (needle,))
        end = "" if prefix else f" || '{_BOUNDARY_END}'"
        pattern = f"'{_BOUNDARY_START}' || regexp_escape({_NORM.format('?')}){end}"
        return _Clause(f"regexp_matches({haystack}, {pattern})", (needle,))

    def anywhere(self, token: Token) -> _Clause:
        return self._text_match(_COLUMNS[None], token)

    def field(self, name: Token, token: Token) -> _Clause:
        field = name.value[:-1].lower()
        if field in _COLUMNS:
            return self._text_match(_COLUMNS[field], token)
        value = _unquote(token.value) if token.type == "PHRASE" else token.value
        if token.type == "REGEX":
            raise RuleQueryError(
                f"{field}: takes a plain value, not a /regex/ (character {token.column})."
            )
        self._count()
        if field == "lang":
            return _Clause(
                "(lower(coalesce(i.language, '')) = lower(?) "
                "OR starts_with(lower(coalesce(i.language, '')), lower(?) || '-'))",
                (value, value),
            )
        return _Clause(
            "EXISTS (SELECT 1 FROM v_labels AS l WHERE l.item_id = i.item_id "
            "AND l.trend_id = upper(?))",
            (value,),
        )

    def group(self, inner: _Node) -> _Clause:
        return _group(inner)

    def negate(self, inner: _Node) -> _Clause:
        clause = _group(inner) if isinstance(inner, _Conjunction) else inner
        return _Clause(f"(NOT {clause.sql})", clause.params, excluded=True)

    def and_expr(self, *parts: _Node) -> _Conjunction:
        flat: list[_Clause] = []
        for part in parts:
            flat.extend(part.parts if isinstance(part, _Conjunction) else (part,))
        return _Conjunction(tuple(flat))

    def or_expr(self, *alternatives: _Node) -> _Clause:
        """(any alternative's terms) AND NOT (every exclusion in any of them)."""
        chosen: list[_Clause] = []
        excluded: list[_Clause] = []
        for alternative in alternatives:
            parts = alternative.parts if isinstance(alternative, _Conjunction) else (alternative,)
            excluded.extend(p for p in parts if p.excluded)
            kept = [p for p in parts if not p.excluded]
            if kept:
                chosen.append(_all_of(kept))
        if not chosen:
            return _all_of(excluded)
        either = _Clause(
            "(" + " OR ".join(c.sql for c in chosen) + ")",
            tuple(p for c in chosen for p in c.params),
        )
        return _all_of([either, *excluded]) if excluded else either


def _depth(tree: Tree[Token] | Token) -> int:
    depth, stack = 0, [(tree, 1)]
    while stack:
        node, level = stack.pop()
        depth = max(depth, level)
        if isinstance(node, Tree):
            stack.extend((child, level + 1) for child in node.children)
    return depth


def compile_query(query: str) -> CompiledQuery:
    """Parse and compile a rule query; raise `RuleQueryError` (one sentence, carrying the
    query) when unusable."""
    try:
        return _compile(query)
    except RuleQueryError as error:
        if error.query is None:
            error.query = query
        raise


def _compile(query: str) -> CompiledQuery:
    text = query.strip()
    if not text:
        raise RuleQueryError("The query is empty: give at least one word, phrase or field.")
    if len(text) > MAX_QUERY_CHARS:
        raise RuleQueryError(
            f"The query is {len(text):,} characters long; a rule query may have at most "
            f"{MAX_QUERY_CHARS:,}."
        )
    if "\x00" in text:
        raise RuleQueryError("The query holds a NUL character; remove it.")
    try:
        tree = _parser().parse(text)
    except UnexpectedInput as error:
        raise _position_error(text, error) from None
    if _depth(tree) > MAX_DEPTH:
        raise RuleQueryError(
            f"The query nests more than {MAX_DEPTH} levels deep; flatten its parentheses."
        )
    compiler = _Compiler()
    try:
        node = compiler.transform(tree)
    except VisitError as error:
        if isinstance(error.orig_exc, RuleQueryError):
            raise error.orig_exc from None
        raise
    if isinstance(node, Token):  # unreachable: every value is wrapped by `anywhere`
        raise RuleQueryError("The query could not be compiled.")
    clause = _group(node)
    return CompiledQuery(text, clause.sql, clause.params, tuple(compiler.regexes))


@dataclass(frozen=True)
class SearchTerm:
    """A term whose matches a search result highlights: not negated, over the text."""

    kind: str  # word | prefix | phrase | regex
    value: str  # the word, prefix or phrase as typed (unquoted), or the regex's pattern
    title_only: bool = False


def search_terms(query: str) -> tuple[SearchTerm, ...]:
    """The positive text terms of a query (words, prefixes, phrases, regexes, anywhere or
    after `title:`), for highlighting; source:, lang:, trend: and negated terms are not.
    Call after `compile_query` accepted the query."""
    found: list[SearchTerm] = []

    def term(token: Token, title_only: bool) -> None:
        if token.type == "REGEX":
            found.append(SearchTerm("regex", token.value[1:-1], title_only))
        elif token.type == "PHRASE":
            found.append(SearchTerm("phrase", " ".join(_unquote(token.value).split()), title_only))
        elif token.value.endswith("*") and len(token.value) > 1:
            found.append(SearchTerm("prefix", token.value.rstrip("*"), title_only))
        else:
            found.append(SearchTerm("word", token.value, title_only))

    stack: list[Tree[Token] | Token] = [_parser().parse(query.strip())]
    while stack:
        node = stack.pop()
        if isinstance(node, Token):
            term(node, False)
        elif node.data == "negate":
            continue
        elif node.data == "anywhere":
            term(node.children[0], False)  # type: ignore[arg-type]
        elif node.data == "field":
            name, value = node.children
            if str(name).lower() == "title:":
                term(value, True)  # type: ignore[arg-type]
        else:
            stack.extend(reversed(node.children))
    return tuple(t for t in found if t.value)
