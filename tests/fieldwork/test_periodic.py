"""The fieldwork's scheduled jobs: deleting contact details after a survey closes,
abandoning idle responses, and expiring files of codes nobody downloaded."""

from __future__ import annotations

from datetime import timedelta

import pytest
from auditlog.models import LogEntry
from django.test import Client
from django.utils import timezone

from jobs.models import Job
from jobs.runner import PERIODIC
from surveys.job_handlers import delete_contact_details, expire_codes_files
from surveys.models import Case, LocalNotification, Message, Survey
from tests.fieldwork.test_contacts import send

pytestmark = pytest.mark.django_db


def test_the_fieldwork_jobs_are_scheduled() -> None:
    assert {
        "abandon_idle_responses",
        "delete_contact_details",
        "message_statuses",
        "expire_codes_files",
        "clear_guess_windows",
    } <= set(PERIODIC)


def test_contact_details_go_a_set_number_of_days_after_the_survey_closes(
    invitation_survey: Survey, loaded
) -> None:
    loaded(3)
    send(invitation_survey)
    invitation_survey.closes_at = timezone.now() - timedelta(
        days=invitation_survey.contact_retention_days - 1
    )
    invitation_survey.save()
    assert delete_contact_details() == 0
    invitation_survey.closes_at = timezone.now() - timedelta(
        days=invitation_survey.contact_retention_days + 1
    )
    invitation_survey.save()
    assert delete_contact_details() == 3
    assert set(Case.objects.values_list("email", flat=True)) == {""}
    assert set(Message.objects.values_list("to", flat=True)) == {""}
    assert not LocalNotification.objects.exists()
    entry = LogEntry.objects.get(additional_data__event="contact_details_deleted")
    assert entry.actor is None and entry.additional_data["count"] == 3


def test_a_codes_file_nobody_downloaded_is_deleted(
    manager_client: Client, invitation_survey: Survey, settings
) -> None:
    import io

    from tests.fieldwork.conftest import sample_csv

    upload = io.BytesIO(sample_csv([("K1", "")]))
    upload.name = "s.csv"
    job_url = manager_client.post("/manage/invited/sample/upload/", {"file": upload})["Location"]
    job = Job.objects.get()
    assert job.result["codes_file"]
    Job.objects.filter(pk=job.pk).update(
        finished_at=timezone.now() - timedelta(hours=settings.CODES_FILE_HOURS + 1)
    )
    assert expire_codes_files() == 1
    page = manager_client.get(job_url).content.decode()
    assert "not downloaded in time and has been deleted" in page
