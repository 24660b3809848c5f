"""Fixtures for the analysis beyond the four tables: comparisons, charts, formats, API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from random import Random

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from seb.demo import plausible_answers
from seb.standard import Mode, load_standard
from surveys.access import ANALYST
from surveys.models import Survey
from surveys.responses.bulk import NewResponse, complete, responses_create
from tests.classification.conftest import (  # noqa: F401  (fixtures used here)
    analyst_client,
    make_staff,
    unrounded_analyst,
    unrounded_client,
)
from tests.conftest import (  # noqa: F401  (re-exported for the tests here)
    INDEPENDENT_LARGE_EMPLOYER,
    SELECTIVE_NOT_WORKING,
    STATE_EMPLOYEE_CLERICAL,
    BulkResponses,
)

SLUG = "test-survey"


def plausible_responses(
    survey: Survey,
    count: int,
    *,
    seed: int,
    modes: dict[Mode, int] | None = None,
    days_ago: tuple[int, int] = (0, 60),
    case_ids: list[int] | None = None,
) -> None:
    """`count` complete responses drawn as the demo's are (seb.demo), with a fixed seed."""
    rng = Random(seed)
    standard = load_standard(survey.standard_version)
    weights = modes or {Mode.ONLINE: 60, Mode.FACE_TO_FACE: 22, Mode.TELEPHONE: 18}
    now = timezone.now()
    rows = []
    for number in range(count):
        mode = rng.choices(list(weights), weights=list(weights.values()))[0]
        completed = now - timedelta(days=rng.randint(*days_ago), minutes=rng.randint(0, 600))
        rows.append(
            NewResponse(
                complete=complete(survey, mode, plausible_answers(standard, mode, rng)),
                completed_at=completed,
                case_id=case_ids[number] if case_ids else None,
            )
        )
    responses_create(survey=survey, responses=rows)


@pytest.fixture
def analyst_user(make_staff: Callable[..., User]) -> User:  # noqa: F811
    return make_staff("plain-analyst", ANALYST)


@pytest.fixture
def plain_client(analyst_user: User) -> Client:
    client = Client()
    client.force_login(analyst_user)
    return client
