"""The handle's editions: build from the warehouse, render, write, e-mail, announce.

Building reads on a read-only connection; writing puts the four files in place by
renaming a finished temporary file (a reader never sees half an edition) and records
the edition in one short write. Nothing uses the clock except to pick today when no day
is given, so the same day and window rebuild a past edition byte for byte.

The edition travels on as records: `EditionSummary` carries the `EditionHighlights` the
Slack post shows (made here from the digest's `Edition`), so the post reads no file
back. The e-mail and the post go through the one delivery ledger (`warehouse.ledger`).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from spacebrief.alerts.edition import (
    TOP_STORIES,
    TOP_TRENDS,
    EditionHighlights,
    StoryLine,
    TrendLine,
)
from spacebrief.digest.exceptions import DigestError

if TYPE_CHECKING:
    from spacebrief.core import Spacebrief
    from spacebrief.digest.llm import LlmEndpoint
    from spacebrief.digest.types import Edition
    from spacebrief.settings import Settings

log = logging.getLogger(__name__)

HISTORY_WINDOWS = 4  # earlier windows of the same length the edition's momentum compares
DEFAULT_DAYS_FOR_PLAIN_NAMES = 7
Format = Literal["markdown", "html", "text", "json"]


@dataclass(frozen=True)
class EditionSummary:
    """An edition written to its folder: where its files are, and what it holds."""

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
    suggested_day: date | None = None  # then, the newest day with items: an edition to try
    highlights: EditionHighlights = field(default_factory=lambda: EditionHighlights(None))

    def describe(self) -> str:
        sentence = (
            f"Wrote the {self.edition_date.isoformat()} edition ({self.days}-day window, "
            f"{self.items} on-theme items, {self.stories} selected stories, "
            f"{self.citations} cited sources) to {self.html_path.parent} "
            f"in {self.duration_seconds:.1f} s."
        )
        return f"{sentence} {self.hint}" if self.hint else sentence


@dataclass(frozen=True)
class EmailSummary:
    """What e-mailing an edition did, per recipient."""

    edition_id: str
    recipients: int
    sent: tuple[str, ...]
    already: int  # recipients who had it from an earlier run
    reconciled: int = 0
    resent: int = 0
    failed: tuple[tuple[str, str], ...] = ()
    deferred: tuple[tuple[str, str], ...] = ()
    duration_seconds: float = 0.0

    @property
    def undelivered(self) -> bool:
        return bool(self.failed or self.deferred)

    def undelivered_sentence(self) -> str:
        return (
            f"The {self.edition_id} edition did not reach {len(self.failed) + len(self.deferred)}"
            " recipient(s); the ledger keeps them: the next send tries the pending ones again."
        )

    def describe(self) -> str:
        sentence = (
            f"E-mailed the {self.edition_id} edition to {len(self.sent) + self.reconciled} of "
            f"{self.recipients} recipient(s)"
        )
        notes = []
        if self.already:
            notes.append(f"{self.already} had it already")
        if self.reconciled:
            notes.append(f"{self.reconciled} confirmed from an interrupted run")
        if self.resent:
            notes.append(f"{self.resent} sent again after an interrupted run, same Message-ID")
        if notes:
            sentence += f" ({'; '.join(notes)})"
        sentence += f" in {self.duration_seconds:.1f} s"
        for recipient, why in self.failed:
            sentence += f"; failed: {recipient}: {why}"
        for recipient, why in self.deferred:
            sentence += f"; pending for the next run: {recipient}: {why}"
        return sentence + "."


def llm_endpoint(settings: Settings) -> LlmEndpoint | None:
    if not settings.llm_url:
        return None
    from spacebrief.digest.llm import LlmEndpoint

    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LlmEndpoint(
        settings.llm_url.get_secret_value(),
        settings.llm_model,
        key,
        settings.llm_timeout_seconds,
        settings.llm_max_answer_bytes,
    )


def build(sb: Spacebrief, day: date | None, days: int | None, top_stories: int | None) -> Edition:
    from spacebrief.digest.build import build_edition
    from spacebrief.warehouse.editions import load_window

    settings = sb.settings
    day = day or datetime.now(UTC).date()
    days = settings.digest_days if days is None else days
    top = settings.digest_top_stories if top_stories is None else top_stories
    if days < 1:
        raise DigestError(
            f"An edition needs a window of at least one day, not {days}.", parameter="days"
        )
    if top < 1:
        raise DigestError(
            f"An edition selects at least one story, not {top}.",
            parameter="top_stories",
            setting="digest_top_stories",
        )
    try:  # the window and its history windows must be real days
        day - timedelta(days=days * (HISTORY_WINDOWS + 1) + 1)
        day + timedelta(days=1)
    except OverflowError:
        raise DigestError(
            f"An edition of {day.isoformat()} with a {days}-day window (and the windows "
            "before it that momentum compares) reaches past the calendar's first or last day.",
            parameter="day",
        ) from None
    with sb.warehouse.read() as con:
        window = load_window(con, day, days, history_windows=HISTORY_WINDOWS)
    if not window.trends:
        log.warning("No taxonomy in the warehouse yet: the edition will list no trends.")
    return build_edition(window, top_stories=top, llm=llm_endpoint(settings))


def render(edition: Edition, format: Format) -> str:
    from spacebrief.digest import render as renderers

    if format == "markdown":
        return renderers.render_markdown(edition)
    if format == "html":
        return renderers.render_html(edition)
    if format == "text":
        return renderers.render_text(edition)
    if format == "json":
        return renderers.render_json(edition)
    raise DigestError(
        f"An edition renders as markdown, html, text or json, not {format!r}.",
        parameter="format",
    )


def highlights_of(edition: Edition) -> EditionHighlights:
    """What the Slack post shows of an edition: the trends with most stories, the top
    stories. A typed record the alerts folder renders, made here where both are known."""
    entries = sorted(
        (entry for family in edition.families for entry in family.entries),
        key=lambda entry: -entry.stories,
    )
    trends = tuple(
        TrendLine(
            trend_id=entry.trend_id,
            name=entry.name,
            stories=entry.stories,
            momentum=(
                f"{entry.momentum.arrow} {entry.momentum.current:g} vs "
                f"{entry.momentum.previous_mean:.1f}"
            ).strip(),
        )
        for entry in entries[:TOP_TRENDS]
    )
    stories = tuple(
        StoryLine(story.headline, story.url, story.outlet, story.published)
        for story in edition.stories[:TOP_STORIES]
    )
    return EditionHighlights(edition.title or None, trends, stories)


def edition_stem(edition_date: date, days: int) -> str:
    """`<date>` for the usual weekly edition, `<date>-<N>d` for any other window length."""
    if days == DEFAULT_DAYS_FOR_PLAIN_NAMES:
        return edition_date.isoformat()
    return f"{edition_date.isoformat()}-{days}d"


def _write_atomically(path: Path, text: str) -> None:
    partial = path.with_name(path.name + ".partial")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)


def _empty_window_hint(sb: Spacebrief, days: int) -> tuple[str, date | None]:
    """When the window holds nothing but the warehouse holds items: which days it has,
    and the newest of them."""
    from spacebrief.warehouse.items import published_span

    with sb.warehouse.read() as con:
        count, newest = published_span(con)
    if not count:
        return "", None
    shown = ", ".join(day.isoformat() for day in newest)
    return (
        f"Its window holds no items, but the warehouse has {count} published on other days "
        f"(the newest: {shown}): try the edition of {newest[0].isoformat()} over {days} days.",
        newest[0],
    )


def write(
    sb: Spacebrief,
    day: date | None,
    days: int | None,
    out_dir: str | PathLike[str] | None,
) -> EditionSummary:
    from spacebrief.digest.render import render_html, render_json, render_markdown, render_text
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.editions import EditionRecord, record_edition

    started = time.perf_counter()
    day = day or datetime.now(UTC).date()
    days = sb.settings.digest_days if days is None else days
    edition = build(sb, day, days, None)
    directory = Path(out_dir) if out_dir is not None else sb.settings.editions_dir
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DigestError(
            f"Cannot create the editions folder {directory}: {error}.", path=directory
        ) from error
    stem = edition_stem(day, days)
    paths = {ext: directory / f"{stem}.{ext}" for ext in ("md", "html", "json", "txt")}
    _write_atomically(paths["md"], render_markdown(edition))
    _write_atomically(paths["txt"], render_text(edition))
    _write_atomically(paths["html"], render_html(edition))
    _write_atomically(paths["json"], render_json(edition))
    with sb.warehouse.write() as con, transaction(con):
        record_edition(
            con,
            EditionRecord(
                edition_id=edition.edition_id,
                edition_date=day,
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
    hint, suggested = ("", None) if edition.items_total else _empty_window_hint(sb, days)
    summary = EditionSummary(
        edition_id=edition.edition_id,
        edition_date=day,
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
        suggested_day=suggested,
        highlights=highlights_of(edition),
    )
    log.info(summary.describe())
    return summary


def email_configured(settings: Settings) -> bool:
    return settings.smtp_url is not None and bool(settings.smtp_url.get_secret_value().strip())


def _read(path: Path | None, what: str, edition: EditionSummary) -> str:
    from spacebrief.alerts.exceptions import EmailError

    if path is None:
        raise EmailError(
            f"The edition has no {what} file to send.", edition_id=str(edition.edition_id)
        )
    try:
        return Path(path).read_text("utf-8")
    except OSError as error:
        raise EmailError(
            f"Cannot read the edition's {what} file {path} ({error.strerror or error}): "
            f"write the edition of {edition.edition_date} over {edition.days} days again.",
            edition_id=str(edition.edition_id),
        ) from None


def email(sb: Spacebrief, edition: EditionSummary) -> EmailSummary:
    """E-mail `edition` (its HTML, with its plain-text rendering as the text part) to each
    recipient that does not have it yet, once per recipient across crashes."""
    from spacebrief.alerts.email import (
        EditionEmail,
        SentJournal,
        deliver_edition,
        message_id_for,
        parse_address,
        parse_recipients,
    )
    from spacebrief.alerts.exceptions import EmailConfigurationError
    from spacebrief.alerts.smtp import SmtpTransport, parse_smtp_url
    from spacebrief.alerts.types import DeliveryStatus
    from spacebrief.warehouse import email as email_rows
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.ledger import EMAIL_DELIVERIES, WarehouseLedger

    settings = sb.settings
    started = time.perf_counter()
    if not email_configured(settings) or settings.smtp_url is None:
        raise EmailConfigurationError(
            "No mail server is given: give its URL, e.g. "
            "smtp+starttls://user:password@mail.example.org:587.",
            setting="smtp_url",
        )
    server = parse_smtp_url(settings.smtp_url.get_secret_value())
    recipients = parse_recipients(settings.email_to)
    if not settings.email_from:
        raise EmailConfigurationError(
            "No sender address is given: give one, e.g. spacebrief@example.org.",
            setting="email_from",
        )
    sender = parse_address(settings.email_from, "email_from")
    edition_id = str(edition.edition_id)
    message = EditionEmail(
        edition_id=edition_id,
        subject=edition.title or f"spacebrief edition {edition.edition_date}",
        html=_read(edition.html_path, "HTML", edition),
        text=_read(edition.text_path, "plain-text", edition)
        if edition.text_path is not None
        else _read(edition.markdown_path, "Markdown", edition),
        sender=sender,
    )
    with sb.warehouse.delivering():  # one delivery at a time: `sending` rows are a dead run's
        with sb.warehouse.write() as con, transaction(con):
            email_rows.insert_owed(
                con, edition_id, [(r, message_id_for(edition_id, r, sender)) for r in recipients]
            )
            rows = email_rows.deliveries(con, edition_id, recipients)
        order = {recipient: n for n, recipient in enumerate(recipients)}
        rows.sort(key=lambda row: order[row.recipient])  # in the order the setting lists them
        owed = [r for r in rows if r.status in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)]
        already = sum(1 for row in rows if row.status == DeliveryStatus.SENT)
        report = deliver_edition(
            message,
            owed,
            transport=SmtpTransport(server, timeout=settings.smtp_timeout_seconds),
            ledger=WarehouseLedger(sb.warehouse, EMAIL_DELIVERIES),
            journal=SentJournal(settings.email_journal_path),
        )
    earlier_failures = tuple(
        (row.recipient, row.last_error or "failed in an earlier run")
        for row in rows
        if row.status == DeliveryStatus.FAILED
    )
    summary = EmailSummary(
        edition_id=edition_id,
        recipients=len(recipients),
        sent=tuple(report.sent),
        already=already,
        reconciled=len(report.reconciled),
        resent=len(report.resent),
        failed=(*earlier_failures, *report.failed),
        deferred=tuple(report.deferred),
        duration_seconds=time.perf_counter() - started,
    )
    log.info("%s", summary.describe())
    return summary


def post(sb: Spacebrief, edition: EditionSummary) -> bool:
    """Announce an edition once per destination (when the settings ask for it): a row of
    the delivery ledger keyed by the edition, so re-running the digest posts nothing new."""
    from spacebrief._alerts import destination, transport_for
    from spacebrief.alerts.delivery import announce
    from spacebrief.alerts.edition import edition_message
    from spacebrief.alerts.types import EDITION_TREND, AlertCandidate
    from spacebrief.warehouse import transaction
    from spacebrief.warehouse.alerts import insert_pending_alerts, owed_alerts
    from spacebrief.warehouse.ledger import WarehouseLedger

    if not sb.settings.post_editions:
        return False
    where = destination(sb.settings)
    transport = transport_for(sb.settings, where)
    edition_id = str(edition.edition_id)
    candidate = AlertCandidate(f"edition:{edition_id}", EDITION_TREND, edition_id, 0.0, where)
    with sb.warehouse.delivering():
        with sb.warehouse.write() as con, transaction(con):
            insert_pending_alerts(con, [candidate])
            rows = owed_alerts(con, where, include_failed=True, alert_ids=[candidate.alert_id])
        if not rows:
            return False  # already posted
        location = str(edition.html_path or edition.markdown_path or edition.json_path or "")
        body = edition_message(
            edition_id=edition_id,
            edition_date=str(edition.edition_date),
            days=int(edition.days),
            items=int(edition.items),
            location=location,
            highlights=edition.highlights,
        )
        report = announce(rows[0], body, transport=transport, ledger=WarehouseLedger(sb.warehouse))
    return report.messages > 0
