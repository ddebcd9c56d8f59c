"""Turning parsed entries into `Item` records with stable ids and clean text.

The id must survive re-fetches, tracking parameters and re-indented XML, or re-running
would duplicate stories: it comes from the canonical URL, else from the guid, else from a
hash of the cleaned text, each scoped to the source. Scoping matters: two outlets linking
one URL are two reports of one story (the clusters join them), and a feed that links to
another outlet's page must never take that outlet's row. Rows stored before identity was
per source keep the ids they have (labels and alerts point at them); a re-read finds them
by (source, canonical URL), not by id.
Text is cleaned with the stdlib HTML parser, which never executes or fetches anything:
script and style bodies are dropped, entities decoded, whitespace folded, and control
characters (C0, C1, DEL) and bidirectional overrides dropped: feed text goes on to a
terminal, Markdown, HTML and Slack, and an ESC or a right-to-left override can rewrite
what each of them shows. Zero-width joiners stay (several scripts need them).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime
from functools import cache
from html.parser import HTMLParser

from spacebrief.ingest._parse import ParsedEntry
from spacebrief.ingest._urls import canonical_url, is_offsite
from spacebrief.ingest.types import Item, Source
from spacebrief.untrusted import truncate

SUMMARY_MAX_CHARS = 1000
TITLE_MAX_CHARS = 300
MIN_CHARS_TO_DETECT_LANGUAGE = 40
MIN_LANGUAGE_CONFIDENCE = 0.6

_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template", "iframe", "svg", "head"})
_BLOCK_TAGS = frozenset(
    {
        "p", "br", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td",
        "th", "table", "blockquote", "figure", "figcaption", "section", "article", "hr",
        "pre", "dd", "dt", "img",
    }
)  # fmt: skip
_WHITESPACE = re.compile(r"\s+")
_CONTROLS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_UNCLOSED_TAG = re.compile(r"<[a-zA-Z!/][^<>]*$")
_LANGUAGE_TAG = re.compile(r"^([a-zA-Z]{2,3})(?:[-_].*)?$")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def drop_controls(text: str) -> str:
    """`text` without control characters (C0 but tab and line breaks, DEL, C1) and
    bidirectional overrides: what no terminal, Slack message or XML file may be handed."""
    return _CONTROLS.sub("", text)


def clean_text(markup: str | None) -> str:
    """Plain text of an HTML fragment: tags stripped, entities decoded, whitespace folded."""
    if not markup:
        return ""
    markup = _CONTROLS.sub("", markup)
    if "<" not in markup and "&" not in markup:
        return " ".join(markup.split())
    extractor = _TextExtractor()
    try:
        extractor.feed(markup)
        extractor.close()
    except Exception:  # HTMLParser is lenient, but feed text is hostile
        return " ".join(re.sub(r"<[^>]*>", " ", markup).split())
    text = _CONTROLS.sub("", _UNCLOSED_TAG.sub("", "".join(extractor.parts)))
    return " ".join(text.split())


def language_tag(value: str | None) -> str | None:
    """'en-US' -> 'en'; None for anything that is not a language tag."""
    if not value:
        return None
    match = _LANGUAGE_TAG.match(value.strip())
    return match[1].lower() if match else None


@cache
def _language_identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """The language of a text long enough to judge, when the model is confident."""
    if len(text) < MIN_CHARS_TO_DETECT_LANGUAGE:
        return None
    language, confidence = _language_identifier().classify(text)
    return str(language) if confidence >= MIN_LANGUAGE_CONFIDENCE else None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def content_hash(title: str, summary: str) -> str:
    return _digest(title.casefold(), summary.casefold())


def item_id_for(
    url: str | None, guid: str | None, text_hash: str, source_id: str, *, prefer_guid: bool = False
) -> str:
    """Stable id within a source: canonical URL, else guid, else the text's hash."""
    if url and not (prefer_guid and guid):
        return _digest("url", source_id, url)
    if guid:
        return _digest("guid", source_id, guid.strip())
    return _digest("text", source_id, text_hash)


def normalise_entry(
    entry: ParsedEntry,
    source: Source,
    fetched_at: datetime,
    *,
    feed_language: str | None = None,
    prefer_guid: bool = False,
    sites: frozenset[str] = frozenset(),
) -> Item:
    url = canonical_url(entry.link)
    raw_guid = _CONTROLS.sub("", entry.guid or "").strip()
    guid = raw_guid or None
    if url is None and guid:
        url = canonical_url(guid)
    summary = clean_text(entry.summary) or clean_text(entry.content)
    title = clean_text(entry.title)
    if not title:
        title = truncate(summary, 120) if summary else (url or guid or "(untitled)")
    title = truncate(title, TITLE_MAX_CHARS)
    summary = truncate(summary, SUMMARY_MAX_CHARS)
    text_hash = content_hash(title, summary)
    language = (
        language_tag(entry.language)
        or language_tag(feed_language)
        or language_tag(source.language)
        or detect_language(f"{title}. {summary}")
    )
    published = entry.published or entry.updated
    item_id = item_id_for(url, guid, text_hash, source.source_id, prefer_guid=prefer_guid)
    return Item(
        item_id=item_id,
        url=url,
        guid=guid,
        title=title,
        summary=summary,
        language=language,
        source_id=source.source_id,
        source_name=source.name,
        published_at=published or fetched_at,
        published_inferred=published is None,
        fetched_at=fetched_at,
        content_hash=text_hash,
        cluster_id=item_id,
        offsite=is_offsite(url, sites),
    )


def normalise_entries(
    entries: Sequence[ParsedEntry] | Iterable[ParsedEntry],
    source: Source,
    fetched_at: datetime,
    *,
    feed_language: str | None = None,
    sites: frozenset[str] = frozenset(),
) -> list[Item]:
    """Items for one feed's entries.

    Some feeds point every entry at the same page (a section front, the home page); there
    the URL does not name a story, so entries sharing it with different guids are keyed
    by guid instead, and no story is lost.
    """
    entries = list(entries)
    urls = [canonical_url(entry.link) for entry in entries]
    guids_per_url: dict[str, set[str | None]] = {}
    for url, entry in zip(urls, entries, strict=True):
        if url:
            guids_per_url.setdefault(url, set()).add(entry.guid)
    shared = Counter(url for url in urls if url)
    return [
        normalise_entry(
            entry,
            source,
            fetched_at,
            feed_language=feed_language,
            prefer_guid=bool(url and shared[url] > 1 and len(guids_per_url[url]) > 1),
            sites=sites,
        )
        for url, entry in zip(urls, entries, strict=True)
    ]
