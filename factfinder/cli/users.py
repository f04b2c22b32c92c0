"""The ``users`` commands (being written; see issue 7).

No ``from __future__ import annotations`` here: Typer reads the option annotations at run time.
"""

import typer


def register(app: typer.Typer) -> None:
    """Add the users commands to the app (filled in by the web-access work)."""
