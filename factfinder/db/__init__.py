"""The case database: schema, migrations, and the small layer that holds engine differences."""

from factfinder.db.database import Database

__all__ = ["Database"]
