"""Disclosure control for published counts: the cell key method, as output-tables.md.

True counts, each with its cell key, in; the figures to show out. Every count is
published as itself plus the change the ptable gives for (count, cell key)
(`seb.perturbation`); `rule_description` and `cover_statement` write the method
out for users from the parameters measured from that same ptable, so the notes of
every page and workbook say exactly what this code does.

The ONS "10-5" rule (a count from 1 to 9 as [c], others rounded to 5) is kept for
one use only: a fieldwork rates file that a survey's staff ask for in a form meant
for publication (`ten_five_count`), whose figures are not tables of responses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from .perturbation import KeyedCount, parameters, ptable

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
    """Under the 10-5 rule, a count from 1 to 9 is shown as [c]."""
    return 0 < count < SMALLEST_SHOWN


def rounded_count(count: int) -> int:
    """Under the 10-5 rule, a count of 10 or more is rounded to the nearest 5 (halves up)."""
    return ROUNDING_BASE * ((count + ROUNDING_BASE // 2) // ROUNDING_BASE)


def ten_five_count(count: int) -> Count:
    """A single count under the 10-5 rule: [c] from 1 to 9, otherwise rounded to 5."""
    return CONFIDENTIAL if is_primary_confidential(count) else rounded_count(count)


def operational_count(count: int, *, controlled: bool) -> Count:
    """A fieldwork figure: exact for the survey's staff; under the 10-5 rule in a file
    asked for in the form meant for publication."""
    return ten_five_count(count) if controlled else count


def operational_statement() -> str:
    """What the fieldwork pages' exact figures are, for the survey's staff who see them."""
    return (
        "Operational figures: exact counts for the survey team, who work its cases one "
        "by one. They are not statistics for publication; the response rates file can be "
        "downloaded in a form meant for publication, where "
        + ten_five_description()[0].lower()
        + ten_five_description()[1:]
    )


def ten_five_description() -> str:
    """The 10-5 rule in words, written from the constants this module applies."""
    return (
        f"Disclosure control (the ONS 10-5 rule): a count from 1 to {SMALLEST_SHOWN - 1} is "
        f"shown as {CONFIDENTIAL} (confidential) and every other count is rounded to the "
        f"nearest {ROUNDING_BASE} (0 stays 0)."
    )


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


def ten_five_control(counts: Sequence[int], total: int) -> ShownCounts:
    """Apply the 10-5 rule to a table's category counts and its total (operational
    figures published on their own, never the output tables).

    Percentages are of the rounded counts over the rounded total, so no figure
    shown can give back an unrounded count.
    """
    confidential = {
        position for position, count in enumerate(counts) if is_primary_confidential(count)
    }
    secondary = secondary_suppression(counts, confidential)
    if secondary is not None:
        confidential.add(secondary)
    shown_total = ten_five_count(total)

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


def published_count(cell: KeyedCount) -> int:
    """The figure published for one cell: its count plus the ptable's change."""
    return ptable().published(cell)


def shown_count(cell: KeyedCount, *, controlled: bool = True) -> int:
    """A single count as it may be shown: perturbed, or exact when not `controlled`."""
    return published_count(cell) if controlled else cell.count


def control(counts: Sequence[KeyedCount], total: KeyedCount) -> ShownCounts:
    """Perturb a table's category counts and its total, each a cell of its own.

    Percentages are of the published counts over the published total, so no figure
    shown gives back more than the published counts do.
    """
    shown_total = published_count(total)
    categories = tuple(
        ShownCell(figure, percentage_of(figure, shown_total))
        for figure in (published_count(cell) for cell in counts)
    )
    return ShownCounts(
        categories=categories,
        total=ShownCell(shown_total, percentage_of(shown_total, shown_total)),
        controlled=True,
    )


def unrounded(counts: Sequence[KeyedCount], total: KeyedCount) -> ShownCounts:
    """The exact counts, with percentages to one decimal place: no disclosure control."""
    return ShownCounts(
        categories=tuple(
            ShownCell(cell.count, percentage_of(cell.count, total.count)) for cell in counts
        ),
        total=ShownCell(total.count, percentage_of(total.count, total.count)),
        controlled=False,
    )


def shown(counts: Sequence[KeyedCount], total: KeyedCount, *, controlled: bool) -> ShownCounts:
    return control(counts, total) if controlled else unrounded(counts, total)


def rule_description() -> str:
    """The disclosure method in words, written from the ptable's own parameters."""
    method = parameters()
    return (
        "Disclosure control has been applied (the cell key method, as ONS used for the "
        "2021 Census): every count, totals included, is its true count plus a small change "
        "read from a published perturbation table for that count and a key that only the "
        "responses counted determine, so the same responses always give the same figure, "
        "in any table or selection. No figure from 1 to "
        f"{method.threshold - 1} is ever published: a count below {method.threshold} is "
        f"published as 0 or as a figure from {method.threshold} to "
        f"{method.threshold + method.max_deviation}, so a 0 does not mean that nobody "
        "answered so; an empty cell is always 0. Other counts move by at most "
        f"{method.max_deviation} either way (variance {method.variance:.2f}; on average "
        f"{method.mean_absolute_change:.2f}). A total is a cell of its own: it need not "
        "equal the sum of the figures above it."
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
        "Percentages are computed from the published (perturbed) counts over the published "
        f"total, so that no figure shown reveals a true count, and shown to {places} "
        "(halves rounded away from zero). They need not add up to 100, and one may pass "
        f"100 where a category holds nearly everyone. {NOT_AVAILABLE} marks a percentage "
        "of a total of zero (not available)."
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
    method = parameters()
    return (
        "Applied (cell key perturbation): each count is its true count plus a change of at "
        f"most {method.max_deviation} either way (variance {method.variance:.2f}); no figure "
        f"from 1 to {method.threshold - 1} is published; percentages are of the published "
        "figures. See the notes."
    )
