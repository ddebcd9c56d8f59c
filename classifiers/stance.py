"""Stance: does an item labelled with a trend support the trend's statement or run against it?

A label says an item is *about* a trend; it does not say which way the item points. A
Russian cosmonaut flying to the ISS on a Crew Dragon is about D4 (Russia turning away
from the West) and is evidence against it. The judge's cross-encoder
(classifiers/judge.py) reads the trend's statement and the item together and gives
P(supports), P(against), P(neither); a label reads "against" only when P(against)
reaches the judge's bar, chosen on held-out folds of our pairs for precision, since a
false "against" hides support from the edition and silences a watch alert.
"""

from __future__ import annotations

AGAINST = "against"
SUPPORTS = "supports"
