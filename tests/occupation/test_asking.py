"""Asking for the job title (an addition beyond the standard): when it is asked, each step
of answering it, and the suggestions as it is typed. Pure: no database."""

from __future__ import annotations

import pytest

from seb.occupation.asking import (
    CLOSEST_QUESTION,
    INTERVIEWER,
    ONLINE,
    Next,
    answer_closest,
    answer_follow_up,
    answer_text,
    closest_candidates,
    follow_up_question,
    is_asked,
    normalised,
)
from seb.occupation.coder import Status
from seb.occupation.follow_up import NONE_OF_THESE
from seb.occupation.suggest import (
    MAX_SUGGESTIONS,
    query_key,
    suggest,
    suggestion_index,
    suggestion_soc2010,
)
from seb.standard import load_standard


@pytest.mark.parametrize("occupation", ["professional", "manager", "technical_craft", "dont_know"])
def test_the_job_title_is_asked_once_the_occupation_question_is_answered(occupation):
    assert is_asked({"earner_employment_status": "employee", "earner_occupation": occupation})


def test_the_job_title_is_not_asked_after_prefer_not_to_say_or_off_the_occupation_route():
    assert not is_asked({"earner_occupation": "prefer_not_to_say"})
    assert not is_asked({"earner_employment_status": "not_working"})
    assert not is_asked({})


def test_the_question_names_the_same_person_as_the_standards_occupation_question():
    occupation = load_standard().question("earner_occupation")
    for wording in (ONLINE, INTERVIEWER):
        assert "the main or highest income earner" in wording.text
        assert wording.text.startswith("When you were aged about 14, what was the job title")
    assert "the main or highest income earner" in occupation.wording("online").text
    assert "Leave this empty if you do not know" in ONLINE.hint
    assert INTERVIEWER.instructions


def test_a_title_the_coder_settles_is_coded_automatically_and_goes_on():
    answer, step = answer_text("  Primary   school teacher ")
    assert step is Next.DONE
    assert answer.text == "Primary school teacher"
    assert (answer.status, answer.method, answer.soc2020) == (Status.CODED, "automatic", "2314")
    assert answer.soc2010 == "2315" and answer.score is not None and answer.score >= 50


@pytest.mark.parametrize("text", ["", "   ", "don't know", "n/a", "Can't remember"])
def test_a_non_answer_is_stored_uncoded_with_no_normalised_form_and_goes_on(text):
    answer, step = answer_text(text)
    assert step is Next.DONE
    assert (answer.status, answer.method, answer.normalised, answer.soc2020) == (
        Status.UNCODED,
        "",
        "",
        "",
    )


def test_identical_titles_have_one_normalised_form():
    assert normalised("Bus Drivers") == normalised("bus driver.") == "bus driver"


def test_a_suggestion_chosen_from_the_list_is_coded_to_its_entry():
    answer, step = answer_text("Teacher (primary school)", chosen_soc2020="2314")
    assert step is Next.DONE
    assert (answer.status, answer.method, answer.soc2020, answer.soc2010) == (
        Status.CODED,
        "suggestion",
        "2314",
        "2315",
    )


def test_a_code_sent_with_text_that_is_not_its_suggestion_is_ignored():
    # A forged pair: the text is coded as typed, the code thrown away.
    answer, _ = answer_text("Teacher (primary school)", chosen_soc2020="1111")
    assert answer.method != "suggestion"
    answer, step = answer_text("teacher", chosen_soc2020="2314")
    assert answer.status is Status.FOLLOW_UP and step is Next.FOLLOW_UP


def test_a_bare_title_needs_the_follow_up_and_an_option_codes_it():
    answer, step = answer_text("teacher")
    assert (answer.status, step) == (Status.FOLLOW_UP, Next.FOLLOW_UP)
    question = follow_up_question(answer)
    assert question is not None and question.number == 1
    coded, step = answer_follow_up(answer, "2314")
    assert step is Next.DONE
    assert (coded.status, coded.method, coded.soc2020, coded.soc2010) == (
        Status.CODED,
        "follow-up",
        "2314",
        "2315",
    )
    assert coded.follow_ups == (
        {"question": question.question, "answer": "Primary education teaching professionals"},
    )


def test_none_of_these_twice_leaves_the_title_uncoded_after_at_most_two_questions():
    answer, _ = answer_text("manager")
    first, step = answer_follow_up(answer, "")
    assert (first.status, step) == (Status.FOLLOW_UP, Next.FOLLOW_UP)
    assert follow_up_question(first).number == 2
    second, step = answer_follow_up(first, "")
    assert (second.status, step) == (Status.UNCODED, Next.DONE)
    assert [asked["answer"] for asked in second.follow_ups] == [NONE_OF_THESE, NONE_OF_THESE]
    assert follow_up_question(second) is None


def test_a_follow_up_answer_that_is_not_an_option_is_refused():
    answer, _ = answer_text("teacher")
    assert answer_follow_up(answer, "9999") is None
    coded, _ = answer_text("bus driver")
    assert answer_follow_up(coded, "") is None


def test_without_suggestions_a_title_not_coded_is_asked_which_is_closest():
    answer, step = answer_text("blorf operator")
    assert answer.status is Status.UNCODED
    candidates = closest_candidates(answer)
    assert step is Next.CLOSEST
    assert 1 <= len(candidates) <= 8
    chosen = candidates[0][0]
    coded = answer_closest(answer, chosen)
    assert coded is not None
    assert (coded.status, coded.method, coded.soc2020) == (Status.CODED, "suggestion", chosen)
    assert coded.follow_ups[-1]["question"] == CLOSEST_QUESTION
    kept = answer_closest(answer, "")
    assert kept is not None and kept.status is Status.UNCODED
    assert kept.follow_ups[-1]["answer"] == NONE_OF_THESE
    assert answer_closest(answer, "0000") is None


def test_with_suggestions_offered_a_title_not_listed_is_kept_as_typed_and_goes_on():
    answer, step = answer_text("blorf operator", saw_suggestions=True)
    assert step is Next.DONE
    assert (answer.text, answer.status) == ("blorf operator", Status.UNCODED)


def test_suggestions_begin_with_the_typed_words_best_first_at_most_eight():
    found = suggest("prim teach")
    assert 0 < len(found) <= MAX_SUGGESTIONS
    assert found[0].title in {"Primary teacher", "Primary school teacher"}
    assert all(item.soc2020.isdigit() and len(item.soc2020) == 4 for item in found)
    for item in found:
        words = item.title.lower()
        assert "prim" in words and "teach" in words


def test_suggestions_need_two_letters_and_never_offer_a_see_the_notes_entry():
    assert suggest("t") == ()
    assert suggest("") == ()
    assert all(item.soc2020 for item in suggestion_index().items)


def test_misspelt_whole_words_are_mended_and_a_word_being_typed_is_not_guessed_at():
    assert "2134" in {item.soc2020 for item in suggest("sofware develo")}
    assert suggest("sofware develper") == ()
    # Once the whole title is typed (a space after it), the coder's candidates.
    assert "2134" in {item.soc2020 for item in suggest("sofware develper ")}


def test_queries_that_differ_only_in_case_and_punctuation_are_answered_alike():
    assert query_key("Bus-Dr") == query_key("bus dr") == "bus dr"
    assert suggest("Bus-Dr") == suggest("bus dr")


def test_a_suggestion_is_known_by_its_title_and_code_together():
    assert suggestion_soc2010("Teacher (primary school)", "2314") == "2315"
    assert suggestion_soc2010("Teacher (primary school)", "2313") is None
    assert suggestion_soc2010("<script>", "2314") is None
