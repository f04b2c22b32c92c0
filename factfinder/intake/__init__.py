"""Evidence intake: reading originals, splitting archive pages, normalising text."""
