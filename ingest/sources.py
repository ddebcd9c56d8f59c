"""Where feeds come from: a sources.yaml catalog, one feed URL, a feed file or a folder.

Every source gets a `source_id` that is a slug of its name; the warehouse then knows a
source by its URL (`source_key`): a source whose URL it has seen under another id keeps
that id (one outlet read from a folder and from a catalog is one source), and a name
whose stored URL was another starts with no fetch state (it inherits no backoff). A catalog's
shape is a pydantic model (`CatalogDocument`, unknown keys refused, so a misspelt
`ful_text:` is not silently ignored); its first complaint becomes one sentence naming the
file, the source and the field.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    StrictBool,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

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


def source_key(url: str) -> str:
    """What makes two feed locations one source: the URL with its scheme and host in lower
    case, no default port and no trailing slash; a local path as given (resolved)."""
    text = url.strip()
    if not is_remote(text):
        return text
    parts = urlsplit(text)
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/")
    query = f"?{parts.query}" if parts.query else ""
    return f"{parts.scheme.lower()}://{host}{path}{query}"


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


def _text(value: Any) -> Any:
    """Catalog text trimmed, numbers read as text (`name: 1843`), blank text as absent."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        return value.strip() or None
    return value


Text = Annotated[str, BeforeValidator(_text)]


class CatalogEntry(BaseModel):
    """One source as a catalog writes it (docs/sources.md lists the fields)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: Text
    name: Text | None = None
    outlet: Text | None = None  # what the shared catalog calls the name
    language: Text | None = None
    tags: tuple[Text, ...] = ()
    site: Text | None = None
    full_text: StrictBool = False
    content_selector: Text | None = None
    allow_private: StrictBool = False
    # For the people who keep the file; ingest reads none of them.
    note: Text | None = None
    unsure: StrictBool = False
    evidence: Text | None = None
    kind: Text | None = None

    @field_validator("tags", mode="before")
    @classmethod
    def _tags_are_words(cls, value: Any) -> Any:
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list) or not all(_text(tag) for tag in value):
            raise PydanticCustomError("tags", "`tags` must be a list of words")
        return [_text(tag) for tag in value]


class CatalogDocument(BaseModel):
    """The whole file: its sources under `sources:` (the shared catalog says `feeds:`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sources: list[CatalogEntry] | None = None
    feeds: list[CatalogEntry] | None = None

    @model_validator(mode="before")
    @classmethod
    def _a_bare_list_is_the_sources(cls, value: Any) -> Any:
        return {"sources": value} if isinstance(value, list) else value

    @model_validator(mode="after")
    def _holds_a_list(self) -> CatalogDocument:
        if self.sources is None and self.feeds is None:
            raise PydanticCustomError("no_sources", "no sources")
        return self

    @property
    def entries(self) -> list[CatalogEntry]:
        return self.sources if self.sources is not None else self.feeds or []


def _catalog_sentence(error: ErrorDetails, document: Any, path: Path) -> str:
    """Pydantic's first complaint as one sentence naming the file, the source and the field."""
    location, kind = error["loc"], error["type"]
    listing = f"{path} must hold a list of sources under the key `sources:`."
    if len(location) < 2 or not isinstance(location[1], int):
        if kind == "extra_forbidden" and len(location) == 1:
            return (
                f"{path} has an unknown field `{location[0]}`; list the sources under `sources:`."
            )
        return listing
    entries = document if isinstance(document, list) else document[location[0]]
    entry, position = entries[location[1]], location[1] + 1
    if len(location) < 3:
        return f"Source {position} in {path} needs at least a `url`."
    named = entry.get("name") or entry.get("outlet")
    source = f"Source {position} ({named})" if isinstance(named, str) else f"Source {position}"
    field = location[2]
    if kind == "extra_forbidden":
        fields = ", ".join(f"`{name}`" for name in CatalogEntry.model_fields)
        return f"{source} in {path} has an unknown field `{field}`; the fields are {fields}."
    if field == "url" and (kind == "missing" or error["input"] is None):
        return f"{source} in {path} needs at least a `url`."
    if kind == "bool_type":
        return f"{source} in {path}: `{field}` must be true or false, not {error['input']!r}."
    if kind == "tags":
        return f"{source} in {path}: `tags` must be a list of words, not {entry['tags']!r}."
    return f"{source} in {path}: `{field}` must be text, not {error['input']!r}."


def _load_catalog(path: Path) -> list[Source]:
    try:
        document = yaml.load(path.read_text("utf-8"), Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise IngestError(
            f"{path} is not valid YAML ({exc}); fix the file and retry.", path=path
        ) from exc
    except UnicodeDecodeError:
        raise IngestError(
            f"{path} is not UTF-8 text; save it as UTF-8 and retry.", path=path
        ) from None
    try:
        catalog = CatalogDocument.model_validate(document)
    except ValidationError as error:
        raise IngestError(_catalog_sentence(error.errors()[0], document, path), path=path) from None
    sources: list[Source] = []
    seen: dict[str, str] = {}
    for position, entry in enumerate(catalog.entries, start=1):
        url = entry.url
        if not is_remote(url) and not unsupported_scheme(url):  # fetch refuses ftp:// etc.
            candidate = local_path(url)
            url = str(candidate if candidate.is_absolute() else (path.parent / candidate).resolve())
        name = entry.name or entry.outlet or _source_from_url(url).name
        source_id = slugify(name)
        if source_id in seen:
            if seen[source_id] == url:
                continue
            source_id = f"{source_id}-{position}"
        seen[source_id] = url
        sources.append(
            Source(
                source_id=source_id,
                name=name,
                url=url,
                language=entry.language,
                tags=entry.tags,
                site=entry.site,
                full_text=entry.full_text,
                content_selector=entry.content_selector,
                allow_private=entry.allow_private,
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
                "name a folder of feeds, a sources.yaml, or a feed URL.",
                path=path,
                setting="sources",
                parameter="sources",
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
            "name a folder of feeds, a sources.yaml, or a feed URL.",
            path=path,
            setting="sources",
            parameter="sources",
        )
    if path.suffix.lower() in _CATALOG_SUFFIXES:
        return _load_catalog(path)
    return [_source_from_file(path)]
