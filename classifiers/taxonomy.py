"""Reading `seeds/taxonomy.yaml`, and refusing a taxonomy that would label nonsense.

Analysts edit the YAML by hand, so every mistake (a missing statement, a duplicate id, a
threshold of 7) becomes one sentence naming the trend and the field, not a KeyError
deep inside the classifier.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.types import Taxonomy, Trend

FAMILIES = ("rising", "declining", "watch")
REQUIRED = ("id", "name", "family", "statement", "description")


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("spacebrief.seeds") / "taxonomy.yaml"))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy at `path` (default: the packaged seeds), validated."""
    path = path or default_taxonomy_path()
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8"))
    except FileNotFoundError as error:
        raise ClassifierError(
            f"There is no taxonomy file at {path}: check SPACEBRIEF_TAXONOMY."
        ) from error
    except yaml.YAMLError as error:
        raise ClassifierError(f"The taxonomy {path} is not valid YAML: {error}") from error
    except UnicodeDecodeError:
        raise ClassifierError(
            f"The taxonomy {path} is not UTF-8 text; save it as UTF-8 and retry."
        ) from None
    return parse_taxonomy(raw, source=str(path))


def parse_taxonomy(raw: Any, *, source: str = "taxonomy") -> Taxonomy:
    if not isinstance(raw, dict):
        raise ClassifierError(
            f"The taxonomy {source} must be a mapping with `version` and `trends`."
        )
    version = raw.get("version")
    if version is None or not str(version).strip():
        raise ClassifierError(
            f'The taxonomy {source} has no `version`: add one, e.g. version: "1".'
        )
    entries = raw.get("trends")
    if not isinstance(entries, list) or not entries:
        raise ClassifierError(f"The taxonomy {source} lists no `trends`.")
    trends: list[Trend] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        trends.append(_parse_trend(entry, position, source))
        if trends[-1].trend_id in seen:
            raise ClassifierError(
                f"The taxonomy {source} defines trend {trends[-1].trend_id} twice."
            )
        seen.add(trends[-1].trend_id)
    relevance = raw.get("relevance") or {}
    if not isinstance(relevance, dict):
        raise ClassifierError(
            f"The taxonomy {source}: `relevance` must be a mapping with `on_theme` and "
            "`hard_negatives`."
        )
    return Taxonomy(
        version=str(version).strip(),
        trends=tuple(trends),
        on_theme=str(relevance.get("on_theme", "")).strip(),
        hard_negatives=str(relevance.get("hard_negatives", "")).strip(),
    )


def _parse_trend(entry: Any, position: int, source: str) -> Trend:
    if not isinstance(entry, dict):
        raise ClassifierError(f"Trend number {position + 1} in {source} is not a mapping.")
    label = entry.get("id", f"number {position + 1}")
    for key in REQUIRED:
        if not str(entry.get(key) or "").strip():
            raise ClassifierError(f"Trend {label} in {source} has no `{key}`.")
    family = str(entry["family"]).strip()
    if family not in FAMILIES:
        raise ClassifierError(
            f"Trend {label} in {source} has family {family!r}; use one of {', '.join(FAMILIES)}."
        )
    examples = entry.get("examples") or []
    if not isinstance(examples, list) or not all(
        isinstance(e, str) and e.strip() for e in examples
    ):
        raise ClassifierError(f"Trend {label} in {source}: `examples` must be a list of sentences.")
    threshold = entry.get("threshold")
    if threshold is not None:
        try:
            threshold = float(threshold)
        except (TypeError, ValueError):
            threshold = -1.0
        if not 0.0 < threshold < 1.0:
            raise ClassifierError(
                f"Trend {label} in {source}: `threshold` must lie between 0 and 1."
            )
    return Trend(
        trend_id=str(entry["id"]).strip(),
        family=family,  # type: ignore[arg-type]
        name=str(entry["name"]).strip(),
        statement=" ".join(str(entry["statement"]).split()),
        description=" ".join(str(entry["description"]).split()),
        examples=tuple(" ".join(e.split()) for e in examples),
        position=position,
        threshold=threshold,
    )
