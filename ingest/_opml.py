"""OPML in and out: the subscription lists every feed reader imports and exports.

Reading uses listparser (kept since 2009; OPML 1 and 2, nested folders, `category`
paths, outlines without a title, the quirks of each reader's export). listparser gives
each feed's URL, title and folders only, so the outline's `htmlUrl` and our own fields
(`language`, `full_text`, `content_selector`) are read from the same outlines with
ElementTree; FreshRSS's full-content selector (`frss:cssFullContent`) becomes
`full_text: true` with that `content_selector`. No maintained library writes OPML (`opml`
on PyPI reads only; its 0.5 release dates from 2008), so export is a small ElementTree
writer: OPML 2.0, one outline per source, tags as `category`, our fields as attributes.

An OPML file comes from elsewhere (a reader's export, a colleague's list), so every
outline's URL passes the project's read rule (`spacebrief.untrusted.url_refusal`) before
it reaches the catalog: a `file:` URL, a bare or relative path, `javascript:`, `data:`,
`ftp:`, `gopher:` or a link-local address is refused with one sentence per outline, and
the rest is imported. A file past `MAX_OPML_BYTES` is refused whole, in one sentence
(10,000 outlines take about 1.5 MB). Text from the file loses its control and bidi
characters on the way in, and everything written on the way out is XML 1.0 characters
only, so an export always parses."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

import listparser

from spacebrief.ingest._normalise import drop_controls
from spacebrief.ingest._parse import xml_hazard
from spacebrief.ingest.exceptions import IngestError
from spacebrief.ingest.types import Source
from spacebrief.untrusted import url_refusal

EXTRA_FIELDS = ("language", "full_text", "content_selector")
MAX_OPML_BYTES = 10 * 1024 * 1024
# What XML 1.0 allows in a document (its `Char` production), less nothing else.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _clean(value: str) -> str:
    """Text fit for a catalog and for XML: no control, bidi or non-XML character."""
    return _NOT_XML.sub("", drop_controls(value)).strip()


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription as a catalog entry would hold it."""

    url: str
    name: str | None
    tags: tuple[str, ...] = ()
    site: str | None = None
    extra: dict[str, object] = field(default_factory=dict)

    def catalog_entry(self) -> dict[str, object]:
        entry: dict[str, object] = {"name": self.name} if self.name else {}
        entry["url"] = self.url
        if self.site:
            entry["site"] = self.site
        entry.update(self.extra)
        if self.tags:
            entry["tags"] = list(self.tags)
        return entry


@dataclass(frozen=True)
class OpmlSubscriptions:
    """What an OPML file offers: the feeds to import, and a sentence per refused outline."""

    feeds: list[OpmlFeed]
    refused: list[str] = field(default_factory=list)


def _extras(document: bytes) -> dict[str, dict[str, str]]:
    """Each feed outline's attributes by its xmlUrl (ElementTree, after the hazard check)."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        return {}
    found: dict[str, dict[str, str]] = {}
    for outline in root.iter("outline"):
        attributes = {k.split("}")[-1]: v for k, v in outline.attrib.items()}
        url = attributes.get("xmlUrl") or attributes.get("xmlurl")
        if url:
            found.setdefault(url.strip(), attributes)
    return found


def _value(name: str, raw: str) -> object:
    if name == "full_text":
        return raw.strip().lower() in ("true", "1", "yes")
    return _clean(raw)


def read_opml(
    document: bytes, where: str = "the OPML file", *, allow_private: bool = False
) -> OpmlSubscriptions:
    """The feeds of an OPML document, in order, each URL once, each passing the read rule.

    `allow_private` lets private and loopback addresses in (the `fetch_allow_private` setting);
    link-local addresses and anything but http(s) are refused whatever it says.
    """
    if len(document) > MAX_OPML_BYTES:
        raise IngestError(
            f"{where} is larger than the {MAX_OPML_BYTES // (1024 * 1024)} MB an OPML import "
            "reads; split it into smaller files and import each."
        )
    hazard = xml_hazard(document)
    if hazard:
        raise IngestError(f"{where} was not read: {hazard}.")
    parsed = listparser.parse(document)
    if not parsed.feeds:
        problem = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        raise IngestError(f"{where} holds no feed subscriptions{problem}.")
    extras = _extras(document)
    feeds: list[OpmlFeed] = []
    refused: list[str] = []
    seen: set[str] = set()
    for position, feed in enumerate(parsed.feeds, start=1):
        url = str(feed.get("url") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        name = _clean(str(feed.get("title") or "")) or None
        why = url_refusal(url, allow_private=allow_private)
        if why:
            named = f" ({name})" if name else ""
            refused.append(f"Outline {position}{named} was not imported: {url!r} is {why}.")
            continue
        attributes = extras.get(url, {})
        tags: list[str] = []
        paths = [*(feed.get("categories") or ()), *([t] for t in feed.get("tags") or ())]
        for path in paths:  # a nested folder Global South/Africa gives both tags
            for tag in path:
                cleaned = _clean(str(tag))
                if cleaned and cleaned not in tags:
                    tags.append(cleaned)
        extra = {
            name: _value(name, attributes[name])
            for name in EXTRA_FIELDS
            if _clean(attributes.get(name, ""))
        }
        fresh_rss_selector = _clean(attributes.get("cssFullContent", ""))
        if fresh_rss_selector and "content_selector" not in extra:
            extra["content_selector"] = fresh_rss_selector
            extra.setdefault("full_text", True)
        site = _clean(attributes.get("htmlUrl") or "")
        feeds.append(
            OpmlFeed(
                url=url,
                name=name,
                tags=tuple(tags),
                site=site if site and url_refusal(site, allow_private=True) is None else None,
                extra=extra,
            )
        )
    return OpmlSubscriptions(feeds, refused)


def write_opml(sources: list[Source], title: str = "spacebrief sources") -> str:
    """OPML 2.0 for these sources; our fields ride along as outline attributes.

    Every value loses its control, bidi and non-XML characters, so the file always
    parses (a catalog's names may hold what a feed's title held).
    """
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = _clean(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    ET.SubElement(head, "docs").text = "https://opml.org/spec2.opml"
    body = ET.SubElement(opml, "body")
    for source in sources:
        attributes = {"type": "rss", "text": source.name, "title": source.name}
        attributes["xmlUrl"] = source.url
        if source.site:
            attributes["htmlUrl"] = source.site
        if source.tags:
            attributes["category"] = ",".join(f"/{tag}" for tag in source.tags)
        if source.language:
            attributes["language"] = source.language
        if source.full_text:
            attributes["full_text"] = "true"
        if source.content_selector:
            attributes["content_selector"] = source.content_selector
        ET.SubElement(body, "outline", {k: _clean(v) for k, v in attributes.items()})
    ET.indent(opml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(opml, encoding="unicode") + "\n"
