"""The routing function: the route from a mode and the answers so far."""

from __future__ import annotations

import pytest

from seb.routing import (
    AnswerApplied,
    Fault,
    RouteProblem,
    apply_answer,
    check_response,
    route,
)
from seb.standard import Mode, load_standard

STANDARD = load_standard()


def test_a_new_response_starts_at_school_type() -> None:
    walked = route(STANDARD, Mode.ONLINE, {})
    assert walked.next_question == "school_type"
    assert walked.path == ("school_type",)
    assert not walked.is_complete


def test_routing_skips_free_school_meals_when_school_was_independent() -> None:
    walked = route(STANDARD, Mode.ONLINE, {"school_type": "independent"})
    assert walked.next_question == "earner_employment_status"


def test_routing_asks_free_school_meals_when_school_was_state() -> None:
    assert route(STANDARD, Mode.ONLINE, {"school_type": "state"}).next_question == (
        "free_school_meals"
    )


def test_routing_asks_size_and_supervisor_when_earner_was_an_employee() -> None:
    answers = {"school_type": "outside_uk", "earner_employment_status": "employee"}
    assert route(STANDARD, Mode.ONLINE, answers).next_question == "employer_size"
    answers["employer_size"] = "25_or_more"
    assert route(STANDARD, Mode.ONLINE, answers).next_question == "supervisor"
    answers["supervisor"] = "no"
    assert route(STANDARD, Mode.ONLINE, answers).next_question == "earner_occupation"


def test_routing_skips_occupation_when_employer_had_25_or_more_employees() -> None:
    answers = {
        "school_type": "independent",
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "25_or_more",
    }
    assert route(STANDARD, Mode.ONLINE, answers).next_question == "parental_qualification"


def test_routing_asks_occupation_when_self_employed_size_is_unknown() -> None:
    answers = {
        "school_type": "independent",
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "dont_know",
    }
    assert route(STANDARD, Mode.ONLINE, answers).next_question == "earner_occupation"


def test_routing_skips_to_qualification_when_earner_was_not_working() -> None:
    answers = {"school_type": "independent", "earner_employment_status": "not_working"}
    assert route(STANDARD, Mode.ONLINE, answers).next_question == "parental_qualification"


def test_routing_sends_telephone_dont_know_where_prefer_not_to_say_goes() -> None:
    answers = {"school_type": "independent", "earner_employment_status": "dont_know"}
    assert route(STANDARD, Mode.TELEPHONE, answers).next_question == "parental_qualification"


def test_routing_ignores_an_answer_the_mode_does_not_offer() -> None:
    answers = {"school_type": "independent", "earner_employment_status": "dont_know"}
    walked = route(STANDARD, Mode.ONLINE, answers)
    assert walked.next_question == "earner_employment_status"
    assert "earner_employment_status" not in walked.answers


def test_routing_drops_answers_a_changed_earlier_answer_takes_off_the_route() -> None:
    answers = {
        "school_type": "state",
        "free_school_meals": "yes",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }
    answers["school_type"] = "independent"
    walked = route(STANDARD, Mode.ONLINE, answers)
    assert "free_school_meals" not in walked.answers
    assert walked.answered == ("school_type", "earner_employment_status", "parental_qualification")
    assert walked.is_complete


def test_routing_asks_only_the_newly_reached_question_after_a_change() -> None:
    answers = {
        "school_type": "independent",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }
    answers["school_type"] = "state"
    walked = route(STANDARD, Mode.ONLINE, answers)
    assert walked.next_question == "free_school_meals"
    answers["free_school_meals"] = "no"
    assert route(STANDARD, Mode.ONLINE, answers).is_complete


def test_response_is_complete_only_with_every_question_on_its_route_and_no_other() -> None:
    answers = {
        "school_type": "independent",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }
    assert not check_response(STANDARD, Mode.ONLINE, answers)
    assert check_response(STANDARD, Mode.ONLINE, {**answers, "free_school_meals": "yes"})
    del answers["parental_qualification"]
    assert check_response(STANDARD, Mode.ONLINE, answers)


def test_previous_and_following_walk_the_route() -> None:
    walked = route(STANDARD, Mode.ONLINE, {"school_type": "state", "free_school_meals": "no"})
    assert walked.previous("school_type") is None
    assert walked.previous("earner_employment_status") == "free_school_meals"
    assert walked.following("school_type") == "free_school_meals"
    assert walked.following("earner_employment_status") is None


def changed(before: dict[str, str], key: str, code: str) -> dict[str, str]:
    """The answers kept after `code` is recorded for `key` on `before`."""
    applied = apply_answer(STANDARD, Mode.ONLINE, before, key, code)
    assert isinstance(applied, AnswerApplied), applied
    assert applied.changed
    return dict(applied.answers)


def test_a_change_keeps_answers_the_unfinished_route_may_still_reach() -> None:
    before = {
        "school_type": "independent",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }
    # Free school meals is now unanswered, and the rest may still be reached.
    assert changed(before, "school_type", "state") == {**before, "school_type": "state"}


def test_a_change_drops_answers_no_route_from_here_can_reach() -> None:
    before = {
        "school_type": "state",
        "free_school_meals": "yes",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }
    kept = changed(before, "school_type", "independent")
    assert "free_school_meals" not in kept
    assert kept["parental_qualification"] == "degree"


def test_a_change_mid_route_drops_answers_behind_the_unanswered_question() -> None:
    before = {
        "school_type": "independent",
        "earner_employment_status": "self_employed_with_employees",
        "self_employed_size": "1_to_24",
        "earner_occupation": "manager",
        "parental_qualification": "degree",
    }
    kept = changed(before, "earner_employment_status", "employee")
    assert "self_employed_size" not in kept
    assert kept["earner_occupation"] == "manager"


def test_an_answer_already_given_changes_nothing() -> None:
    before = {"school_type": "state", "free_school_meals": "no"}
    applied = apply_answer(STANDARD, Mode.ONLINE, before, "school_type", "state")
    assert isinstance(applied, AnswerApplied)
    assert not applied.changed
    assert applied.answers == before
    assert applied.route.next_question == "earner_employment_status"


def test_an_answer_off_the_route_is_refused_with_its_reason() -> None:
    before = {"school_type": "independent"}
    refused = apply_answer(STANDARD, Mode.ONLINE, before, "free_school_meals", "yes")
    assert isinstance(refused, RouteProblem)
    assert refused.fault is Fault.OFF_ROUTE


def test_an_option_the_mode_does_not_offer_is_refused_with_its_reason() -> None:
    unknown = apply_answer(STANDARD, Mode.ONLINE, {}, "school_type", "no_such_code")
    assert isinstance(unknown, RouteProblem)
    assert unknown.fault is Fault.UNKNOWN_CODE
    offered = {
        code
        for code in STANDARD.question("school_type").codes
        if STANDARD.question("school_type").wording(Mode.ONLINE).offers(code)
    }
    interviewer_only = [
        code for code in STANDARD.question("school_type").codes if code not in offered
    ]
    for code in interviewer_only:
        refused = apply_answer(STANDARD, Mode.ONLINE, {}, "school_type", code)
        assert isinstance(refused, RouteProblem)
        assert refused.fault is Fault.NOT_OFFERED


def test_applying_an_answer_walks_the_route_at_most_twice(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import seb.routing

    walks = []
    walk = seb.routing.route

    def counted(*args: object, **kwargs: object) -> object:
        walks.append(args)
        return walk(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(seb.routing, "route", counted)
    before = {"school_type": "state", "free_school_meals": "no"}
    apply_answer(STANDARD, Mode.ONLINE, before, "earner_employment_status", "not_working")
    assert len(walks) == 2
    walks.clear()
    walked = walk(STANDARD, Mode.ONLINE, before)
    apply_answer(
        STANDARD, Mode.ONLINE, before, "earner_employment_status", "not_working", walked=walked
    )
    assert len(walks) == 1


def test_every_walk_of_the_route_to_its_end_is_a_complete_response() -> None:
    from random import Random

    rng = Random(1)
    for mode in Mode:
        for _ in range(200):
            answers: dict[str, str] = {}
            while (key := route(STANDARD, mode, answers).next_question) is not None:
                answers[key] = rng.choice(STANDARD.question(key).wording(mode).codes)
            assert not check_response(STANDARD, mode, answers)
