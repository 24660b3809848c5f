"""The occupation coder: coded, follow-up and uncoded titles, candidates and scores."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seb.occupation.coder import MIN_CANDIDATE, THRESHOLD, Status, code


@pytest.mark.parametrize(
    ("typed", "soc2020"),
    [
        ("nurse", "2237"),
        ("Staff Nurse", "2237"),
        ("primary school teacher", "2314"),
        ("secondary school maths teacher", "2313"),
        ("fish and chip shop manager", "1222"),
        ("HGV driver", "8211"),
        ("electrision", "5241"),
        ("self employed plumber", "5315"),
        ("my dad was a postman", "9211"),
        ("fork lift truck driver", "8222"),
        ("forklift truck driver", "8222"),
        ("IT manager", "2132"),
        ("care home manager", "1232"),
        ("bus drivers", "8212"),
    ],
)
def test_typed_titles_are_coded_to_the_index_unit_group(typed, soc2020):
    coding = code(typed)
    assert coding.status is Status.CODED
    assert coding.soc2020 == soc2020
    assert coding.score >= THRESHOLD
    assert coding.candidates[0].soc2020 == soc2020


def test_a_coded_title_carries_its_soc2010_unit_group_from_the_index():
    coding = code("primary school teacher")
    assert (coding.soc2020, coding.soc2010) == ("2314", "2315")


@pytest.mark.parametrize("bare", ["teacher", "engineer", "manager", "director", "labourer"])
def test_titles_the_index_cannot_settle_without_a_qualifier_are_never_coded(bare):
    coding = code(bare)
    assert coding.status is Status.FOLLOW_UP
    assert coding.soc2020 == ""
    assert len({c.soc2020 for c in coding.candidates}) > 1


def test_a_qualifier_settles_a_title_that_needs_one():
    assert code("teacher").status is Status.FOLLOW_UP
    assert code("teacher in a primary school").soc2020 == "2314"


@pytest.mark.parametrize(
    "text", ["don't know", "n/a", "can't remember", "", "?", "prefer not to say"]
)
def test_non_answers_are_uncoded_with_no_candidates(text):
    coding = code(text)
    assert coding.status is Status.UNCODED
    assert coding.candidates == ()
    assert coding.score == 0


def test_nonsense_is_uncoded():
    assert code("xqzv plorf").status is Status.UNCODED


def test_the_most_specific_title_decides():
    """ "Civil servant" needs a grade; the shorter title "servant" does not code it."""
    coding = code("civil servant")
    assert coding.status is Status.FOLLOW_UP
    assert "9223" not in {c.soc2020 for c in coding.candidates[:1]}


def test_the_typed_word_order_tells_titles_with_the_same_words_apart():
    assert code("research director").status is Status.CODED
    assert code("director of research").status is Status.FOLLOW_UP


def test_candidates_are_distinct_unit_groups_best_first_with_scores_0_to_100():
    coding = code("cleaner")
    codes = [c.soc2020 for c in coding.candidates]
    assert len(codes) == len(set(codes)) <= 8
    raws = [c.raw for c in coding.candidates]
    assert raws == sorted(raws, reverse=True)
    assert all(0 <= c.score <= 100 for c in coding.candidates)
    assert coding.candidates[0].score >= max(c.score for c in coding.candidates)
    assert coding.candidates[0].unit_group == "Cleaners and domestics"


def test_a_very_long_answer_is_coded_from_its_start_quickly():
    coding = code("nurse " + "blah " * 20000)
    assert coding.text.startswith("nurse")
    assert coding.status in set(Status)


def test_entries_with_next_to_no_evidence_are_not_candidates():
    for text in ("Police", "Sales", "owns a shop", "zzzz"):
        assert all(c.raw >= MIN_CANDIDATE for c in code(text).candidates)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_gets_a_consistent_coding(text):
    coding = code(text)
    assert 0 <= coding.score <= 100
    if coding.status is Status.CODED:
        assert coding.soc2020 == coding.candidates[0].soc2020 != ""
        assert coding.score >= THRESHOLD
    else:
        assert coding.soc2020 == coding.soc2010 == ""
    if coding.status is Status.FOLLOW_UP:
        assert len(coding.candidates) > 1
