"""Stories as events: which reports tell the same event, and which of them are independent.

Ingest's clusters (`_dedupe.py`) group near-copies: a wire story and its republications.
Two outlets writing the same event in their own words land in two clusters, so counting
clusters counted the event twice, and counting a cluster's reports ("41 reports") hid
that 40 were echoes. A story joins clusters that tell one event:

- reports of one near-copy cluster are always one story;
- a report joins an earlier story when a report of that story from ANOTHER outlet was
  published within `STORY_HOURS` of it, their embeddings (the classifier's multilingual
  sentence encoder, so a Russian report can join an English story) have a cosine of at
  least `STORY_COSINE`, and they name a common actor when both name any.

Thresholds, measured on the 81 items of seeds/samples and the 126 of ../shared/feeds/real
(every pair within 3 days): the two events reported by two outlets each (a Pakistani
astronaut for Tiangong; a new head of Roscosmos) score 0.831 and 0.838; the closest pair
of different events from different outlets scores 0.760 (Crew-10's launch and Crew-9's
splashdown, 3.9 days apart), of one outlet 0.792 (two Webb milestones, NASA). 0.8 sits
between, on the side of missing a merge rather than making a wrong one; one outlet's
reports never join by embedding (its follow-ups are its own stories).

Within a story each report gets a role, in publication order: an **echo** is a
near-copy of an earlier report (the same shingles and thresholds as `_dedupe.py`), the
same page, or a feed's link to another outlet's page (offsite); a **follow-up** is an
outlet's second report in its own words; every other report is **independent**: a new
outlet in its own words. "3 independent reports" is what an analyst can weigh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from spacebrief.ingest._dedupe import (
    JACCARD_THRESHOLD,
    MIN_SHINGLES,
    shingles,
    similarity,
    story_text,
    tokens,
)

STORY_COSINE = 0.8
STORY_HOURS = 72

INDEPENDENT = "independent"
ECHO = "echo"
FOLLOW_UP = "follow-up"


@dataclass(frozen=True, eq=False)
class Report:
    """One item as story assignment reads it (feed text is untrusted, only compared);
    `embedding` is the classifier's sentence embedding of the item, a 1-d float array."""

    item_id: str
    cluster_id: str
    source_id: str
    published_at: datetime
    title: str
    summary: str = ""
    url: str | None = None
    offsite: bool = False
    embedding: np.ndarray | None = None
    actors: frozenset[str] = field(default_factory=frozenset)


@dataclass(frozen=True)
class ReportRole:
    item_id: str
    story_id: str
    role: str  # independent | echo | follow-up
    echo_of: str | None = None
    reason: str | None = None  # near-copy | same page | links to another outlet | same outlet


def _order(report: Report) -> tuple[datetime, str]:
    return report.published_at, report.item_id


def _unit_rows(reports: Sequence[Report], width: int) -> np.ndarray:
    """Unit embeddings, one row per report; a zero row for a report without one."""
    matrix = np.zeros((len(reports), width), dtype=np.float32)
    for row, report in enumerate(reports):
        if report.embedding is not None and len(report.embedding) == width:
            matrix[row] = report.embedding
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def assign_stories(new: Sequence[Report], known: Sequence[tuple[Report, str]]) -> dict[str, str]:
    """item_id -> story_id for the new reports, oldest first, against the known ones
    (report, its story) and the new ones before them. A report that starts a story names
    it after its cluster; stories are never renamed."""
    story_of_item = {report.item_id: story for report, story in known}
    story_of_cluster: dict[str, str] = {}
    for report, story in sorted(known, key=lambda pair: _order(pair[0])):
        story_of_cluster.setdefault(report.cluster_id, story)
    ordered = sorted(new, key=_order)
    pool = [report for report, _ in known] + ordered
    width = max((len(r.embedding) for r in pool if r.embedding is not None), default=0)
    vectors = _unit_rows(pool, width)
    cosines = vectors[len(known) :] @ vectors.T if width else None
    assigned: dict[str, str] = {}
    for offset, report in enumerate(ordered):
        if report.item_id in story_of_item:  # already has a story: never moved
            assigned[report.item_id] = story_of_item[report.item_id]
            continue
        found = story_of_cluster.get(report.cluster_id)
        if found is None and cosines is not None:
            visible = len(known) + offset  # the known reports and the new ones before it
            found = _closest_story(report, cosines[offset, :visible], pool, story_of_item)
        story = found or report.cluster_id
        assigned[report.item_id] = story
        story_of_item[report.item_id] = story
        story_of_cluster.setdefault(report.cluster_id, story)
    return assigned


def _closest_story(
    report: Report, cosines: np.ndarray, pool: Sequence[Report], story_of_item: dict[str, str]
) -> str | None:
    window = timedelta(hours=STORY_HOURS)
    close = np.flatnonzero(cosines >= STORY_COSINE)
    for index in close[np.argsort(-cosines[close], kind="stable")]:
        other = pool[int(index)]
        if (
            other.source_id != report.source_id
            and abs(other.published_at - report.published_at) <= window
            and not (report.actors and other.actors and not report.actors & other.actors)
        ):
            return story_of_item[other.item_id]
    return None


def _near_copy(a: Report, b: Report) -> bool:
    text_a, text_b = story_text(a.title, a.summary), story_text(b.title, b.summary)
    if tokens(text_a) == tokens(text_b):
        return True
    left, right = shingles(text_a), shingles(text_b)
    if len(left) < MIN_SHINGLES or len(right) < MIN_SHINGLES:
        return False
    return similarity(left, right) >= JACCARD_THRESHOLD


def report_roles(story_id: str, reports: Sequence[Report]) -> list[ReportRole]:
    """Each report's role in its story, judged against the reports published before it;
    offsite reports come after every outlet's own, so a feed linking to an article is
    the echo and the article the report, whichever was published first."""
    roles: list[ReportRole] = []
    earlier: list[Report] = []
    outlets: dict[str, str] = {}  # source -> its first report in the story
    for report in sorted(reports, key=lambda r: (r.offsite, *_order(r))):
        same_page = next((e for e in earlier if report.url and e.url == report.url), None)
        copied = next((e for e in earlier if _near_copy(report, e)), None)
        if same_page is not None:
            role = ReportRole(report.item_id, story_id, ECHO, same_page.item_id, "same page")
        elif copied is not None:
            role = ReportRole(report.item_id, story_id, ECHO, copied.item_id, "near-copy")
        elif report.offsite:
            role = ReportRole(report.item_id, story_id, ECHO, None, "links to another outlet")
        elif report.source_id in outlets:
            first = outlets[report.source_id]
            role = ReportRole(report.item_id, story_id, FOLLOW_UP, first, "same outlet")
        else:
            role = ReportRole(report.item_id, story_id, INDEPENDENT)
        outlets.setdefault(report.source_id, report.item_id)
        roles.append(role)
        earlier.append(report)
    return roles
