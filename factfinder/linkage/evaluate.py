"""Pairwise precision, recall and F1 against known truth (benchmarks and tests)."""

from __future__ import annotations

from collections.abc import Iterable

Pair = tuple[str, str, str, str]  # (left list, left id, right list, right id)


def canonical(pair: Pair) -> Pair:
    a, b = (pair[0], pair[1]), (pair[2], pair[3])
    return (*a, *b) if a <= b else (*b, *a)


def scores(predicted: Iterable[Pair], truth: Iterable[Pair]) -> dict[str, float]:
    """Precision, recall and F1 of predicted cross-list pairs (order inside a pair ignored)."""
    pred = {canonical(p) for p in predicted}
    true = {canonical(p) for p in truth}
    tp = len(pred & true)
    precision = tp / len(pred) if pred else 1.0
    recall = tp / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "true_positives": tp,
            "predicted": len(pred), "true": len(true)}


def cluster_pairs(clusters: Iterable[tuple[str, str, str]]) -> set[Pair]:
    """Cross-list pairs implied by (cluster_id, list, record_id) memberships."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for cid, lst, rid in clusters:
        groups.setdefault(cid, []).append((lst, rid))
    pairs: set[Pair] = set()
    for members in groups.values():
        members.sort()
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if a[0] != b[0]:
                    pairs.add((*a, *b))
    return pairs
