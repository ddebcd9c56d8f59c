"""A small warehouse the digest tests read: written with plain SQL, as the ingest and
classify steps would leave it (items, classifications with embeddings, labels, trends).

The story is a week ending 2025-03-24 plus four earlier weeks:
- R1 (mentor) and D1 (crew monopoly) are covered by a two-outlet story this week;
- R2 (rival blocs) had four stories a week before and one now: a rising trend falling;
- D4 (Russia-West ties) had none before and two now: a declining trend whose coverage rises;
- a relevant story with no label is a "new signal"; an off-theme item is never cited;
- one hostile item carries markup in its title and a javascript: URL.
All texts are written for these tests.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from spacebrief.warehouse import Warehouse

EDITION_DATE = date(2025, 3, 24)
TAXONOMY = "tax-test"
CLASSIFIER = "clf-test"

TRENDS: list[tuple[str, str, str, str]] = [
    ("R1", "rising", "china-mentor", "China acting as a space mentor for developing nations"),
    ("R2", "rising", "rival-blocs", "Rival lunar blocs forming around ILRS and Artemis"),
    ("R3", "rising", "space-for-development", "Space tools applied to development needs"),
    ("R4", "rising", "space-diplomacy", "Space used as a lever of diplomacy"),
    ("R5", "rising", "sovereign-capability", "Developing nations building their own capabilities"),
    ("R6", "rising", "south-in-governance", "Global South voices in space governance"),
    ("D1", "declining", "western-crew-monopoly", "Western monopoly on human spaceflight"),
    ("D2", "declining", "north-south-model", "North-South cooperation models"),
    ("D3", "declining", "civil-military-line", "The line between civil and military space"),
    ("D4", "declining", "russia-west-ties", "Russia's ties with Western space powers"),
    ("D5", "declining", "access-barriers", "Barriers to space access for developing nations"),
    ("D6", "declining", "central-governance", "Centralised space governance"),
    ("W1", "watch", "ilrs-expansion", "ILRS partnerships extending to more nations"),
    ("W2", "watch", "russia-sanctions", "Sanctions reshaping Russia's space sector"),
    ("W3", "watch", "commercial-actors", "Commercial firms shaping emerging space programmes"),
    ("W4", "watch", "resource-rules", "Rules for space resources"),
    ("W5", "watch", "india-bridge", "India as a bridge between space powers"),
    ("W6", "watch", "space-in-aid", "Space assets in development aid"),
    ("W7", "watch", "sino-russian-security", "China-Russia security cooperation in orbit"),
]


@dataclass
class Row:
    item_id: str
    title: str
    summary: str
    day: date
    cluster: str | None = None
    source: str = "Orbital Ledger"
    relevant: bool = True
    relevance: float = 0.8
    labels: dict[str, float] = field(default_factory=dict)
    url: str | None = None
    hour: int = 9
    against: dict[str, float] = field(default_factory=dict)  # trend -> P(against), >= 0.5
    language: str = "en"


def week_rows() -> list[Row]:
    d = EDITION_DATE
    rows = [
        Row(
            "a1",
            "China to train Pakistani astronaut for a Tiangong visit",
            "China will train an astronaut from Pakistan for a short stay aboard the Tiangong "
            "station. The selection will take place in Pakistan before final training in "
            "China. Officials said the crew member is expected to fly by 2026. Both sides "
            "called it a milestone in their long partnership.",
            d - timedelta(days=1),
            cluster="c-tiangong",
            source="Orbital Ledger",
            relevance=0.95,
            labels={"R1": 0.82, "D1": 0.71},
        ),
        Row(
            "a2",
            "Pakistan astronaut heads for Chinese station",
            "A Pakistani astronaut is set to become the first foreign visitor to China's "
            "station. Training will follow a selection round held in Islamabad.",
            d - timedelta(days=2),
            cluster="c-tiangong",
            source="Launch Pad Daily",
            relevance=0.9,
            labels={"R1": 0.64},
        ),
        Row(
            "a3",
            "Moscow and Beijing outline a lunar power plant plan",
            "Russia and China plan to build a power plant on the Moon between 2033 and 2035. "
            "The reactor would supply the International Lunar Research Station. Roscosmos "
            "said Western partners had withdrawn from earlier joint projects.",
            d - timedelta(days=3),
            source="Steppe Space Review",
            relevance=0.92,
            labels={"R2": 0.77, "D4": 0.66, "W7": 0.58},
        ),
        Row(
            "a4",
            "Roscosmos winds down remaining science links with European agencies",
            "Russia's space agency confirmed it will not renew two science agreements with "
            "European partners. The agency said its cooperation now turns to Asian partners.",
            d - timedelta(days=4),
            source="Steppe Space Review",
            relevance=0.85,
            labels={"D4": 0.72, "W2": 0.61},
        ),
        Row(
            "a5",
            "Senegal puts satellite data to work for farmers",
            "Data from Senegal's first satellite now feed a crop monitoring service for "
            "smallholder farmers. The national agency aims to add flood warnings next year. "
            "Engineers trained abroad run the ground station in Dakar.",
            d - timedelta(days=2),
            source="Sahel Tech Wire",
            relevance=0.8,
            labels={"R3": 0.79, "R5": 0.6},
        ),
        Row(
            "a6",
            "Launch company signs rideshare deal with Kenya",
            "A commercial launch provider signed a deal to carry two Kenyan satellites. The "
            "first launch is scheduled for the third quarter of the year.",
            d - timedelta(days=5),
            source="Launch Pad Daily",
            relevance=0.7,
            labels={"W3": 0.68},
        ),
        Row(
            "a7",
            "Brazil unveils a deep-space radar for tracking debris",
            "Brazil presented a radar that can follow debris in high orbits. The system was "
            "designed and built by national engineers over five years.",
            d - timedelta(days=1),
            source="Southern Skies",
            relevance=0.66,
            labels={},
        ),
        Row(
            "a8",
            "Reusable rocket completes tenth landing",
            "A reusable booster landed for the tenth time on a drone ship. The company will "
            "attempt a faster turnaround next month.",
            d - timedelta(days=1),
            source="Rocket Roundup",
            relevant=False,
            relevance=0.1,
        ),
        Row(
            "a9",
            "<script>alert('x')</script> Envoys discuss space [1] ties",
            "Diplomats from three African states met Chinese officials to discuss satellite "
            "cooperation. A joint statement is to be signed in June.",
            d,
            source="<b>Hostile</b> Feed",
            relevance=0.75,
            labels={"R4": 0.62},
            url="javascript:alert(1)",
        ),
    ]
    for back in range(1, 5):
        for n in range(4):
            rows.append(
                Row(
                    f"h{back}-{n}",
                    f"Artemis and ILRS camps court new members (week -{back}, story {n})",
                    "Another country weighed joining one of the two lunar coalitions. Analysts "
                    "said the choice reflects wider alignments on Earth.",
                    d - timedelta(days=7 * back + n),
                    source="Lunar Politics",
                    relevance=0.7,
                    labels={"R2": 0.7},
                )
            )
        rows.append(
            Row(
                f"m{back}",
                f"Space training programme graduates a new class (week -{back})",
                "Engineers from developing nations completed a training course in Beijing.",
                d - timedelta(days=7 * back + 5),
                source="Orbital Ledger",
                relevance=0.6,
                labels={"R1": 0.66},
            )
        )
    return rows


def _embedding(item_id: str, cluster: str) -> list[float]:
    digest = hashlib.sha256(cluster.encode()).digest() + hashlib.sha256(item_id.encode()).digest()
    return [round((b - 128) / 128, 4) for b in digest[:8]]


def fill(warehouse: Warehouse, rows: list[Row], *, with_trends: bool = True) -> None:
    fetched = datetime(2025, 3, 25, tzinfo=UTC)
    with warehouse.write() as con:
        if with_trends:
            con.executemany(
                "INSERT INTO trends VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (tid, TAXONOMY, family, name, statement, None, position)
                    for position, (tid, family, name, statement) in enumerate(TRENDS)
                ],
            )
        for row in rows:
            cluster = row.cluster or row.item_id
            published = datetime.combine(row.day, datetime.min.time(), tzinfo=UTC).replace(
                hour=row.hour
            )
            url = row.url if row.url is not None else f"https://news.example.org/{row.item_id}"
            con.execute(
                "INSERT INTO items (item_id, url, guid, title, summary, language, source_id, "
                "source_name, published_at, fetched_at, content_hash, cluster_id) "
                "VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    row.item_id,
                    url,
                    row.title,
                    row.summary,
                    row.language,
                    row.source.lower().replace(" ", "-"),
                    row.source,
                    published,
                    fetched,
                    hashlib.sha256(row.title.encode()).hexdigest(),
                    cluster,
                ],
            )
            scores = {tid: 0.05 for tid, *_ in TRENDS}
            scores.update(row.labels)
            if row.item_id == "a7":
                scores["R5"] = 0.31
            con.execute(
                "INSERT INTO classifications VALUES (?, ?, ?, ?, ?, MAP(?, ?), ?, ?)",
                [
                    row.item_id,
                    CLASSIFIER,
                    TAXONOMY,
                    row.relevant,
                    row.relevance,
                    list(scores),
                    list(scores.values()),
                    _embedding(row.item_id, cluster),
                    fetched,
                ],
            )
            for trend_id, score in row.labels.items():
                stance_score = row.against.get(trend_id, 0.1)
                con.execute(
                    "INSERT INTO labels (item_id, trend_id, score, evidence, classifier_version, "
                    "taxonomy_version, labelled_at, stance, stance_score) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        row.item_id,
                        trend_id,
                        score,
                        row.summary.split(". ")[0].rstrip(".") + ".",
                        CLASSIFIER,
                        TAXONOMY,
                        fetched,
                        "against" if stance_score >= 0.5 else "supports",
                        stance_score,
                    ],
                )


def counter_rows() -> list[Row]:
    """Counter-evidence this week: four confident stories against D4 (twice its two
    supporting ones: the banner's margin), one against R2; verdicts the edition must not
    quote: a low-confidence "against" on R1 and a confident one on an eclipse story that
    carries D2 only as its best guess (label 0.02); and R6, supported three and four weeks
    ago, silent since."""
    d = EDITION_DATE
    return [
        Row(
            "c1",
            "Russian cosmonaut to ride a Crew Dragon to the station",
            "A Roscosmos cosmonaut will fly on the next NASA crew rotation under the seat "
            "exchange. He trained in Houston with his American crewmates.",
            d - timedelta(days=1),
            source="Orbital Ledger",
            relevance=0.88,
            labels={"D4": 0.7},
            against={"D4": 0.93},
        ),
        Row(
            "c2",
            "Roscosmos and NASA extend their crew exchange",
            "The two agencies agreed to keep flying each other's crews to the station. "
            "Officials said the deal would run for two more years.",
            d - timedelta(days=2),
            source="Steppe Space Review",
            relevance=0.84,
            labels={"D4": 0.64, "W2": 0.55},
            against={"D4": 0.88, "W2": 0.7},
        ),
        Row(
            "c3",
            "China lends lunar samples to American university teams",
            "China's space agency approved loans of Chang'e-5 samples to researchers at two "
            "US universities. Scientists called it a rare exchange between the two powers.",
            d - timedelta(days=3),
            source="Lunar Politics",
            relevance=0.86,
            labels={"R2": 0.68},
            against={"R2": 0.81},
        ),
        Row(
            "c4",
            "NASA astronaut launches on a Soyuz from Baikonur",
            "An American astronaut lifted off with two cosmonauts on a Soyuz rocket. The "
            "flight is part of the integrated crew agreement.",
            d - timedelta(days=4),
            source="Launch Pad Daily",
            relevance=0.8,
            labels={"D4": 0.6},
            against={"D4": 0.85},
        ),
        Row(
            "c5",
            "Roscosmos renews its cargo deal with a European partner",
            "Russia's space agency signed a two-year extension of a cargo agreement with a "
            "European firm. Officials said the partnership had worked well.",
            d - timedelta(days=5),
            source="Orbital Ledger",
            relevance=0.82,
            labels={"D4": 0.66},
            against={"D4": 0.84},
        ),
        Row(
            "c6",
            "Partial solar eclipse visible from northwest Africa on Saturday",
            "A partial solar eclipse on Saturday will be visible from Morocco and Mauritania. "
            "Observers should use certified eclipse glasses.",
            d - timedelta(days=1),
            source="Sky Notes",
            relevance=0.7,
            labels={"D2": 0.02},
            against={"D2": 0.91},
        ),
        Row(
            "c7",
            "Ghana trains satellite engineers with Japanese support",
            "Engineers from Ghana completed a satellite course in Japan. The programme was "
            "funded by a Japanese grant.",
            d - timedelta(days=2),
            source="Sahel Tech Wire",
            relevance=0.75,
            labels={"R1": 0.55},
            against={"R1": 0.62},
        ),
        *(
            Row(
                f"g{back}",
                f"Developing states press for a say in UN space rules (week -{back})",
                "Delegates of the Group of 77 asked the UN committee for a voice in rules on "
                "space traffic.",
                d - timedelta(days=7 * back + 2),
                source="Orbital Ledger",
                relevance=0.7,
                labels={"R6": 0.7},
            )
            for back in (3, 4)
        ),
    ]


@pytest.fixture
def counter_warehouse(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(tmp_path / "counter.duckdb")
    fill(warehouse, week_rows() + counter_rows())
    return warehouse


@pytest.fixture
def filled_warehouse(tmp_path: Path) -> Warehouse:
    warehouse = Warehouse(tmp_path / "digest.duckdb")
    fill(warehouse, week_rows())
    return warehouse
