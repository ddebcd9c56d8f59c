"""Opening a fitted `.npz` (the heads, the judge's layers, the stance head) with one
sentence for each way it can fail.

A fitted file is missing after a partial checkout or a failed refit, and damaged when a
write was cut short or an older version lacks a field; either way the person at the
keyboard needs what is wrong and the command that rebuilds it, not a zipfile traceback.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np

from spacebrief.classifiers.exceptions import ClassifierError


@contextmanager
def fitted_arrays(path: Path, *, what: str, remedy: str, refit: bool = False) -> Iterator[Any]:
    """The arrays of `path` (an `NpzFile`); reading a field it lacks inside the block is a
    damaged file too. `what` names the file ("stance head"), `remedy` says how to
    rebuild it ("run `python scripts/train_stance.py`")."""
    if not path.exists():
        raise ClassifierError(f"There is no {what} at {path}: {remedy}.", path=path, refit=refit)
    try:
        with np.load(path, allow_pickle=False) as data:
            yield data
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise ClassifierError(
            f"The {what} {path} is damaged or from another version ({error}): {remedy}.",
            path=path,
            refit=refit,
        ) from error
