"""Printing text we did not write (feed titles, query results, error messages) safely.

Rich reads `[...]` as markup, so a title holding `[/]` crashes a table and
`[link=http://evil.example]` hides a hyperlink; an ESC or a right-to-left override in
the text rewrites what the terminal shows. Everything the CLI prints that came from a
feed, the warehouse or an exception goes through `untrusted()` (or `visible()` for plain
output such as CSV): no markup is read, and control characters are shown as escapes.
"""

from __future__ import annotations

import re

from rich.text import Text

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]"
)


def _escape(match: re.Match[str]) -> str:
    code = ord(match[0])
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object) -> str:
    """The text with every control or bidi character written as an escape (tab and
    newline stay)."""
    return _INVISIBLE.sub(_escape, str(value))


def untrusted(value: object, style: str = "") -> Text:
    """Text for rich that is never read as markup, with control characters visible."""
    return Text(visible(value), style=style)
