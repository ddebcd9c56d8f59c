"""Parsing downloaded bytes into entries: feedparser for XML, our own reader for JSON Feed.

feedparser is always handed an `io.BytesIO`: given raw `bytes` it first tries them as a
file name or URL, and we never want it to open or fetch anything. The response headers
go with the bytes so that a charset in Content-Type can override (or be overridden by)
the XML declaration as feedparser's rules say, and Content-Location resolves relative
links.

Before any XML parser sees the document we refuse DTDs that declare external entities,
nested entities or large entity values (billion laughs, quadratic blow-up, XXE), and
documents whose references would expand to more than a million characters: expat stops
at its amplification limit, but feedparser then retries with its loose parser, which
expands every reference of a flat entity (309 KB became 1.9 GB).
feedparser 6.0.14 already strips unsafe entity declarations and the system expat (2.5)
limits amplification, but neither is a promise we control, and a feed never needs them.

feedparser's HTML sanitiser and its rewriting of URIs inside content are switched off:
we keep no markup at all (`_normalise.clean_text` reduces it to plain text), so both
would be work thrown away. Nor does feedparser get a Content-Location: given one, it
joins every link, guid and URI against it (a third of its time on a typical feed, though
nearly all links are absolute); we join the few relative entry links ourselves, against
the server's Content-Location or else the address the feed was fetched from.

This module never raises on bad input: a document that yields nothing says why in
`ParsedFeed.problem`. An entry that feedparser read but we could not turn into a
`ParsedEntry` is our bug, not the feed's: it is logged with its traceback and counted in
`ParsedFeed.bugs` (the other entries are kept), never skipped in silence.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import feedparser

from spacebrief.ingest._decode import repair_encoding
from spacebrief.ingest.schedule import ttl_seconds, update_period_seconds

log = logging.getLogger(__name__)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_SUBSET_END = re.compile(r"\]\s*>")
_ENTITY_DECL = re.compile(r"<!ENTITY\s+(%\s+)?(\S+)\s+(SYSTEM\b|PUBLIC\b|\"[^\"]*\"|'[^']*')")
_ABSOLUTE = ("http://", "https://")
_MAX_ENTITIES = 64
_MAX_ENTITY_CHARS = 10_000
_MAX_EXPANDED_CHARS = 1_000_000


@dataclass(frozen=True)
class ParsedEntry:
    """One entry as the feed gave it (text may still hold HTML)."""

    link: str | None
    guid: str | None
    title: str
    summary: str
    content: str
    published: datetime | None
    updated: datetime | None
    language: str | None


@dataclass(frozen=True)
class ParsedFeed:
    entries: tuple[ParsedEntry, ...]
    title: str | None = None
    language: str | None = None
    format: str | None = None
    encoding: str | None = None
    bozo: bool = False
    problem: str | None = None
    link: str | None = None  # the site the feed says it belongs to (self-declared)
    ttl_seconds: float | None = None  # RSS <ttl>
    update_seconds: float | None = None  # sy:updatePeriod / sy:updateFrequency
    bugs: int = 0  # entries lost to a bug of ours (logged with the traceback)


def xml_hazard(body: bytes) -> str | None:
    """Why this document must not reach an XML parser, or None when it is safe."""
    head = body
    if body[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(body) > 3 and 0 in body[:4]):
        for codec in ("utf-32", "utf-16"):
            try:
                head = body.decode(codec).encode("utf-8", "replace")
                break
            except UnicodeDecodeError:
                continue
    match = _DOCTYPE.search(head)
    if match is None:
        return None
    text = head[match.start() :].decode("latin-1")
    end = _SUBSET_END.search(text)
    subset = text[: end.end()] if end else text
    declarations = _ENTITY_DECL.findall(subset)
    if subset.count("<!ENTITY") != len(declarations):
        return "its DTD holds an entity declaration we cannot check"
    if len(declarations) > _MAX_ENTITIES:
        return f"its DTD declares {len(declarations)} entities"
    total = 0
    for _, name, value in declarations:
        if value in ("SYSTEM", "PUBLIC"):
            return f"its DTD declares the external entity {name!r}"
        if "&" in value or "%" in value:
            return f"its DTD declares the nested entity {name!r} (an entity-expansion bomb?)"
        total += len(value)
    if total > _MAX_ENTITY_CHARS:
        return f"its DTD declares {total:,} characters of entity text"
    body_text = text[len(subset) :]
    expanded = sum(body_text.count(f"&{name};") * len(value) for _, name, value in declarations)
    if expanded > _MAX_EXPANDED_CHARS:
        return f"its entity references would expand to {expanded:,} characters"
    return None


def _absolute_links(
    entries: tuple[ParsedEntry, ...] | list[ParsedEntry], base: str | None
) -> tuple[ParsedEntry, ...]:
    if not base:
        return tuple(entries)
    resolved = []
    for entry in entries:
        if entry.link and not entry.link.startswith(_ABSOLUTE):
            with contextlib.suppress(ValueError):  # a link urljoin rejects stays as given
                entry = replace(entry, link=urljoin(base, entry.link.strip()))
        resolved.append(entry)
    return tuple(resolved)


def _datetime(parsed: Any) -> datetime | None:
    if not parsed:
        return None
    try:
        year, month, day, hour, minute, second = parsed[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def _iso_datetime(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        parsed = feedparser.datetimes._parse_date(value)
        return _datetime(parsed)
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone(UTC)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _entry_language(entry: Mapping[str, Any]) -> str | None:
    if entry.get("language"):  # dc:language on the item itself
        return str(entry["language"])
    for key in ("summary_detail", "title_detail"):
        detail = entry.get(key)
        if isinstance(detail, Mapping) and detail.get("language"):
            return str(detail["language"])
    return None


def _from_feedparser(entry: dict[str, Any]) -> ParsedEntry:
    # dict.get: FeedParserDict would quietly answer published_parsed with updated_parsed.
    content = ""
    for part in entry.get("content") or ():
        if isinstance(part, Mapping) and part.get("value"):
            content = str(part["value"])
            break
    guid = entry.get("id") or entry.get("guid")
    return ParsedEntry(
        link=_text(entry.get("link")) or None,
        guid=str(guid) if guid else None,
        title=_text(entry.get("title")),
        summary=_text(entry.get("summary")),
        content=content,
        published=_datetime(dict.get(entry, "published_parsed")),
        updated=_datetime(dict.get(entry, "updated_parsed")),
        language=_entry_language(entry),
    )


def _looks_like_json(body: bytes) -> bool:
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_json_feed(body: bytes) -> ParsedFeed | None:
    """JSON Feed 1.0/1.1 (feedparser 6 does not read it); None when it is not one."""
    try:
        document = json.loads(body.decode("utf-8-sig", "replace"))  # a bad byte costs one char
    except (ValueError, RecursionError):
        return None
    if not isinstance(document, dict) or not isinstance(document.get("items"), list):
        return None
    version = str(document.get("version", ""))
    if "jsonfeed.org" not in version and "title" not in document:
        return None
    language = document.get("language") if isinstance(document.get("language"), str) else None
    entries = []
    for raw in document["items"]:
        if not isinstance(raw, dict):
            continue
        item_id = raw.get("id")
        link = raw.get("url") or raw.get("external_url")
        entries.append(
            ParsedEntry(
                link=link if isinstance(link, str) else None,
                guid=str(item_id) if isinstance(item_id, (str, int, float)) else None,
                title=_text(raw.get("title")),
                summary=_text(raw.get("summary")) or _text(raw.get("content_text")),
                content=_text(raw.get("content_html")) or _text(raw.get("content_text")),
                published=_iso_datetime(raw.get("date_published")),
                updated=_iso_datetime(raw.get("date_modified")),
                language=raw.get("language") if isinstance(raw.get("language"), str) else None,
            )
        )
    return ParsedFeed(
        entries=tuple(entries),
        title=_text(document.get("title")) or None,
        language=language,
        format="json" + (version.rsplit("/", 1)[-1] if "jsonfeed.org" in version else ""),
        encoding="utf-8",
        problem=None if entries else "the JSON Feed holds no items",
        link=_text(document.get("home_page_url")) or None,
    )


def parse_feed(
    body: bytes, headers: Mapping[str, str] | None = None, url: str | None = None
) -> ParsedFeed:
    """Entries from a feed document of any format we know. Never raises on bad input."""
    if not body.strip():
        return ParsedFeed(entries=(), problem="the response was empty")
    if _looks_like_json(body):
        parsed = parse_json_feed(body)
        if parsed is not None:
            return replace(parsed, entries=_absolute_links(parsed.entries, url))
    hazard = xml_hazard(body)
    if hazard:
        return ParsedFeed(entries=(), bozo=True, problem=f"refused to parse: {hazard}")
    body, response_headers = repair_encoding(body, headers or {})
    base = response_headers.pop("content-location", None) or url
    try:
        result = feedparser.parse(
            io.BytesIO(body),
            response_headers=response_headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except Exception as exc:  # feedparser is robust, but a feed must never end the run
        return ParsedFeed(entries=(), bozo=True, problem=f"the parser failed: {exc!r}")
    entries = []
    bugs = 0
    for position, entry in enumerate(result.get("entries") or (), start=1):
        try:
            entries.append(_from_feedparser(entry))
        except Exception:  # a bug of ours: logged and counted; the other entries stay
            log.exception("A bug in spacebrief lost entry %d of the feed %s", position, url)
            bugs += 1
    entries = list(_absolute_links(entries, base))
    feed = result.get("feed") or {}
    bozo = bool(result.get("bozo"))
    problem = None
    if bozo:
        reason = str(result.get("bozo_exception") or "malformed document")
        problem = (
            f"malformed feed, {len(entries)} entries recovered: {reason}"
            if entries
            else f"nothing could be read from it: {reason}"
        )
    elif not entries:
        problem = "the feed holds no entries"
    return ParsedFeed(
        entries=tuple(entries),
        title=_text(feed.get("title")) or None,
        language=_text(feed.get("language")) or response_headers.get("content-language"),
        format=result.get("version") or None,
        encoding=result.get("encoding") or None,
        bozo=bozo,
        problem=problem,
        link=_text(feed.get("link")) or None,
        ttl_seconds=ttl_seconds(_text(feed.get("ttl")) or None),
        update_seconds=update_period_seconds(
            _text(feed.get("sy_updateperiod")) or None,
            _text(feed.get("sy_updatefrequency")) or None,
        ),
        bugs=bugs,
    )
