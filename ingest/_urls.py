"""Canonical URLs, and whose site a URL belongs to.

The canonical form comes from w3lib's `canonicalize_url` (Scrapy's, kept for 15 years):
query arguments sorted, percent-escapes normalised (`%7E` is `~`, `%e4` is `%E4`),
unsafe characters escaped, so `?a=1&b=2` and `?b=2&a=1` name one page. It was chosen
over courlan's `normalize_url`, which leaves `%7E` and lower-case escapes as they come
and keeps the fragment. On top of it we drop trackers, the fragment and default ports.

A feed may link anywhere, so a story's URL alone does not say who published it. A
source's own site is its feed URL's registrable domain (`feeds.example.com` and
`www.example.com` are one site, `bbc.co.uk` is not `evil.co.uk`: the public suffix list
that `tld` bundles), plus the `site:` a catalog gives it (an OPML `htmlUrl`). A local
feed file has no host, so the site its own `<link>` names stands in (the operator put the
file there). A URL outside those is `offsite`: stored, but marked.
"""

from __future__ import annotations

import ipaddress
import re
from functools import lru_cache
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from tld import get_fld
from w3lib.url import canonicalize_url

_TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gclsrc", "msclkid", "yclid", "igshid", "twclid",
        "mc_cid", "mc_eid", "ref", "ref_src", "ref_url", "_hsenc", "_hsmi", "mkt_tok",
        "cmpid", "ncid", "ocid", "soc_src", "soc_trk", "wt.mc_id", "rss", "feed_id",
    }
)  # fmt: skip
_TRACKING_PREFIXES = ("utm_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}
# Re-indented XML puts a newline and indentation inside a link; a space typed inside a
# query value is part of the value and is kept (escaped as `+`).
_LAYOUT_WHITESPACE = re.compile(r"\s*[\r\n\t]\s*")


def _is_tracker(pair: str) -> bool:
    key = unquote_plus(pair.split("=", 1)[0]).lower()
    return key in _TRACKING_PARAMS or key.startswith(_TRACKING_PREFIXES)


def canonical_url(url: str | None) -> str | None:
    """The URL that names a story, or None when it is not an absolute http(s) URL."""
    if not url:
        return None
    url = _LAYOUT_WHITESPACE.sub("", url.strip())
    try:
        parts = urlsplit(url)
        port = parts.port
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        parts = urlsplit(canonicalize_url(url, keep_fragments=False))
    except ValueError:
        return None
    host = (parts.hostname or "").rstrip(".")
    if port and port != _DEFAULT_PORTS[scheme]:
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.username or ''}@{host}"
    query = "&".join(pair for pair in parts.query.split("&") if pair and not _is_tracker(pair))
    return urlunsplit((scheme, host, parts.path or "/", query, ""))


@lru_cache(maxsize=4096)
def site_of(url: str | None) -> str | None:
    """The registrable domain of a URL's host (an IP address stands for itself)."""
    if not url:
        return None
    try:
        host = (urlsplit(url if "//" in url else f"//{url}").hostname or "").rstrip(".")
    except ValueError:
        return None
    if not host:
        return None
    try:
        ipaddress.ip_address(host)
        return host
    except ValueError:
        pass
    domain = get_fld(host, fix_protocol=True, fail_silently=True)
    if domain:
        return str(domain).lower()
    labels = host.lower().split(".")  # not on the public suffix list (.example, .local)
    return ".".join(labels[-2:])


def is_offsite(url: str | None, sites: frozenset[str]) -> bool:
    """Whether a story URL lies outside every site its source may speak for."""
    if not url or not sites:
        return False
    return site_of(url) not in sites


def source_sites(source_url: str, site: str | None, feed_link: str | None) -> frozenset[str]:
    """The sites a source speaks for: its feed host and catalog `site:`; a local file's
    own `<link>` (a remote feed's `<link>` is the feed's own claim, so it does not count)."""
    remote = source_url.lower().startswith(("http://", "https://"))
    candidates = [source_url if remote else None, site, None if remote else feed_link]
    return frozenset(s for s in map(site_of, candidates) if s)
