"""An attacker of the published tables: an integer programme over every figure published.

The attacker knows the method and the ptable (both published) but not the record
keys, so each published figure confines its cell to the true counts the ptable
could have published as it (an interval of counts, `preimages`). The unknowns are
the counts of each category in each finest cell of the selections (a day and a
mode: an "atom"); every selection's cell is a sum of atoms. A true count is
pinned when every solution of the whole system gives it the same value.

Proving a count is *not* pinned only needs one other solution with another value:
a walk over small changes that keep every published figure possible finds such
solutions for almost every count in seconds; the integer programme
(`scipy.optimize.milp`) settles the rest by minimising and maximising the count.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import csc_matrix, lil_matrix

from seb.perturbation import PTable

Cell = tuple[int, ...]  # the unknowns a published figure sums


def preimages(table: PTable, largest: int) -> dict[int, tuple[int, int]]:
    """Each figure the counts 0 to `largest` can be published as: the counts that can
    give it, as an interval (the test fails if one is not an interval)."""
    sources: dict[int, list[int]] = {}
    for count in range(largest + 1):
        for figure in table.figures(count):
            sources.setdefault(figure, []).append(count)
    intervals = {}
    for figure, counts in sources.items():
        assert counts == list(range(counts[0], counts[-1] + 1)), (figure, counts)
        intervals[figure] = (counts[0], counts[-1])
    return intervals


@dataclass
class System:
    """Unknowns (integer counts, at least 0) and linear constraints on them."""

    unknowns: int = 0
    rows: list[tuple[Cell, int, int]] = field(default_factory=list)  # sum(cell) in [lo, hi]
    equalities: list[tuple[Cell, Cell]] = field(default_factory=list)  # sum(a) == sum(b)

    def unknown(self) -> int:
        self.unknowns += 1
        return self.unknowns - 1

    def matrix(self) -> tuple[csc_matrix, np.ndarray, np.ndarray]:
        size = len(self.rows) + len(self.equalities)
        matrix = lil_matrix((size, self.unknowns))
        lower, upper = np.zeros(size), np.zeros(size)
        for number, (cell, lo, hi) in enumerate(self.rows):
            for unknown in cell:
                matrix[number, unknown] = 1
            lower[number], upper[number] = lo, hi
        for number, (left, right) in enumerate(self.equalities, start=len(self.rows)):
            for unknown in left:
                matrix[number, unknown] += 1
            for unknown in right:
                matrix[number, unknown] -= 1
        return csc_matrix(matrix), lower, upper


@dataclass(frozen=True)
class Verdict:
    targets: int
    pinned: list[Cell]
    undecided: list[Cell]  # neither unpinned nor proven pinned within the time limit
    by_walk: int
    by_programme: int


def attack(
    system: System,
    truth: np.ndarray,
    targets: Mapping[Cell, int],
    propose: Callable[[random.Random, np.ndarray], Sequence[tuple[int, int]]],
    *,
    seed: int = 0,
    steps: int = 300_000,
    time_limit: float = 5.0,
) -> Verdict:
    """Which `targets` (cells with their true counts) every solution pins.

    `propose` draws a small change (unknown, +1 or -1) to the current solution for
    the walk to try, each keeping the sums the system's equalities hold equal.
    """
    matrix, lower, upper = system.matrix()
    assert np.all(matrix @ truth >= lower) and np.all(matrix @ truth <= upper)
    columns = {
        unknown: (matrix[:, unknown].indices, matrix[:, unknown].data)
        for unknown in range(system.unknowns)
    }
    cells = list(targets)
    unknowns_of = [np.array(cell) for cell in cells]
    values = np.array([targets[cell] for cell in cells])
    moved = np.zeros(len(cells), bool)
    solution, sums = truth.copy(), matrix @ truth
    rng = random.Random(seed)
    for step in range(steps):
        move = propose(rng, solution)
        if any(solution[unknown] + change < 0 for unknown, change in move):
            continue
        delta = np.zeros_like(sums)
        for unknown, change in move:
            rows, data = columns[unknown]
            delta[rows] += change * data
        touched = delta != 0
        after = sums[touched] + delta[touched]
        if np.all(after >= lower[touched]) and np.all(after <= upper[touched]):
            sums += delta
            for unknown, change in move:
                solution[unknown] += change
        if step % 25 == 0:
            for number in np.nonzero(~moved)[0]:
                if solution[unknowns_of[number]].sum() != values[number]:
                    moved[number] = True
    left = [cells[number] for number in np.nonzero(~moved)[0]]
    integrality = np.ones(system.unknowns)
    bounds = Bounds(0, np.inf)
    pinned, undecided = [], []
    for cell in left:
        # Is there a solution with this count lower, or higher? The first that HiGHS finds
        # answers "yes"; only a proof that neither exists pins the count.
        row = np.zeros(system.unknowns)
        row[list(cell)] = 1
        proofs = []
        for lo, hi in ((0, targets[cell] - 1), (targets[cell] + 1, np.inf)):
            result = milp(
                np.zeros(system.unknowns),
                constraints=[
                    LinearConstraint(matrix, lower, upper),
                    LinearConstraint(row[np.newaxis, :], lo, hi),
                ],
                integrality=integrality,
                bounds=bounds,
                options={"time_limit": time_limit},
            )
            if result.x is not None:
                break
            proofs.append(result.status == 2)  # 2: proven infeasible
        else:
            (pinned if all(proofs) else undecided).append(cell)
    return Verdict(
        targets=len(cells),
        pinned=pinned,
        undecided=undecided,
        by_walk=len(cells) - len(left),
        by_programme=len(left),
    )
