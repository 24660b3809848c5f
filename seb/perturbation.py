"""The cell key method: every published count is its true count plus a change read
from the perturbation table (the "ptable") for that count and the cell's key.

Each response carries a random record key from 0 to RECORD_KEYS - 1; a cell's key
is the sum of its responses' record keys modulo RECORD_KEYS. So the same set of
responses always gives the same published figure, whichever table, selection or
request reached it, and asking again gives nothing new. The ptable is a data file
in the format of the ONS `cell-key-perturbation` package (`pcv`, `ckey`, `pvalue`),
made by `fixtures/ptable/make_ptable.py`; this module reads it as that package
does and measures from it the parameters the notes publish (threshold, maximum
deviation, variance), so the words can never drift from the table.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Final

RECORD_KEYS: Final = 256
PTABLE_PATH: Final = (
    Path(__file__).resolve().parent.parent / "fixtures" / "ptable" / "seb_ptable.csv"
)
# The ONS package's lookup: a count above LAST_ROW uses the row REPEAT_FROM to
# LAST_ROW it falls on, every REPEAT_PERIOD.
LAST_ROW: Final = 750
REPEAT_FROM: Final = 501
REPEAT_PERIOD: Final = LAST_ROW - REPEAT_FROM + 1


@dataclass(frozen=True, slots=True)
class KeyedCount:
    """A true count and the sum of its responses' record keys."""

    count: int
    key_sum: int = 0

    @property
    def cell_key(self) -> int:
        return self.key_sum % RECORD_KEYS

    def __add__(self, other: KeyedCount) -> KeyedCount:
        return KeyedCount(self.count + other.count, self.key_sum + other.key_sum)


def keyed_total(counts: Iterable[KeyedCount]) -> KeyedCount:
    total = KeyedCount(0, 0)
    for count in counts:
        total = total + count
    return total


def ptable_row(count: int) -> int:
    """The ptable row (`pcv`) a count reads, as the ONS package chooses it."""
    if count <= LAST_ROW:
        return count
    return (count - 1) % REPEAT_PERIOD + REPEAT_FROM


@dataclass(frozen=True, slots=True)
class PTable:
    """Changes by row (pcv, from 1) and cell key: `changes[pcv - 1][ckey]`."""

    changes: tuple[tuple[int, ...], ...]

    def change(self, count: int, cell_key: int) -> int:
        if count <= 0:
            return 0
        return self.changes[ptable_row(count) - 1][cell_key % RECORD_KEYS]

    def published(self, cell: KeyedCount) -> int:
        """The figure published for a cell: its count plus the ptable's change."""
        return cell.count + self.change(cell.count, cell.cell_key)

    def figures(self, count: int) -> dict[int, int]:
        """Each figure `count` can be published as, and for how many cell keys."""
        if count <= 0:
            return {0: RECORD_KEYS}
        shown: dict[int, int] = {}
        for change in self.changes[ptable_row(count) - 1]:
            shown[count + change] = shown.get(count + change, 0) + 1
        return shown

    @property
    def threshold(self) -> int:
        """The smallest non-zero figure any count is published as."""
        return min(
            count + change
            for count, row in enumerate(self.changes, start=1)
            for change in row
            if count + change > 0
        )

    @property
    def max_deviation(self) -> int:
        """The largest change to a count at or above the threshold (D)."""
        threshold = self.threshold
        return max(
            abs(change)
            for count, row in enumerate(self.changes, start=1)
            if count >= threshold
            for change in row
        )

    def variance(self, count: int) -> float:
        """The variance of the change made to `count` (V for counts clear of the threshold)."""
        row = self.changes[ptable_row(count) - 1]
        return sum(change * change for change in row) / RECORD_KEYS

    def mean_absolute_change(self, count: int) -> float:
        row = self.changes[ptable_row(count) - 1]
        return sum(abs(change) for change in row) / RECORD_KEYS

    @property
    def clear_of_threshold(self) -> int:
        """The smallest count whose changes are the full, symmetric -D to +D."""
        return self.threshold + self.max_deviation


def read_ptable(path: Path) -> PTable:
    """A ptable CSV (`pcv`, `ckey`, `pvalue`) with every row from 1 to LAST_ROW complete."""
    rows: dict[int, dict[int, int]] = {}
    with path.open(newline="") as handle:
        for record in csv.DictReader(handle):
            rows.setdefault(int(record["pcv"]), {})[int(record["ckey"])] = int(record["pvalue"])
    if sorted(rows) != list(range(1, LAST_ROW + 1)):
        raise ValueError(f"{path.name}: rows 1 to {LAST_ROW} are needed")
    changes = []
    for count in range(1, LAST_ROW + 1):
        keys = rows[count]
        if sorted(keys) != list(range(RECORD_KEYS)):
            raise ValueError(f"{path.name}: row {count} needs cell keys 0 to {RECORD_KEYS - 1}")
        changes.append(tuple(keys[key] for key in range(RECORD_KEYS)))
    return PTable(tuple(changes))


@cache
def ptable() -> PTable:
    """The project's ptable."""
    return read_ptable(PTABLE_PATH)


@dataclass(frozen=True, slots=True)
class Parameters:
    """What the notes publish about the method: measured from the ptable itself."""

    threshold: int
    max_deviation: int
    variance: float
    mean_absolute_change: float


@cache
def parameters() -> Parameters:
    table = ptable()
    clear = table.clear_of_threshold
    return Parameters(
        threshold=table.threshold,
        max_deviation=table.max_deviation,
        variance=table.variance(clear),
        mean_absolute_change=table.mean_absolute_change(clear),
    )
