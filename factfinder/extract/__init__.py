"""Extraction: mentions, dates, numeric claims, quotations and events, each pointing at its span."""
