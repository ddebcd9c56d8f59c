"""Feed text is untrusted: the rule for which of its links may be shown, the rule for
which addresses may be read, and one cut.

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

The read rule (`url_refusal`) is the one rule for every address the project will read
that a feed, an OPML file or a web page handed it: an OPML outline, `sources add`, a
page's `<link rel="alternate">`, every redirect, an item's page. It is checked where the
address enters, and again by the fetcher before every request (there with the host's
resolved addresses too):
- http or https with a host, nothing else: never a local path (`file:`, `/etc/passwd`,
  `../../etc/passwd`), nor `javascript:`, `data:`, `ftp:`, `gopher:`...;
- no control, format or white-space character (what the link rule refuses, less the
  quotes, which a URL may carry percent-encoded or not);
- never a link-local or cloud-metadata address (where a cloud instance's credentials
  live), whatever the settings;
- a private, loopback or reserved address (`localhost` included) only when allowed.
The rule never looks at the local disk, so a path is refused in the same words whether
or not a file is there: a refusal is never an oracle for what the disk holds. Local feed
files are read only when the operator's own catalog or `--sources` names them.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import unicodedata
from urllib.parse import urlsplit

ELLIPSIS = "…"

_REFUSED_CHARACTERS = frozenset("\"'<>`\\")
# Categories that may not appear in a link: control, format, private use, unassigned,
# surrogate, and the space, line and paragraph separators.
_REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cn", "Cs", "Zs", "Zl", "Zp"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
_ASCII_CONTROL_OR_SPACE = re.compile(r"[\x00-\x20\x7f]")
_NUMERIC_HOST = re.compile(r"^[0-9a-fA-FxX.]+$")  # 2130706433, 0x7f.1, 127.1: inet_aton's
_METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a) for a in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200")
)
LINK_LOCAL = "a link-local address (where cloud metadata lives), never read"
PRIVATE = (
    "a private, loopback or reserved address, read only when the source says "
    "`allow_private: true` (or SPACEBRIEF_FETCH_ALLOW_PRIVATE is set)"
)


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


def url_refusal(url: str | None, *, allow_private: bool = False) -> str | None:
    """Why the project will not read `url` (a clause to follow "it is" / a name), or None.

    See the module notes. Nothing here resolves a name or touches the disk: the fetcher
    checks the resolved addresses of a host name before each request.
    """
    candidate = (url or "").strip()
    if not candidate:
        return "an empty address"
    scheme = _SCHEME.match(candidate)
    if scheme is None or len(scheme[1]) == 1:  # no scheme, or a Windows drive letter
        return "not an http(s) URL (a local path is never read from there)"
    name = scheme[1].lower()
    if name == "file":
        return "a file: URL (a local file is never read from there)"
    if name not in ("http", "https"):
        return f"a {name}: URL, and only http(s) URLs are read"
    if _ASCII_CONTROL_OR_SPACE.search(candidate) or (
        not candidate.isascii()
        and any(unicodedata.category(ch) in _REFUSED_CATEGORIES for ch in candidate)
    ):
        return "an address holding a control, invisible or space character"
    try:
        parts = urlsplit(candidate)
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return "not a well-formed URL"
    host = (parts.hostname or "").rstrip(".")
    if not host:
        return "an http(s) URL without a host"
    address = _literal_address(host)
    if address is not None:
        return address_refusal(address, allow_private=allow_private)
    if host == "localhost" or host.endswith(".localhost"):
        return None if allow_private else PRIVATE
    return None


def _literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        pass
    if _NUMERIC_HOST.match(host):  # what the system resolver reads as an IPv4 address
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def address_refusal(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_private: bool
) -> str | None:
    """Why we never read from this address, or None when we may."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    if address.is_link_local or address in _METADATA_ADDRESSES:
        return LINK_LOCAL
    if address.is_global or allow_private:
        return None
    return PRIVATE


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
