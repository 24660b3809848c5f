"""Disclosure control for published counts: ONS's "10-5" practice, as output-tables.md.

Counts in, the cells to show out. The rule's parameters are the constants below,
and `rule_description` writes the rule out for users from those same constants,
so the notes of every page and workbook say exactly what this code does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

CONFIDENTIAL: Final = "[c]"
# The GSS symbol for "not available": a percentage of a total of zero.
NOT_AVAILABLE: Final = "[x]"
# The GSS symbol for "not applicable": a figure that has no meaning in its cell.
NOT_APPLICABLE: Final = "[z]"
SMALLEST_SHOWN: Final = 10
ROUNDING_BASE: Final = 5
DECIMAL_PLACES: Final = 1

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
    """Every count of 10 or more is rounded to the nearest 5 (halves up); 0 stays 0."""
    return ROUNDING_BASE * ((count + ROUNDING_BASE // 2) // ROUNDING_BASE)


def percentage_of(count: int, base: int) -> Percentage:
    """`count` as a percentage of `base`, to one decimal place, halves away from zero.

    Computed in integers, so 1 of 8 (12.5%) rounds the same way every time; a base
    of zero has no percentage ([x]).
    """
    if base <= 0:
        return NOT_AVAILABLE
    scale = 100 * 10**DECIMAL_PLACES
    tenths = (2 * scale * count + base) // (2 * base)
    return tenths / 10**DECIMAL_PLACES


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


def shown_count(count: int, *, controlled: bool = True) -> Count:
    """A single count as it may be shown: [c] from 1 to 9, otherwise rounded to 5."""
    if not controlled:
        return count
    return CONFIDENTIAL if is_primary_confidential(count) else rounded_count(count)


def control(counts: Sequence[int], total: int) -> ShownCounts:
    """Apply the 10-5 rule to a table's category counts and its total.

    Percentages are of the rounded counts over the rounded total, so no figure
    shown can give back an unrounded count.
    """
    confidential = {
        position for position, count in enumerate(counts) if is_primary_confidential(count)
    }
    secondary = secondary_suppression(counts, confidential)
    if secondary is not None:
        confidential.add(secondary)
    shown_total = shown_count(total)

    def percentage(count: Count) -> Percentage:
        if count == CONFIDENTIAL or shown_total == CONFIDENTIAL:
            return CONFIDENTIAL
        assert isinstance(count, int) and isinstance(shown_total, int)
        return percentage_of(count, shown_total)

    categories = tuple(
        ShownCell(CONFIDENTIAL, CONFIDENTIAL)
        if position in confidential
        else ShownCell(rounded_count(count), percentage(rounded_count(count)))
        for position, count in enumerate(counts)
    )
    return ShownCounts(
        categories=categories,
        total=ShownCell(shown_total, percentage(shown_total)),
        controlled=True,
    )


def unrounded(counts: Sequence[int], total: int) -> ShownCounts:
    """The exact counts, with percentages to one decimal place: no disclosure control."""
    return ShownCounts(
        categories=tuple(ShownCell(count, percentage_of(count, total)) for count in counts),
        total=ShownCell(total, percentage_of(total, total)),
        controlled=False,
    )


def shown(counts: Sequence[int], total: int, *, controlled: bool) -> ShownCounts:
    return control(counts, total) if controlled else unrounded(counts, total)


def rule_description() -> str:
    """The disclosure rule in words, written from the constants this module applies."""
    return (
        "Disclosure control has been applied (the ONS 10-5 practice): a count from 1 to "
        f"{SMALLEST_SHOWN - 1} is shown as {CONFIDENTIAL} (confidential); every other count, "
        f"totals included, is rounded to the nearest {ROUNDING_BASE} (0 stays 0); and when "
        f"a table has exactly one {CONFIDENTIAL} cell, the next smallest non-zero category "
        f"is also shown as {CONFIDENTIAL} (the first in table order when two are equally "
        "small), so the hidden value cannot be worked out from the total."
    )


def percentage_description(*, controlled: bool) -> str:
    """How the percentages shown were computed, in words."""
    places = "one decimal place" if DECIMAL_PLACES == 1 else f"{DECIMAL_PLACES} decimal places"
    if not controlled:
        return (
            f"Percentages are of the table’s total (its base), computed from the unrounded "
            f"counts and shown to {places}, so they may not add up to exactly 100. "
            f"{NOT_AVAILABLE} marks a percentage of a total of zero (not available)."
        )
    return (
        "Percentages are computed from the rounded counts over the rounded total, so that "
        f"no figure shown can reveal an unrounded count, and shown to {places} (halves "
        f"rounded away from zero). They need not add up to 100. A percentage is "
        f"{CONFIDENTIAL} wherever its count is, every percentage is {CONFIDENTIAL} when "
        f"the total is, and {NOT_AVAILABLE} marks a percentage of a total of zero (not "
        "available)."
    )


def unrounded_warning() -> str:
    return (
        "Disclosure control has NOT been applied: these are unrounded counts. They may "
        "identify people and must not be published or shared as they are."
    )


def cover_statement(*, controlled: bool) -> str:
    """One line for a cover sheet or a page: whether disclosure control was applied."""
    if not controlled:
        return (
            "NOT APPLIED. These are unrounded figures. They may identify people: do not "
            "publish or share them."
        )
    return (
        f"Applied: counts from 1 to {SMALLEST_SHOWN - 1} are shown as {CONFIDENTIAL} and other "
        f"counts are rounded to the nearest {ROUNDING_BASE}; percentages are of the rounded "
        "figures. See the notes."
    )
