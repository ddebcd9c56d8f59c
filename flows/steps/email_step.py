"""The e-mail step: `Spacebrief.email_edition`, once per recipient across crashes."""

from __future__ import annotations

from spacebrief import EditionSummary, EmailSummary, Settings, Warehouse
from spacebrief.flows.steps import handle

__all__ = ["EmailSummary", "send_edition"]


def send_edition(warehouse: Warehouse, settings: Settings, edition: EditionSummary) -> EmailSummary:
    """E-mail a written edition to each configured recipient that does not have it yet."""
    return handle(warehouse, settings).email_edition(edition)
