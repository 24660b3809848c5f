"""Disclosure control for published counts: ONS's "10-5" practice, as output-tables.md.

Pure domain code: counts in, the cells to show out.

- a count from 1 to 9 is shown as `[c]` (the GSS symbol for confidential);
- every other count is rounded to the nearest 5 (0 stays 0);
- percentages are computed from unrounded counts, shown to one decimal place,
  and shown as `[c]` wherever their count is;
- when a table has exactly one `[c]` cell, the next smallest non-zero category
  is also shown as `[c]` (the first in table order when two are equally small);
- `Total` is rounded like any other count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

CONFIDENTIAL: Final = "[c]"
# The GSS symbol for "not applicable": a percentage of a base of zero.
NOT_APPLICABLE: Final = "[z]"
SMALLEST_SHOWN: Final = 10
ROUNDING_BASE: Final = 5

Count = int | str
Percentage = float | str


@dataclass(frozen=True, slots=True)
class ShownCell:
    """One count and its percentage, as shown: numbers, or a GSS symbol as text."""

    count: Count
    percentage: Percentage


@dataclass(frozen=True, slots=True)
class ShownCounts:
    """A table's categories (in table order) and its total, as shown."""

    categories: tuple[ShownCell, ...]
    total: ShownCell
    controlled: bool


def is_primary_confidential(count: int) -> bool:
    """A count from 1 to 9 is shown as [c]."""
    return 0 < count < SMALLEST_SHOWN


def rounded_count(count: int) -> int:
    """Every count of 10 or more is rounded to the nearest 5; 0 stays 0."""
    return ROUNDING_BASE * ((count + ROUNDING_BASE // 2) // ROUNDING_BASE)


def percentage_of(count: int, base: int) -> Percentage:
    """`count` as a percentage of `base`, to one decimal place, halves rounded up.

    Computed in integers, so 2 of 16 (12.5%) and 1 of 8 round the same way every
    time; a base of zero has no percentage ([z]).
    """
    if base <= 0:
        return NOT_APPLICABLE
    tenths = (2 * 1000 * count + base) // (2 * base)
    return tenths / 10


def secondary_suppression(counts: Sequence[int], confidential: set[int]) -> int | None:
    """The category also shown as [c] when exactly one category is [c].

    The next smallest non-zero category, the first in table order when two are
    equally small; None when the rule does not apply or no such category exists.
    """
    if len(confidential) != 1:
        return None
    candidates = [
        (count, position)
        for position, count in enumerate(counts)
        if count > 0 and position not in confidential
    ]
    if not candidates:
        return None
    return min(candidates)[1]


def control(counts: Sequence[int], total: int) -> ShownCounts:
    """Apply the 10-5 rule to a table's category counts and its total."""
    confidential = {
        position for position, count in enumerate(counts) if is_primary_confidential(count)
    }
    secondary = secondary_suppression(counts, confidential)
    if secondary is not None:
        confidential.add(secondary)
    categories = tuple(
        ShownCell(CONFIDENTIAL, CONFIDENTIAL)
        if position in confidential
        else ShownCell(rounded_count(count), percentage_of(count, total))
        for position, count in enumerate(counts)
    )
    shown_total = (
        ShownCell(CONFIDENTIAL, CONFIDENTIAL)
        if is_primary_confidential(total)
        else ShownCell(rounded_count(total), percentage_of(total, total))
    )
    return ShownCounts(categories=categories, total=shown_total, controlled=True)


def unrounded(counts: Sequence[int], total: int) -> ShownCounts:
    """The exact counts, with percentages to one decimal place: no disclosure control."""
    return ShownCounts(
        categories=tuple(ShownCell(count, percentage_of(count, total)) for count in counts),
        total=ShownCell(total, percentage_of(total, total)),
        controlled=False,
    )


def shown_count(count: int, *, controlled: bool = True) -> Count:
    """A single count (for example in a note) as it may be shown."""
    if not controlled:
        return count
    return CONFIDENTIAL if is_primary_confidential(count) else rounded_count(count)
