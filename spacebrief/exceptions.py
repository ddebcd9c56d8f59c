"""Every error spacebrief raises on purpose, in one tree.

Each is worded for the person at the keyboard: the message is one sentence saying what
went wrong and what to do, so the CLI prints it as `Error: <message>` and exits 1, with no
traceback. Anything outside this tree (a `ValueError`, a `TypeError`, a `KeyError`) is a
bug in spacebrief and keeps its traceback.

The folders define their exceptions next to their code and import this module, never
the other way round; the tree, with where each class lives and what to do about it:

    SpacebriefError                     spacebrief.exceptions: catch this for "any of ours"
    ├── ConfigurationError              flows.settings: fix the setting the message names
    ├── IngestError                     ingest.exceptions: fix the catalogue or --sources
    │   └── TargetRefused               ingest._fetch: that URL is not fetched (scheme, address)
    ├── ClassifierError                 classifiers.exceptions: fix the taxonomy, head or input
    │   └── MissingExtra                classifiers.extras: pip install the extra it names
    ├── DigestError                     digest.exceptions: fix the edition's date, days or files
    ├── AlertsError                     alerts.exceptions: what the message says
    │   ├── SlackConfigurationError     fix the token, webhook or channel; alerts stay pending
    │   ├── RateLimited                 [transient] Slack asked us to wait: run again later
    │   ├── DeliveryUncertain           [transient] checked against Slack before any re-post
    │   ├── MessageRejected             Slack refuses this message as is: a retry will not help
    │   ├── ReconcileFailed             [transient] could not check an earlier post: run again
    │   ├── AlertsNotDelivered          [transient] flows.pipeline: some alerts stay pending
    │   └── EmailError                  the edition could not be e-mailed
    │       ├── EmailConfigurationError fix the SMTP or address setting the message names
    │       ├── EmailUnreachable        [transient] the mail server is away: run again later
    │       └── RecipientRefused        the server refuses one recipient; the others go out
    ├── WarehouseError                  warehouse.exceptions: the DuckDB file, or SQL it ran
    │   ├── WarehouseLocked             [transient] another process holds the file: wait
    │   ├── WarehouseDamaged            restore the file from a backup, or move it aside
    │   ├── QueryError                  fix the SQL you gave `spacebrief query`
    │   └── RuleQueryError              warehouse.rule_query: fix the watch rule's query
    ├── ServeError                      flows.serve: the local Prefect server would not start
    └── WebError                        web.exceptions: the reading room's address or port

`[transient]` classes set `transient = True`: the same work may succeed when run again
(the flows' retries use `worth_retrying`, the ledgers make a repeat safe); every other
class of the tree is a mistake a person must fix first, and no retry is spent on it.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = ["SpacebriefError", "is_user_facing", "worth_retrying"]


class SpacebriefError(Exception):
    """Something spacebrief could not do as asked; the message says why and what to do."""

    transient: ClassVar[bool] = False  # True: running the same work again may succeed


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
