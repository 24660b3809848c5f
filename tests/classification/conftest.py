"""Fixtures for the analyst area: signed-in clients and quickly made complete responses."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client
from django.utils import timezone

from classification.derivation import derive
from surveys.models import Response, Survey
from surveys.options import option_index
from surveys.roles import ANALYST
from surveys.standard import Mode

# A complete online answer set on each routing branch, named for what it exercises.
STATE_EMPLOYEE_CLERICAL = {
    "school_type": "state",
    "free_school_meals": "yes",
    "earner_employment_status": "employee",
    "employer_size": "1_to_24",
    "supervisor": "no",
    "earner_occupation": "clerical_intermediate",
    "parental_qualification": "degree",
}
INDEPENDENT_LARGE_EMPLOYER = {
    "school_type": "independent",
    "earner_employment_status": "self_employed_with_employees",
    "self_employed_size": "25_or_more",
    "parental_qualification": "below_degree",
}
SELECTIVE_NOT_WORKING = {
    "school_type": "state_selective",
    "free_school_meals": "no",
    "earner_employment_status": "not_working",
    "parental_qualification": "no_qualifications",
}


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    """Staff users without a usable password: these tests sign in with force_login.

    Hashing a password with Argon2 takes a second; nothing here needs one.
    """

    def make(username: str, *roles: str, **fields: Any) -> User:
        user = User.objects.create_user(username=username, password=None, **fields)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return user

    return make


def unrounded_permission() -> Permission:
    return Permission.objects.get(
        content_type__app_label="classification", codename="view_unrounded"
    )


@pytest.fixture
def unrounded_analyst(make_staff: Callable[..., User]) -> User:
    user = make_staff("unrounded-analyst", ANALYST)
    user.user_permissions.add(unrounded_permission())
    return user


@pytest.fixture
def analyst_client(analyst: User) -> Client:
    client = Client()
    client.force_login(analyst)
    return client


@pytest.fixture
def unrounded_client(unrounded_analyst: User) -> Client:
    client = Client()
    client.force_login(unrounded_analyst)
    return client


BulkResponses = Callable[..., list[Response]]


@pytest.fixture
def bulk_responses(db: None) -> BulkResponses:
    """`count` responses with the same answers, written straight to the table.

    Quicker than answering through the services; the answers must be a complete
    route (the services' own tests cover how answers get there). NS-SEC is
    derived as response_submit derives it.
    """

    def make(
        survey: Survey,
        answers: Mapping[str, str],
        count: int = 1,
        *,
        mode: Mode | str = Mode.ONLINE,
        status: str = Response.Status.COMPLETE,
        completed_at: datetime | None = None,
        reference: str = "",
    ) -> list[Response]:
        index = option_index(survey.standard.version)
        complete = status == Response.Status.COMPLETE
        derived = derive(answers)
        when = completed_at or timezone.now()
        rows = [
            Response(
                survey=survey,
                standard_id=survey.standard_id,
                mode=Mode(mode).value,
                status=status,
                stop_reason="refused" if status == Response.Status.STOPPED else "",
                reference=reference,
                completed_at=when if complete else None,
                nssec5=derived.nssec5 if complete else "",
                nssec3=derived.nssec3 if complete else "",
                **{f"{key}_id": index.id_for(key, code) for key, code in answers.items()},
            )
            for _ in range(count)
        ]
        return Response.objects.bulk_create(rows)

    return make
