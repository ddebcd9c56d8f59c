"""The optional LLM paragraph: accepted only when every sentence cites window evidence.

The peer is a real OpenAI-compatible server on 127.0.0.1 started by the test, answering
well, citing an unknown source, failing with 500, or hanging past the timeout.
"""

from __future__ import annotations

import contextlib
import json
import re
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
        self.sent: list[int] = []  # bytes of each answer written before the client left
        self.answer = ""  # the "custom" mode's answer


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
            if state.mode == "huge":
                self._stream_huge()
                return
            answers = {
                "good": "Beijing is training a Pakistani astronaut [1]. Moscow is turning east "
                "for lunar work [2][1].",
                "unknown": "Beijing is training a Pakistani astronaut [1]. Something else [99].",
                "uncited": "Beijing is training a Pakistani astronaut [1]. An uncited claim here.",
                "hang": "Too late [1].",
                "trickle": "Beijing is training a Pakistani astronaut [1].",
                "custom": state.answer,
            }
            payload = {
                "choices": [{"message": {"role": "assistant", "content": answers[state.mode]}}]
            }
            data = json.dumps(payload).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if state.mode == "trickle":  # one byte at a time: no read ever times out
                sent = 0
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    for byte in data:
                        self.wfile.write(bytes([byte]))
                        self.wfile.flush()
                        sent += 1
                        time.sleep(0.3)
                state.sent.append(sent)
                return
            with contextlib.suppress(BrokenPipeError):
                self.wfile.write(data)

        def _stream_huge(self) -> None:
            """A 64 MB answer, chunked, no Content-Length: only reading it says how long."""
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            sent = 0
            chunk = b"x" * 65536
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(b'{"a": "'), b'{"a": "'))
                for _ in range(1024):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                    sent += len(chunk)
                self.wfile.write(b"0\r\n\r\n")
            state.sent.append(sent)

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


# Issue 25: no unbounded wait, no unbounded answer, no secret, no invented claim.


def _window(warehouse: Warehouse):
    with warehouse.read() as con:
        return load_window(con, EDITION_DATE, 7)


def test_a_trickling_endpoint_is_abandoned_at_the_deadline_of_the_whole_call(
    chat: tuple[FakeChat, str], filled_warehouse: Warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    """Row 4: a byte every 4 s once held digest for 492 s with a 10 s timeout (per read)."""
    state, url = chat
    state.mode = "trickle"
    edition = build_edition(_window(filled_warehouse), llm=LlmEndpoint(url, timeout_seconds=1))
    assert (edition.expert_method, edition.outlook_method) == ("measured", "extractive")
    answer_bytes = len(json.dumps({"choices": [{"message": {"role": "assistant", "content": ""}}]}))
    for _ in range(50):  # the server notices the closed connection at its next write
        if len(state.sent) == len(state.requests):
            break
        time.sleep(0.1)
    assert state.sent and all(sent < answer_bytes for sent in state.sent), state.sent
    assert "gave no complete answer within 1 s" in caplog.text


def test_an_answer_past_the_size_cap_is_abandoned_mid_stream(
    chat: tuple[FakeChat, str], filled_warehouse: Warehouse, caplog: pytest.LogCaptureFixture
) -> None:
    """Row 5: a 400 MB answer once took 1.74 GB and 43.7 s."""
    state, url = chat
    state.mode = "huge"
    endpoint = LlmEndpoint(url, timeout_seconds=30, max_answer_bytes=64 * 1024)
    edition = build_edition(_window(filled_warehouse), llm=endpoint)
    assert (edition.expert_method, edition.outlook_method) == ("measured", "extractive")
    for _ in range(50):
        if len(state.sent) == len(state.requests):
            break
        time.sleep(0.1)
    assert state.sent and all(sent < 16 * 2**20 for sent in state.sent), state.sent
    assert "past 65,536 bytes" in caplog.text


def test_a_password_in_the_endpoint_url_is_never_in_a_message(
    chat: tuple[FakeChat, str],
    filled_warehouse: Warehouse,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Row 6: SPACEBRIEF_LLM_URL's password was printed in digest's and run's warning."""
    from spacebrief.flows.settings import Settings
    from spacebrief.flows.steps.digest_step import write_digest

    state, url = chat
    state.mode = "error"
    with_password = url.replace("http://", "http://analyst:Pa55-w0rd-xyz@") + "?key=Qk3y-123"
    monkeypatch.setenv("SPACEBRIEF_LLM_URL", with_password)
    monkeypatch.setenv("SPACEBRIEF_LLM_API_KEY", "sk-Secret-Key-42")
    monkeypatch.setenv("SPACEBRIEF_LLM_TIMEOUT_SECONDS", "5")
    settings = Settings(home=filled_warehouse.path.parent)
    write_digest(filled_warehouse, settings, edition_date=EDITION_DATE, days=7)
    assert state.requests and state.requests[0]["auth"] == "Bearer sk-Secret-Key-42"
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert any("answered HTTP 500" in w and "127.0.0.1" in w for w in warnings), warnings
    shown = caplog.text + repr(settings) + str(settings.public_dict())
    for secret in ("Pa55-w0rd-xyz", "Qk3y-123", "sk-Secret-Key-42", "analyst"):
        assert secret not in shown


INVENTED = {
    "invented withdrawal": "Egypt has secretly withdrawn from the Artemis Accords [5].",
    "withdrawal from a cited item": "Russia and China withdrew from the lunar plant plan [2].",
    "swapped country": "China will train an astronaut from Nigeria for Tiangong [1].",
    "swapped roles": "Pakistan will train an astronaut from China for the station [1].",
    "reversed verb": "Russia's space agency will renew two science agreements with Europe [5].",
    "reversed doer": "Russia had withdrawn from earlier joint projects with the West [2].",
    "invented figure": "Russia and China plan a lunar power plant by 2030 [2].",
    "invented count": "A launch provider will carry four Kenyan satellites [6].",
}


@pytest.mark.parametrize("answer", INVENTED.values(), ids=INVENTED.keys())
def test_an_answer_that_claims_what_its_items_do_not_say_falls_back_and_says_why(
    chat: tuple[FakeChat, str],
    filled_warehouse: Warehouse,
    caplog: pytest.LogCaptureFixture,
    answer: str,
) -> None:
    """Row 3: "Egypt has secretly withdrawn from the Artemis Accords [5]" was published."""
    state, url = chat
    state.mode = "custom"
    state.answer = "Beijing is training a Pakistani astronaut [1]. " + answer
    window = _window(filled_warehouse)
    edition = build_edition(window, llm=LlmEndpoint(url, timeout_seconds=5))
    assert edition.expert_method == "measured"
    assert edition.expert_view == build_edition(window).expert_view
    assert "sentence 2 is not supported by [" in caplog.text


FAITHFUL = [
    "A Pakistani astronaut will be trained by China for a stay on Tiangong [1].",
    "Moscow and Beijing plan a lunar power plant between 2033 and 2035 [2].",
    "Western partners had withdrawn from earlier joint projects with Russia [2].",
    "Roscosmos will not renew two science agreements with European partners [5].",
    "A launch provider signed a deal to carry two Kenyan satellites [6].",
]


def test_faithful_paraphrases_are_used(
    chat: tuple[FakeChat, str], filled_warehouse: Warehouse
) -> None:
    state, url = chat
    state.mode = "custom"
    state.answer = " ".join(FAITHFUL)
    edition = build_edition(_window(filled_warehouse), llm=LlmEndpoint(url, timeout_seconds=5))
    assert edition.expert_method == "llm"
    assert [s.text for s in edition.expert_view[: len(FAITHFUL)]] == [
        re.sub(r" \[\d\]\.$", ".", sentence) for sentence in FAITHFUL
    ]
