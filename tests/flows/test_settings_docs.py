"""The README's settings table is the settings model's: every setting, its default, its why."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from spacebrief.flows.settings import Settings

REPO = Path(__file__).resolve().parents[2]


def _settings_docs():
    path = REPO / "scripts" / "settings_docs.py"
    spec = importlib.util.spec_from_file_location("settings_docs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_setting_says_what_it_does() -> None:
    undocumented = [
        n for n, f in Settings.model_fields.items() if not (f.description or "").strip()
    ]
    assert undocumented == []


def test_the_readme_table_is_current() -> None:
    module = _settings_docs()
    assert module.README.read_text("utf-8") == module.render(), (
        "README.md's settings table is stale: run `python scripts/settings_docs.py`"
    )


def test_the_table_names_each_variable_the_settings_read(monkeypatch) -> None:
    # The names in the table are the ones that work: set each to its own value, and the
    # settings see it.
    module = _settings_docs()
    numbers = {
        name: field
        for name, field in Settings.model_fields.items()
        if field.annotation in (int, float)
    }
    for name, field in numbers.items():
        monkeypatch.setenv(module.variable(name, field), "7")
    monkeypatch.setenv(
        module.variable("slack_channel", Settings.model_fields["slack_channel"]), "C7"
    )
    settings = Settings()
    assert all(getattr(settings, name) == 7 for name in numbers)
    assert settings.slack_channel == "C7"
    table = module.table()
    assert all(f"`{module.variable(name, field)}`" in table for name, field in numbers.items())
