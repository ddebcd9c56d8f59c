"""Reading `seeds/taxonomy.yaml`, and refusing a taxonomy that would label nonsense.

Analysts edit the YAML by hand, so every mistake (a missing statement, a duplicate id, a
threshold of 7, a misspelt key) becomes one sentence naming the file, the trend and the
field, not a KeyError deep inside the classifier. The file's shape is a pydantic model
(`TaxonomyFile`, unknown keys refused); `_sentence` turns pydantic's first complaint into
that sentence, so a user never reads a raw ValidationError.
"""

from __future__ import annotations

from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from spacebrief.classifiers.exceptions import ClassifierError
from spacebrief.classifiers.types import Taxonomy, Trend, TrendFamily


def default_taxonomy_path() -> Path:
    return Path(str(resources.files("spacebrief.seeds") / "taxonomy.yaml"))


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """The taxonomy at `path` (default: the packaged seeds), validated."""
    path = path or default_taxonomy_path()
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8"))
    except FileNotFoundError as error:
        raise ClassifierError(
            f"There is no taxonomy file at {path}: name an existing one.",
            path=path,
            setting="taxonomy",
        ) from error
    except yaml.YAMLError as error:
        raise ClassifierError(
            f"The taxonomy {path} is not valid YAML: {error}", path=path
        ) from error
    except UnicodeDecodeError:
        raise ClassifierError(
            f"The taxonomy {path} is not UTF-8 text; save it as UTF-8 and retry.", path=path
        ) from None
    return parse_taxonomy(raw, source=str(path))


def _words(value: Any) -> Any:
    """YAML text with its line breaks and runs of spaces folded; numbers read as text
    (`id: 7`, `version: 3`, `version: 2026-12-01`); blank text as absent, so it is
    reported as missing."""
    if isinstance(value, int | float | date) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str):
        return " ".join(value.split()) or None
    return value


Text = Annotated[str, BeforeValidator(_words)]
OptionalText = Annotated[str, BeforeValidator(lambda value: _words(value) or "")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrendEntry(_Strict):
    """One trend as the analyst writes it."""

    trend_id: Text = Field(alias="id")
    name: Text
    family: Annotated[TrendFamily, BeforeValidator(_words)]
    statement: Text
    description: Text
    examples: tuple[Text, ...] = ()
    threshold: float | None = None  # overrides the head's tuned threshold for this trend

    @field_validator("examples", mode="before")
    @classmethod
    def _examples_are_sentences(cls, value: Any) -> Any:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(e, str) and e.strip() for e in value):
            raise PydanticCustomError("examples", "`examples` must be a list of sentences")
        return value

    @field_validator("threshold", mode="before")
    @classmethod
    def _threshold_is_a_probability(cls, value: Any) -> Any:
        if value is None:
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            number = -1.0
        if not 0.0 < number < 1.0:
            raise PydanticCustomError("threshold", "`threshold` must lie between 0 and 1")
        return number


class Relevance(_Strict):
    """What counts as on theme, and what only shares its vocabulary, in words."""

    on_theme: OptionalText = ""
    hard_negatives: OptionalText = ""


class TaxonomyFile(_Strict):
    """The whole file: a version, the relevance section and at least one trend."""

    version: Text
    relevance: Relevance = Field(default_factory=Relevance)
    trends: list[TrendEntry] = Field(min_length=1)

    @field_validator("relevance", mode="before")
    @classmethod
    def _relevance_may_be_empty(cls, value: Any) -> Any:
        return {} if value is None else value

    @model_validator(mode="after")
    def _ids_are_unique(self) -> TaxonomyFile:
        seen: set[str] = set()
        for trend in self.trends:
            if trend.trend_id in seen:
                raise PydanticCustomError(
                    "duplicate", "duplicate trend", {"trend_id": trend.trend_id}
                )
            seen.add(trend.trend_id)
        return self


def parse_taxonomy(raw: Any, *, source: str = "taxonomy") -> Taxonomy:
    """The taxonomy a parsed YAML document describes, or one sentence saying what to fix."""
    try:
        document = TaxonomyFile.model_validate(raw)
    except ValidationError as error:
        raise ClassifierError(_sentence(error.errors()[0], raw, source)) from None
    return Taxonomy(
        version=document.version,
        trends=tuple(Trend(**dict(trend), position=n) for n, trend in enumerate(document.trends)),
        on_theme=document.relevance.on_theme,
        hard_negatives=document.relevance.hard_negatives,
    )


def _fields(model: type[BaseModel]) -> str:
    return ", ".join(f"`{field.alias or name}`" for name, field in model.model_fields.items())


def _sentence(error: ErrorDetails, raw: Any, source: str) -> str:
    """Pydantic's complaint as the sentence an analyst reads: the file, the trend, the field."""
    location, kind = error["loc"], error["type"]
    if not location:
        if kind == "duplicate":
            return f"The taxonomy {source} defines trend {error['ctx']['trend_id']} twice."
        return f"The taxonomy {source} must be a mapping with `version` and `trends`."
    field = location[0]
    if field == "trends" and len(location) >= 2 and isinstance(location[1], int):
        return _trend_sentence(error, raw["trends"][location[1]], location[1], source)
    if kind == "extra_forbidden" and len(location) == 1:
        return (
            f"The taxonomy {source} has an unknown field `{field}`; "
            f"the fields are {_fields(TaxonomyFile)}."
        )
    if field == "version":
        if kind == "missing" or error["input"] is None:
            return f'The taxonomy {source} has no `version`: add one, e.g. version: "1".'
        return f"The taxonomy {source}: `version` must be text, not {error['input']!r}."
    if field == "trends":
        return f"The taxonomy {source} lists no `trends`."
    if len(location) == 1:
        return (
            f"The taxonomy {source}: `relevance` must be a mapping with `on_theme` and "
            "`hard_negatives`."
        )
    if kind == "extra_forbidden":
        return (
            f"The taxonomy {source}: `relevance` has an unknown field `{location[1]}`; "
            f"the fields are {_fields(Relevance)}."
        )
    return f"The taxonomy {source}: `relevance.{location[1]}` must be text."


def _trend_sentence(error: ErrorDetails, entry: Any, position: int, source: str) -> str:
    if len(error["loc"]) < 3:
        return f"Trend number {position + 1} in {source} is not a mapping."
    trend = f"Trend {entry.get('id') or f'number {position + 1}'} in {source}"
    field, kind = error["loc"][2], error["type"]
    if kind == "extra_forbidden":
        return f"{trend} has an unknown field `{field}`; the fields are {_fields(TrendEntry)}."
    if kind in ("examples", "threshold"):
        return f"{trend}: {error['msg']}."
    if kind == "missing" or error["input"] is None:
        return f"{trend} has no `{field}`."
    if field == "family":
        return f"{trend} has family {entry['family']!r}; use one of {', '.join(TrendFamily)}."
    return f"{trend}: `{field}` must be text, not {error['input']!r}."
