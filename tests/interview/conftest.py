"""Fixtures for the interviewer's pages: signed-in clients and cases at any question."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from surveys.models import Response, Survey
from surveys.roles import INTERVIEWER
from surveys.routing import route
from surveys.standard import Mode, Standard, load_standard
from tests.standard_text import all_paths

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
INTERVIEW_MODES = (Mode.FACE_TO_FACE, Mode.TELEPHONE)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user, backend=MODEL_BACKEND)
    return client


@pytest.fixture
def interviewer_client(interviewer: User) -> Client:
    return signed_in(interviewer)


@pytest.fixture
def other_interviewer(make_staff: Callable[..., User]) -> User:
    return make_staff("other-interviewer", INTERVIEWER)


def answers_reaching(standard: Standard, mode: Mode, key: str) -> dict[str, str]:
    """Answers that put `key` next on the route, in `mode`."""
    for answers in all_paths(standard, mode):
        path = route(standard, mode, answers).answered
        if key in path:
            return {asked: answers[asked] for asked in path[: path.index(key)]}
    raise AssertionError(f"no route in {mode} reaches {key}")


@pytest.fixture
def make_case(make_response: Callable[..., Response], interviewer: User) -> Callable[..., Response]:
    """An interviewer's case in progress, answered up to the question given (or as given)."""

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
        start.setdefault("interviewer", interviewer)
        return make_response(
            survey, answers or {}, mode=mode, submit=False, reference=reference, **start
        )

    return make
