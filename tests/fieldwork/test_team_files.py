"""The team's files: the codes file with the sample's names and addresses for a mail
merge (asked for, manager only, audited), and the outcomes file with the interviewer
and the sample variables (asked for)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import User
from django.test import Client
from django.utils import timezone

from surveys.access import INTERVIEWER
from surveys.models import Case, Survey
from tests.fieldwork.conftest import sample_csv

pytestmark = pytest.mark.django_db

HEADER = ("reference", "name", "address", "region", "interviewer")


def upload(client: Client, survey: Survey, rows: list[tuple[str, ...]]) -> str:
    """Load a sample from the page; the address of the codes file's download."""
    file = io.BytesIO(sample_csv(rows, header=HEADER))
    file.name = "sample.csv"
    page = client.get(
        client.post(f"/manage/{survey.slug}/sample/upload/", {"file": file})["Location"]
    )
    text = page.content.decode()
    assert 'name="contacts" type="checkbox" value="yes"' in text
    return (
        f"/manage/{survey.slug}/codes/"
        + text.split(f'action="/manage/{survey.slug}/codes/')[1].split('"')[0]
    )


def read(response) -> list[dict[str, str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def events(name: str) -> list[LogEntry]:
    return [
        entry
        for entry in LogEntry.objects.order_by("timestamp")
        if entry.additional_data.get("event") == name
    ]


@pytest.fixture
def ivy(make_staff: Callable[..., User]) -> User:
    return make_staff("ivy", INTERVIEWER)


def test_the_codes_file_has_names_and_addresses_only_when_asked(
    manager_client: Client, invitation_survey: Survey, ivy: User
) -> None:
    rows = [
        ("A1", "Ann Able", "1 High Street Town AB1 2CD", "north", "ivy"),
        ("=B2", "=Bob", "2 Low Road", "south", ""),
    ]
    plain = read(manager_client.post(upload(manager_client, invitation_survey, rows)))
    assert list(plain[0]) == ["reference", "access_code", "link"]
    Case.objects.all().delete()
    merged = read(
        manager_client.post(
            upload(manager_client, invitation_survey, [("C3", "Cat", "3 Lane", "x", "")]),
            {"contacts": "yes"},
        )
    )
    assert list(merged[0]) == ["reference", "access_code", "link", "name", "address"]
    assert (merged[0]["name"], merged[0]["address"]) == ("Cat", "3 Lane")
    exported = events("codes_exported")
    assert len(exported) == 2
    assert exported[-1].additional_data.get("with_names_and_addresses") == "True"
    assert "with_names_and_addresses" not in exported[0].additional_data


def test_names_in_the_mail_merge_file_are_guarded_against_formulas(
    manager_client: Client, invitation_survey: Survey
) -> None:
    url = upload(manager_client, invitation_survey, [("=B2", "=Bob", "2 Low Road", "south", "")])
    (row,) = read(manager_client.post(url, {"contacts": "yes"}))
    assert row["reference"] == "'=B2"
    assert (row["name"], row["address"]) == ("'=Bob", "2 Low Road")


def test_the_outcomes_file_adds_the_interviewer_and_sample_variables_when_asked(
    manager_client: Client, invitation_survey: Survey, ivy: User
) -> None:
    upload(
        manager_client,
        invitation_survey,
        [("A1", "Ann", "1 St", "north", "ivy"), ("B2", "Bob", "2 Rd", "", "")],
    )
    url = "/manage/invited/monitoring/case-outcomes.csv"
    plain = read(manager_client.get(url))
    assert "interviewer" not in plain[0] and "region" not in plain[0]
    full = read(manager_client.get(url, {"interviewer": "yes", "variables": "yes"}))
    assert list(full[0])[-2:] == ["interviewer", "region"]
    assert [(row["reference"], row["interviewer"], row["region"]) for row in full] == [
        ("A1", "ivy", "north"),
        ("B2", "", ""),
    ]
    assert "Ann" not in str(full) and "1 St" not in str(full)
    only_variables = read(manager_client.get(url, {"variables": "yes"}))
    assert "interviewer" not in only_variables[0] and only_variables[0]["region"] == "north"


def test_the_monitoring_page_offers_the_outcomes_file_choices(
    manager_client: Client, invitation_survey: Survey
) -> None:
    upload(manager_client, invitation_survey, [("A1", "Ann", "1 St", "north", "")])
    page = manager_client.get("/manage/invited/monitoring/").content.decode()
    assert 'name="interviewer" type="checkbox"' in page
    assert "the sample variables (region)" in page


def test_a_sample_variable_named_like_a_column_gets_its_own_name(
    manager_client: Client, invitation_survey: Survey
) -> None:
    file = io.BytesIO(sample_csv([("A1", "done")], header=("reference", "completed")))
    file.name = "sample.csv"
    manager_client.post("/manage/invited/sample/upload/", {"file": file})
    (row,) = read(
        manager_client.get("/manage/invited/monitoring/case-outcomes.csv", {"variables": "yes"})
    )
    assert row["completed"] == "" and row["sample_completed"] == "done"


def test_the_changed_pages_are_valid_html_in_every_state(
    manager_client: Client, invitation_survey: Survey, ivy: User
) -> None:
    """The Nu HTML checker finds no error on the job page's download form, the
    monitoring page's file choices, the sample list with an error, and a confirmation
    that skips cases."""
    from tests.browser.checkers import assert_valid_html

    file = io.BytesIO(sample_csv([("A1", "Ann", "1 St", "north", "ivy")], header=HEADER))
    file.name = "sample.csv"
    job = manager_client.post("/manage/invited/sample/upload/", {"file": file})["Location"]
    case = Case.objects.get(reference="A1")
    Case.objects.filter(pk=case.pk).update(withdrawn_at=timezone.now())
    documents = {
        "codes job": manager_client.get(job).content.decode(),
        "monitoring": manager_client.get("/manage/invited/monitoring/").content.decode(),
        "list, filtered": manager_client.get(
            "/manage/invited/sample/?variable=region&value=north&interviewer=none"
        ).content.decode(),
        "list with an error": manager_client.post(
            "/manage/invited/sample/bulk/", {"action": "assign"}
        ).content.decode(),
        "confirm, all skipped": manager_client.post(
            "/manage/invited/sample/bulk/", {"cases": [case.pk], "action": "withdraw"}
        ).content.decode(),
    }
    assert "None of the selected cases can be changed" in documents["confirm, all skipped"]
    assert_valid_html(documents)
