"""The digest step: build the edition (`spacebrief.build_edition`), write it out, record it.

Reads happen on a read-only connection (an analyst's session can stay open meanwhile);
only the `editions` row needs a short write connection. Files are written to a temporary
name and renamed, so a reader never sees half an edition. Nothing here uses the clock
except to pick today's date when none is given, so `--date D --days N` rebuilds a past
edition byte for byte.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from spacebrief.core import build_edition
from spacebrief.digest.exceptions import DigestError
from spacebrief.digest.render import render_html, render_json, render_markdown, render_text
from spacebrief.flows.settings import Settings
from spacebrief.flows.steps.english_step import llm_endpoint
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse.editions import EditionRecord, record_edition

log = logging.getLogger(__name__)

DEFAULT_DAYS_FOR_PLAIN_NAMES = 7


@dataclass(frozen=True)
class EditionSummary:
    edition_id: str
    edition_date: date
    days: int
    items: int  # on-theme items in the window
    markdown_path: Path
    html_path: Path
    json_path: Path
    title: str = ""
    stories: int = 0
    citations: int = 0
    duration_seconds: float = 0.0
    text_path: Path | None = None  # the plain-text e-mail part
    hint: str = ""  # the window is empty though the warehouse holds items elsewhere

    def describe(self) -> str:
        sentence = (
            f"Wrote the {self.edition_date.isoformat()} edition ({self.days}-day window, "
            f"{self.items} on-theme items, {self.stories} selected stories, "
            f"{self.citations} cited sources) to {self.html_path.parent} "
            f"in {self.duration_seconds:.1f} s."
        )
        return f"{sentence} {self.hint}" if self.hint else sentence


def empty_window_hint(warehouse: Warehouse, days: int) -> str:
    """When the window holds nothing but the warehouse holds items: which days it has."""
    from spacebrief.warehouse.items import published_span

    with warehouse.read() as con:
        count, newest = published_span(con)
    if not count:
        return ""
    shown = ", ".join(day.isoformat() for day in newest)
    return (
        f"Its window holds no items, but the warehouse has {count} published on other days "
        f"(the newest: {shown}): try `spacebrief digest --date {newest[0].isoformat()} "
        f"--days {days}`."
    )


def edition_stem(edition_date: date, days: int) -> str:
    """`<date>` for the usual weekly edition, `<date>-<N>d` for any other window length."""
    if days == DEFAULT_DAYS_FOR_PLAIN_NAMES:
        return edition_date.isoformat()
    return f"{edition_date.isoformat()}-{days}d"


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def write_digest(
    warehouse: Warehouse,
    settings: Settings,
    *,
    edition_date: date | None = None,
    days: int | None = None,
    out_dir: Path | None = None,
) -> EditionSummary:
    started = time.perf_counter()
    edition_date = edition_date or datetime.now(UTC).date()
    days = settings.digest_days if days is None else days
    edition = build_edition(
        warehouse,
        day=edition_date,
        days=days,
        top_stories=settings.digest_top_stories,
        llm=llm_endpoint(settings),
    )

    directory = out_dir or settings.editions_dir
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DigestError(f"Cannot create the editions folder {directory}: {error}.") from error
    stem = edition_stem(edition_date, days)
    paths = {ext: directory / f"{stem}.{ext}" for ext in ("md", "html", "json", "txt")}
    _write_atomically(paths["md"], render_markdown(edition))
    _write_atomically(paths["txt"], render_text(edition))
    _write_atomically(paths["html"], render_html(edition))
    _write_atomically(paths["json"], render_json(edition))

    with warehouse.write() as con, transaction(con):
        record_edition(
            con,
            EditionRecord(
                edition_id=edition.edition_id,
                edition_date=edition_date,
                window_start=datetime.fromisoformat(edition.window_start),
                window_end=datetime.fromisoformat(edition.window_end),
                days=days,
                items=edition.items_relevant,
                markdown_path=str(paths["md"]),
                html_path=str(paths["html"]),
                json_path=str(paths["json"]),
                citations=tuple((c.number, c.item_id) for c in edition.citations),
            ),
        )
    hint = ""
    if not edition.items_total:
        hint = empty_window_hint(warehouse, days)
    summary = EditionSummary(
        edition_id=edition.edition_id,
        edition_date=edition_date,
        days=days,
        items=edition.items_relevant,
        markdown_path=paths["md"],
        html_path=paths["html"],
        json_path=paths["json"],
        text_path=paths["txt"],
        title=edition.title,
        stories=len(edition.stories),
        citations=len(edition.citations),
        duration_seconds=time.perf_counter() - started,
        hint=hint,
    )
    log.info(summary.describe())
    return summary
