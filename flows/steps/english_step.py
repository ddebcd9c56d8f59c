"""The English-reading step: every story not in English gets its English reading stored.

Runs after classification (the gist reads the labels), so that the Slack alerts and the
`v_items_english` view have it; the edition reads the stored translation and makes a gist
itself where none is stored. With SPACEBRIEF_LLM_URL set, readings are checked
translations (a refused one falls back to a gist, and is not asked again until the model
or the labels change).
"""

from __future__ import annotations

import logging

from spacebrief.digest.english import english_reading
from spacebrief.digest.llm import LlmEndpoint, translated
from spacebrief.flows.settings import Settings
from spacebrief.warehouse import Warehouse, transaction
from spacebrief.warehouse import english as english_store

log = logging.getLogger(__name__)


def llm_endpoint(settings: Settings) -> LlmEndpoint | None:
    if not settings.llm_url:
        return None
    key = settings.llm_api_key.get_secret_value() if settings.llm_api_key else None
    return LlmEndpoint(
        settings.llm_url.get_secret_value(),
        settings.llm_model,
        key,
        settings.llm_timeout_seconds,
        settings.llm_max_answer_bytes,
    )


def read_in_english(warehouse: Warehouse, settings: Settings) -> int:
    """Make and store the readings owed; returns how many were written."""
    endpoint = llm_endpoint(settings)
    method = f"llm:{endpoint.model}" if endpoint is not None else "gist"
    with warehouse.read() as con:
        owed = english_store.owed_readings(con, method)
        statements = english_store.trend_statements(con) if owed else {}
    if not owed:
        return 0

    def translate(language: str, title: str, summary: str) -> tuple[str, str] | None:
        assert endpoint is not None
        return translated(endpoint, language, title, summary)

    rows = []
    for entry in owed:
        reading = english_reading(
            entry.item,
            statements=statements,
            translate=translate if endpoint is not None else None,
            stored=entry.translation,
        )
        rows.append((entry.item.item_id, reading, method, entry.classifier_version))
    with warehouse.write() as con, transaction(con):
        english_store.save_readings(con, rows)
    kinds = [row[1].kind for row in rows]
    log.info(
        "Read %d story(ies) in English: %d translated, %d as a gist.",
        len(rows),
        kinds.count("translation"),
        kinds.count("gist"),
    )
    return len(rows)
