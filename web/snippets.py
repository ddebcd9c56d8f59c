"""Search results with the matched words marked, safely: feed text is hostile.

Matching is case- and accent-insensitive, as the query language's is: each character is
folded alone (lower case, accents off) so positions in the folded text are positions in
the original, and the marks land on the original text. Words and phrases are found here
(escaped literals: linear time); an analyst's /regex/ runs in DuckDB's RE2 (`warehouse`
gives its matches), never in Python's backtracking engine. Every piece of feed text
goes through `markupsafe.escape`; only the <mark> tags around it are ours.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from functools import cache

from markupsafe import Markup, escape

from spacebrief.warehouse.rule_query import SearchTerm

SNIPPET_CHARS = 260
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff"
    "\uf900-\ufaff\uac00-\ud7af]"
)

Span = tuple[int, int]


@cache
def _fold_char(char: str) -> str:
    base = "".join(
        c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
    ).lower()
    if len(base) == 1:
        return base
    lowered = char.lower()
    return lowered if len(lowered) == 1 else char


def fold(text: str) -> str:
    """Lower case, accents off, one character for one: positions are kept."""
    return "".join(_fold_char(c) for c in text)


def term_spans(text: str, terms: Iterable[SearchTerm], *, title: bool = False) -> list[Span]:
    """Where the words, prefixes and phrases occur in `text` (regexes: `regex_spans`)."""
    folded = fold(text)
    spans: list[Span] = []
    for term in terms:
        if term.kind == "regex" or (term.title_only and not title):
            continue
        needle = fold(" ".join(term.value.split()))
        if not needle:
            continue
        if _UNSPACED.search(needle):
            pattern = re.escape(needle)
        else:
            end = "" if term.kind == "prefix" else r"(?!\w)"
            pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, needle.split(" "))) + end
        spans += [m.span() for m in re.finditer(pattern, folded) if m.end() > m.start()]
    return spans


def regex_spans(text: str, matches: Sequence[str]) -> list[Span]:
    """Spans of RE2's matches (in order) found again in the text they came from."""
    spans: list[Span] = []
    at = 0
    for found in matches:
        if not found:
            continue
        start = text.find(found, at)
        if start < 0:
            break
        spans.append((start, start + len(found)))
        at = start + len(found)
    return spans


def _merged(spans: Iterable[Span]) -> list[Span]:
    out: list[Span] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def marked(text: str, spans: Iterable[Span]) -> Markup:
    """The whole text, escaped, with <mark> around each span."""
    pieces: list[str] = []
    at = 0
    for start, end in _merged(spans):
        pieces += [escape(text[at:start]), Markup("<mark>"), escape(text[start:end])]
        pieces.append(Markup("</mark>"))
        at = end
    pieces.append(escape(text[at:]))
    return Markup("").join(pieces)


def snippet(text: str, spans: Sequence[Span], width: int = SNIPPET_CHARS) -> Markup:
    """About `width` characters of `text` around its first match (its opening when none
    matched), escaped, matches marked, an ellipsis where it was cut."""
    merged = _merged(spans)
    if len(text) <= width:
        return marked(text, merged)
    first = merged[0][0] if merged else 0
    start = max(0, min(first - width // 3, len(text) - width))
    space = text.rfind(" ", 0, start + 1)
    if start and space > start - 20:
        start = space + 1
    end = min(len(text), start + width)
    inside = [
        (max(s, start) - start, min(e, end) - start) for s, e in merged if e > start and s < end
    ]
    body = marked(text[start:end], inside)
    return Markup("").join(
        [Markup("…") if start else Markup(""), body, Markup("…") if end < len(text) else Markup("")]
    )
