"""The taxonomy is data analysts edit: it must load, and mistakes must read as sentences."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.taxonomy import default_taxonomy_path, load_taxonomy, parse_taxonomy
from spacebrief.classifiers.types import TrendFamily

EXPECTED = {
    "R1": "china-mentor",
    "R2": "rival-blocs",
    "R3": "space-for-development",
    "R4": "space-diplomacy",
    "R5": "sovereign-capability",
    "R6": "south-in-governance",
    "D1": "western-crew-monopoly",
    "D2": "north-south-model",
    "D3": "civil-military-line",
    "D4": "russia-west-ties",
    "D5": "access-barriers",
    "D6": "central-governance",
    "W1": "ilrs-expansion",
    "W2": "russia-sanctions",
    "W3": "commercial-actors",
    "W4": "resource-rules",
    "W5": "india-bridge",
    "W6": "space-in-aid",
    "W7": "sino-russian-security",
}


def test_the_packaged_taxonomy_has_the_nineteen_trends_of_the_edition() -> None:
    taxonomy = load_taxonomy()
    assert taxonomy.version
    assert {t.trend_id: t.name for t in taxonomy.trends} == EXPECTED
    assert [t.position for t in taxonomy.trends] == list(range(19))
    for trend in taxonomy.trends:
        assert trend.family == {"R": "rising", "D": "declining", "W": "watch"}[trend.trend_id[0]]
        assert trend.statement and trend.description
        assert 6 <= len(trend.examples) <= 12, trend.trend_id
    assert "Starlink" in taxonomy.hard_negatives and "China" in taxonomy.on_theme


def _raw() -> dict:
    return yaml.safe_load(default_taxonomy_path().read_text())


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda raw: raw["trends"][2].pop("statement"), "Trend R3 .* has no `statement`"),
        (lambda raw: raw["trends"].append(dict(raw["trends"][0])), "defines trend R1 twice"),
        (lambda raw: raw["trends"][0].update(family="growing"), "R1 .* family 'growing'"),
        (lambda raw: raw["trends"][5].update(threshold=7), "R6 .* between 0 and 1"),
        (lambda raw: raw.pop("version"), "no `version`"),
        (lambda raw: raw["trends"][0].update(examples="one string"), "R1 .* list of sentences"),
    ],
)
def test_a_broken_taxonomy_is_refused_with_a_sentence_naming_the_trend(mutate, message) -> None:
    raw = _raw()
    mutate(raw)
    with pytest.raises(ClassifierError, match=message):
        parse_taxonomy(raw)


def test_a_per_trend_threshold_is_read(tmp_path: Path) -> None:
    raw = _raw()
    raw["trends"][0]["threshold"] = 0.8
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(raw))
    assert load_taxonomy(path).get("R1").threshold == 0.8
    assert load_taxonomy(path).get("R2").threshold is None


def test_a_missing_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ClassifierError, match="no taxonomy file"):
        load_taxonomy(tmp_path / "absent.yaml")


@pytest.mark.parametrize(
    ("mutate", "field"),
    [
        (lambda raw: raw["trends"][1].update(statment="typo"), "unknown field `statment`"),
        (lambda raw: raw.update(colour="red"), "unknown field `colour`"),
        (lambda raw: raw["relevance"].update(on_them="x"), "`relevance` has an unknown field"),
        (lambda raw: raw["trends"][1].update(name=["a", "b"]), "`name` must be text"),
        (lambda raw: raw.update(version=["1"]), "`version` must be text"),
        (lambda raw: raw["trends"][1].pop("description"), "has no `description`"),
        (lambda raw: raw["trends"][3].update(family=None), "has no `family`"),
        (lambda raw: raw.update(relevance="oops"), "`relevance` must be a mapping"),
    ],
)
def test_a_malformed_taxonomy_file_is_one_sentence_naming_the_file_and_field(
    tmp_path: Path, mutate, field: str
) -> None:
    raw = _raw()
    mutate(raw)
    path = tmp_path / "taxonomy.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), "utf-8")
    with pytest.raises(ClassifierError) as refused:
        load_taxonomy(path)
    sentence = str(refused.value)
    assert str(path) in sentence and field in sentence
    assert sentence.count(". ") == 0 and sentence.endswith(".") and "\n" not in sentence
    assert "validation error" not in sentence and "pydantic" not in sentence


def test_families_are_read_as_the_one_enum() -> None:
    families = {trend.family for trend in load_taxonomy().trends}
    assert families == set(TrendFamily)
    assert all(isinstance(family, TrendFamily) for family in families)
