"""The optional LLM paragraph: accepted only when every sentence cites window evidence.

The peer is a real OpenAI-compatible server on 127.0.0.1 started by the test, answering
well, citing an unknown source, failing with 500, or hanging past the timeout.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from spacebrief.digest.build import build_edition
from spacebrief.digest.llm import LlmEndpoint, cited_paragraph, parse_cited
from spacebrief.warehouse import Warehouse
from spacebrief.warehouse.editions import load_window
from tests.digest.conftest import EDITION_DATE


class FakeChat:
    def __init__(self) -> None:
        self.mode = "good"
        self.requests: list[dict] = []


@pytest.fixture
def chat() -> Iterator[tuple[FakeChat, str]]:
    state = FakeChat()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            state.requests.append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
            )
            if state.mode == "error":
                self.send_response(500)
                self.end_headers()
                self.wfile.write(b"boom")
                return
            if state.mode == "hang":
                time.sleep(3)
            answers = {
                "good": "Beijing is training a Pakistani astronaut [1]. Moscow is turning east "
                "for lunar work [2][1].",
                "unknown": "Beijing is training a Pakistani astronaut [1]. Something else [99].",
                "uncited": "Beijing is training a Pakistani astronaut [1]. An uncited claim here.",
                "hang": "Too late [1].",
            }
            payload = {
                "choices": [{"message": {"role": "assistant", "content": answers[state.mode]}}]
            }
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            with contextlib.suppress(BrokenPipeError):
                self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state, f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


EVIDENCE = [
    "Alpha happened here in 2024.",
    "Beta followed soon.",
    "Egypt's agency is expected to open in 2025.",
]


def test_citations_are_parsed_and_checked_against_the_evidence() -> None:
    assert parse_cited("Alpha happened here [1]. Beta followed soon [2, 3].", EVIDENCE) == [
        ("Alpha happened here.", (1,)),
        ("Beta followed soon.", (2, 3)),
    ]
    assert parse_cited("Alpha happened here. [1] Beta followed soon. [2]", EVIDENCE) == [
        ("Alpha happened here.", (1,)),
        ("Beta followed soon.", (2,)),
    ]
    assert parse_cited("Alpha happened here [4].", EVIDENCE) is None
    assert parse_cited("Alpha happened here. Beta followed soon [1].", EVIDENCE) is None


@pytest.mark.parametrize(
    "answer",
    [
        "[1] Alpha happened here in 2024. [2] Beta followed soon.",  # markers lead their text
        "Evidence: [1] Alpha happened here in 2024 [1].",  # the prompt echoed back
        "Egypt's agency is expected to open in 2024 [3].",  # a year moved from item 1 to 3
        "Alpha happened here in 2024 [1]. And then more came",  # a trailing uncited clause
    ],
)
def test_answers_a_small_model_gives_are_refused(answer: str) -> None:
    """The shapes SmolLM2-135M produced in bench/llm_faithfulness.py."""
    assert parse_cited(answer, EVIDENCE) is None


def test_a_figure_is_accepted_when_the_cited_evidence_states_it() -> None:
    assert parse_cited("Egypt's agency should open in 2025 [3].", EVIDENCE) == [
        ("Egypt's agency should open in 2025.", (3,))
    ]


def test_a_good_answer_is_used_with_its_citations_mapped_to_items(
    chat: tuple[FakeChat, str], filled_warehouse: Warehouse
) -> None:
    state, url = chat
    with filled_warehouse.read() as con:
        window = load_window(con, EDITION_DATE, 7)
    edition = build_edition(window, llm=LlmEndpoint(url, "m", "sk-test", timeout_seconds=5))
    assert edition.expert_method == "llm"
    assert [s.text for s in edition.expert_view[:2]] == [
        "Beijing is training a Pakistani astronaut.",
        "Moscow is turning east for lunar work.",
    ]
    assert edition.expert_view[2].text.startswith("The clearest movement this window was in ")
    cited = {c.number: c.item_id for c in edition.citations}
    first, second = edition.expert_view[:2]
    assert cited[first.citations[0]] == window.ranked_story_ids[0]
    assert {cited[n] for n in second.citations} == set(window.ranked_story_ids[:2])
    request = state.requests[0]
    assert request["path"] == "/v1/chat/completions"
    assert request["auth"] == "Bearer sk-test"
    assert "[1] China to train Pakistani astronaut" in request["body"]["messages"][1]["content"]


@pytest.mark.parametrize("mode", ["unknown", "uncited", "error", "hang"])
def test_any_failure_falls_back_to_the_measured_paragraph(
    chat: tuple[FakeChat, str], filled_warehouse: Warehouse, mode: str
) -> None:
    state, url = chat
    state.mode = mode
    with filled_warehouse.read() as con:
        window = load_window(con, EDITION_DATE, 7)
    fallback = build_edition(window)
    edition = build_edition(window, llm=LlmEndpoint(url, timeout_seconds=1))
    assert state.requests, "the server was asked"
    assert (edition.expert_method, edition.outlook_method) == ("measured", "extractive")
    assert edition.expert_view == fallback.expert_view
    assert edition.citations == fallback.citations


def test_an_unreachable_endpoint_returns_none() -> None:
    endpoint = LlmEndpoint("http://127.0.0.1:9/v1", timeout_seconds=1)
    assert cited_paragraph(endpoint, "Say something.", ["evidence"]) is None
