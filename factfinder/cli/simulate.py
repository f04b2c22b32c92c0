"""The ``simulate`` command (being written; see issue 5).

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

import typer


def register(app: typer.Typer) -> None:
    """Add the command to the app (filled in by the estimation work)."""
