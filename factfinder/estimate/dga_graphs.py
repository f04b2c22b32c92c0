"""Decomposable (chordal) graphs on a few labelled vertices, with their junction trees.

Each graph is a dependence structure between lists for :mod:`factfinder.estimate.dga`: an edge
between two lists lets them interact, and the graph's cliques are the log-linear generators.
Decomposable graphs are those without a chordless cycle of length four or more; there are 8 on
three vertices, 61 on four and 822 on five. They are generated (not stored) and cached.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

MAX_VERTICES = 6


@dataclass(frozen=True)
class Graph:
    """A decomposable graph: its edges, maximal cliques and junction-tree separators.

    Vertices are 0-based list indices. ``separators`` is the multiset of clique intersections on
    the edges of a junction tree (empty intersections, between connected components, dropped).
    """

    p: int
    edges: tuple[tuple[int, int], ...]
    cliques: tuple[tuple[int, ...], ...]
    separators: tuple[tuple[int, ...], ...]

    def name(self, lists: tuple[str, ...] | list[str]) -> str:
        """Log-linear generators beyond main effects: "L1:L2 + L2:L3"; "independence"."""
        terms = [":".join(lists[v] for v in c) for c in self.cliques if len(c) > 1]
        return " + ".join(terms) if terms else "independence"


def _adjacency(p: int, edges: tuple[tuple[int, int], ...]) -> list[set[int]]:
    adj: list[set[int]] = [set() for _ in range(p)]
    for a, b in edges:
        adj[a].add(b)
        adj[b].add(a)
    return adj


def _connected(vertices: tuple[int, ...], adj: list[set[int]]) -> bool:
    todo, seen = [vertices[0]], {vertices[0]}
    inside = set(vertices)
    while todo:
        v = todo.pop()
        for w in adj[v] & inside:
            if w not in seen:
                seen.add(w)
                todo.append(w)
    return len(seen) == len(vertices)


def is_decomposable(p: int, edges: tuple[tuple[int, int], ...]) -> bool:
    """True when no induced subgraph on four or more vertices is a cycle (chordless cycle)."""
    adj = _adjacency(p, edges)
    for size in range(4, p + 1):
        for sub in itertools.combinations(range(p), size):
            inside = set(sub)
            if all(len(adj[v] & inside) == 2 for v in sub) and _connected(sub, adj):
                return False
    return True


def _maximal_cliques(p: int, adj: list[set[int]]) -> list[tuple[int, ...]]:
    cliques: list[tuple[int, ...]] = []
    for size in range(p, 0, -1):
        for sub in itertools.combinations(range(p), size):
            if all(b in adj[a] for a, b in itertools.combinations(sub, 2)) and \
                    not any(set(sub) <= set(c) for c in cliques):
                cliques.append(sub)
    return sorted(cliques)


def _junction_separators(cliques: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
    """Separators of a junction tree: a maximum-weight spanning tree of the clique graph
    (weights = intersection sizes; for a chordal graph every such tree is a junction tree)."""
    m = len(cliques)
    pairs = sorted(((len(set(cliques[i]) & set(cliques[j])), i, j)
                    for i in range(m) for j in range(i + 1, m)), reverse=True)
    parent = list(range(m))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    separators = []
    for _, i, j in pairs:
        ri, rj = find(i), find(j)
        if ri == rj:
            continue
        parent[ri] = rj
        sep = tuple(sorted(set(cliques[i]) & set(cliques[j])))
        if sep:
            separators.append(sep)
    return sorted(separators)


@cache
def decomposable_graphs(p: int) -> tuple[Graph, ...]:
    """All decomposable graphs on ``p`` labelled vertices (independence first, then by the
    number of edges)."""
    if not 1 <= p <= MAX_VERTICES:
        raise ValueError(f"decomposable graphs are generated for 1 to {MAX_VERTICES} lists, "
                         f"not {p}")
    all_edges = list(itertools.combinations(range(p), 2))
    graphs = []
    for r in range(len(all_edges) + 1):
        for edges in itertools.combinations(all_edges, r):
            if not is_decomposable(p, edges):
                continue
            adj = _adjacency(p, edges)
            cliques = _maximal_cliques(p, adj)
            graphs.append(Graph(p, edges, tuple(cliques), tuple(_junction_separators(cliques))))
    return tuple(graphs)
