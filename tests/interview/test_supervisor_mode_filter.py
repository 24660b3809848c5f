"""The supervisor's case list filtered by mode, a filter that survives the lists and pages."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client

from surveys.fieldwork.issuing import NewCase, cases_create
from surveys.models import Case, Survey

pytestmark = pytest.mark.django_db


def test_the_supervisors_cases_filter_by_mode_and_keep_it_in_the_lists(
    supervisor_client: Client, survey: Survey, interviewer: User
) -> None:
    list(
        cases_create(
            survey=survey,
            cases=[
                NewCase(
                    reference="PHONE-1", preferred_mode="telephone", interviewer_id=interviewer.pk
                ),
                NewCase(
                    reference="VISIT-1",
                    preferred_mode="face_to_face",
                    interviewer_id=interviewer.pk,
                ),
                NewCase(
                    reference="VISIT-2", preferred_mode="telephone", interviewer_id=interviewer.pk
                ),
            ],
        )
    )
    # Answered face to face, whatever was planned: the mode it was answered in counts.
    Case.objects.filter(reference="VISIT-2").update(mode="face_to_face")
    page = supervisor_client.get(f"/supervise/{survey.slug}/cases/?mode=face_to_face")
    text = page.content.decode()
    assert "VISIT-1" in text and "VISIT-2" in text and "PHONE-1" not in text
    assert '<option value="face_to_face" selected>' in text
    assert "?mode=face_to_face&amp;show=" in text
    text = supervisor_client.get(f"/supervise/{survey.slug}/cases/?mode=telephone").content.decode()
    assert "PHONE-1" in text and "VISIT-1" not in text and "VISIT-2" not in text


def test_an_unknown_mode_filters_nothing(
    supervisor_client: Client, survey: Survey, interviewer: User
) -> None:
    list(
        cases_create(
            survey=survey, cases=[NewCase(reference="ANY-1", interviewer_id=interviewer.pk)]
        )
    )
    text = supervisor_client.get(
        f"/supervise/{survey.slug}/cases/?mode=carrier-pigeon"
    ).content.decode()
    assert "ANY-1" in text
