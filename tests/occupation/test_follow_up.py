"""The follow-up question for a title that fits several unit groups."""

from __future__ import annotations

from seb.occupation.coder import code
from seb.occupation.data import unit_group_titles
from seb.occupation.follow_up import MAX_OPTIONS, NONE_OF_THESE, follow_up


def test_a_bare_teacher_is_asked_where_they_taught_with_one_option_per_unit_group():
    question = follow_up(code("teacher"))
    assert question is not None
    assert question.number == 1
    assert question.question.endswith("as a teacher?")
    assert question.none_of_these == NONE_OF_THESE
    codes = [option.soc2020 for option in question.options]
    assert len(codes) == len(set(codes)) <= MAX_OPTIONS
    assert {"2313", "2314"} <= set(codes)
    for option in question.options:
        assert option.label == unit_group_titles()[option.soc2020]
    primary = next(o for o in question.options if o.soc2020 == "2314")
    assert "primary school" in primary.hint


def test_none_of_these_leads_to_a_second_question_with_other_unit_groups_then_no_more():
    coding = code("manager")
    first = follow_up(coding)
    second = follow_up(coding, asked=1)
    assert first is not None and second is not None
    assert second.number == 2
    assert not {o.soc2020 for o in first.options} & {o.soc2020 for o in second.options}
    assert follow_up(coding, asked=2) is None


def test_the_question_names_what_separates_the_candidates():
    labourer = follow_up(code("labourer"))
    assert labourer is not None and labourer.question == "Where did they work as a labourer?"
    engineer = follow_up(code("engineer"))
    assert engineer is not None and engineer.question.startswith("What did they do or make")


def test_a_coded_or_uncoded_title_has_no_follow_up():
    assert follow_up(code("nurse")) is None
    assert follow_up(code("don't know")) is None


def test_each_option_leads_to_a_unit_group_of_the_titles_own_index_entries():
    coding = code("director")
    question = follow_up(coding)
    assert question is not None
    soc2010 = {o.soc2020: o.soc2010 for o in question.options}
    assert all(code.isdigit() and len(code) == 4 for code in soc2010)
    assert all(value.isdigit() for value in soc2010.values())
