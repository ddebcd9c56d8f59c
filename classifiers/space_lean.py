"""Space lean: does an item the keyword gate never read talk about space at all?

An item in a language the gazetteer does not cover reaches the judge with no keyword
evidence either way, and the judge's fine-tuned reading, taught on a few thousand of our
examples, mostly European-language ones, learned that China or Russia beside a Global South
state is the theme. In Hausa, Kyrgyz or Khmer it passes a Chinese-built railway, a Rosatom
plant or a state visit at 0.92-1.00 (all 26 off-theme items passed in fresh6 to fresh8 were of
this kind or space news without the theme). The base multilingual-e5-small, which our
examples never touched, still tells a satellite from a railway in the languages our
fine-tuning barely saw.

The lean is the item's best cosine to a few plain English phrases of space activity minus
its best cosine to the everyday matter of those partnerships (railways, plants, ports,
loans, visits, arms), both read by the base model in float32. An ungated item whose lean
is under SPACE_LEAN_BAR is off-theme (classifier.py). The phrases and the bar were chosen
on the development sets (docs/classifier.md, rule 28) and decided on a set no model had read.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from spacebrief.classifiers.judge import Judge

SPACE_PHRASES = (
    "satellite",
    "rocket launch",
    "space agency",
    "orbit",
    "the Moon and lunar exploration",
    "astronaut",
    "space station",
    "outer space",
    "spacecraft",
    "satellite navigation system",
    "Earth observation from space",
    "space cooperation agreement",
    "weapons in outer space",
    "space resources and asteroid mining",
    "sanctions on the space industry",
    "a national space programme",
)
EVERYDAY_PHRASES = (
    "railway",
    "nuclear power plant",
    "seaport",
    "military exercise",
    "state visit by a president",
    "loan agreement",
    "dam and hydropower",
    "trade and investment",
    "visa-free travel",
    "weapons purchase",
    "gas field",
    "election",
    "football",
    "vaccine",
    "bridge construction",
)
SPACE_LEAN_BAR = -0.014
# Part of the classifier's version (classifier.py), so a changed phrase or bar redoes stored
# classifications.
SPACE_LEAN_VERSION = hashlib.sha256(
    repr((SPACE_PHRASES, EVERYDAY_PHRASES, SPACE_LEAN_BAR)).encode()
).hexdigest()[:8]


@cache
def _anchors(judge: Judge) -> tuple[np.ndarray, np.ndarray]:
    return judge.base_vectors(SPACE_PHRASES), judge.base_vectors(EVERYDAY_PHRASES)


def space_lean(judge: Judge, texts: Sequence[str]) -> np.ndarray:
    """(n,) how much more each text reads like space than like everyday partnership news."""
    if not texts:
        return np.zeros(0, dtype=np.float32)
    space, everyday = _anchors(judge)
    vectors = judge.base_vectors(texts)
    return ((vectors @ space.T).max(axis=1) - (vectors @ everyday.T).max(axis=1)).astype(np.float32)
