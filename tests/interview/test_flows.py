"""Starting, resuming, completing and stopping interviews through the interviewer's pages."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from classification.selectors import selected_responses, survey_summaries
from seb.standard import Mode, load_standard
from seb.tables import Selection
from surveys.forms_interview import REFERENCE_MAX_LENGTH
from surveys.models import Response, Survey
from surveys.responses.lifecycle import response_stop, response_submit
from tests.standard_text import covering_paths, expected_questions

from .conftest import INTERVIEW_MODES, signed_in
from .html import parse

pytestmark = pytest.mark.django_db

STANDARD = load_standard()
QUESTION_URL = re.compile(r"/interview/cases/(?P<case>[0-9a-f-]+)/questions/(?P<key>\w+)/")
STOPPED_ANSWERS = {"school_type": "state", "free_school_meals": "no"}


def start(client: Client, survey: Survey, mode: Mode | str, reference: str = "CASE-9") -> str:
    response = client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": str(mode), "reference": reference, "create": "yes"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    return response["Location"]


def walk(client: Client, url: str, answers: dict[str, str]) -> tuple[list[str], str]:
    """Answer every question the pages ask; returns the questions asked and where it ended."""
    asked = []
    while (match := QUESTION_URL.fullmatch(url)) is not None:
        assert client.get(url).status_code == 200, url
        asked.append(match["key"])
        response = client.post(url, {"answer": answers[match["key"]]})
        assert response.status_code == 302, response.content.decode()[:2000]
        url = response["Location"]
    return asked, url


def back_link(html: bytes) -> str:
    return parse(html).find("a", "govuk-back-link").attrs["href"]


def the_case() -> Response:
    return Response.objects.get()


# The home page -----------------------------------------------------------------


def test_home_lists_the_open_surveys_that_offer_interviews(
    interviewer_client: Client, make_survey: Callable[..., Survey]
) -> None:
    now = timezone.now()
    make_survey("phone", name="Phone survey", offers_face_to_face=False)
    make_survey("doorstep", name="Doorstep survey", offers_telephone=False)
    make_survey("web", name="Web-only survey", offers_face_to_face=False, offers_telephone=False)
    make_survey("ended", name="Ended survey", closes_at=now - timedelta(days=1))
    make_survey("later", name="Later survey", opens_at=now + timedelta(days=1))
    page = interviewer_client.get("/interview/").content.decode()
    assert "Phone survey" in page and "/interview/start/phone/" in page
    assert "Doorstep survey" in page and "/interview/start/doorstep/" in page
    for absent in ("Web-only survey", "Ended survey", "Later survey"):
        assert absent not in page


def test_home_lists_the_interviewers_own_cases_to_do_and_done(
    interviewer_client: Client,
    other_interviewer: User,
    survey: Survey,
    make_case: Callable[..., Response],
) -> None:
    own = make_case(survey, reference="MINE-OPEN")
    done = make_case(survey, reference="MINE-DONE", answers=dict(expected_answers()))
    response_submit(response_id=done.pk, revision=done.revision)
    stopped = make_case(survey, reference="MINE-STOPPED")
    response_stop(response_id=stopped.pk, reason=Response.StopReason.REFUSED)
    make_case(survey, reference="THEIRS-OPEN", interviewer=other_interviewer)
    to_do = interviewer_client.get("/interview/").content.decode()
    assert "MINE-OPEN" in to_do and f"/interview/caseload/{own.case_id}/resume/" in to_do
    assert "MINE-STOPPED" in to_do and f"/interview/caseload/{stopped.case_id}/resume/" in to_do
    for absent in ("MINE-DONE", "THEIRS-OPEN"):
        assert absent not in to_do
    finished = interviewer_client.get("/interview/?show=done").content.decode()
    assert "MINE-DONE" in finished and f"/interview/caseload/{done.case_id}/" in finished
    assert f"/interview/caseload/{done.case_id}/resume/" not in finished
    for absent in ("MINE-OPEN", "MINE-STOPPED", "THEIRS-OPEN"):
        assert absent not in finished


def expected_answers() -> dict[str, str]:
    return {
        "school_type": "outside_uk",
        "earner_employment_status": "not_working",
        "parental_qualification": "degree",
    }


# Starting ------------------------------------------------------------------------


@pytest.mark.parametrize("mode", INTERVIEW_MODES)
def test_starting_records_the_mode_reference_and_interviewer_and_opens_the_first_question(
    interviewer_client: Client, interviewer: User, survey: Survey, mode: Mode
) -> None:
    url = start(interviewer_client, survey, mode, reference="  AB/123-4  ")
    case = the_case()
    assert url == f"/interview/cases/{case.pk}/questions/school_type/"
    assert (case.mode, case.reference, case.interviewer, case.status) == (
        mode,
        "AB/123-4",
        interviewer,
        Response.Status.IN_PROGRESS,
    )


def test_the_start_form_offers_only_the_surveys_interview_modes(
    interviewer_client: Client, make_survey: Callable[..., Survey]
) -> None:
    survey = make_survey("phone", offers_face_to_face=False)
    page = parse(interviewer_client.get(f"/interview/start/{survey.slug}/").content)
    values = [radio.attrs["value"] for radio in page.find_all("input", type="radio")]
    assert values == ["telephone"]
    for mode in ("face_to_face", "online"):
        response = interviewer_client.post(
            f"/interview/start/{survey.slug}/", {"mode": mode, "reference": "X1", "create": "yes"}
        )
        assert response.status_code == 400
        assert "Select how the interview is being done" in response.content.decode()
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ("", "Enter the case reference"),
        ("   ", "Enter the case reference"),
        (
            "A" * (REFERENCE_MAX_LENGTH + 1),
            f"Case reference must be {REFERENCE_MAX_LENGTH} characters or fewer",
        ),
        ("<script>", "Case reference must only include letters, numbers"),
        ("=HYPERLINK(1)", "Case reference must only include letters, numbers"),
        ("-lead", "start with a letter or number"),
    ],
    ids=["empty", "blank", "too-long", "markup", "formula", "leading-separator"],
)
def test_a_bad_case_reference_is_refused_with_a_message_and_starts_nothing(
    interviewer_client: Client, survey: Survey, reference: str, message: str
) -> None:
    response = interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": reference, "create": "yes"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "There is a problem" in page
    assert not Response.objects.exists()


def test_a_reference_of_the_maximum_length_is_accepted(
    interviewer_client: Client, survey: Survey
) -> None:
    start(interviewer_client, survey, Mode.TELEPHONE, reference="A" * REFERENCE_MAX_LENGTH)
    assert the_case().reference == "A" * REFERENCE_MAX_LENGTH


def test_a_second_unfinished_interview_for_the_same_case_is_refused(
    interviewer_client: Client, survey: Survey
) -> None:
    start(interviewer_client, survey, Mode.TELEPHONE, reference="DUP-1")
    response = interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "DUP-1", "create": "yes"},
    )
    assert response.status_code == 400
    assert "already have an unfinished interview for case DUP-1" in response.content.decode()
    assert Response.objects.count() == 1


def test_a_closed_survey_starts_no_interview(
    interviewer_client: Client, make_survey: Callable[..., Survey]
) -> None:
    survey = make_survey("ended", closes_at=timezone.now() - timedelta(minutes=1))
    response = interviewer_client.post(
        f"/interview/start/{survey.slug}/",
        {"mode": "telephone", "reference": "LATE-1", "create": "yes"},
    )
    assert response.status_code == 403
    assert not Response.objects.exists()


def test_a_survey_without_interviews_has_no_start_page(
    interviewer_client: Client, make_survey: Callable[..., Survey]
) -> None:
    survey = make_survey("web", offers_face_to_face=False, offers_telephone=False)
    assert interviewer_client.get(f"/interview/start/{survey.slug}/").status_code == 404


# Completing, with the same routing, back links and check page as online ------------


@pytest.mark.parametrize(
    ("mode", "answers"),
    [(mode, answers) for mode in INTERVIEW_MODES for answers in covering_paths(STANDARD, mode)],
    ids=lambda value: value if isinstance(value, str) else "-".join(value.values()),
)
def test_an_interview_asks_exactly_the_routed_questions_and_completes(
    interviewer_client: Client, survey: Survey, mode: Mode, answers: dict[str, str]
) -> None:
    asked, url = walk(interviewer_client, start(interviewer_client, survey, mode), answers)
    case = the_case()
    assert asked == expected_questions(answers)
    assert url == f"/interview/cases/{case.pk}/check-answers/"
    submitted = interviewer_client.post(url, {"revision": case.revision})
    assert submitted["Location"] == f"/interview/cases/{case.pk}/outcome/"
    case.refresh_from_db()
    assert case.status == Response.Status.COMPLETE
    assert case.mode == mode
    assert case.answers == {key: answers[key] for key in asked}
    outcome = interviewer_client.get(submitted["Location"]).content.decode()
    assert "Interview complete" in outcome and case.reference in outcome


def test_back_links_follow_the_route_and_the_first_goes_to_the_case(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(
        survey, mode=Mode.FACE_TO_FACE, answers={"school_type": "independent"}, reference="B-1"
    )
    base = f"/interview/cases/{case.pk}/questions"
    first = interviewer_client.get(f"{base}/school_type/").content
    second = interviewer_client.get(f"{base}/earner_employment_status/").content
    assert back_link(first) == f"/interview/caseload/{case.case_id}/"
    assert back_link(second) == f"{base}/school_type/"


def test_the_check_page_shows_the_modes_answers_and_changes_go_back_to_it(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, mode=Mode.TELEPHONE, answers=expected_answers())
    check = interviewer_client.get(f"/interview/cases/{case.pk}/check-answers/")
    page = check.content.decode()
    assert "Attended school outside the UK" in page
    assert "Submit the interview" in page
    assert "Check the answers with the respondent" in page
    change = f"/interview/cases/{case.pk}/questions/parental_qualification/?change=1"
    assert change in page
    response = interviewer_client.post(change, {"answer": "dont_know"})
    assert response["Location"] == f"/interview/cases/{case.pk}/check-answers/"


def test_a_question_off_the_route_sends_the_interviewer_to_where_the_case_stands(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers={"school_type": "independent"})
    response = interviewer_client.get(f"/interview/cases/{case.pk}/questions/free_school_meals/")
    assert response["Location"] == (
        f"/interview/cases/{case.pk}/questions/earner_employment_status/"
    )


# Resuming ------------------------------------------------------------------------


def test_resuming_a_case_opens_its_first_unanswered_question(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers={"school_type": "state"})
    response = interviewer_client.get(f"/interview/cases/{case.pk}/")
    assert response["Location"] == f"/interview/cases/{case.pk}/questions/free_school_meals/"


def test_resuming_a_fully_answered_case_opens_the_check_page(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers=expected_answers())
    response = interviewer_client.get(f"/interview/cases/{case.pk}/")
    assert response["Location"] == f"/interview/cases/{case.pk}/check-answers/"


def test_a_case_can_be_resumed_after_signing_in_again(
    interviewer: User, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers={"school_type": "state"})
    later = signed_in(interviewer)
    assert later.get(f"/interview/cases/{case.pk}/").status_code == 302
    page = later.get(f"/interview/cases/{case.pk}/questions/free_school_meals/")
    assert page.status_code == 200


# Stopping ------------------------------------------------------------------------


def test_stopping_asks_for_a_reason_and_changes_nothing_without_one(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers=STOPPED_ANSWERS)
    page = interviewer_client.get(f"/interview/cases/{case.pk}/stop/").content.decode()
    for label in Response.StopReason.labels:
        assert label in page
    response = interviewer_client.post(f"/interview/cases/{case.pk}/stop/", {"reason": ""})
    assert response.status_code == 400
    assert "Select why the interview stopped" in response.content.decode()
    response = interviewer_client.post(f"/interview/cases/{case.pk}/stop/", {"reason": "bored"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Response.Status.IN_PROGRESS


@pytest.mark.parametrize("reason", Response.StopReason.values)
def test_a_stopped_interview_keeps_its_answers_and_reason(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response], reason: str
) -> None:
    case = make_case(survey, answers=STOPPED_ANSWERS)
    response = interviewer_client.post(f"/interview/cases/{case.pk}/stop/", {"reason": reason})
    assert response["Location"] == f"/interview/cases/{case.pk}/outcome/"
    case.refresh_from_db()
    assert (case.status, case.stop_reason) == (Response.Status.STOPPED, reason)
    assert case.answers == STOPPED_ANSWERS
    outcome = interviewer_client.get(response["Location"]).content.decode()
    assert "Interview stopped" in outcome
    assert str(Response.StopReason(reason).label) in outcome


def test_a_stopped_interview_cannot_be_answered_submitted_or_stopped_again(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers=expected_answers())
    interviewer_client.post(f"/interview/cases/{case.pk}/stop/", {"reason": "broke_off"})
    case.refresh_from_db()
    before = (case.status, case.stop_reason, case.revision, case.answers)
    base = f"/interview/cases/{case.pk}"
    outcome = f"{base}/outcome/"
    assert interviewer_client.get(f"{base}/").status_code == 302
    assert interviewer_client.get(f"{base}/")["Location"] == outcome
    posted = interviewer_client.post(f"{base}/questions/school_type/", {"answer": "state"})
    assert posted["Location"] == outcome
    submitted = interviewer_client.post(f"{base}/check-answers/", {"revision": case.revision})
    assert submitted["Location"] == outcome
    again = interviewer_client.post(f"{base}/stop/", {"reason": "refused"})
    assert again["Location"] == outcome
    case.refresh_from_db()
    assert (case.status, case.stop_reason, case.revision, case.answers) == before


def test_a_complete_interview_cannot_be_stopped(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers=expected_answers())
    interviewer_client.post(
        f"/interview/cases/{case.pk}/check-answers/", {"revision": case.revision}
    )
    case.refresh_from_db()
    assert case.status == Response.Status.COMPLETE
    response = interviewer_client.post(f"/interview/cases/{case.pk}/stop/", {"reason": "refused"})
    assert response["Location"] == f"/interview/cases/{case.pk}/outcome/"
    case.refresh_from_db()
    assert (case.status, case.stop_reason) == (Response.Status.COMPLETE, "")


def test_an_unfinished_case_on_a_closed_survey_can_be_stopped_but_not_answered(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    case = make_case(survey, answers=STOPPED_ANSWERS)
    Survey.objects.filter(pk=survey.pk).update(closes_at=timezone.now())
    base = f"/interview/cases/{case.pk}"
    assert interviewer_client.get(f"{base}/questions/earner_employment_status/").status_code == 403
    response = interviewer_client.post(f"{base}/stop/", {"reason": "other"})
    assert response["Location"] == f"{base}/outcome/"
    case.refresh_from_db()
    assert case.status == Response.Status.STOPPED


# Outcomes in the analyst's counts and tables --------------------------------------


def test_stopped_interviews_are_counted_as_stopped_but_never_in_the_tables(
    interviewer_client: Client, survey: Survey, make_case: Callable[..., Response]
) -> None:
    stopped = make_case(survey, mode=Mode.TELEPHONE, answers=expected_answers(), reference="S")
    interviewer_client.post(f"/interview/cases/{stopped.pk}/stop/", {"reason": "refused"})
    complete = make_case(survey, mode=Mode.FACE_TO_FACE, answers=expected_answers(), reference="C")
    interviewer_client.post(
        f"/interview/cases/{complete.pk}/check-answers/", {"revision": complete.revision}
    )

    (summary,) = survey_summaries()
    counts = {counts.mode: counts for counts in summary.modes}
    assert (counts[Mode.TELEPHONE].stopped, counts[Mode.TELEPHONE].complete) == (1, 0)
    assert (counts[Mode.FACE_TO_FACE].stopped, counts[Mode.FACE_TO_FACE].complete) == (0, 1)
    for selection in (Selection(), Selection(modes=(Mode.TELEPHONE,))):
        counted = set(selected_responses(survey=survey, selection=selection))
        assert stopped not in counted
    assert complete in set(selected_responses(survey=survey, selection=Selection()))
