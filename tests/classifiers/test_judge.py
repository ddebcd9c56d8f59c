"""The judge: the shipped fine-tuned e5-small, checked by what it does, not by its bytes.

The shipped part (classifiers/fitted/judge.npz) is reproduced by scripts/train_judge.py
(many CPU minutes); here it is held to behaviour with tolerances, and the fine-tuning
code runs for a second on a handful of examples.
"""

from __future__ import annotations

import numpy as np

from spacebrief.classifiers.classifier import Classifier
from spacebrief.classifiers.judge import Judge, load_fitted, packaged_judge_path
from spacebrief.classifiers.judge_training import Schedule, bottom_states, fine_tune_items
from spacebrief.classifiers.types import TextItem

# Exclusions the taxonomy states in its descriptions: an example of the key trend that
# matches the pattern must not be given these trends.
EXCLUDED = {
    "R2": ("artemis", {"W1"}),  # "an Artemis Accords signing is R2, never W1"
    "D3": ("", {"W7"}),  # a single country's dual-use asset, with no China-Russia link
    "R5": ("", {"W6"}),  # building at home is not receiving a satellite as aid
    "D2": ("", {"W6"}),  # partners co-developing as equals is not aid
}


def test_the_shipped_part_is_small_and_fits_the_base(classifier: Classifier) -> None:
    fitted = load_fitted()
    assert packaged_judge_path().stat().st_size < 15_000_000  # top layers only, no base
    assert 1 <= fitted.top <= 6
    assert fitted.version == classifier.judge.version
    assert classifier.head.encoder == classifier.decision_encoder
    assert classifier.head.encoder == f"{fitted.version}-usem3-512-sentmean"


def test_every_trend_example_of_the_taxonomy_gets_its_trend_and_no_excluded_one(
    classifier: Classifier,
) -> None:
    """The taxonomy agrees with itself as the judge reads it: each trend's examples carry
    that trend, and none carries a trend its own trend's boundaries exclude; the few it
    does not yet are named below."""
    items = [
        TextItem(f"{t.trend_id}-{n}", text)
        for t in classifier.taxonomy.trends
        for n, text in enumerate(t.examples)
    ]
    misses = []
    for item, result in zip(items, classifier.classify(items), strict=True):
        trend = item.id.split("-")[0]
        labels = {label.trend_id for label in result.labels}
        pattern, excluded = EXCLUDED.get(trend, ("", set()))
        excluded = excluded if pattern in item.title.lower() else set()
        if not result.relevant or trend not in labels or labels & excluded:
            misses.append(item.title)
    assert len(items) >= 100
    assert set(misses) <= KNOWN_MISSES, sorted(set(misses) - KNOWN_MISSES)


# What the judge of 6 December still reads wrong (issue 23 is open): Artemis signings also
# tagged W1, and three examples vetoed off-theme by the 3 December head. A new miss fails.
KNOWN_MISSES = {
    "Peru becomes the latest nation to sign the NASA-led Artemis Accords",
    "Washington courts African states for the Artemis Accords as Beijing recruits ILRS partners",
    "Russia and China invite other nations to their joint lunar base, a rival to Artemis",
    "Angola signs the Artemis Accords, joining a U.S.-led framework for Moon exploration",
    "Africa's space agency headquarters opens as the continent seeks independence in space",
    "Commercial radar images end up in military targeting",
    "Critics say Artemis safety zones amount to claiming lunar territory",
}


def test_a_language_the_gazetteer_does_not_know_still_reaches_the_judge(
    classifier: Classifier,
) -> None:
    """Swahili and Amharic have no gazetteer patterns; the screen passes such items on."""
    items = [
        TextItem(
            "sw",
            "Kenya na China zasaini mkataba wa kujenga kituo cha kudhibiti satelaiti Nairobi",
            "Wahandisi wa Kenya watafunzwa nchini China kuendesha satelaiti ya kwanza ya nchi.",
        ),
        TextItem(
            "sw-off",
            "Timu ya taifa ya Kenya yashinda mechi ya kirafiki dhidi ya Uganda",
            "Mabao mawili ya kipindi cha pili yaliipa Harambee Stars ushindi jijini Nairobi.",
        ),
    ]
    on, off = classifier.classify(items)
    assert on.relevant and "R1" in {label.trend_id for label in on.labels}
    assert not off.relevant


def test_fine_tuning_moves_the_top_layers_in_seconds() -> None:
    judge = Judge(top=1, dtype=__import__("torch").float32)
    texts = [
        "Pakistan signs on to the International Lunar Research Station",
        "Senegal joins the China-led lunar station",
        "A bakery wins a prize for its bread",
        "The football season opens on Saturday",
    ]
    states = bottom_states(judge, texts)
    before = judge.item_vectors(texts)
    targets = np.array([[1, 1], [1, 1], [0, 0], [0, np.nan]], dtype=np.float32)
    fine_tune_items(judge, states, targets, Schedule(epochs=2, batch=2, layer_rate=1e-3))
    after = judge.item_vectors(texts)
    assert np.abs(after - before).max() > 1e-3


def test_the_fast_and_the_exact_dtype_agree() -> None:
    import torch

    texts = ["Egypt joins the ILRS", "Россия покидает МКС после 2028 года"]
    fast = Judge(load_fitted(), dtype=torch.bfloat16).item_vectors(texts)
    exact = Judge(load_fitted(), dtype=torch.float32).item_vectors(texts)
    assert (fast * exact).sum(1).min() > 0.99
