"""Sentence boundaries for Latin, Cyrillic, Greek, Arabic, Devanagari and CJK text.

Rules, in the order they are applied:
- a line break and a "[…]" teaser mark always end a sentence;
- 。！？ (and the half-width ｡) end a sentence with no space after them, as CJK text is
  written;
- . ! ? … ؟ । ॥ ۔ end one when whitespace follows and the next sentence opens on a
  capital, a digit, a letter of a script without case (Arabic, Devanagari, Han...) or
  Spanish ¿ ¡ (any opening quote or bracket in between is skipped), so "e.g. the" and
  "3.5 kN" never split;
- a period after a known abbreviation ("U.S.", "Dr.", "Sra.", "г.") or a single capital
  ("J. Smith") is not a boundary.

Why not a library: pySBD, the best-known rule-based segmenter, has had no release since
February 2021 and segments one language per call (a feed item mixes a Chinese title with
an English summary), and BlingFire's last release is from 2021 too; the rules above are a
page long, cover every script of the feeds and are tested in each (tests/segmenter/).
Spans index the original text, so a sentence is always a verbatim slice of it.
"""

from __future__ import annotations

import re

_HARD_BREAK = re.compile(r"\s*\n\s*|\s*\[\s*(?:…|\.\.\.)\s*\]\s*")
_CJK_END = re.compile(r"[。！？｡]+[”’\"'」』）)】》]*\s*")
_END = re.compile(r"(?:[.!?…؟।॥۔]+)[\"'”’»」』)\]）]*(?=\s)")
_OPENERS = "\"'“‘«„‚([（「『¿¡"
_ABBREVIATIONS = frozenset((
    "U.S.", "U.K.", "U.N.", "E.U.", "U.S.A.", "Dr.", "Mr.", "Mrs.", "Ms.", "Prof.", "Gen.",
    "Lt.", "Col.", "Capt.", "Cmdr.", "Sgt.", "Sr.", "Jr.", "St.", "Mt.", "No.", "Nos.", "vs.",
    "etc.", "e.g.", "i.e.", "cf.", "al.", "Inc.", "Ltd.", "Corp.", "Co.", "Bros.", "Gov.",
    "Sen.", "Rep.", "Pres.", "Jan.", "Feb.", "Mar.", "Apr.", "Jun.", "Jul.", "Aug.", "Sep.",
    "Sept.", "Oct.", "Nov.", "Dec.", "approx.", "est.", "Sra.", "Sres.", "Dra.", "Ud.", "Uds.",
    "EE.UU.", "Mme.", "Mlle.", "MM.", "Dott.", "Sig.", "Hr.", "Fr.", "z.B.", "bzw.", "ca.",
    "Nr.", "Abs.", "d.h.", "u.a.", "Pf.", "gr.", "ul.", "г.", "гг.", "т.е.", "т.д.", "т.п.",
    "им.", "ул.", "млн.", "млрд.", "руб.", "акад.", "проф.",
))  # fmt: skip

_YEAR_WORDS = frozenset({"г.", "гг."})


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, whitespace excluded; the whole text when
    it holds no boundary (a title counts as one sentence)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for stop, resume in _boundaries(text):
        _append(spans, text, start, stop)
        start = resume
    _append(spans, text, start, len(text))
    return spans or [(0, len(text))]


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, each a verbatim slice of it."""
    if not text or not text.strip():
        return []
    return [text[a:b] for a, b in sentence_spans(text)]


def leading_sentences(text: str, limit: int) -> str:
    """The whole sentences that open `text` and fit in `limit` characters: the lead of an
    article cut to a budget without ending mid-sentence ("" when the first sentence alone
    is longer; the caller decides what to keep then). The text itself when it fits."""
    if len(text) <= limit:
        return text
    window = text[: 2 * limit]  # enough to see what opens the sentence after the limit
    spans = sentence_spans(window)
    if len(window) < len(text):
        spans = spans[:-1]  # the window's last sentence may be cut mid-way
    ends = [end for _, end in spans if end <= limit]
    return text[: ends[-1]] if ends else ""


def _append(spans: list[tuple[int, int]], text: str, start: int, stop: int) -> None:
    piece = text[start:stop]
    stripped = piece.strip()
    if stripped:
        left = start + len(piece) - len(piece.lstrip())
        spans.append((left, left + len(stripped)))


def _boundaries(text: str) -> list[tuple[int, int]]:
    """(end of a sentence, start of the next) pairs, in order."""
    found: dict[int, int] = {}
    for match in _HARD_BREAK.finditer(text):
        found[match.start()] = match.end()
    for match in _CJK_END.finditer(text):
        stop = match.start() + len(match.group().rstrip())
        found.setdefault(stop, match.end())
    for match in _END.finditer(text):
        resume = _next_start(text, match.end())
        if resume is None or not _opens_sentence(text, resume):
            continue
        if match.group()[0] == "." and _abbreviated(text, match.start()):
            continue
        found.setdefault(match.end(), resume)
    return sorted(found.items())


def _next_start(text: str, position: int) -> int | None:
    while position < len(text) and text[position].isspace():
        position += 1
    return position if position < len(text) else None


def _opens_sentence(text: str, position: int) -> bool:
    while position < len(text) and text[position] in _OPENERS:
        if text[position] in "¿¡":
            return True
        position += 1
    if position >= len(text):
        return False
    first = text[position]
    return first.isdigit() or (first.isalpha() and not first.islower())


def _abbreviated(text: str, period: int) -> bool:
    """The period at `period` closes an abbreviation or an initial, not a sentence."""
    begin = period
    while begin > 0 and not text[begin - 1].isspace() and text[begin - 1] not in _OPENERS:
        begin -= 1
    word = text[begin : period + 1]
    if word in _YEAR_WORDS:  # "в 2026 г. Об этом..." ends a sentence; "г. Москва" does not
        return not text[:begin].rstrip()[-1:].isdigit()
    if word in _ABBREVIATIONS:
        return True
    stem = word[:-1]
    return len(stem) == 1 and stem.isalpha() and stem.isupper()
