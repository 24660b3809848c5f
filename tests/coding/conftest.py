"""The coding queue's fixtures: surveys with job titles stored as the job-title pages
store them (a normalised form, the automatic coder's status), and their coders."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group, User
from django.test import Client

from seb.occupation.coder import MAX_TEXT, code
from seb.occupation.normalise import is_non_answer, tokens
from surveys.access import ANALYST, CODER
from surveys.models import JobTitle, Response, Survey, SurveyMember, TeamRole
from tests.conftest import STATE_EMPLOYEE_CLERICAL

MakeTitle = Callable[..., JobTitle]


def normalised(text: str) -> str:
    """The job-title pages' normalised form (seb.occupation's tokens, space-separated)."""
    return "" if is_non_answer(text) else " ".join(tokens(text[:MAX_TEXT]))[:MAX_TEXT]


def member(survey: Survey, username: str, role: TeamRole) -> User:
    """Staff of the role's kind in the survey's team only."""
    user = User.objects.filter(username=username).first() or User.objects.create_user(
        username=username, password=None
    )
    group = {TeamRole.CODER: CODER, TeamRole.ANALYST: ANALYST}[role]
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    SurveyMember.objects.get_or_create(survey=survey, user=user, role=role)
    return user


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def events(name: str) -> list[LogEntry]:
    return [entry for entry in LogEntry.objects.all() if entry.additional_data.get("event") == name]


@pytest.fixture
def survey_a(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey("survey-a", name="Survey A", asks_job_title=True)


@pytest.fixture
def survey_b(make_survey: Callable[..., Survey]) -> Survey:
    return make_survey("survey-b", name="Survey B", asks_job_title=True)


@pytest.fixture
def coder_a(survey_a: Survey) -> User:
    return member(survey_a, "coder-a", TeamRole.CODER)


@pytest.fixture
def coder_2(survey_a: Survey) -> User:
    return member(survey_a, "coder-2", TeamRole.CODER)


@pytest.fixture
def analyst_a(survey_a: Survey) -> User:
    """An analyst of survey A allowed unrounded figures, as the queue's titles need."""
    from django.contrib.auth.models import Permission

    analyst = member(survey_a, "analyst-a", TeamRole.ANALYST)
    analyst.user_permissions.add(Permission.objects.get(codename="view_unrounded"))
    return analyst


def store_title(response: Response, text: str, **fields: Any) -> JobTitle:
    """The job title `text` of `response`, coded as the automatic coder codes it (unless
    `fields` say otherwise), as the job-title pages store it."""
    coding = code(text)
    coded = coding.status.value == "coded"
    values: dict[str, Any] = {
        "text": text,
        "normalised": normalised(text),
        "status": coding.status.value,
        "method": "automatic" if coded else "",
        "score": coding.score if coding.candidates else None,
        "soc2020": coding.soc2020,
        "soc2010": coding.soc2010,
    }
    values.update(fields)
    return JobTitle.objects.create(response=response, **values)


@pytest.fixture
def make_title(make_response: Callable[..., Response]) -> MakeTitle:
    """A complete response of `survey` with `answers` and the job title `text`."""

    def make(
        survey: Survey,
        text: str,
        *,
        answers: Mapping[str, str] = STATE_EMPLOYEE_CLERICAL,
        submit: bool = True,
        **fields: Any,
    ) -> JobTitle:
        return store_title(make_response(survey, answers, submit=submit), text, **fields)

    return make
