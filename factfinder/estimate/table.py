"""Capture-pattern tables: one 0/1 column per list and a count of people with that pattern.

The all-zero pattern is what we estimate, so it may not appear in the input. Patterns absent
from a file are zero cells and take part in every fit: :meth:`CaptureTable.patterns` always
lists all 2^k − 1 observable patterns.
"""

from __future__ import annotations

import csv
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

MAX_LISTS = 12


class TableError(ValueError):
    """A capture table that cannot be read; the message says which row and why."""


@dataclass(frozen=True)
class CaptureTable:
    """Counts of people by capture pattern over ``lists`` (in column order)."""

    lists: tuple[str, ...]
    counts: Mapping[tuple[int, ...], int]   # observable patterns only; absent → 0

    def __post_init__(self) -> None:
        k = len(self.lists)
        if k < 2:
            raise TableError(f"estimation needs at least two lists, got {k}")
        if k > MAX_LISTS:
            raise TableError(f"at most {MAX_LISTS} lists are supported, got {k}")
        if len(set(self.lists)) != k:
            raise TableError(f"list names repeat: {', '.join(self.lists)}")
        for pattern, n in self.counts.items():
            if len(pattern) != k or any(v not in (0, 1) for v in pattern):
                raise TableError(f"pattern {pattern} is not {k} zeros and ones")
            if not any(pattern):
                raise TableError("the all-zero pattern is the unknown to estimate; "
                                 "it must not appear in the table")
            if n < 0:
                raise TableError(f"negative count {n} for pattern {pattern}")

    @property
    def k(self) -> int:
        return len(self.lists)

    def patterns(self) -> list[tuple[int, ...]]:
        """All 2^k − 1 observable patterns, in a fixed order (binary counting, list 1 first)."""
        return [p for p in itertools.product((0, 1), repeat=self.k) if any(p)]

    def design(self) -> np.ndarray:
        """The patterns as a (2^k − 1) × k matrix of 0/1."""
        return np.array(self.patterns(), dtype=float)

    def vector(self) -> np.ndarray:
        """Counts in the order of :meth:`patterns`, zero cells included."""
        return np.array([self.counts.get(p, 0) for p in self.patterns()], dtype=float)

    @property
    def observed(self) -> int:
        return int(sum(self.counts.values()))

    def list_totals(self) -> dict[str, int]:
        return {name: int(sum(n for p, n in self.counts.items() if p[i]))
                for i, name in enumerate(self.lists)}

    def subset(self, names: Sequence[str]) -> CaptureTable:
        """The table collapsed onto some of its lists (people on none of them drop out)."""
        idx = [self.lists.index(n) for n in names]
        out: dict[tuple[int, ...], int] = {}
        for p, n in self.counts.items():
            q = tuple(p[i] for i in idx)
            if any(q):
                out[q] = out.get(q, 0) + n
        return CaptureTable(tuple(names), out)

    @classmethod
    def from_csv(cls, path: str | Path, count_column: str = "count") -> CaptureTable:
        """Read a table; rows with the same pattern are added up."""
        path = Path(path)
        try:
            fh = path.open(newline="", encoding="utf-8-sig")
        except OSError as exc:
            raise TableError(f"{path}: cannot open: {exc.strerror or exc}") from exc
        with fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in (reader.fieldnames or [])]
            if count_column not in header:
                raise TableError(f"{path}: no {count_column!r} column (columns: "
                                 f"{', '.join(header) or 'none'})")
            lists = tuple(h for h in header if h != count_column)
            counts: dict[tuple[int, ...], int] = {}
            for lineno, raw in enumerate(reader, start=2):
                row = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
                if not any(row.values()):
                    continue
                try:
                    pattern = tuple(int(row[name]) for name in lists)
                    n = int(float(row[count_column]))
                except (TypeError, ValueError) as exc:
                    raise TableError(f"{path}:{lineno}: not a 0/1 pattern and a whole count: "
                                     f"{raw}") from exc
                if any(v not in (0, 1) for v in pattern):
                    raise TableError(f"{path}:{lineno}: list columns must be 0 or 1: {raw}")
                if not any(pattern):
                    if n == 0:
                        continue
                    raise TableError(f"{path}:{lineno}: the all-zero row is the unknown to "
                                     "estimate and must not appear")
                if n < 0:
                    raise TableError(f"{path}:{lineno}: negative count {n}")
                counts[pattern] = counts.get(pattern, 0) + n
        try:
            return cls(lists, counts)
        except TableError as exc:
            raise TableError(f"{path}: {exc}") from exc

    @classmethod
    def from_memberships(cls, lists: Sequence[str],
                         people: Iterable[Iterable[str]]) -> CaptureTable:
        """Build a table from each person's set of lists (e.g. linkage clusters)."""
        index = {name: i for i, name in enumerate(lists)}
        counts: dict[tuple[int, ...], int] = {}
        for member_of in people:
            pattern = [0] * len(lists)
            for name in member_of:
                if name in index:
                    pattern[index[name]] = 1
            if any(pattern):
                key = tuple(pattern)
                counts[key] = counts.get(key, 0) + 1
        return cls(tuple(lists), counts)

    def to_rows(self) -> list[dict[str, int]]:
        rows = []
        for p in self.patterns():
            row = dict(zip(self.lists, p, strict=True))
            row["count"] = self.counts.get(p, 0)
            rows.append(row)
        return rows
