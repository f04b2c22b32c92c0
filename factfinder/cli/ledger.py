"""The claims ledger commands (being written; see issue 6).

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

import typer


def register(app: typer.Typer) -> None:
    """Add the ledger commands to the app (filled in by the ledger work)."""
