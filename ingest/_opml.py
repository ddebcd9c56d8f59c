"""OPML in and out: the subscription lists every feed reader imports and exports.

Reading uses listparser (kept since 2009; OPML 1 and 2, nested folders, `category`
paths, outlines without a title, the quirks of each reader's export). listparser gives
each feed's URL, title and folders only, so the outline's `htmlUrl` and our own fields
(`language`, `full_text`, `content_selector`) are read from the same outlines with
ElementTree; FreshRSS's full-content selector (`frss:cssFullContent`) becomes
`full_text: true` with that `content_selector`. No maintained library writes OPML (`opml`
on PyPI reads only; its 0.5 release dates from 2008), so export is a small ElementTree
writer: OPML 2.0, one outline per source, tags as `category`, our fields as attributes."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime

import listparser

from spacebrief.ingest._parse import xml_hazard
from spacebrief.ingest.exceptions import IngestError
from spacebrief.ingest.types import Source

EXTRA_FIELDS = ("language", "full_text", "content_selector")


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
    return raw.strip()


def read_opml(document: bytes, where: str = "the OPML file") -> list[OpmlFeed]:
    """The feeds of an OPML document, in order, each URL once."""
    hazard = xml_hazard(document)
    if hazard:
        raise IngestError(f"{where} was not read: {hazard}.")
    parsed = listparser.parse(document)
    if not parsed.feeds:
        problem = f" ({parsed.bozo_exception})" if parsed.bozo else ""
        raise IngestError(f"{where} holds no feed subscriptions{problem}.")
    extras = _extras(document)
    feeds: list[OpmlFeed] = []
    seen: set[str] = set()
    for feed in parsed.feeds:
        url = str(feed.get("url") or "").strip()
        if not url or url in seen:
            continue
        seen.add(url)
        attributes = extras.get(url, {})
        tags: list[str] = []
        paths = [*(feed.get("categories") or ()), *([t] for t in feed.get("tags") or ())]
        for path in paths:  # a nested folder Global South/Africa gives both tags
            for tag in path:
                if str(tag).strip() and str(tag).strip() not in tags:
                    tags.append(str(tag).strip())
        extra = {
            name: _value(name, attributes[name])
            for name in EXTRA_FIELDS
            if attributes.get(name, "").strip()
        }
        fresh_rss_selector = attributes.get("cssFullContent", "").strip()
        if fresh_rss_selector and "content_selector" not in extra:
            extra["content_selector"] = fresh_rss_selector
            extra.setdefault("full_text", True)
        feeds.append(
            OpmlFeed(
                url=url,
                name=str(feed.get("title") or "").strip() or None,
                tags=tuple(tags),
                site=(attributes.get("htmlUrl") or "").strip() or None,
                extra=extra,
            )
        )
    return feeds


def write_opml(sources: list[Source], title: str = "spacebrief sources") -> str:
    """OPML 2.0 for these sources; our fields ride along as outline attributes."""
    opml = ET.Element("opml", version="2.0")
    head = ET.SubElement(opml, "head")
    ET.SubElement(head, "title").text = title
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
        ET.SubElement(body, "outline", attributes)
    ET.indent(opml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(opml, encoding="unicode") + "\n"
