"""Feed text is untrusted: the one rule for which of its links may be shown, and one cut.

A feed's author chooses every title, summary and link we print, so every channel that
prints them (the edition's citations, its story links, Slack blocks, ingest's stored
titles) asks this module, and a link one of them refuses is refused by all. It imports
nothing from the project's folders, so any folder may import it without a new edge in
the import graph.

The link rule, and why each part:
- http or https only, with a host: no `javascript:`, `data:`, `file:`, `vbscript:`,
  scheme-relative `//host` or `https:host` (browsers read the last as a path);
- no user name or password (`https://nasa.gov@evil.example/` reads as nasa.gov);
- no control, format (bidi overrides, zero-width) or white-space character inside it,
  and none of `"'<>\\`` or the backslash: none may stand unencoded in a URL (RFC 3986)
  and ingest percent-encodes what it stores, so one that is there was put there to break
  out of an HTML attribute or a Slack link, or to spoof what the reader sees;
- a port, when given, is a number (`urlsplit` raises on anything else).
White space around the URL is trimmed; the URL is otherwise returned as given, so each
renderer applies its own escaping (HTML attribute quoting, Slack's `&amp;` and `%7C`).
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

ELLIPSIS = "…"

_REFUSED_CHARACTERS = frozenset("\"'<>`\\")
# Categories that may not appear in a link: control, format, private use, unassigned,
# surrogate, and the space, line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zs", "Zl", "Zp"})


def safe_url(url: str | None) -> str | None:
    """The URL, trimmed, if it is one a reader may follow (see the module notes), else None."""
    if not url:
        return None
    candidate = url.strip()
    if any(_refused(ch) for ch in candidate):
        return None
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https"):
        return None
    if not parts.hostname or "@" in parts.netloc:
        return None
    return candidate


def _refused(character: str) -> bool:
    return character in _REFUSED_CHARACTERS or (
        unicodedata.category(character) in _REFUSED_CATEGORIES
    )


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ellipsis included, at a word boundary.

    The cut falls after the last space of the kept part when that space lies in its
    second half (text in Chinese or Japanese has no spaces, so it is cut between
    characters), trailing punctuation goes, and the cut never splits a character from
    the accents, variation selectors, skin tones or joined emoji that belong to it.
    Ingest stores titles and summaries cut here and hashes them into item ids, so a
    change to where the cut falls re-keys items that have no URL or guid.
    """
    if len(text) <= limit:
        return text
    if limit < 1:
        return ""
    end = _grapheme_start(text, limit - 1)
    space = text.rfind(" ", 0, end)
    if space > limit // 2:
        end = space
    return text[:end].rstrip(" ,;:.-") + ELLIPSIS


def _grapheme_start(text: str, index: int) -> int:
    """The largest position <= index that does not fall inside a user-perceived character."""
    while 0 < index < len(text) and (_extends(text[index]) or text[index - 1] == "\u200d"):
        index -= 1
    if 0 < index < len(text) and _regional_indicator(text[index]):
        run = index
        while run > 0 and _regional_indicator(text[run - 1]):
            run -= 1
        index -= (index - run) % 2  # flags are pairs: never keep half of one
    return index


def _extends(character: str) -> bool:
    """A character that belongs to the one before it (it cannot start a grapheme)."""
    code = ord(character)
    return (
        unicodedata.category(character) in ("Mn", "Mc", "Me")
        or code == 0x200D  # zero-width joiner
        or 0xFE00 <= code <= 0xFE0F  # variation selectors
        or 0x1F3FB <= code <= 0x1F3FF  # skin-tone modifiers
        or 0xE0020 <= code <= 0xE007F  # emoji tag sequences
        or 0xE0100 <= code <= 0xE01EF
    )


def _regional_indicator(character: str) -> bool:
    return 0x1F1E6 <= ord(character) <= 0x1F1FF
