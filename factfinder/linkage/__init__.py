"""Victim-list linkage: read lists (CSV/XLSX), link them with Splink and our name comparators,
store the scored pairs and clusters in the case database for estimation.

    from factfinder.linkage import read_list, link
    result = link([read_list("a.csv"), read_list("b.csv")])
    result.pairs     # left_list, left_id, right_list, right_id, score
    result.clusters  # cluster_id, list, record_id

See docs/linkage.md.
"""

from __future__ import annotations

from factfinder.linkage.engine import BackendError, LinkOptions, LinkResult, features, link_frames
from factfinder.linkage.lists import ListData, ListError, from_frame, parse_map, read_list


def link(lists: list[ListData], options: LinkOptions | None = None,
         explain: bool = False) -> LinkResult:
    """Link two or more lists (distinct names); every record ends up in one cluster."""
    names = [d.name for d in lists]
    if len(set(names)) != len(names) or len(names) < 2:
        raise ListError(f"need two or more lists with distinct names, got {names}")
    frames = {d.name: features(d.name, d.records) for d in lists}
    return link_frames(frames, options, explain)


__all__ = ["BackendError", "LinkOptions", "LinkResult", "ListData", "ListError", "from_frame",
           "link", "parse_map", "read_list"]
