"""The 10-5 rule, kept for fieldwork figures in the form meant for publication (the
rates file); the output tables use the cell key method (test_perturbation.py)."""

from __future__ import annotations

import pytest

from seb import disclosure
from seb.disclosure import (
    CONFIDENTIAL,
    NOT_AVAILABLE,
    ShownCell,
    operational_count,
    percentage_of,
    rounded_count,
    ten_five_control,
    ten_five_description,
)

C = CONFIDENTIAL


def counts_of(counts: list[int]) -> list[int | str]:
    return [cell.count for cell in ten_five_control(counts, sum(counts)).categories]


@pytest.mark.parametrize("count", range(1, 10))
def test_a_count_from_1_to_9_is_shown_as_c(count: int) -> None:
    """Counts 1 to 9 are [c], and so are their percentages."""
    shown = ten_five_control([count, 100, 200], count + 300)
    assert shown.categories[0] == ShownCell(C, C)


@pytest.mark.parametrize(
    ("count", "rounded"),
    [(10, 10), (11, 10), (12, 10), (13, 15), (14, 15), (15, 15), (17, 15), (18, 20), (1234, 1235)],
)
def test_every_other_count_is_rounded_to_the_nearest_5(count: int, rounded: int) -> None:
    """Counts of 10 or more go to the nearest multiple of 5."""
    assert rounded_count(count) == rounded
    assert counts_of([count, 500])[0] == rounded


def test_zero_stays_zero() -> None:
    """A zero count is shown as 0, with a percentage of 0.0, and is not confidential."""
    shown = ten_five_control([0, 40, 60], 100)
    assert shown.categories[0] == ShownCell(0, 0.0)


def test_percentages_are_computed_from_the_rounded_counts_over_the_rounded_total() -> None:
    """12 of 37 is published as 10 of 35: 28.6%, never the 32.4% that gives 12 back."""
    shown = ten_five_control([12, 25], 37)
    assert shown.categories[0] == ShownCell(10, 28.6)
    assert shown.categories[1] == ShownCell(25, 71.4)
    assert shown.total == ShownCell(35, 100.0)


def test_a_published_percentage_cannot_give_back_an_unrounded_count() -> None:
    """17.8% of 409 could only be 73; the published 18.3% is 75 of 410, as shown."""
    shown = ten_five_control([73, 336], 409)
    assert shown.categories[0] == ShownCell(75, 18.3)
    assert shown.total == ShownCell(410, 100.0)


def test_every_percentage_is_c_when_the_total_is() -> None:
    """A total of 1 to 9 is [c], and so is every percentage, zeros included."""
    shown = ten_five_control([0, 6], 6)
    assert shown.total == ShownCell(C, C)
    assert [cell.percentage for cell in shown.categories] == [C, C]


@pytest.mark.parametrize(
    ("count", "base", "percentage"),
    [(1, 3, 33.3), (2, 3, 66.7), (1, 8, 12.5), (1, 16, 6.3), (1, 80, 1.3), (5, 5, 100.0)],
)
def test_percentages_are_shown_to_one_decimal_place_halves_up(
    count: int, base: int, percentage: float
) -> None:
    """Percentages have one decimal place; an exact half rounds up."""
    assert percentage_of(count, base) == percentage


def test_a_percentage_is_c_wherever_its_count_is() -> None:
    """No [c] count has a visible percentage."""
    shown = ten_five_control([3, 5, 50, 60], 118)
    for cell in shown.categories:
        assert (cell.count == C) == (cell.percentage == C)


def test_exactly_one_c_cell_also_hides_the_next_smallest_non_zero_category() -> None:
    """With one [c], the smallest other non-zero category is [c] too."""
    assert counts_of([40, 4, 0, 25, 31]) == [40, C, 0, C, 30]


def test_the_secondary_cell_is_the_first_in_table_order_when_two_are_equally_small() -> None:
    """A tie for next smallest hides the one that comes first in the table."""
    assert counts_of([50, 22, 3, 22]) == [50, C, C, 20]
    assert counts_of([22, 50, 22, 3]) == [C, 50, 20, C]


def test_the_secondary_cell_is_chosen_by_unrounded_count() -> None:
    """21 and 22 both round to 20; the smaller unrounded one is hidden."""
    assert counts_of([22, 21, 6]) == [20, C, C]


def test_two_or_more_c_cells_need_no_secondary_suppression() -> None:
    """When two cells are already [c], nothing else is hidden."""
    assert counts_of([3, 4, 12, 40]) == [C, C, 10, 40]


def test_zero_categories_are_never_the_secondary_cell() -> None:
    """The next smallest *non-zero* category is hidden, never a zero."""
    assert counts_of([0, 5, 0, 13, 27]) == [0, C, 0, C, 25]


def test_no_secondary_cell_when_no_other_category_is_non_zero() -> None:
    """With one non-zero category there is nothing else to hide."""
    assert counts_of([0, 7, 0]) == [0, C, 0]


def test_total_is_rounded_like_any_other_count() -> None:
    """The Total row is rounded to 5, or [c] from 1 to 9; its percentage is 100.0."""
    assert ten_five_control([600, 634], 1234).total == ShownCell(1235, 100.0)
    assert ten_five_control([4, 3], 7).total == ShownCell(C, C)
    assert ten_five_control([0, 0], 0).total == ShownCell(0, NOT_AVAILABLE)


def test_a_percentage_of_a_zero_base_is_not_available() -> None:
    """An empty table has no percentages: [x]."""
    shown = ten_five_control([0, 0, 0], 0)
    assert [cell.percentage for cell in shown.categories] == [NOT_AVAILABLE] * 3


def test_a_single_fieldwork_count_follows_the_rule_only_when_asked() -> None:
    """Staff see fieldwork figures exact; the form meant for publication applies the rule."""
    assert operational_count(7, controlled=True) == C
    assert operational_count(23, controlled=True) == 25
    assert operational_count(23, controlled=False) == 23


def test_the_rule_described_is_written_from_the_rule_itself(monkeypatch) -> None:
    """Change the rule's constants and its description changes with them."""
    assert "a count from 1 to 9 is shown as [c]" in ten_five_description()
    assert "rounded to the nearest 5" in ten_five_description()
    monkeypatch.setattr(disclosure, "SMALLEST_SHOWN", 20)
    monkeypatch.setattr(disclosure, "ROUNDING_BASE", 10)
    assert "a count from 1 to 19 is shown as [c]" in ten_five_description()
    assert "rounded to the nearest 10" in ten_five_description()
