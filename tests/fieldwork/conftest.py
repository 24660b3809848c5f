"""Fixtures for the fieldwork tests: survey managers, invitation-only surveys, samples."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.contrib.auth.models import User

from seb.interchange import FileFormat
from surveys.access import SURVEY_MANAGER
from surveys.fieldwork.contacts import round_create
from surveys.fieldwork.samples import SampleReport, sample_load
from surveys.models import ContactRound, Survey

# A Notify template id: the local backend takes any.
EMAIL_TEMPLATE = "f33517ff-2a88-4f6e-b855-c550268ce08a"


@pytest.fixture
def manager(make_staff: Callable[..., User]) -> User:
    return make_staff("manager", SURVEY_MANAGER, email="manager@example.org")


@pytest.fixture
def manager_client(client: Any, manager: User) -> Any:
    client.force_login(manager)
    return client


def sample_csv(
    rows: Sequence[Sequence[str]], header: Sequence[str] = ("reference", "email")
) -> bytes:
    lines = [",".join(header), *(",".join(row) for row in rows)]
    return ("\n".join(lines) + "\n").encode()


def load(
    survey: Survey, content: bytes, *, file_format: FileFormat = FileFormat.CSV, **kwargs: Any
) -> SampleReport:
    return sample_load(survey=survey, stream=io.BytesIO(content), file_format=file_format, **kwargs)


@pytest.fixture
def loaded(invitation_survey: Survey) -> Callable[[int], SampleReport]:
    """Load `n` cases (R0001...) with email addresses into the invitation survey."""

    def make(n: int, *, undeliverable: Sequence[int] = ()) -> SampleReport:
        rows = []
        for i in range(1, n + 1):
            domain = "undeliverable.example" if i in undeliverable else "example.org"
            rows.append((f"R{i:04d}", f"person{i}@{domain}"))
        report = load(invitation_survey, sample_csv(rows))
        assert report.ok, report.problems
        return report

    return make


def new_round(
    survey: Survey,
    kind: str = "invitation",
    *,
    email: str = EMAIL_TEMPLATE,
    sms: str = "",
    letters: bool = False,
) -> ContactRound:
    """A round of `kind` by email (and text, given `sms`), or by letter; made by nobody,
    not queued."""
    return round_create(
        survey=survey,
        kind=kind,
        email_template_id="" if letters else email,
        sms_template_id="" if letters else sms,
        letters=letters,
        user=None,
    )
