"""Industry Outlook: what the window's stories say will happen next, whole and attributed.

A statement qualifies when it looks ahead of the edition: a cue of the future (will,
plans to, scheduled, expected to, aims to, set to, due to, could launch, to be signed...)
or a date still ahead ("by 2035", "around 2027", "on 29 March"), and no date that is
all behind it ("In 2023 the two governments agreed...") nor a future that has passed
("was expected to", "had been due to").

It must also say what it is about on its own. A sentence often leans on the one before
it: "Moscow later agreed to stay until 2028" (stay where?), "the tie-ups show..." (which
tie-ups?). A sentence like that is split at its clauses and the clause that stands alone
is kept ("Roscosmos says the first module of the Russian Orbital Station could launch
around 2027"); a definite reference ("the agency") is resolved when the story's headline
names it ("the African Space Agency"); anything still leaning on an antecedent is left
out. Only stories on-theme for some trend speak (a label of at least 0.5), ranked by the
trends they bear on (`trend_weight`: the trends that moved this window weigh more), one
statement per story, near-copies dropped.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from spacebrief.digest.summaries import item_sentences
from spacebrief.digest.text import near_duplicate, stands_alone
from spacebrief.digest.types import WindowItem

_CUES = re.compile(
    r"\b(will|won't|plans? (?:to|a|an)|planned|planning to|scheduled|expected to|expects to|"
    r"intends? to|aims? to|set to|slated|upcoming|forthcoming|"
    r"next (?:year|month|week|decade|phase)|to be (?:signed|launched|built|held|completed|"
    r"deployed|opened|chosen|selected|named)|to launch|could (?:launch|fly|open|begin)|"
    r"due (?:in|by|next)|due to (?:retire|launch|open|start|begin|fly|be|close|end))\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")
_DATED = re.compile(
    r"\b(?:by|in|around|before|until|from|after|between|through|of) (?:the end of |early |"
    r"mid-|late |about )?(20\d\d)\b",
    re.IGNORECASE,
)
_MONTHS = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_DAY_MONTH = re.compile(
    r"\b(\d{1,2}) ("
    + "|".join(m.capitalize() for m in _MONTHS)
    + r")\b|\b("
    + "|".join(m.capitalize() for m in _MONTHS)
    + r") (\d{1,2})\b"
)
_PAST_ONLY = re.compile(
    r"\b(?:was|were|had been) (?:expected|scheduled|planned|due|set|slated)\b", re.IGNORECASE
)
_PAST = re.compile(r"\b(?:had|was|were|did)\b|\b(?:has|have) (?!to\b)\w+ed\b", re.I)
_LEANS = re.compile(r"\b(?:later|then|the same|that year|the latter|the former|such)\b", re.I)
_ANAPHORIC = re.compile(
    r"\b[Tt]he (tie-ups?|deals?|agreements?|accords?|moves?|plans?|projects?|partnerships?|"
    r"programmes?|programs?|missions?|agency|agencies|company|companies|firms?|country|"
    r"countries|two|three|pair|rover|station|system|satellites?|spacecraft|efforts?|"
    r"initiatives?|decision|talks|group|body|government|ministry|facility|centre|center|"
    r"venture|treaty|forum|launch|flight|candidates?|selection)\b(?!\s+(?:of|for|between|with|to|on|in|at|from|"
    r"by|that|which|who|[A-Z]))"
)
_CLAUSES = re.compile(r",\s+(?:and|but|while|whereas)\s+|;\s+")
_NAME = re.compile(r"(?:[A-Z][\w'-]*\s+){0,4}[A-Z][\w'-]*")


@dataclass(frozen=True)
class ForwardStatement:
    """A forward-looking statement of one story, resolved to stand alone."""

    text: str
    item_id: str
    cluster_id: str
    weight: float  # how much the trends it bears on matter this window
    cues: int


def looks_ahead(sentence: str, edition: date) -> int:
    """How strongly a sentence looks ahead of `edition` (0: it does not)."""
    if _PAST_ONLY.search(sentence):
        return 0
    years = [int(y) for y in _YEAR.findall(sentence)]
    if years and max(years) < edition.year:
        return 0
    ahead = sum(1 for y in _DATED.findall(sentence) if int(y) >= edition.year)
    for match in _DAY_MONTH.finditer(sentence):
        day, month = (match[1], match[2]) if match[1] else (match[4], match[3])
        try:
            when = date(edition.year, _MONTHS[month.lower()], int(day))
        except ValueError:
            continue
        if when > edition:
            ahead += 1
    cues = len(_CUES.findall(sentence))
    if not cues and _PAST.search(sentence):
        return 0  # "By early 2025 the station had drawn in ...": a date, but a past one
    return cues + ahead


def resolve(sentence: str, headline: str) -> str | None:
    """The sentence made to stand alone (a definite reference the headline names is
    spelled out), or None when it still leans on what came before it."""
    text = sentence.strip()
    if not stands_alone(text) or _LEANS.search(text):
        return None
    names = _NAME.findall(headline)
    for match in list(_ANAPHORIC.finditer(text))[::-1]:
        head = match[1].rstrip("s").lower()
        full = next(
            (n for n in names if len(n.split()) > 1 and n.split()[-1].lower().rstrip("s") == head),
            None,
        )
        if full is None:
            return None
        text = text[: match.start()] + f"{match[0][:4]}{full}" + text[match.end() :]
    return text[:1].upper() + text[1:]


def _candidates(sentence: str) -> list[str]:
    """The sentence whole, then each of its clauses (", and ...", "; ...")."""
    parts = [p.strip().rstrip(".") for p in _CLAUSES.split(sentence) if p.strip()]
    clauses = [p + "." for p in parts if len(p.split()) >= 6] if len(parts) > 1 else []
    return [sentence, *clauses]


def forward_statements(
    items: Sequence[WindowItem],
    edition: date,
    *,
    trend_weight: Mapping[str, float],
    count: int = 5,
    min_label_score: float = 0.5,
) -> list[ForwardStatement]:
    """Up to `count` statements, the most weighty first."""
    found: list[tuple[float, int, ForwardStatement]] = []
    for order, item in enumerate(items):
        bearing = [label for label in item.labels if label.score >= min_label_score]
        if not bearing:
            continue
        weight = sum(label.score * trend_weight.get(label.trend_id, 1.0) for label in bearing)
        best: ForwardStatement | None = None
        for sentence in item_sentences(item):
            for candidate in _candidates(sentence):
                cues = looks_ahead(candidate, edition)
                if not cues:
                    continue
                text = resolve(candidate, item.title)
                if text is None:
                    continue
                if best is None or cues > best.cues:
                    best = ForwardStatement(text, item.item_id, item.cluster_id, weight, cues)
                break
        if best is not None:
            score = best.weight * (1 + 0.15 * min(best.cues, 4))
            found.append((score, order, best))
    found.sort(key=lambda entry: (-round(entry[0], 9), entry[1]))
    chosen: list[ForwardStatement] = []
    for _, _, statement in found:
        if any(c.cluster_id == statement.cluster_id for c in chosen):
            continue
        if any(near_duplicate(statement.text, c.text, 0.6) for c in chosen):
            continue
        chosen.append(statement)
        if len(chosen) == count:
            break
    return chosen
