"""Fixtures for the interviewer's pages: signed-in clients and cases at any question."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client

from seb.routing import route
from seb.standard import Mode, Standard, load_standard
from surveys.access import INTERVIEWER, SUPERVISOR
from surveys.fieldwork.cases import case_create
from surveys.fieldwork.issuing import NewCase
from surveys.models import Case, Response, Survey
from tests.conftest import granted_every_survey

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
INTERVIEW_MODES = (Mode.FACE_TO_FACE, Mode.TELEPHONE)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


def passwordless_staff(username: str, *roles: str, every_survey: bool = True) -> User:
    """A staff user signed in with force_login: no password, so no Argon2 hashing per test.
    Like `make_staff`'s, they act on every survey unless `every_survey=False`.

    Tests of signing in itself use the shared `make_staff`, which sets a password.
    """
    user = User.objects.create_user(username=username, password=None)
    for role in roles:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return granted_every_survey(user) if roles and every_survey else user


@pytest.fixture
def survey(make_survey: Callable[..., Survey]) -> Survey:
    """The interview tests' survey lets its interviewers take unassigned cases and start
    interviews on new references (ad hoc cases), as every survey did before a supervisor
    had to allow it; tests of the default (tests/interview/test_case_claims.py) make
    their own survey."""
    return make_survey(interviewers_take_unassigned=True)


@pytest.fixture
def interviewer(db: None) -> User:
    return passwordless_staff("interviewer", INTERVIEWER)


@pytest.fixture
def interviewer_client(interviewer: User) -> Client:
    return signed_in(interviewer)


@pytest.fixture
def other_interviewer(db: None) -> User:
    return passwordless_staff("other-interviewer", INTERVIEWER)


def answers_reaching(standard: Standard, mode: Mode, key: str) -> dict[str, str]:
    """The first answers, in the mode's option order, that put `key` next on the route."""
    partial: list[dict[str, str]] = [{}]
    while partial:
        answers = partial.pop(0)
        next_question = route(standard, mode, answers).next_question
        if next_question == key:
            return answers
        if next_question is not None:
            options = standard.question(next_question).wording(mode).codes
            partial.extend({**answers, next_question: code} for code in options)
    raise AssertionError(f"no route in {mode} reaches {key}")


@pytest.fixture
def make_case(make_response: Callable[..., Response], interviewer: User) -> Callable[..., Response]:
    """An interview in progress on a case of the survey's sample assigned to its
    interviewer, answered up to the question given (or as given)."""

    def make(
        survey: Survey,
        *,
        mode: Mode = Mode.TELEPHONE,
        at: str | None = None,
        answers: dict[str, str] | None = None,
        reference: str = "CASE-1",
        **start: Any,
    ) -> Response:
        if at is not None:
            answers = answers_reaching(load_standard(), mode, at)
        assigned = start.setdefault("interviewer", interviewer)
        case, _ = case_create(
            survey=survey,
            new=NewCase(
                reference=reference,
                interviewer_id=assigned.pk if assigned else None,
                preferred_mode=mode,
            ),
        )
        return make_response(survey, answers or {}, mode=mode, submit=False, case=case, **start)

    return make


@pytest.fixture
def supervisor(db: None) -> User:
    return passwordless_staff("supervisor", SUPERVISOR)


@pytest.fixture
def supervisor_client(supervisor: User) -> Client:
    return signed_in(supervisor)


@pytest.fixture
def sample_case(interviewer: User) -> Callable[..., Case]:
    """A case of the survey's sample, assigned to the interviewer unless told otherwise."""

    def make(survey: Survey, reference: str = "S-1", **fields: Any) -> Case:
        fields.setdefault("interviewer_id", interviewer.pk)
        case, _ = case_create(survey=survey, new=NewCase(reference=reference, **fields))
        return case

    return make
