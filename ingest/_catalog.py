"""Editing a sources.yaml in place, the way a person would: comments and layout kept.

ruamel.yaml's round-trip mode keeps the comments, key order and flow style of the file
an analyst wrote, so `spacebrief sources add/remove/import` change the entries they name
and nothing else. New entries are written in block style, each after a blank line.

The URLs and name slugs already taken are kept in two sets built once when the file is
opened: looking them up by walking the entries for each one added made an import of
10,000 outlines quadratic (bench/opml_import.py).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from spacebrief.ingest.exceptions import IngestError
from spacebrief.ingest.sources import slugify


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


class CatalogFile:
    """A sources.yaml opened for editing; `save()` writes it back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise IngestError(
                f"{path} is not a sources.yaml; name the YAML file to edit.",
                path=path,
                parameter="catalog",
            )
        self._yaml = _yaml()
        document: object = CommentedMap()
        if path.exists():
            try:
                document = self._yaml.load(path.read_text("utf-8")) or document
            except YAMLError as exc:
                raise IngestError(
                    f"{path} is not valid YAML ({exc}); fix it and retry.", path=path
                ) from exc
        # Round-trip mode loads every mapping as a CommentedMap and every sequence as a
        # CommentedSeq: checking those types (not Mapping and list) keeps the comment API.
        if not isinstance(document, CommentedMap):
            raise IngestError(f"{path} must hold a mapping with a `sources:` list.", path=path)
        self.document: CommentedMap = document
        if document.get("sources") is None:
            document["sources"] = CommentedSeq()
        if not isinstance(document["sources"], CommentedSeq):
            raise IngestError(f"{path}: `sources:` must be a list of sources.", path=path)
        held = [e for e in self.entries if isinstance(e, Mapping)]
        self._urls = Counter(str(e.get("url", "")).strip() for e in held)
        self._names = Counter(slugify(str(e.get("name", ""))) for e in held)

    @property
    def entries(self) -> CommentedSeq:
        """The `sources:` list, checked to be a CommentedSeq when the file was opened."""
        return self.document["sources"]

    def urls(self) -> set[str]:
        return set(self._urls)

    def names(self) -> set[str]:
        return set(self._names)

    def add(self, entry: Mapping[str, object]) -> bool:
        """Append a source unless its URL is already there; a taken name gets a suffix."""
        url = str(entry["url"]).strip()
        if url in self._urls:
            return False
        new = CommentedMap()
        name = str(entry.get("name") or "").strip()
        if name:
            base, n = name, 2
            while slugify(name) in self._names:
                name, n = f"{base} ({n})", n + 1
            new["name"] = name
        for key, value in entry.items():
            if key == "name" or value in (None, "", [], ()):
                continue
            if isinstance(value, list | tuple):
                value = CommentedSeq(value)
                value.fa.set_flow_style()
            new[key] = value
        self.entries.append(new)
        self._urls[url] += 1
        self._names[slugify(name)] += 1
        if len(self.entries) > 1:
            self.entries.yaml_set_comment_before_after_key(len(self.entries) - 1, before="\n")
        return True

    def add_all(self, entries: Iterable[Mapping[str, object]]) -> tuple[int, int]:
        added = skipped = 0
        for entry in entries:
            if self.add(entry):
                added += 1
            else:
                skipped += 1
        return added, skipped

    def remove(self, wanted: str) -> Mapping[str, Any]:
        """Remove the source named (name, its slug, or its URL); say so when none matches."""
        key = wanted.strip()
        for position, entry in enumerate(self.entries):
            if not isinstance(entry, Mapping):
                continue
            name = str(entry.get("name", ""))
            url = str(entry.get("url", "")).strip()
            if key in (name, url) or slugify(key) == slugify(name):
                del self.entries[position]
                self._urls -= Counter([url])
                self._names -= Counter([slugify(name)])
                return entry
        raise IngestError(
            f"No source named {wanted!r} in {self.path}; the sources list names them.",
            source=wanted,
            path=self.path,
        )

    def text(self) -> str:
        out = io.StringIO()
        self._yaml.dump(self.document, out)
        return out.getvalue()

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_suffix(self.path.suffix + ".tmp")
        temporary.write_text(self.text(), "utf-8")
        temporary.replace(self.path)
