"""Where feeds come from: a sources.yaml catalog, one feed URL, a feed file or a folder.

Every source gets a `source_id` that is a slug of its name, so the warehouse's fetch
history and backoff state follow a source across runs even if its URL changes.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

from spacebrief.ingest._fetch import is_remote, local_path, unsupported_scheme
from spacebrief.ingest.exceptions import IngestError
from spacebrief.ingest.types import Source

FEED_SUFFIXES = frozenset({".xml", ".rss", ".atom", ".rdf", ".json", ".feed"})
_CATALOG_SUFFIXES = frozenset({".yaml", ".yml"})
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster on big catalogs


def slugify(name: str) -> str:
    """'Xinhua – Space & Science' -> 'xinhua-space-science'."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    if not slug:
        slug = re.sub(r"[^\w]+", "-", name.lower(), flags=re.UNICODE).strip("-") or "source"
    return slug[:80]


def _source_from_url(url: str) -> Source:
    parts = urlsplit(url)
    name = (parts.hostname or url) + (parts.path.rstrip("/") or "")
    return Source(source_id=slugify(name), name=name, url=url, named_from_location=True)


def _source_from_file(path: Path) -> Source:
    return Source(
        source_id=slugify(path.stem),
        name=path.stem,
        url=str(path.resolve()),
        named_from_location=True,
    )


def _tags(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(tag) for tag in value)
    raise IngestError(f"tags must be a list of words, not {value!r}")


def _load_catalog(path: Path) -> list[Source]:
    try:
        document = yaml.load(path.read_text("utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise IngestError(f"{path} is not valid YAML ({exc}); fix the file and retry.") from exc
    except UnicodeDecodeError:
        raise IngestError(f"{path} is not UTF-8 text; save it as UTF-8 and retry.") from None
    entries = document
    if isinstance(document, dict):
        entries = document.get("sources", document.get("feeds"))
    if not isinstance(entries, list):
        raise IngestError(f"{path} must hold a list of sources under the key `sources:`.")
    sources: list[Source] = []
    seen: dict[str, str] = {}
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict) or not entry.get("url"):
            raise IngestError(f"Source {position} in {path} needs at least a `url`.")
        url = str(entry["url"]).strip()
        if not is_remote(url) and not unsupported_scheme(url):  # fetch refuses ftp:// etc.
            candidate = local_path(url)
            url = str(candidate if candidate.is_absolute() else (path.parent / candidate).resolve())
        name = str(entry.get("name") or entry.get("outlet") or _source_from_url(url).name)
        source_id = slugify(name)
        if source_id in seen:
            if seen[source_id] == url:
                continue
            source_id = f"{source_id}-{position}"
        seen[source_id] = url
        language = entry.get("language")
        site = entry.get("site")
        full_text = entry.get("full_text", False)
        if not isinstance(full_text, bool):
            raise IngestError(
                f"Source {position} in {path}: `full_text` must be true or false, "
                f"not {full_text!r}."
            )
        selector = entry.get("content_selector")
        sources.append(
            Source(
                source_id=source_id,
                name=name,
                url=url,
                language=str(language) if language else None,
                tags=_tags(entry.get("tags")),
                site=str(site).strip() if site else None,
                full_text=full_text,
                content_selector=str(selector).strip() if selector else None,
                allow_private=entry.get("allow_private") is True,
            )
        )
    return sources


def load_sources(location: str) -> list[Source]:
    """The sources a location names: catalog file, feed URL, feed file, or folder of feeds."""
    location = location.strip()
    if is_remote(location):
        return [_source_from_url(location)]
    path = local_path(location).expanduser()
    if path.is_dir():
        files = sorted(
            p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FEED_SUFFIXES
        )
        if not files:
            raise IngestError(
                f"{path} holds no feed files ({', '.join(sorted(FEED_SUFFIXES))}); "
                "point --sources at a folder of feeds, a sources.yaml, or a feed URL."
            )
        sources = [_source_from_file(p) for p in files]
        stems = [s.source_id for s in sources]
        return [
            Source(slugify(p.name), p.name, s.url, named_from_location=True)
            if stems.count(s.source_id) > 1
            else s
            for p, s in zip(files, sources, strict=True)
        ]
    if not path.exists():
        raise IngestError(
            f"{location} is neither an http(s) URL nor an existing file or folder; "
            "check the --sources value."
        )
    if path.suffix.lower() in _CATALOG_SUFFIXES:
        return _load_catalog(path)
    return [_source_from_file(path)]
