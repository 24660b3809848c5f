"""The coding queue's services and reads (docs/spec/coding-queue.md): the queue, a
decision coding every identical title, the standing decision for titles that come
later, undo, and the double-coding sample."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from seb.occupation.asking import answer_text
from seb.occupation.coder import code
from seb.occupation.nssec import derive_full
from surveys.coding.selectors import (
    agreement,
    group_of,
    next_group_key,
    queue_groups,
    queue_size,
    second_coding_waiting,
)
from surveys.coding.services import (
    CodingRefused,
    decide,
    in_double_coding_sample,
    second_code,
    undo,
)
from surveys.models import CodingDecision, JobTitle, Response, Survey
from surveys.responses.job_titles import job_title_record
from tests.coding.conftest import MakeTitle, events
from tests.conftest import INDEPENDENT_LARGE_EMPLOYER, STATE_EMPLOYEE_CLERICAL

pytestmark = pytest.mark.django_db

CIVIL = code("civil engineer").candidates[0]  # a unit group and its SOC 2010 pair


def civil_engineer(survey: Survey, actor: User) -> tuple[CodingDecision, int]:
    """The coder's decision that the survey's open "engineer" titles are civil engineers."""
    return decide(
        survey=survey,
        normalised="engineer",
        soc2020=CIVIL.soc2020,
        soc2010=CIVIL.soc2010,
        actor=actor,
    )


def groups(survey: Survey) -> list[tuple[str, int]]:
    return [(row["normalised"], row["titles"]) for row in queue_groups(survey)]


def test_the_queue_groups_open_titles_by_normalised_form_most_frequent_first(
    survey_a: Survey, survey_b: Survey, make_title: MakeTitle
) -> None:
    for text in ("Engineer", "engineers", "ENGINEER.", "teacher", "zzz qqq", "Teacher"):
        make_title(survey_a, text)
    make_title(survey_a, "engineer")
    make_title(survey_a, "bricklayer")  # coded automatically
    make_title(survey_a, "don't know")  # a non-answer: no normalised form
    make_title(survey_a, "teacher", submit=False)  # still in progress
    make_title(survey_b, "director")  # another survey's
    assert groups(survey_a) == [("engineer", 4), ("teacher", 2), ("zzz qqq", 1)]
    assert queue_size(survey_a).titles == 7
    assert queue_size(survey_a).groups == 3


def test_a_decision_codes_every_identical_open_title_with_its_full_nssec(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    employee = make_title(survey_a, "Engineer")
    employer = make_title(survey_a, "engineers", answers=INDEPENDENT_LARGE_EMPLOYER)
    other = make_title(survey_a, "teacher")
    decision, coded = civil_engineer(survey_a, coder_a)
    assert coded == 2
    for title, answers in (
        (employee, STATE_EMPLOYEE_CLERICAL),
        (employer, INDEPENDENT_LARGE_EMPLOYER),
    ):
        title.refresh_from_db()
        full = derive_full(soc2010=CIVIL.soc2010, answers=answers)
        assert full is not None
        assert (title.status, title.method) == ("coded", "coder")
        assert (title.soc2020, title.soc2010) == (CIVIL.soc2020, CIVIL.soc2010)
        assert title.nssec_operational == full.operational_category
        assert (title.nssec8, title.nssec5_full, title.nssec3_full) == (
            full.nssec8,
            full.nssec5,
            full.nssec3,
        )
        assert (title.coded_by, title.coded_at) == (coder_a, decision.decided_at)
    employee.refresh_from_db()
    employer.refresh_from_db()
    assert employee.nssec_operational != employer.nssec_operational  # each its own answers
    other.refresh_from_db()
    assert other.status == "follow-up"
    assert groups(survey_a) == [("teacher", 1)]
    (entry,) = events("coding_decided")
    assert entry.actor == coder_a
    assert entry.additional_data["count"] == 2
    assert "engineer" not in str(entry.additional_data) + entry.object_repr


def test_a_decision_leaves_titles_the_respondent_settled_alone(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    settled = make_title(
        survey_a, "engineer", status="coded", method="follow-up", soc2020="2121", soc2010="2121"
    )
    make_title(survey_a, "engineer")
    _, coded = civil_engineer(survey_a, coder_a)
    assert coded == 1
    settled.refresh_from_db()
    assert (settled.method, settled.soc2020) == ("follow-up", "2121")


@pytest.mark.parametrize(
    ("soc2020", "soc2010"), [("9999", "9999"), (CIVIL.soc2020, "1111"), ("", "")]
)
def test_codes_the_index_does_not_hold_are_refused_and_change_nothing(
    survey_a: Survey, coder_a: User, make_title: MakeTitle, soc2020: str, soc2010: str
) -> None:
    title = make_title(survey_a, "engineer")
    with pytest.raises(CodingRefused):
        decide(
            survey=survey_a, normalised="engineer", soc2020=soc2020, soc2010=soc2010, actor=coder_a
        )
    title.refresh_from_db()
    assert title.status == "follow-up"
    assert not CodingDecision.objects.exists()


def test_a_title_already_decided_or_not_in_the_survey_is_refused(
    survey_a: Survey, survey_b: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    make_title(survey_a, "engineer")
    make_title(survey_b, "teacher")
    decide(survey=survey_a, normalised="engineer", uncodable=True, actor=coder_a)
    with pytest.raises(CodingRefused, match="already coded"):
        civil_engineer(survey_a, coder_a)
    with pytest.raises(CodingRefused, match="no such job title"):
        decide(survey=survey_a, normalised="teacher", uncodable=True, actor=coder_a)
    assert CodingDecision.objects.count() == 1


def test_cannot_be_coded_takes_the_titles_out_of_the_queue_uncoded(
    survey_a: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    title = make_title(survey_a, "zzz qqq")
    decision, coded = decide(survey=survey_a, normalised="zzz qqq", uncodable=True, actor=coder_a)
    title.refresh_from_db()
    assert decision.uncodable and coded == 1
    assert (title.status, title.method, title.soc2020, title.coded_by) == (
        "uncoded",
        "coder",
        "",
        coder_a,
    )
    assert groups(survey_a) == []


def test_a_title_arriving_later_takes_the_standing_decision(
    survey_a: Survey,
    survey_b: Survey,
    coder_a: User,
    make_title: MakeTitle,
    make_response: Callable[..., Response],
) -> None:
    """A decision stands for the survey's titles still to come: the same title typed
    later, stored by the job-title pages' service, is coded by it with its own full
    NS-SEC; another survey's is not."""
    make_title(survey_a, "engineer")
    civil_engineer(survey_a, coder_a)
    # A supervisor at a large employer: the job title is asked, and the decision's unit
    # group gives this response its own full NS-SEC.
    supervisor = {**STATE_EMPLOYEE_CLERICAL, "employer_size": "25_or_more", "supervisor": "yes"}

    def typed_later(survey: Survey) -> JobTitle:
        response = make_response(survey, supervisor, submit=False)
        answer, _ = answer_text("Engineers")
        return job_title_record(response_id=response.pk, answer=answer)

    later = typed_later(survey_a)
    later.refresh_from_db()
    full = derive_full(soc2010=CIVIL.soc2010, answers=supervisor)
    assert full is not None
    assert (later.status, later.method, later.soc2020) == ("coded", "coder", CIVIL.soc2020)
    assert later.coded_by == coder_a
    assert later.nssec_operational == full.operational_category
    elsewhere = typed_later(survey_b)
    assert (elsewhere.status, elsewhere.method) != ("coded", "coder")


def test_undo_puts_the_titles_back_as_the_automatic_coder_left_them_and_in_the_queue(
    survey_a: Survey, coder_a: User, coder_2: User, make_title: MakeTitle
) -> None:
    title = make_title(survey_a, "engineer")
    decision, _ = civil_engineer(survey_a, coder_a)
    undone, restored = undo(survey=survey_a, decision_id=decision.pk, actor=coder_2)
    assert restored == 1
    assert undone.reversed_by == coder_2 and undone.reversed_at is not None
    title.refresh_from_db()
    assert (title.status, title.method, title.soc2020, title.nssec8) == ("follow-up", "", "", "")
    assert title.score == code("engineer").score
    assert groups(survey_a) == [("engineer", 1)]
    with pytest.raises(CodingRefused, match="already undone"):
        undo(survey=survey_a, decision_id=decision.pk, actor=coder_2)
    assert [entry.actor for entry in events("coding_reversed")] == [coder_2]
    # Decided again after the undo: the old decision stays in the list, undone.
    decide(survey=survey_a, normalised="engineer", uncodable=True, actor=coder_2)
    assert CodingDecision.objects.filter(normalised="engineer").count() == 2


def test_undo_of_another_surveys_decision_is_refused(
    survey_a: Survey, survey_b: Survey, coder_a: User, make_title: MakeTitle
) -> None:
    make_title(survey_b, "engineer")
    decision, _ = decide(survey=survey_b, normalised="engineer", uncodable=True, actor=coder_a)
    with pytest.raises(CodingRefused, match="no such decision"):
        undo(survey=survey_a, decision_id=decision.pk, actor=coder_a)


def test_the_double_coding_sample_is_a_fixed_share_of_titles(survey_a: Survey) -> None:
    titles = [f"title {n}" for n in range(2000)]
    assert not any(in_double_coding_sample(survey_a, t) for t in titles)
    survey_a.double_coding_percent = 10
    sampled = [t for t in titles if in_double_coding_sample(survey_a, t)]
    assert 150 < len(sampled) < 250
    assert sampled == [t for t in titles if in_double_coding_sample(survey_a, t)]
    survey_a.double_coding_percent = 100
    assert all(in_double_coding_sample(survey_a, t) for t in titles)


def test_a_second_coder_codes_the_sample_blind_never_applied_and_agreement_is_counted(
    survey_a: Survey, coder_a: User, coder_2: User, make_title: MakeTitle
) -> None:
    Survey.objects.filter(pk=survey_a.pk).update(double_coding_percent=100)
    survey_a.refresh_from_db()
    engineer, teacher = make_title(survey_a, "engineer"), make_title(survey_a, "teacher")
    civil_engineer(survey_a, coder_a)
    decide(survey=survey_a, normalised="teacher", uncodable=True, actor=coder_a)
    assert second_coding_waiting(survey_a, coder_a) == []
    assert [row["normalised"] for row in second_coding_waiting(survey_a, coder_2)] == [
        "engineer",
        "teacher",
    ]
    with pytest.raises(CodingRefused, match="different coder"):
        second_code(survey=survey_a, normalised="engineer", uncodable=True, actor=coder_a)
    second_code(
        survey=survey_a,
        normalised="engineer",
        soc2020=CIVIL.soc2020,
        soc2010=CIVIL.soc2010,
        actor=coder_2,
    )
    other = code("secondary school teacher").candidates[0]
    second_code(
        survey=survey_a,
        normalised="teacher",
        soc2020=other.soc2020,
        soc2010=other.soc2010,
        actor=coder_2,
    )
    with pytest.raises(CodingRefused):
        second_code(survey=survey_a, normalised="teacher", uncodable=True, actor=coder_2)
    assert second_coding_waiting(survey_a, coder_2) == []
    teacher.refresh_from_db()
    engineer.refresh_from_db()
    assert (teacher.status, teacher.soc2020) == ("uncoded", "")  # the second coding is not applied
    assert engineer.coded_by == coder_a
    result = agreement(survey_a)
    assert (result.pairs, result.agreed, result.percent) == (2, 1, 50.0)


def test_a_title_outside_the_sample_or_undecided_is_not_second_coded(
    survey_a: Survey, coder_a: User, coder_2: User, make_title: MakeTitle
) -> None:
    make_title(survey_a, "engineer")
    decide(survey=survey_a, normalised="engineer", uncodable=True, actor=coder_a)
    with pytest.raises(CodingRefused, match="not waiting"):
        second_code(survey=survey_a, normalised="engineer", uncodable=True, actor=coder_2)
    Survey.objects.filter(pk=survey_a.pk).update(double_coding_percent=100)
    survey_a.refresh_from_db()
    with pytest.raises(CodingRefused, match="not waiting"):
        second_code(survey=survey_a, normalised="teacher", uncodable=True, actor=coder_2)


def test_a_group_shows_how_the_title_was_typed_and_the_next_group_is_the_most_frequent(
    survey_a: Survey, survey_b: Survey, make_title: MakeTitle
) -> None:
    first = make_title(survey_a, "Engineer")
    make_title(survey_a, "Engineer")
    make_title(survey_a, "engineers")
    make_title(survey_a, "teacher")
    group = group_of(survey_a, first.response_id)
    assert group is not None
    assert group.titles == 3
    assert group.variants == [("Engineer", 2), ("engineers", 1)]
    assert group_of(survey_b, first.response_id) is None
    key = next_group_key(survey_a)
    assert JobTitle.objects.get(response_id=key).normalised == "engineer"
