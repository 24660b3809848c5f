"""docs/spec/fieldwork.md's rules as pure code: access codes, outcomes and rates (no database)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from seb.credentials import (
    CODE_ALPHABET,
    access_code_hash,
    derived_credentials,
    link_token_hash,
    new_nonce,
    normalise_access_code,
)
from seb.fieldwork import (
    AttemptEvent,
    AttemptOutcome,
    CaseHistory,
    Outcome,
    RatesRow,
    ResponseEvent,
    case_outcome,
    rates,
    rates_file_row,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
KEY = b"a service's key"


def at(hours: int) -> datetime:
    return T0 + timedelta(hours=hours)


# Access codes and links.


def test_an_access_code_is_16_characters_without_look_alikes_in_four_groups() -> None:
    code, _ = derived_credentials(KEY, new_nonce())
    groups = code.split(" ")
    assert [len(group) for group in groups] == [4, 4, 4, 4]
    assert set("".join(groups)) <= set(CODE_ALPHABET)
    assert not set("0O1ILU") & set(CODE_ALPHABET)


def test_codes_are_read_case_insensitively_with_spaces_and_hyphens_ignored() -> None:
    code = "ABCD EFGH JKMN PQRS"
    assert normalise_access_code("abcd-efgh-jkmn-pqrs") == "ABCDEFGHJKMNPQRS"
    assert normalise_access_code(" abcdefgh jkmnpqrs ") == "ABCDEFGHJKMNPQRS"
    assert access_code_hash("abcd efgh-jkmn pqrs") == access_code_hash(code)


@pytest.mark.parametrize("typed", ["", "ABCD", "ABCD EFGH JKMN PQR0", "ABCD EFGH JKMN PQRSX"])
def test_what_cannot_be_a_code_is_not_one(typed: str) -> None:
    assert normalise_access_code(typed) is None


def test_codes_and_tokens_are_random_and_stored_only_as_different_hashes() -> None:
    made = [derived_credentials(KEY, new_nonce()) for _ in range(200)]
    assert len({code for code, _ in made}) == len({token for _, token in made}) == 200
    _, token = made[0]
    assert len(token) >= 43  # 256 bits in URL-safe base64
    assert link_token_hash(token) != token
    assert len(link_token_hash(token)) == 64
    for code, _ in made:  # shown in four groups of four, each character of the alphabet
        groups = code.split(" ")
        assert [len(group) for group in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(CODE_ALPHABET)


# Outcomes.


def response(
    status: str, hours: int, *, derivable: bool = False, reason: str = ""
) -> ResponseEvent:
    return ResponseEvent(status=status, at=at(hours), derivable=derivable, stop_reason=reason)


def attempt(outcome: AttemptOutcome, hours: int) -> AttemptEvent:
    return AttemptEvent(outcome=outcome, at=at(hours))


def test_a_case_with_nothing_returned_is_3_10() -> None:
    assert case_outcome(CaseHistory()).outcome is Outcome.NO_RETURN
    assert case_outcome(CaseHistory(message_statuses=["delivered"])).outcome is Outcome.NO_RETURN


def test_invitations_that_all_failed_make_3_20() -> None:
    history = CaseHistory(message_statuses=["permanent_failure", "permanent_failure"])
    assert case_outcome(history).outcome is Outcome.UNDELIVERABLE
    mixed = CaseHistory(message_statuses=["permanent_failure", "delivered"])
    assert case_outcome(mixed).outcome is Outcome.NO_RETURN


def test_a_submitted_response_is_1_1_and_always_wins() -> None:
    history = CaseHistory(
        responses=[response("complete", 1)],
        attempts=[attempt(AttemptOutcome.REFUSAL, 5)],
        opted_out_at=at(6),
    )
    assert case_outcome(history).outcome is Outcome.COMPLETE


def test_a_response_stopped_after_the_derivable_point_is_partial_1_2() -> None:
    history = CaseHistory(responses=[response("abandoned", 1, derivable=True)])
    assert case_outcome(history).outcome is Outcome.PARTIAL


def test_a_response_stopped_before_that_point_is_a_break_off_2_12() -> None:
    history = CaseHistory(responses=[response("stopped", 1, reason="broke_off")])
    assert case_outcome(history).outcome is Outcome.BREAK_OFF


def test_an_interview_stopped_as_refused_is_a_refusal_and_unable_is_other() -> None:
    refused = CaseHistory(responses=[response("stopped", 1, derivable=True, reason="refused")])
    assert case_outcome(refused).outcome is Outcome.REFUSAL
    unable = CaseHistory(responses=[response("stopped", 1, reason="unable")])
    assert case_outcome(unable).outcome is Outcome.OTHER


def test_a_response_in_progress_counts_by_its_answers_so_far_and_marks_the_case() -> None:
    early = case_outcome(CaseHistory(responses=[response("in_progress", 1)]))
    assert (early.outcome, early.in_progress) == (Outcome.BREAK_OFF, True)
    late = case_outcome(CaseHistory(responses=[response("in_progress", 1, derivable=True)]))
    assert (late.outcome, late.in_progress) == (Outcome.PARTIAL, True)


def test_attempts_that_never_reached_anyone_are_non_contact_2_20() -> None:
    history = CaseHistory(
        attempts=[attempt(AttemptOutcome.NO_ANSWER, 1), attempt(AttemptOutcome.NO_ANSWER, 30)],
        message_statuses=["permanent_failure"],
    )
    assert case_outcome(history).outcome is Outcome.NON_CONTACT


def test_an_appointment_never_kept_is_the_respondent_never_available_2_21() -> None:
    history = CaseHistory(
        attempts=[attempt(AttemptOutcome.NO_ANSWER, 1), attempt(AttemptOutcome.APPOINTMENT, 2)]
    )
    assert case_outcome(history).outcome is Outcome.NEVER_AVAILABLE
    only_appointments = CaseHistory(attempts=[attempt(AttemptOutcome.APPOINTMENT, 1)])
    assert case_outcome(only_appointments).outcome is Outcome.NEVER_AVAILABLE


def test_the_respondent_never_available_counts_as_non_contact() -> None:
    result = rates({Outcome.COMPLETE: 1, Outcome.NEVER_AVAILABLE: 3})
    assert (result.counts["NC"], result.counts["O"]) == (3, 0)
    assert result.rates["CON1"] == pytest.approx(1 / 4)
    assert result.rates["COOP1"] == pytest.approx(1.0)


def test_the_latest_decisive_event_wins() -> None:
    refused_then_broke_off = CaseHistory(
        attempts=[attempt(AttemptOutcome.REFUSAL, 1)],
        responses=[response("abandoned", 5)],
    )
    assert case_outcome(refused_then_broke_off).outcome is Outcome.BREAK_OFF
    broke_off_then_refused = CaseHistory(
        responses=[response("abandoned", 1)],
        attempts=[attempt(AttemptOutcome.REFUSAL, 5)],
    )
    assert case_outcome(broke_off_then_refused).outcome is Outcome.REFUSAL


def test_a_no_answer_after_a_break_off_does_not_hide_it() -> None:
    history = CaseHistory(
        responses=[response("stopped", 1, reason="broke_off")],
        attempts=[attempt(AttemptOutcome.NO_ANSWER, 24)],
    )
    assert case_outcome(history).outcome is Outcome.BREAK_OFF


def test_opting_out_is_a_refusal_and_marking_out_of_scope_is_4_10() -> None:
    assert case_outcome(CaseHistory(opted_out_at=at(1))).outcome is Outcome.REFUSAL
    history = CaseHistory(responses=[response("abandoned", 1)], not_eligible_at=at(2))
    assert case_outcome(history).outcome is Outcome.NOT_ELIGIBLE
    visited = CaseHistory(attempts=[attempt(AttemptOutcome.NOT_ELIGIBLE, 3)])
    assert case_outcome(visited).outcome is Outcome.NOT_ELIGIBLE


# Rates: a hand-worked example for every formula.

# I=40, P=10, R=10+5, NC=15+5, O=5, U=8+2, NE=10: 110 cases.
EXAMPLE = {
    Outcome.COMPLETE: 40,
    Outcome.PARTIAL: 10,
    Outcome.REFUSAL: 10,
    Outcome.BREAK_OFF: 5,
    Outcome.NON_CONTACT: 15,
    Outcome.NEVER_AVAILABLE: 5,
    Outcome.OTHER: 5,
    Outcome.NO_RETURN: 8,
    Outcome.UNDELIVERABLE: 2,
    Outcome.NOT_ELIGIBLE: 10,
}


def test_the_counts_group_the_outcomes_as_aapor_does() -> None:
    result = rates(EXAMPLE)
    assert dict(result.counts) == {"I": 40, "P": 10, "R": 15, "NC": 20, "O": 5, "U": 10, "NE": 10}
    assert result.cases == 110


@pytest.mark.parametrize(
    ("name", "worked", "shown"),
    [
        ("RR1", 40 / 100, 40.0),  # I / (I+P+R+NC+O+U)
        ("RR2", 50 / 100, 50.0),  # (I+P) / (I+P+R+NC+O+U)
        ("RR3", 40 / 99, 40.4),  # e = 90/100; I / (90 + 0.9*10)
        ("RR4", 50 / 99, 50.5),  # (I+P) / (90 + 0.9*10)
        ("COOP1", 40 / 70, 57.1),  # I / (I+P+R+O)
        ("REF1", 15 / 100, 15.0),  # R / (I+P+R+NC+O+U)
        ("CON1", 70 / 100, 70.0),  # (I+P+R+O) / (I+P+R+NC+O+U)
    ],
)
def test_each_rate_matches_the_hand_worked_example(name: str, worked: float, shown: float) -> None:
    result = rates(EXAMPLE)
    assert result.rates[name] == pytest.approx(worked)
    assert result.percentage(name) == shown


def test_a_rate_with_no_denominator_is_empty_not_zero() -> None:
    result = rates({Outcome.NOT_ELIGIBLE: 3})
    assert result.rates["RR1"] is None
    assert rates_file_row(RatesRow("overall", "", result))[-7:] == [""] * 7


def test_the_rates_file_row_has_counts_then_percentages_to_one_place() -> None:
    row = rates_file_row(RatesRow("mode", "online", rates(EXAMPLE)))
    assert row == [
        "mode", "online", "110", "40", "10", "15", "20", "5", "10", "10",
        "40.0", "50.0", "40.4", "50.5", "57.1", "15.0", "70.0",
    ]  # fmt: skip
