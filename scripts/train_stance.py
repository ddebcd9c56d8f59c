"""Fit the stance head on our written examples and measure it on the held-out fixture.

    PYTHONPATH=$PWD python scripts/train_stance.py            # fit, save, evaluate
    PYTHONPATH=$PWD python scripts/train_stance.py --evaluate-only

Writes classifiers/fitted/stance.npz (shipped in the package) unless --evaluate-only, then
prints precision and recall of "against" on tests/classifiers/fixtures/stance.jsonl.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.encoder import MultilingualEncoder
from spacebrief.classifiers.head import load_head
from spacebrief.classifiers.stance import load_stance, packaged_stance_path
from spacebrief.classifiers.stance_training import (
    evaluate_stance,
    fit_stance,
    training_examples,
    unfitted,
)
from spacebrief.classifiers.taxonomy import load_taxonomy
from spacebrief.classifiers.training import read_stance_file

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "tests" / "classifiers" / "fixtures" / "stance.jsonl"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--evaluate-only", action="store_true")
    parser.add_argument("--eval", type=Path, default=EVAL)
    parser.add_argument("--output", type=Path, default=packaged_stance_path())
    args = parser.parse_args()
    started = time.monotonic()
    taxonomy, head, encoder = load_taxonomy(), load_head(), MultilingualEncoder()
    if args.evaluate_only:
        stance = load_stance(args.output)
    else:
        examples = training_examples()
        placeholder = Classifier(
            taxonomy, head, encoder=encoder, stance=unfitted(taxonomy, encoder)
        )
        stance = fit_stance(placeholder, examples)
        stance.save(args.output)
        against = sum(e.against for e in examples)
        print(
            f"Fitted {stance.version} on {len(examples)} pairs ({against} against), its "
            f"'against' bar {stance.threshold:.3f} and doubt bar {stance.doubt:.3f} chosen on "
            f"out-of-fold scores, and saved it to {args.output}."
        )
    report = evaluate_stance(
        Classifier(taxonomy, head, encoder=encoder, stance=stance), read_stance_file(args.eval)
    )
    print(
        f"{args.eval.name}: {report.pairs} pairs, {report.against} against across "
        f"{report.trends_against} trends; predicted against {report.predicted_against}, "
        f"correct {report.true_against}: precision {report.precision:.3f}, "
        f"recall {report.recall:.3f}."
    )
    for language, (found, total) in report.by_language.items():
        print(f"  against, {language}: {found}/{total} found")
    print(f"({time.monotonic() - started:.1f} s)")


if __name__ == "__main__":
    main()
