"""Every error spacebrief raises on purpose, in one tree, each exported from `spacebrief`.

Each is worded for the person at the keyboard: the message is one sentence saying what
went wrong and what to do, in terms of the thing itself (the warehouse at a path, a
feed's URL, the mail server), never of a command-line option or an environment
variable: what the caller needs to act on is data on the error instead (`path`, `url`,
`holder_pid`, `source`, `trend_id` ...). Two attributes every class has say where a
fix goes: `setting`, the name of the setting that decides it (a field of
`spacebrief.Settings`; the CLI names its variable), and `parameter`, the argument of the
call that was refused (the CLI names its option). Anything outside this tree (a
`ValueError`, a `TypeError`, a `KeyError`) is a bug in spacebrief and keeps its traceback.

The folders define their exceptions in their `exceptions.py` and import this module,
never the other way round; `spacebrief` exports every class. The tree, with where each
class lives, what to do about it and the data it carries besides `setting` and
`parameter`:

    SpacebriefError                     spacebrief.exceptions: catch this for "any of ours"
    ├── ConfigurationError              fix the setting it names (setting)
    ├── ServeError                      Prefect's local server would not start (port)
    ├── IngestError                     ingest.exceptions: a catalogue or feed (source, url, path)
    │   └── TargetRefused               that URL is not fetched (url)
    ├── ClassifierError                 classifiers.exceptions: a taxonomy or head (path, trend_id)
    │   └── MissingExtra                pip install the extra it names (extra, module)
    ├── DigestError                     digest.exceptions: an edition's window or files (path)
    ├── AlertsError                     alerts.exceptions: what the message says (destination)
    │   ├── SlackConfigurationError     fix the token, webhook or channel; alerts stay pending
    │   ├── RateLimited                 [transient] Slack asked us to wait (retry_after)
    │   ├── DeliveryUncertain           [transient] checked before any re-post (maybe_delivered)
    │   ├── MessageRejected             Slack refuses this message as it is (reason)
    │   ├── ReconcileFailed             [transient] could not check an earlier post: run again
    │   ├── AlertsNotDelivered          [transient] some alerts stay pending (failed, pending)
    │   └── EmailError                  the edition could not be e-mailed (edition_id, recipient)
    │       ├── EmailConfigurationError fix the mail server's URL or an address
    │       ├── EmailUnreachable        [transient] the mail server is away (host)
    │       └── RecipientRefused        one recipient refused; the others go out (permanent)
    ├── WarehouseError                  warehouse.exceptions: the DuckDB file or its SQL (path)
    │   ├── WarehouseLocked             [transient] another process holds it (holder, holder_pid)
    │   ├── WarehouseDamaged            restore the file from a backup, or move it aside
    │   ├── QueryError                  fix the SQL you gave (sql)
    │   └── RuleQueryError              fix the watch rule's query (query, position)
    └── WebError                        web.exceptions: the room's address or port (host, port)

A class without a module of its own lives where its parent does. `[transient]` classes
set `transient = True`: the same work may succeed when run again (the flows' retries use
`worth_retrying`, the ledgers make a repeat safe); every other class of the tree is a
mistake a person must fix first, and no retry is spent on it.
"""

from __future__ import annotations

from typing import Any, ClassVar

__all__ = [
    "ConfigurationError",
    "ServeError",
    "SpacebriefError",
    "data_of",
    "is_user_facing",
    "worth_retrying",
]


class SpacebriefError(Exception):
    """Something spacebrief could not do as asked; the message says why and what to do.

    The keyword arguments are the error's data: each must be an attribute the class
    declares (with its default), so a misspelt name is a bug caught where it is raised.
    """

    transient: ClassVar[bool] = False  # True: running the same work again may succeed
    setting: str | None = None  # the setting (a Settings field) that decides this
    parameter: str | None = None  # the argument of the call that was refused

    def __init__(self, message: str = "", **data: Any) -> None:
        super().__init__(message)
        for name, value in data.items():
            if name not in _declared(type(self)):
                raise TypeError(f"{type(self).__name__} carries no {name!r}")
            setattr(self, name, value)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its data (Prefect moves a task's exception between processes)."""
        return (_restore, (type(self), self.args, dict(self.__dict__)))


def _declared(cls: type) -> set[str]:
    """The data attributes a class and its parents declare (not `transient`)."""
    names: set[str] = set()
    for klass in cls.__mro__:
        names |= {n for n in getattr(klass, "__annotations__", {}) if n != "transient"}
    return names


def data_of(error: SpacebriefError) -> dict[str, Any]:
    """The data an error carries, by name (every declared attribute, None when unset)."""
    return {name: getattr(error, name, None) for name in sorted(_declared(type(error)))}


def _restore(cls: type[SpacebriefError], args: tuple[Any, ...], state: dict[str, Any]) -> Any:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class ConfigurationError(SpacebriefError):
    """A setting is wrong: the message names it and the fix, never its value."""


class ServeError(SpacebriefError):
    """The local Prefect server `serve` starts would not start or answer."""

    port: int | None = None


def is_user_facing(error: BaseException) -> bool:
    """Whether `error` is told to a person as its one sentence rather than a traceback.

    Ours are, and so is an `OSError` naming a file (a missing folder, a permission, a full
    disk): the system's own sentence names the path. Everything else is a bug.
    """
    if isinstance(error, SpacebriefError):
        return True
    return isinstance(error, OSError) and error.filename is not None


def worth_retrying(error: BaseException) -> bool:
    """Whether running the same work again may succeed after a pause.

    Ours say so (`transient`); an `OSError` naming no file is the network or the system
    (a dropped connection, a timeout) and may pass; a path the system refused stays
    refused, and any other exception is a bug that fails the same way every time.
    """
    if isinstance(error, SpacebriefError):
        return error.transient
    return isinstance(error, OSError) and error.filename is None
