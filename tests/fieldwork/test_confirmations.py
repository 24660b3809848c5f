"""Actions that remove or stop something ask first (a confirmation page that changes
nothing) and have a way back: withdrawing a case and putting it back, voiding a
case's code, closing a survey and opening it again."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from surveys.access import SURVEY_MANAGER
from surveys.fieldwork.cases import case_by_access_code, case_create
from surveys.fieldwork.issuing import NewCase
from surveys.fieldwork.monitoring import counted_cases
from surveys.models import Case, Survey

pytestmark = pytest.mark.django_db


def events(name: str) -> list[LogEntry]:
    return [entry for entry in LogEntry.objects.all() if entry.additional_data.get("event") == name]


@pytest.fixture
def sampled(invitation_survey: Survey) -> tuple[Case, str]:
    case, credentials = case_create(survey=invitation_survey, new=NewCase(reference="W1"))
    return case, credentials.access_code


def test_the_withdraw_page_asks_first_and_a_get_changes_nothing(
    manager_client: Client, sampled: tuple[Case, str]
) -> None:
    case, _ = sampled
    url = f"/manage/invited/cases/{case.pk}/withdraw/"
    page = manager_client.get(url)
    text = page.content.decode()
    assert page.status_code == 200
    assert "Withdraw case W1 from the sample?" in text and "govuk-warning-text" in text
    assert "govuk-button--warning" in text
    assert Case.objects.get(pk=case.pk).withdrawn_at is None
    assert not events("case_withdrawn")


def test_withdrawing_twice_withdraws_and_audits_once_and_putting_back_restores_the_code(
    manager_client: Client, invitation_survey: Survey, sampled: tuple[Case, str]
) -> None:
    case, code = sampled
    url = f"/manage/invited/cases/{case.pk}/withdraw/"
    done = manager_client.post(url, follow=True)
    assert "was withdrawn" in done.content.decode()
    assert "govuk-notification-banner--success" in done.content.decode()
    first = Case.objects.get(pk=case.pk).withdrawn_at
    manager_client.post(url)
    assert Case.objects.get(pk=case.pk).withdrawn_at == first
    assert len(events("case_withdrawn")) == 1
    assert case_by_access_code(survey=invitation_survey, typed=code) is None
    assert not counted_cases(invitation_survey).filter(pk=case.pk).exists()

    back = manager_client.post(f"/manage/invited/cases/{case.pk}/reinstate/", follow=True)
    assert "back in the sample" in back.content.decode()
    assert Case.objects.get(pk=case.pk).withdrawn_at is None
    assert case_by_access_code(survey=invitation_survey, typed=code) == case
    assert counted_cases(invitation_survey).filter(pk=case.pk).exists()
    manager_client.post(f"/manage/invited/cases/{case.pk}/reinstate/")
    assert len(events("case_reinstated")) == 1


def test_a_case_whose_contact_details_were_deleted_cannot_be_put_back(
    manager_client: Client, sampled: tuple[Case, str]
) -> None:
    case, _ = sampled
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(withdrawn_at=now, contact_deleted_at=now)
    page = manager_client.post(f"/manage/invited/cases/{case.pk}/reinstate/", follow=True)
    assert "cannot be put back" in page.content.decode()
    assert Case.objects.get(pk=case.pk).withdrawn_at is not None
    assert manager_client.get(f"/manage/invited/cases/{case.pk}/reinstate/").status_code == 405


def test_a_new_code_asks_first_and_the_old_code_works_until_confirmed(
    manager_client: Client, invitation_survey: Survey, sampled: tuple[Case, str]
) -> None:
    case, code = sampled
    url = f"/manage/invited/cases/{case.pk}/new-code/"
    page = manager_client.get(url).content.decode()
    assert "stop working at once" in page
    assert case_by_access_code(survey=invitation_survey, typed=code) == case
    manager_client.post(url)
    assert case_by_access_code(survey=invitation_survey, typed=code) is None


def test_closing_asks_first_then_closes_once_and_the_survey_opens_again_within_retention(
    manager_client: Client, invitation_survey: Survey
) -> None:
    Survey.objects.filter(pk=invitation_survey.pk).update(is_draft=False)
    page = manager_client.get("/manage/invited/close/")
    assert "Close Invited survey now?" in page.content.decode()
    assert not Survey.objects.get(pk=invitation_survey.pk).has_closed()
    closed = manager_client.post("/manage/invited/close/", follow=True)
    assert "is closed" in closed.content.decode()
    assert "Open the survey again" in closed.content.decode()
    closes_at = Survey.objects.get(pk=invitation_survey.pk).closes_at
    manager_client.post("/manage/invited/close/")
    assert Survey.objects.get(pk=invitation_survey.pk).closes_at == closes_at
    assert len(events("survey_closed")) == 1
    # A GET of a closed survey's close page goes back to the survey.
    assert manager_client.get("/manage/invited/close/").status_code == 302
    manager_client.post("/manage/invited/open/")
    assert Survey.objects.get(pk=invitation_survey.pk).is_open()


def test_a_survey_past_its_retention_stays_closed(
    manager_client: Client, invitation_survey: Survey
) -> None:
    long_ago = timezone.now() - timedelta(days=invitation_survey.contact_retention_days + 1)
    Survey.objects.filter(pk=invitation_survey.pk).update(is_draft=False, closes_at=long_ago)
    page = manager_client.get("/manage/invited/").content.decode()
    assert "cannot be opened again" in page and "Open the survey again</button>" not in page
    manager_client.post("/manage/invited/open/")
    assert Survey.objects.get(pk=invitation_survey.pk).closes_at == long_ago


def test_another_surveys_manager_finds_none_of_the_confirmation_pages(
    make_staff: Callable[..., User], invitation_survey: Survey, sampled: tuple[Case, str]
) -> None:
    case, _ = sampled
    other = Client()
    other.force_login(make_staff("outsider", SURVEY_MANAGER, every_survey=False))
    for url in (
        f"/manage/invited/cases/{case.pk}/withdraw/",
        f"/manage/invited/cases/{case.pk}/new-code/",
        "/manage/invited/close/",
    ):
        assert other.get(url).status_code == 404, url
        assert other.post(url).status_code == 404, url
    assert other.post(f"/manage/invited/cases/{case.pk}/reinstate/").status_code == 404
    assert Case.objects.get(pk=case.pk).withdrawn_at is None
    assert not Survey.objects.get(pk=invitation_survey.pk).has_closed()
