"""A sentence an LLM wrote is held to the items it cites: figures, names, events, doers.

The evidence texts are written for these tests (the shape of the digest's evidence lines:
headline, outlet and day, then the item's summary).
"""

from __future__ import annotations

import pytest

from spacebrief.digest.faithfulness import unsupported

EGYPT = (
    "Egypt's space agency joins China's lunar research station (Nile Desk, 2025-03-02). "
    "The Egyptian Space Agency signed a memorandum with CNSA to take part in the "
    "International Lunar Research Station. Two Egyptian engineers will train in Beijing."
)
WEST = (
    "Western partners leave joint Russian missions (Eurasia Digest, 2025-03-06). The European "
    "Space Agency withdrew from two joint science missions with Roscosmos after 2022."
)
SANCTIONS = (
    "US sanctions target Russian satellite makers (Wire, 2025-03-11). The United States "
    "imposed new sanctions on three Russian companies that build satellite components."
)
INDIA = (
    "India declines to join ILRS (Delhi Monitor, 2025-03-15). India has not joined the "
    "International Lunar Research Station, officials said. India signed the Artemis Accords "
    "in 2023."
)
BRAZIL = (
    "Launch of Brazil's Amazonia-2 delayed (Review, 2025-03-12). The launch of Brazil's "
    "Amazonia-2 satellite has been postponed to 2026 after a test failure."
)


@pytest.mark.parametrize(
    ("sentence", "evidence", "why"),
    [
        ("Egypt has withdrawn from China's lunar station.", EGYPT, "asserts a withdrawal"),
        ("Egypt has secretly left the Artemis Accords.", EGYPT, "names Artemis"),
        ("Kenya signed a memorandum with CNSA on the lunar station.", EGYPT, "names Kenya"),
        ("Ghana signed a memorandum with CNSA.", EGYPT, "names Ghana"),
        ("China joined Egypt's lunar programme.", EGYPT, "gives a joining or signing to China"),
        ("Roscosmos withdrew from two joint missions with ESA.", WEST, "gives a withdrawal"),
        ("The US lifted sanctions on three Russian companies.", SANCTIONS, "sanctions lifted"),
        ("India has joined the International Lunar Research Station.", INDIA, "negates"),
        ("Brazil launched its Amazonia-2 satellite.", BRAZIL, "asserts a launch"),
        ("Egypt did not sign a memorandum with CNSA.", EGYPT, "negates what"),
        ("Egypt said it did not join.", EGYPT, "denies a joining"),
        ("Three Egyptian engineers will train in Beijing.", EGYPT, "states 3"),
        ("The launch was postponed to 2027.", BRAZIL, "states 2027"),
    ],
)
def test_an_unsupported_claim_is_refused_with_its_reason(sentence, evidence, why):
    refusal = unsupported(sentence, evidence)
    assert refusal is not None and why in refusal, refusal


@pytest.mark.parametrize(
    ("sentence", "evidence"),
    [
        ("Egypt joined China's lunar research station.", EGYPT),
        ("Two Egyptian engineers will train in China.", EGYPT),
        ("Egypt's agency has signed on to the ILRS.", EGYPT),
        ("Western partners have withdrawn from joint missions with Roscosmos.", WEST),
        ("The US imposed sanctions on three Russian component makers.", SANCTIONS),
        ("India has not joined the ILRS, though it signed the Artemis Accords in 2023.", INDIA),
        ("Brazil's Amazonia-2 launch slipped to 2026 after a failed test.", BRAZIL),
    ],
)
def test_a_faithful_paraphrase_is_supported(sentence, evidence):
    assert unsupported(sentence, evidence) is None
