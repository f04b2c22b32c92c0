"""factfinder: sourced, searchable case databases for documenting human-rights violations."""

__version__ = "0.1.0"
