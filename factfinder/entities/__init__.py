"""Entities: the people, organisations and places the mentions name.

``resolve_entities`` (``factfinder.entities.resolve``) turns the extracted mentions into
entities with stable ids; ``factfinder.entities.actions`` records the analysts' decisions
(merge, split, not-same, rename), which always win over the algorithm and survive
re-extraction; ``factfinder.entities.query`` reads them back. See docs/entities.md.
"""
