"""The ptable has the properties the notes claim, and is read as the ONS package reads it."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pandas as pd
import pytest
from cell_key_perturbation.create_perturbed_table import create_perturbed_table

from seb.disclosure import cover_statement, rule_description
from seb.perturbation import (
    LAST_ROW,
    PTABLE_PATH,
    RECORD_KEYS,
    KeyedCount,
    parameters,
    ptable,
    read_ptable,
)

sys.path.insert(0, str(PTABLE_PATH.parent))
import make_ptable


def test_the_ptable_file_is_what_its_script_makes(tmp_path: Path) -> None:
    made = pd.DataFrame(make_ptable.rows(), columns=["pcv", "ckey", "pvalue"])
    stored = pd.read_csv(PTABLE_PATH)
    assert list(stored.columns) == ["pcv", "ckey", "pvalue"]
    assert "ptable" in PTABLE_PATH.name
    pd.testing.assert_frame_equal(stored, made)


def test_every_row_is_a_probability_distribution_over_the_256_cell_keys() -> None:
    stored = pd.read_csv(PTABLE_PATH)
    assert sorted(stored["pcv"].unique()) == list(range(1, LAST_ROW + 1))
    for _, keys in stored.groupby("pcv")["ckey"]:
        assert sorted(keys) == list(range(RECORD_KEYS))


def test_no_count_is_published_from_1_to_9_and_zero_stays_zero() -> None:
    table = ptable()
    assert table.figures(0) == {0: RECORD_KEYS}
    for count in range(1, LAST_ROW + 1):
        for figure in table.figures(count):
            assert figure == 0 or figure >= make_ptable.THRESHOLD
            assert figure >= 0
    assert table.threshold == make_ptable.THRESHOLD


def test_changes_are_within_the_maximum_deviation_with_the_stated_variance() -> None:
    table = ptable()
    deviation = len(make_ptable.SHAPE) - 1
    assert table.max_deviation == deviation
    for count in range(make_ptable.THRESHOLD, LAST_ROW + 1):
        assert all(abs(figure - count) <= deviation for figure in table.figures(count))
    shape = make_ptable.SHAPE
    variance = 2 * sum(keys * (deviation - n) ** 2 for n, keys in enumerate(shape)) / RECORD_KEYS
    for count in range(table.clear_of_threshold, LAST_ROW + 1):
        assert table.variance(count) == pytest.approx(variance)
        mean = sum((f - count) * k for f, k in table.figures(count).items()) / RECORD_KEYS
        assert mean == 0
    assert parameters().variance == pytest.approx(variance)


def test_small_counts_keep_their_mean() -> None:
    table = ptable()
    for count in range(1, make_ptable.THRESHOLD):
        mean = sum(figure * keys for figure, keys in table.figures(count).items()) / RECORD_KEYS
        assert mean == pytest.approx(count, abs=0.1)


def test_the_notes_state_the_ptables_own_parameters() -> None:
    method = parameters()
    text = rule_description()
    assert f"from 1 to {method.threshold - 1}" in text
    assert f"at most {method.max_deviation} either way" in text
    assert f"variance {method.variance:.2f}" in text
    assert str(method.max_deviation) in cover_statement(controlled=True)


def test_a_ptable_with_a_row_missing_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bad_ptable.csv"
    stored = pd.read_csv(PTABLE_PATH)
    stored[stored["pcv"] != 7].to_csv(path, index=False)
    with pytest.raises(ValueError, match="rows 1 to 750"):
        read_ptable(path)


def test_the_lookup_agrees_with_the_ons_package_on_the_same_record_keys() -> None:
    """The ONS package tabulates microdata with record keys; ours publishes from counts and
    key sums. On the same records and ptable, every cell's figure is the same."""
    rng = random.Random(3)
    records = pd.DataFrame(
        {
            "area": [rng.choice("ABCDEFGHIJ") for _ in range(6000)],
            "answer": [rng.choice(["x", "y", "z"]) for _ in range(6000)],
            "record_key": [rng.randrange(RECORD_KEYS) for _ in range(6000)],
        }
    )
    # Some large cells too, to read the rows above 750 as the package does.
    records = pd.concat(
        [
            records,
            pd.DataFrame(
                {"area": "K", "answer": "x", "record_key": [rng.randrange(256) for _ in range(900)]}
            ),
        ]
    )
    theirs = create_perturbed_table(
        data=records,
        ptable=pd.read_csv(PTABLE_PATH),
        geog=["area"],
        tab_vars=["answer"],
        record_key="record_key",
        use_existing_ons_id=False,
        threshold=0,
    )
    table = ptable()
    grouped = records.groupby(["area", "answer"])["record_key"].agg(["size", "sum"])
    compared = 0
    for (area, answer), (size, key_sum) in grouped.iterrows():
        row = theirs[(theirs["area"] == area) & (theirs["answer"] == answer)].iloc[0]
        assert table.published(KeyedCount(int(size), int(key_sum))) == int(row["count"])
        compared += 1
    assert compared == 31
