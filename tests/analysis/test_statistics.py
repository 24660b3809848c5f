"""The precision of a percentage: the 95% Wilson score interval, from the figures shown."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seb.disclosure import NOT_AVAILABLE, control, percentage_of
from seb.perturbation import KeyedCount, keyed_total
from seb.statistics import CONFIDENCE_LEVEL, Z, interval, interval_description, wilson


@pytest.mark.parametrize(
    ("successes", "trials", "low", "high"),
    [
        # Newcombe (1998), "Two-sided confidence intervals for the single proportion:
        # comparison of seven methods", Statistics in Medicine 17, 857-872, Table I,
        # method 3 (the score interval without continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_matches_newcombes_published_examples(
    successes: int, trials: int, low: float, high: float
) -> None:
    lower, upper = wilson(successes, trials)
    assert round(lower, 4) == low
    assert round(upper, 4) == high


def test_z_is_the_95_percent_normal_quantile() -> None:
    assert CONFIDENCE_LEVEL == 95
    assert round(Z, 4) == 1.96


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=100_000), st.data())
def test_the_interval_contains_its_percentage_and_stays_within_0_and_100(
    trials: int, data: st.DataObject
) -> None:
    successes = data.draw(st.integers(min_value=0, max_value=trials))
    shown = interval(successes, trials)
    assert isinstance(shown.lower, float) and isinstance(shown.upper, float)
    percentage = percentage_of(successes, trials)
    assert isinstance(percentage, float)
    assert 0 <= shown.lower <= percentage <= shown.upper <= 100
    # Rounded outwards: the shown interval contains the computed one.
    low, high = wilson(successes, trials)
    assert shown.lower <= 100 * low + 1e-9 and shown.upper >= 100 * high - 1e-9


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=2_000), min_size=1, max_size=8))
def test_a_published_interval_is_computed_from_the_published_figures_only(
    counts: list[int],
) -> None:
    """The interval beside a controlled percentage depends only on what is shown: [x]
    where the total is 0, else the shown count (at most the total) over the shown total.
    So it discloses nothing the table does not."""
    cells = [KeyedCount(count, 7 * count + n) for n, count in enumerate(counts)]
    shown = control(cells, keyed_total(cells))
    total = shown.total.count
    for cell in shown.categories:
        beside = interval(cell.count, total)
        if total == 0:
            assert (beside.lower, beside.upper) == (NOT_AVAILABLE, NOT_AVAILABLE)
        else:
            assert isinstance(cell.count, int) and isinstance(total, int)
            low, high = wilson(min(cell.count, total), total)
            assert beside.lower == math.floor(1000 * low + 1e-9) / 10
            assert beside.upper == math.ceil(1000 * high - 1e-9) / 10


def test_the_method_note_is_written_from_the_constants() -> None:
    controlled = interval_description(controlled=True)
    assert f"{CONFIDENCE_LEVEL}% confidence interval" in controlled
    assert "Wilson score interval" in controlled
    assert f"z = {Z:.2f}" in controlled
    assert "published (perturbed) count over the published total" in controlled
    assert "unrounded counts" in interval_description(controlled=False)
