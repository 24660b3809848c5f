"""Fixtures for the analyst area: signed-in clients and quickly made complete responses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.test import Client

from surveys.access import ANALYST
from tests.conftest import (  # noqa: F401  (re-exported for the tests here)
    INDEPENDENT_LARGE_EMPLOYER,
    SELECTIVE_NOT_WORKING,
    STATE_EMPLOYEE_CLERICAL,
    BulkResponses,
    granted_every_survey,
)


@pytest.fixture
def make_staff(db: None) -> Callable[..., User]:
    """Staff users without a usable password: these tests sign in with force_login.

    Hashing a password with Argon2 takes a second; nothing here needs one. As the
    shared `make_staff`'s, they act on every survey unless `every_survey=False`.
    """

    def make(username: str, *roles: str, every_survey: bool = True, **fields: Any) -> User:
        user = User.objects.create_user(username=username, password=None, **fields)
        for role in roles:
            user.groups.add(Group.objects.get_or_create(name=role)[0])
        return granted_every_survey(user) if roles and every_survey else user

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
