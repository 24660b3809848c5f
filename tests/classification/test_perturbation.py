"""Disclosure control of the output tables: the cell key method (no database)."""

from __future__ import annotations

import pytest

from seb.disclosure import (
    NOT_AVAILABLE,
    ShownCell,
    control,
    cover_statement,
    percentage_description,
    percentage_of,
    rule_description,
    shown_count,
    unrounded,
)
from seb.perturbation import RECORD_KEYS, KeyedCount, keyed_total, parameters, ptable


def cells(*counts: int, keys: int = 37) -> list[KeyedCount]:
    return [KeyedCount(count, count * keys + position) for position, count in enumerate(counts)]


@pytest.mark.parametrize("count", range(1, 10))
def test_no_count_from_1_to_9_is_published_as_itself_for_any_cell_key(count: int) -> None:
    for key in range(RECORD_KEYS):
        figure = shown_count(KeyedCount(count, key))
        assert figure == 0 or figure >= parameters().threshold


def test_an_empty_cell_is_published_as_0() -> None:
    assert all(shown_count(KeyedCount(0, key)) == 0 for key in range(RECORD_KEYS))


def test_a_count_is_published_as_itself_plus_the_ptables_change_for_its_cell_key() -> None:
    table = ptable()
    for count in (10, 14, 57, 750, 751, 12345):
        for key_sum in (0, 1, 255, 256, 1000, 99999):
            cell = KeyedCount(count, key_sum)
            assert shown_count(cell) == count + table.change(count, key_sum % RECORD_KEYS)
            assert abs(shown_count(cell) - count) <= parameters().max_deviation


def test_the_same_responses_give_the_same_figure_and_keys_change_it() -> None:
    """The figure depends only on the count and the cell key, so a set of responses is
    published alike everywhere; across cell keys a count is published several ways."""
    assert shown_count(KeyedCount(40, 1234)) == shown_count(KeyedCount(40, 1234 + RECORD_KEYS))
    assert len({shown_count(KeyedCount(40, key)) for key in range(RECORD_KEYS)}) > 3


def test_the_total_is_a_cell_of_its_own_and_percentages_are_of_published_figures() -> None:
    counts = cells(120, 37, 0, 15)
    total = keyed_total(counts)
    shown = control(counts, total)
    published_total = shown_count(total)
    assert shown.total == ShownCell(published_total, 100.0)
    for cell, shown_cell in zip(counts, shown.categories, strict=True):
        assert shown_cell.count == shown_count(cell)
        assert shown_cell.percentage == percentage_of(shown_count(cell), published_total)
    assert shown.categories[2] == ShownCell(0, 0.0)


def test_an_empty_table_has_no_percentages() -> None:
    shown = control(cells(0, 0), KeyedCount(0, 0))
    assert [cell.percentage for cell in shown.categories] == [NOT_AVAILABLE] * 2


def test_unrounded_figures_are_exact() -> None:
    shown = unrounded(cells(3, 12, 0), KeyedCount(15, 0))
    assert shown.controlled is False
    assert shown.categories == (ShownCell(3, 20.0), ShownCell(12, 80.0), ShownCell(0, 0.0))
    assert shown.total == ShownCell(15, 100.0)
    assert shown_count(KeyedCount(7, 3), controlled=False) == 7


def test_the_method_described_to_users_is_written_from_the_ptable() -> None:
    method = parameters()
    text = rule_description()
    assert f"No figure from 1 to {method.threshold - 1} is ever published" in text
    assert f"at most {method.max_deviation} either way" in text
    assert "A total is a cell of its own" in text
    assert f"at most {method.max_deviation} either way" in cover_statement(controlled=True)
    assert "published (perturbed) counts" in percentage_description(controlled=True)
