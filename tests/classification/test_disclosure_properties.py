"""Properties of disclosure control over any table (Hypothesis generates the tables)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from seb.disclosure import (
    CONFIDENTIAL,
    NOT_AVAILABLE,
    control,
    percentage_of,
    rounded_count,
    ten_five_control,
)
from seb.perturbation import KeyedCount, keyed_total, parameters

counts_lists = st.lists(st.integers(min_value=0, max_value=5_000), min_size=1, max_size=8)
tables = st.lists(
    st.builds(KeyedCount, st.integers(min_value=0, max_value=5_000), st.integers(0, 10**6)),
    min_size=1,
    max_size=8,
)


@settings(max_examples=500, deadline=None)
@given(tables)
def test_every_published_percentage_is_the_one_computed_from_the_published_counts(
    counts: list[KeyedCount],
) -> None:
    """Whatever the table, each published percentage is its published count over the
    published total, so a percentage never tells more than the counts shown."""
    shown = control(counts, keyed_total(counts))
    total = shown.total.count
    for cell in (*shown.categories, shown.total):
        assert isinstance(cell.count, int) and isinstance(total, int)
        if total == 0:
            assert cell.percentage == NOT_AVAILABLE
        else:
            assert cell.percentage == percentage_of(cell.count, total)


@settings(max_examples=500, deadline=None)
@given(tables)
def test_no_published_count_is_between_1_and_9_nor_far_from_its_count(
    counts: list[KeyedCount],
) -> None:
    method = parameters()
    shown = control(counts, keyed_total(counts))
    for true, cell in zip(
        (*counts, keyed_total(counts)), (*shown.categories, shown.total), strict=True
    ):
        assert isinstance(cell.count, int)
        assert cell.count == 0 or cell.count >= method.threshold
        assert (cell.count == 0) if true.count == 0 else True
        if true.count >= method.threshold:
            assert abs(cell.count - true.count) <= method.max_deviation


@settings(max_examples=500, deadline=None)
@given(counts_lists)
def test_under_the_10_5_rule_a_single_c_is_never_left_alone(counts: list[int]) -> None:
    shown = ten_five_control(counts, sum(counts))
    hidden = [i for i, cell in enumerate(shown.categories) if cell.count == CONFIDENTIAL]
    others = [i for i, count in enumerate(counts) if count > 0 and i not in hidden]
    assert len(hidden) != 1 or not others


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=10, max_value=10**7))
def test_rounding_goes_to_the_nearest_5(count: int) -> None:
    assert abs(rounded_count(count) - count) <= 2
