"""The occupation benchmark's evaluation set: reproducible, and labelled by the index."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from seb.occupation.data import coding_index, unit_group_titles

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from occupation_evaluation import ambiguous, generated, non_answers, typed


def test_the_generated_halves_are_the_same_on_every_build_and_do_not_overlap():
    tune, test = generated()
    again_tune, again_test = generated()
    assert [i.text for i in tune] == [i.text for i in again_tune]
    assert [i.text for i in test] == [i.text for i in again_test]
    assert len(tune) == len(test) == 3500


def test_every_expected_unit_group_is_a_soc2020_unit_group():
    names = unit_group_titles()
    tune, test = generated()
    for item in tune + test + typed():
        assert item.expected in names, item


@pytest.mark.parametrize("item", typed(), ids=lambda item: item.text)
def test_each_hand_typed_label_is_the_code_of_the_index_entry_it_names(item):
    """The note names the index entry ("index: Title (qualifier)") or the hand-typed
    title it varies; the label must be that entry's unit group."""
    if not item.source.startswith("index: "):
        return
    named = item.source.removeprefix("index: ")
    title, _, qualifier = named.partition(" (")
    qualifier = qualifier.removesuffix(")")
    codes = {
        entry.soc2020
        for entry in coding_index()
        if entry.title.lower() == title.lower()
        and (not qualifier or qualifier in (entry.add, entry.ind) or "default" in qualifier)
    }
    assert item.expected in codes, (item, codes)


def test_ambiguous_titles_and_non_answers_expect_no_code():
    assert all(item.expected == "" for item in ambiguous() + non_answers())
    assert {"teacher", "engineer", "manager", "director"} <= {i.text for i in ambiguous()}
