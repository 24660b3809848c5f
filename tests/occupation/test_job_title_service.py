"""The job title service (surveys/responses/job_titles.py): a title stored with its
coding and the full NS-SEC derived from its SOC 2010 unit group and the response's
employment answers, in one transaction, and kept in line with those answers."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.contrib.auth.models import User

from seb.occupation.asking import answer_text
from seb.occupation.nssec import derive_full
from surveys.models import CodingDecision, JobTitle, Response, Survey
from surveys.responses.job_titles import JobTitleRefused, job_title_record
from surveys.responses.lifecycle import answer_record, response_submit

pytestmark = pytest.mark.django_db

EMPLOYEE = {
    "school_type": "state",
    "free_school_meals": "no",
    "earner_employment_status": "employee",
    "employer_size": "25_or_more",
    "supervisor": "no",
    "earner_occupation": "professional",
}


@pytest.fixture
def asking(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey("asking", asks_job_title=True)


@pytest.fixture
def in_progress(asking: Survey, make_response: Callable[..., Response]) -> Response:
    return make_response(asking, EMPLOYEE, submit=False)


def record(response: Response, text: str, **kwargs: str) -> JobTitle:
    answer, _ = answer_text(text, **kwargs)
    return job_title_record(response_id=response.pk, answer=answer)


def test_a_coded_title_is_stored_with_its_codes_and_full_nssec(in_progress):
    stored = record(in_progress, "primary school teacher")
    expected = derive_full(soc2010="2315", answers=EMPLOYEE)
    assert expected is not None
    stored.refresh_from_db()
    assert (stored.status, stored.method, stored.soc2020, stored.soc2010) == (
        "coded",
        "automatic",
        "2314",
        "2315",
    )
    assert stored.score is not None and stored.coded_at is not None
    assert stored.normalised == "primary school teacher"
    assert (stored.nssec_method, stored.nssec_operational, stored.nssec8) == (
        "full",
        expected.operational_category,
        expected.nssec8,
    )
    assert (stored.nssec5_full, stored.nssec3_full) == (expected.nssec5, expected.nssec3)


def test_a_non_answer_is_stored_uncoded_without_codes_or_nssec(in_progress):
    stored = record(in_progress, "don't know")
    assert (stored.text, stored.status, stored.method, stored.soc2020, stored.nssec8) == (
        "don't know",
        "uncoded",
        "",
        "",
        "",
    )
    assert stored.normalised == ""


def test_recording_again_replaces_the_title(in_progress):
    record(in_progress, "teacher")
    record(in_progress, "bus driver")
    assert JobTitle.objects.get().soc2020 == "8212"


def test_changing_the_employment_answers_derives_the_full_nssec_again(in_progress):
    record(in_progress, "primary school teacher")
    before = JobTitle.objects.get().nssec_operational
    answer_record(
        response_id=in_progress.pk,
        question_key="earner_employment_status",
        code="self_employed_no_employees",
    )
    after = JobTitle.objects.get()
    own_account = derive_full(
        soc2010="2315",
        answers={"earner_employment_status": "self_employed_no_employees"},
    )
    assert own_account is not None
    assert after.nssec_operational == own_account.operational_category != before
    assert after.nssec_method == "full"


def test_an_employment_answer_that_leaves_the_person_not_working_clears_the_full_nssec(
    in_progress,
):
    record(in_progress, "primary school teacher")
    answer_record(
        response_id=in_progress.pk, question_key="earner_employment_status", code="not_working"
    )
    stored = JobTitle.objects.get()
    assert stored.soc2020 == "2314"
    assert (stored.nssec_method, stored.nssec_operational, stored.nssec8) == ("", "", "")


def test_a_managers_unknown_employer_size_derives_by_the_reduced_method(in_progress):
    answer_record(response_id=in_progress.pk, question_key="earner_occupation", code="manager")
    record(in_progress, "bank manager")
    assert JobTitle.objects.get().nssec_method == "full"
    answer_record(response_id=in_progress.pk, question_key="employer_size", code="dont_know")
    assert JobTitle.objects.get().nssec_method == "reduced"


def test_completing_keeps_a_title_on_the_route_and_its_derivation(in_progress):
    record(in_progress, "bus driver")
    answer_record(response_id=in_progress.pk, question_key="parental_qualification", code="degree")
    in_progress.refresh_from_db()
    response_submit(response_id=in_progress.pk, revision=in_progress.revision)
    stored = JobTitle.objects.get()
    assert stored.soc2020 == "8212" and stored.nssec8


def test_completing_deletes_a_title_the_route_no_longer_asks(in_progress):
    record(in_progress, "bus driver")
    answer_record(
        response_id=in_progress.pk, question_key="earner_employment_status", code="not_working"
    )
    answer_record(response_id=in_progress.pk, question_key="parental_qualification", code="degree")
    in_progress.refresh_from_db()
    response_submit(response_id=in_progress.pk, revision=in_progress.revision)
    assert not JobTitle.objects.exists()


def test_a_title_is_refused_where_the_route_does_not_ask_it(asking, make_response):
    refused = make_response(
        asking, {**EMPLOYEE, "earner_occupation": "prefer_not_to_say"}, submit=False
    )
    not_yet = make_response(asking, {"school_type": "state"}, submit=False)
    for response in (refused, not_yet):
        with pytest.raises(JobTitleRefused):
            record(response, "bus driver")
    assert not JobTitle.objects.exists()


def test_a_title_is_refused_when_the_survey_does_not_ask_it(make_survey, make_response):
    plain = make_survey("plain")
    response = make_response(plain, EMPLOYEE, submit=False)
    with pytest.raises(JobTitleRefused):
        record(response, "bus driver")
    assert not JobTitle.objects.exists()


def test_a_title_is_refused_once_the_response_is_submitted(asking, make_response):
    done = make_response(asking, {**EMPLOYEE, "parental_qualification": "degree"})
    with pytest.raises(JobTitleRefused):
        record(done, "bus driver")


def test_a_coders_standing_decision_codes_a_new_identical_title(in_progress, asking):
    coder = User.objects.create_user("coder")
    CodingDecision.objects.create(
        survey=asking,
        normalised="blorf operator",
        soc2020="8229",
        soc2010="8229",
        decided_by=coder,
    )
    stored = record(in_progress, "Blorf operators", saw_suggestions=True)
    assert (stored.status, stored.method, stored.soc2020, stored.coded_by_id) == (
        "coded",
        "coder",
        "8229",
        coder.pk,
    )
    assert stored.nssec8


def test_a_reversed_or_second_coding_decision_is_not_applied(in_progress, asking):
    from django.utils import timezone

    coder = User.objects.create_user("coder")
    CodingDecision.objects.create(
        survey=asking, normalised="blorf operator", soc2020="8229", soc2010="8229",
        decided_by=coder, reversed_at=timezone.now(), reversed_by=coder,
    )  # fmt: skip
    CodingDecision.objects.create(
        survey=asking, normalised="blorf operator", soc2020="7212", soc2010="7213",
        decided_by=coder, is_second_coding=True,
    )  # fmt: skip
    stored = record(in_progress, "blorf operator", saw_suggestions=True)
    assert (stored.status, stored.soc2020) == ("uncoded", "")
