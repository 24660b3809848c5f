"""The survey managers' area: who may use it, creating and opening surveys, owner
content, previews that store nothing, test runs, cases and their codes, audit."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from surveys.access import ANALYST, INTERVIEWER, SURVEY_MANAGER
from surveys.fieldwork.cases import case_by_access_code
from surveys.fieldwork.monitoring import outcome_counts
from surveys.models import Case, Response, Survey
from tests.conftest import STATE_EMPLOYEE_CLERICAL
from tests.fieldwork.conftest import sample_csv

pytestmark = pytest.mark.django_db

SURVEY_FORM = {
    "name": "Staff survey 2027",
    "slug": "staff-2027",
    "modes": ["online", "telephone"],
    "access": "invitation",
    "opens_on_0": "",
    "opens_on_1": "",
    "opens_on_2": "",
    "opens_time": "",
    "closes_on_0": "30",
    "closes_on_1": "6",
    "closes_on_2": "2099",
    "closes_time": "17:00",
}
CONTENT_FORM = {
    "organisation": "Office for Examples",
    "contact_email": "surveys@example.org",
    "contact_phone": "0300 123 4567",
    "privacy_notice_url": "",
    "privacy_notice_text": "We keep your answers safe and delete your contact details.",
    "description": "Why we ask: to understand who works here.",
    "next_steps_text": "Results in the spring.",
    "inactivity_days": "7",
    "contact_retention_days": "30",
}


def events(name: str) -> list[LogEntry]:
    return [entry for entry in LogEntry.objects.all() if entry.additional_data.get("event") == name]


def test_only_survey_managers_reach_the_area(
    client: Client, make_staff: Callable[..., User], survey: Survey
) -> None:
    assert client.get("/manage/")["Location"].startswith("/staff/login/")
    client.force_login(make_staff("someone", ANALYST))
    for url in ("/manage/", "/manage/new/", f"/manage/{survey.slug}/monitoring/"):
        assert client.get(url).status_code == 403
    assert (
        client.get(f"/manage/{survey.slug}/preview/online/questions/school_type/").status_code
        == 403
    )


def test_the_staff_home_lists_the_areas_of_someone_with_several_roles(
    client: Client, make_staff: Any
) -> None:
    client.force_login(make_staff("two-roles", SURVEY_MANAGER, ANALYST))
    page = client.get("/staff/").content.decode()
    for link in ('href="/manage/">Manage surveys</a>', 'href="/analysis/">Analysis</a>'):
        assert link in page
    assert 'href="/jobs/">Jobs</a>' in page
    assert 'href="/interview/"' not in page and 'href="/supervise/"' not in page


def test_signing_in_takes_a_survey_manager_to_their_surveys(client: Client, manager: User) -> None:
    client.force_login(manager)
    assert client.get("/staff/")["Location"] == "/manage/"


def test_staff_with_one_area_go_straight_to_it(client: Client, make_staff: Any) -> None:
    client.force_login(make_staff("only-interviews", INTERVIEWER))
    assert client.get("/staff/")["Location"] == "/interview/"


def test_a_new_survey_is_a_draft_that_opens_only_with_its_owner_content(
    manager_client: Client,
) -> None:
    page = manager_client.get("/manage/new/").content.decode()
    assert "http://testserver/s/your-address/" in page
    created = manager_client.post("/manage/new/", SURVEY_FORM)
    assert created["Location"] == "/manage/staff-2027/content/"
    survey = Survey.objects.get(slug="staff-2027")
    assert survey.is_draft and survey.state == "draft"
    assert (survey.offers_online, survey.offers_face_to_face, survey.offers_telephone) == (
        True,
        False,
        True,
    )
    assert survey.access == Survey.Access.INVITATION
    assert survey.closes_at is not None
    closes = timezone.localtime(survey.closes_at)
    assert (closes.year, closes.month, closes.day, closes.hour, closes.minute) == (
        2099,
        6,
        30,
        17,
        0,
    )
    assert Client().get("/s/staff-2027/").status_code == 403  # a draft takes nobody
    refused = manager_client.post("/manage/staff-2027/open/", follow=True)
    assert "Enter the organisation running the survey" in refused.content.decode()
    assert Survey.objects.get(slug="staff-2027").is_draft
    assert manager_client.post("/manage/staff-2027/content/", CONTENT_FORM).status_code == 302
    manager_client.post("/manage/staff-2027/open/")
    survey.refresh_from_db()
    assert not survey.is_draft and survey.state == "open"
    assert events("survey_created") and events("survey_opened")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"name": ""}, "Enter the survey’s name"),
        ({"slug": "Not A Slug!"}, "The web address can only have lower-case letters"),
        ({"modes": []}, "Select at least one way people answer"),
        ({"closes_on_0": "31", "closes_on_1": "2"}, "Closing date must be a real date"),
        (
            {"opens_on_0": "1", "opens_on_1": "7", "opens_on_2": "2099"},
            "The survey must close after it opens",
        ),
        ({"closes_time": "25:00"}, "Closing time must be a time like 09:00"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(
    manager_client: Client, change: dict[str, Any], message: str
) -> None:
    response = manager_client.post("/manage/new/", {**SURVEY_FORM, **change})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Survey.objects.exists()


def test_a_web_address_already_taken_is_refused(manager_client: Client, make_survey) -> None:
    make_survey("staff-2027")
    response = manager_client.post("/manage/new/", SURVEY_FORM)
    assert "Another survey already has this web address" in response.content.decode()


def test_a_privacy_notice_is_a_link_or_text_not_both(
    manager_client: Client, survey: Survey
) -> None:
    response = manager_client.post(
        f"/manage/{survey.slug}/content/",
        {**CONTENT_FORM, "privacy_notice_url": "https://example.org/privacy"},
    )
    assert response.status_code == 400
    assert "as a link or as text, not both" in response.content.decode()


def test_owner_content_shows_on_the_respondents_pages(
    manager_client: Client, client: Client, survey: Survey
) -> None:
    manager_client.post(f"/manage/{survey.slug}/content/", CONTENT_FORM)
    start = client.get(f"/s/{survey.slug}/").content.decode()
    assert "Office for Examples" in start and "Why we ask: to understand who works here." in start
    assert f'href="/s/{survey.slug}/privacy/"' in start
    assert f'href="/s/{survey.slug}/contact/"' in start
    assert "We keep your answers safe" in client.get(f"/s/{survey.slug}/privacy/").content.decode()
    contact = client.get(f"/s/{survey.slug}/contact/").content.decode()
    assert "surveys@example.org" in contact and "0300 123 4567" in contact


def test_a_preview_walks_every_mode_and_stores_nothing(
    manager_client: Client, survey: Survey
) -> None:
    for mode in ("online", "face_to_face", "telephone"):
        start = manager_client.get(f"/manage/{survey.slug}/preview/{mode}/", follow=True)
        assert "Nothing you enter here is stored" in start.content.decode()
        base = f"/manage/{survey.slug}/preview/{mode}"
        for key, code in STATE_EMPLOYEE_CLERICAL.items():
            answer = manager_client.post(f"{base}/questions/{key}/", {"answer": code})
            assert answer.status_code == 302, answer.content.decode()[:500]
        check = manager_client.get(f"{base}/check-your-answers/")
        assert check.status_code == 200
        submitted = manager_client.post(f"{base}/check-your-answers/", {"revision": "7"})
        assert submitted["Location"] == f"{base}/complete/"
        assert (
            "Nothing you enter here is stored"
            in manager_client.get(f"{base}/complete/").content.decode()
        )
    assert not Response.objects.exists()


def test_a_test_run_is_marked_counted_nowhere_and_cleared(
    manager_client: Client, survey: Survey
) -> None:
    survey.is_draft = True
    survey.save()
    started = manager_client.post(f"/manage/{survey.slug}/test-run/")
    assert started["Location"] == f"/s/{survey.slug}/questions/school_type/"
    for key, code in STATE_EMPLOYEE_CLERICAL.items():
        manager_client.post(f"/s/{survey.slug}/questions/{key}/", {"answer": code})
    response = Response.objects.get()
    check = manager_client.get(f"/s/{survey.slug}/check-your-answers/").content.decode()
    assert "Test run" in check and "This response is a test" in check
    manager_client.post(f"/s/{survey.slug}/check-your-answers/", {"revision": response.revision})
    response.refresh_from_db()
    assert response.is_test and response.is_complete
    from surveys.models import ResponseTally

    assert not ResponseTally.objects.exists()
    detail = manager_client.get(f"/manage/{survey.slug}/").content.decode()
    assert "Clear 1 test response" in detail
    manager_client.post(f"/manage/{survey.slug}/test-run/clear/")
    assert not Response.objects.exists()
    assert events("test_responses_cleared")


def test_adding_a_case_shows_its_code_once_and_audits_it(
    manager_client: Client, invitation_survey: Survey
) -> None:
    response = manager_client.post(
        "/manage/invited/cases/new/",
        {"reference": "NEW1", "email": "new@example.org", "preferred_mode": "", "interviewer": ""},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "This is the only time the code and link are shown" in page
    case = Case.objects.get(reference="NEW1")
    code = page.split('class="app-access-code">')[1].split("<")[0]
    assert case_by_access_code(survey=invitation_survey, typed=code) == case
    detail = manager_client.get(f"/manage/invited/cases/{case.pk}/").content.decode()
    assert code not in detail
    assert events("cases_created") and events("codes_exported")


def test_a_cases_page_shows_its_history_but_never_its_answers(
    manager_client: Client, invitation_survey: Survey
) -> None:
    from surveys.fieldwork.cases import case_create
    from surveys.fieldwork.issuing import NewCase
    from surveys.responses.lifecycle import answer_record, response_for_case

    case, _ = case_create(
        survey=invitation_survey, new=NewCase(reference="H1", email="h@example.org")
    )
    response = response_for_case(survey=invitation_survey, case=case)
    answer_record(response_id=response.pk, question_key="school_type", code="independent")
    page = manager_client.get(f"/manage/invited/cases/{case.pk}/").content.decode()
    assert "Started answering online" in page
    assert "Break-off" in page
    assert "independent" not in page.lower()
    assert events("contact_details_viewed")


def test_regenerating_a_cases_code_voids_the_old_one(
    manager_client: Client, invitation_survey: Survey
) -> None:
    from surveys.fieldwork.cases import case_create
    from surveys.fieldwork.issuing import NewCase

    case, old = case_create(survey=invitation_survey, new=NewCase(reference="G1"))
    page = manager_client.post(f"/manage/invited/cases/{case.pk}/new-code/").content.decode()
    new_code = page.split('class="app-access-code">')[1].split("<")[0]
    assert case_by_access_code(survey=invitation_survey, typed=old.access_code) is None
    assert case_by_access_code(survey=invitation_survey, typed=new_code) == case
    assert events("codes_regenerated")


def test_withdrawing_a_case_takes_it_out_of_every_rate(
    manager_client: Client, invitation_survey: Survey
) -> None:
    from surveys.fieldwork.cases import case_create
    from surveys.fieldwork.issuing import NewCase

    case, _ = case_create(survey=invitation_survey, new=NewCase(reference="W1"))
    manager_client.post(f"/manage/invited/cases/{case.pk}/withdraw/")
    assert Case.objects.get(pk=case.pk).withdrawn_at is not None
    assert outcome_counts(survey=invitation_survey) == {}
    assert events("case_withdrawn")


def test_a_sample_loads_from_the_page_and_its_codes_download_once(
    manager_client: Client, invitation_survey: Survey
) -> None:
    upload = io.BytesIO(sample_csv([("U1", "u1@example.org"), ("U2", "u2@example.org")]))
    upload.name = "sample.csv"
    job_page = manager_client.post("/manage/invited/sample/upload/", {"file": upload})
    assert job_page.status_code == 302
    page = manager_client.get(job_page["Location"]).content.decode()
    assert "2 cases added to the sample of Invited survey" in page
    download_url = (
        "/manage/invited/codes/" + page.split('action="/manage/invited/codes/')[1].split('"')[0]
    )
    download = manager_client.post(download_url)
    rows = b"".join(download.streaming_content).decode().splitlines()
    assert rows[0] == "reference,access_code,link" and len(rows) == 3
    assert manager_client.post(download_url).status_code == 404
    assert (
        "was downloaded, and has been deleted"
        in manager_client.get(job_page["Location"]).content.decode()
    )
    assert len(events("codes_exported")) == 1


def test_a_bad_sample_from_the_page_reports_lines_and_columns(
    manager_client: Client, invitation_survey: Survey
) -> None:
    upload = io.BytesIO(sample_csv([("U1", "nope")]))
    upload.name = "sample.csv"
    page = manager_client.get(
        manager_client.post("/manage/invited/sample/upload/", {"file": upload})["Location"]
    ).content.decode()
    assert "No case was added: the file has 1 problem" in page
    assert "“nope” is not an email address" in page
    assert not Case.objects.exists()


def test_regenerating_every_code_needs_confirming_and_gives_a_new_file(
    manager_client: Client, invitation_survey: Survey, loaded
) -> None:
    loaded(3)
    refused = manager_client.post("/manage/invited/sample/new-codes/", follow=True)
    assert "Confirm that the old codes" in refused.content.decode()
    job = manager_client.post("/manage/invited/sample/new-codes/", {"confirm": "yes"})
    page = manager_client.get(job["Location"]).content.decode()
    assert "New codes and links for 3 cases" in page


def test_the_survey_list_shows_states_and_exact_counts(
    manager_client: Client, make_survey, loaded, invitation_survey: Survey
) -> None:
    loaded(12)
    make_survey("drafty", name="Drafty", is_draft=True)
    page = manager_client.get("/manage/").content.decode()
    assert "Draft" in page and "Open" in page
    assert ">12<" in page  # 12 cases: operational figures are exact for the survey's staff


def test_every_change_to_cases_and_every_export_is_in_the_audit_log_for_administrators(
    client: Client, manager_client: Client, invitation_survey: Survey, loaded, make_staff
) -> None:
    loaded(2)
    manager_client.get("/manage/invited/monitoring/case-outcomes.csv")
    admin = make_staff("admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    listing = client.get("/admin/auditlog/logentry/").content.decode()
    assert "case outcomes downloaded" in listing
    assert "cases created (2)" in listing


def test_without_the_services_address_a_sample_is_refused_whole_and_says_why(
    manager_client: Client, invitation_survey: Survey, settings, tmp_path
) -> None:
    settings.PUBLIC_BASE_URL = ""
    upload = io.BytesIO(sample_csv([("U1", "u1@example.org")]))
    upload.name = "sample.csv"
    page = manager_client.get(
        manager_client.post("/manage/invited/sample/upload/", {"file": upload})["Location"]
    ).content.decode()
    assert "Nothing was done. Set PUBLIC_BASE_URL to the service" in page
    assert not Case.objects.exists()
    sample = tmp_path / "sample.csv"
    sample.write_bytes(sample_csv([("U1", "u1@example.org")]))
    with pytest.raises(CommandError, match=r"Nothing was loaded\. Set PUBLIC_BASE_URL"):
        call_command("load_sample", str(sample), survey="invited", codes_out=str(tmp_path / "c"))
    assert not Case.objects.exists()
    warnings = [found.id for found in run_checks(include_deployment_checks=True)]
    assert "surveys.W001" in warnings
    settings.PUBLIC_BASE_URL = "https://seb.example.org"
    assert "surveys.W001" not in [f.id for f in run_checks(include_deployment_checks=True)]


def test_every_input_on_the_survey_pages_has_govuk_style(
    manager_client: Client, survey: Survey
) -> None:
    for url in (
        "/manage/new/",
        f"/manage/{survey.slug}/settings/",
        f"/manage/{survey.slug}/content/",
        f"/manage/{survey.slug}/sample/",
        f"/manage/{survey.slug}/contacts/",
    ):
        html = manager_client.get(url).content.decode()
        inputs = re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
        unstyled = [tag for tag in inputs if 'type="hidden"' not in tag and "govuk-" not in tag]
        assert unstyled == [], url


def test_an_open_survey_without_a_start_date_says_since_it_was_opened(
    manager_client: Client, survey: Survey
) -> None:
    page = manager_client.get(f"/manage/{survey.slug}/").content.decode()
    assert "Since it was opened" in page and "When it is opened" not in page
    survey.is_draft = True
    survey.save()
    assert "When it is opened" in manager_client.get(f"/manage/{survey.slug}/").content.decode()


def test_a_respondents_own_pages_carry_no_test_banner(client: Client, survey: Survey) -> None:
    client.post(f"/s/{survey.slug}/", {"start_token": "a" * 24})
    page = client.get(f"/s/{survey.slug}/questions/school_type/").content.decode()
    assert "Which type of secondary school" in page
    assert "This response is a test" not in page and "Staff areas" not in page
