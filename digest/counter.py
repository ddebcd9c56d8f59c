"""When a story counts as evidence *against* a trend's statement, and when the edition may
say that the news contradicts a statement.

The classifier gives every label a stance verdict and its confidence, P(against)
(`labels.stance`, `labels.stance_score`). A reader who sees "Against it:" under a trend
takes it as the analyst's word, so the edition quotes counter-evidence only when:

- the verdict is confident: P(against) at or above `STANCE_CONFIDENCE_BAR`;
- the item is on-theme for that trend on its own: the label's score clears
  `min_label_score`, so an item tagged with its best-guess trend only (an eclipse story
  carrying D2 at 0.02) is never quoted against it.

And it cites a story as support only when the label clearly supports the trend: a label
in doubt (P(against) at or above `support_doubt`, classifiers.types.STANCE_DOUBT, though
under the stance head's own "against" bar) is never quoted, for or against. It still
counts among the trend's stories that do not run against it, so a doubtful verdict can
never make the edition claim a contradiction ("no story has supported it").

The banner "counter-evidence outweighs support" needs more than one verdict: confident
against-stories must outnumber supporting ones by `banner_margin` stories *and* be at
least `banner_ratio` times as many (docs/edition.md says why these numbers). Below that,
the trend line says nothing of contradiction; the quoted counter-evidence still shows.

The policy is decided here and applied inside DuckDB by `warehouse.editions.load_window`
(the counts must see every label of the window).
"""

from __future__ import annotations

from dataclasses import dataclass

from spacebrief.classifiers.types import STANCE_DOUBT

STANCE_CONFIDENCE_BAR = 0.8  # P(against) a verdict needs before the edition quotes it


@dataclass(frozen=True)
class CounterEvidencePolicy:
    min_confidence: float = STANCE_CONFIDENCE_BAR
    min_label_score: float = 0.5  # the label is more likely than not about the trend
    banner_margin: int = 2  # against-stories minus supporting stories
    banner_ratio: float = 2.0  # against-stories at least this many times the supporting
    support_doubt: float = STANCE_DOUBT  # P(against) from which a label is not support

    def __post_init__(self) -> None:
        for name in ("min_confidence", "min_label_score", "support_doubt"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must lie in [0, 1], not {value}")
        if self.banner_margin < 1 or self.banner_ratio < 1.0:
            raise ValueError("the banner needs a margin of at least 1 and a ratio of at least 1")

    def outweighs(self, against: int, supporting: int) -> bool:
        """True when the window's confident counter-evidence clearly outweighs support."""
        return (
            against - supporting >= self.banner_margin and against >= self.banner_ratio * supporting
        )


DEFAULT_COUNTER_POLICY = CounterEvidencePolicy()
