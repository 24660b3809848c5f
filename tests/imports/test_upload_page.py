"""The analysts' import page: who may use it, what it accepts, and what it says."""

from __future__ import annotations

import html
import io
import re
from collections.abc import Callable

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.fixtures import Settings

from seb.interchange import COLUMNS
from surveys.access import INTERVIEWER
from surveys.models import Response, Survey

from .files import EMPLOYEE, OWN_ACCOUNT, VALID_ROWS, csv_file, xlsx_of

pytestmark = pytest.mark.django_db


def page_url(survey: Survey) -> str:
    return reverse("analysis:import", kwargs={"slug": survey.slug})


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def text_of(response: object) -> str:
    """The page's visible text, tags dropped and entities decoded, spaces collapsed."""
    content = response.content.decode()  # type: ignore[attr-defined]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", content)).split())


def summary_of(response: object) -> str:
    """The text of the page's error summary."""
    text = text_of(response)
    assert "There is a problem" in text
    return text.split("There is a problem", 1)[1].split("Import responses", 1)[0]


@pytest.fixture
def analyst_client(client: Client, analyst: User) -> Client:
    client.force_login(analyst)
    return client


def test_anonymous_people_are_sent_to_sign_in(client: Client, survey: Survey) -> None:
    """Someone not signed in is redirected to the staff sign-in page, and back after."""
    response = client.get(page_url(survey))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("staff-login") + "?next=")


def test_anonymous_uploads_store_nothing(client: Client, survey: Survey) -> None:
    """A post from someone not signed in is redirected and imports nothing."""
    response = client.post(page_url(survey), {"file": upload("r.csv", csv_file(VALID_ROWS))})
    assert response.status_code == 302
    assert Response.objects.count() == 0


def test_staff_without_the_analyst_role_are_refused(
    client: Client, survey: Survey, make_staff: Callable[..., User]
) -> None:
    """An interviewer gets 403 on the page and on an upload, which stores nothing."""
    client.force_login(make_staff("interviewer", INTERVIEWER))
    assert client.get(page_url(survey)).status_code == 403
    response = client.post(page_url(survey), {"file": upload("r.csv", csv_file(VALID_ROWS))})
    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_an_unknown_survey_is_not_found(analyst_client: Client, db: None) -> None:
    """A slug that is no survey's gives 404."""
    assert analyst_client.get("/analysis/no-such-survey/import/").status_code == 404


def test_the_page_shows_a_file_upload_and_the_format(
    analyst_client: Client, survey: Survey
) -> None:
    """The page has a GOV.UK file upload and names the columns."""
    response = analyst_client.get(page_url(survey))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'enctype="multipart/form-data"' in content
    assert 'class="govuk-file-upload' in content
    assert "<code>school_type</code>, <code>free_school_meals</code>" in content
    for column in COLUMNS:
        assert f"<code>{column}</code>" in content
    # Everything is done on the page: it never sends analysts to the command line.
    assert "manage.py" not in content


def test_the_page_offers_templates_and_the_code_list(
    analyst_client: Client, survey: Survey
) -> None:
    """A CSV template and an XLSX template (its header row, then its codes on a second sheet)
    that import cleanly once filled in, and the code list."""
    content = analyst_client.get(page_url(survey)).content.decode()
    for url in (
        "/analysis/standard/import-template.csv",
        "/analysis/standard/import-template.xlsx",
        "/analysis/standard/codebook/codes.csv",
    ):
        assert f'href="{url}"' in content
    blank = analyst_client.get("/analysis/standard/import-template.csv").content
    assert blank.decode().splitlines() == [",".join(COLUMNS)]
    filled = blank + csv_file(VALID_ROWS, COLUMNS).split(b"\r\n", 1)[1]
    assert (
        analyst_client.post(page_url(survey), {"file": upload("t.csv", filled)}).status_code == 302
    )
    workbook = load_workbook(
        io.BytesIO(analyst_client.get("/analysis/standard/import-template.xlsx").content)
    )
    assert workbook.sheetnames == ["Responses", "Codes"]
    assert [cell.value for cell in workbook["Responses"][1]] == list(COLUMNS)
    codes = list(workbook["Codes"].iter_rows(values_only=True))
    assert ("mode", 2, "face_to_face", "Face to face", "All modes", None, None) in codes
    assert ("supervisor", 4, "prefer_not_to_say") in [row[:3] for row in codes]
    assert [row[-1] for row in codes if row[:3] == ("supervisor", 4, "prefer_not_to_say")] == [".b"]
    assert analyst_client.get("/analysis/standard/import-template.pdf").status_code == 404


@pytest.mark.parametrize(
    ("name", "data"), [("r.csv", csv_file(VALID_ROWS)), ("r.xlsx", xlsx_of(VALID_ROWS))]
)
def test_a_valid_upload_imports_and_says_so(
    analyst_client: Client, survey: Survey, name: str, data: bytes
) -> None:
    """A good CSV or XLSX file is imported in the background; its job's page says how many."""
    response = analyst_client.post(page_url(survey), {"file": upload(name, data)})
    assert response.status_code == 302
    assert response["Location"].startswith("/jobs/")
    page = analyst_client.get(response["Location"])
    assert page.status_code == 200
    assert "Finished" in text_of(page)
    assert "4 responses imported into Test survey" in text_of(page)
    assert Response.objects.filter(survey=survey, source="imported").count() == 4


def test_a_bad_upload_lists_every_problem_and_stores_nothing(
    analyst_client: Client, survey: Survey
) -> None:
    """Each bad line is shown with its line, column and reason; nothing is imported."""
    rows = [EMPLOYEE, {**EMPLOYEE, "mode": "phone"}, {**OWN_ACCOUNT, "supervisor": "no"}]
    response = analyst_client.post(
        page_url(survey), {"file": upload("r.csv", csv_file(rows))}, follow=True
    )
    text = text_of(response)
    assert "The job failed Nothing was imported: 2 lines have problems" in text
    # The table: line, column, problem.
    assert "3 mode “phone” is not a mode: use online, face_to_face or telephone" in text
    assert "4 supervisor This cell must be empty" in text
    # The report is listed once, not in the summary and again in the table.
    assert text.count("“phone” is not a mode") == 1
    assert Response.objects.count() == 0


def test_a_bad_header_is_reported_on_the_page(analyst_client: Client, survey: Survey) -> None:
    """An unknown column is named on line 1."""
    data = csv_file([EMPLOYEE], ("colour", *EMPLOYEE))
    response = analyst_client.post(page_url(survey), {"file": upload("r.csv", data)}, follow=True)
    assert "1 colour “colour” is not a column" in text_of(response)
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "Select a CSV or XLSX file"),
        ({"file": upload("r.pdf", b"%PDF-1.4")}, "The selected file must be a CSV or XLSX file"),
        ({"file": upload("r.csv", b"")}, "The selected file is empty"),
    ],
    ids=["no-file", "wrong-type", "empty"],
)
def test_an_unusable_upload_gets_a_clear_message(
    analyst_client: Client, survey: Survey, files: dict[str, SimpleUploadedFile], message: str
) -> None:
    """No file, a wrong type, an empty or a non-UTF-8 file: an error summary says which."""
    response = analyst_client.post(page_url(survey), files)
    assert response.status_code == 400
    assert message in summary_of(response)
    assert Response.objects.count() == 0


def test_a_file_that_is_not_utf8_is_reported_by_its_job(
    analyst_client: Client, survey: Survey
) -> None:
    data = csv_file([{**EMPLOYEE, "reference": "é"}]).replace("é".encode(), b"\xe9")
    response = analyst_client.post(page_url(survey), {"file": upload("r.csv", data)}, follow=True)
    assert "2 The file is not UTF-8 text" in text_of(response)
    assert Response.objects.count() == 0


def test_the_same_file_again_is_refused_unless_the_analyst_confirms(
    analyst_client: Client, survey: Survey
) -> None:
    """Importing one file twice would store its responses twice: the page says when it
    was imported, and asks for a confirmation before doing it again."""
    data = csv_file(VALID_ROWS)
    analyst_client.post(page_url(survey), {"file": upload("first.csv", data)})
    assert Response.objects.count() == 4
    again = analyst_client.post(page_url(survey), {"file": upload("same.csv", data)})
    assert again.status_code == 400
    assert "This file was imported into the survey on" in summary_of(again)
    assert "Import this file again" in text_of(again)
    assert Response.objects.count() == 4
    confirmed = analyst_client.post(
        page_url(survey), {"file": upload("same.csv", data), "confirm_duplicate": "on"}
    )
    assert confirmed.status_code == 302
    assert Response.objects.count() == 8


def test_an_import_job_is_its_owners_alone(
    analyst_client: Client, survey: Survey, make_staff: Callable[..., User]
) -> None:
    response = analyst_client.post(
        page_url(survey), {"file": upload("r.csv", csv_file(VALID_ROWS))}
    )
    other = Client()
    other.force_login(make_staff("another-analyst", "analyst"))
    assert other.get(response["Location"]).status_code == 404


def test_an_oversized_upload_is_refused_clearly(
    analyst_client: Client, survey: Survey, settings: Settings
) -> None:
    """A file over IMPORT_MAX_UPLOAD_BYTES is refused with its limit, and nothing is stored."""
    settings.IMPORT_MAX_UPLOAD_BYTES = 100
    response = analyst_client.post(
        page_url(survey), {"file": upload("r.csv", csv_file(VALID_ROWS))}
    )
    assert response.status_code == 413
    assert "The selected file must be smaller than 100 bytes" in summary_of(response)
    assert Response.objects.count() == 0


def test_uploads_need_the_csrf_token(csrf_client: Client, analyst: User, survey: Survey) -> None:
    """A post without the page's CSRF token is refused and stores nothing."""
    csrf_client.force_login(analyst)
    response = csrf_client.post(page_url(survey), {"file": upload("r.csv", csv_file(VALID_ROWS))})
    assert response.status_code == 403
    assert Response.objects.count() == 0


def test_uploads_with_the_csrf_token_are_accepted(
    csrf_client: Client, analyst: User, survey: Survey
) -> None:
    """The page's own form, token included, imports."""
    csrf_client.force_login(analyst)
    page = csrf_client.get(page_url(survey))
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode())
    assert token is not None
    response = csrf_client.post(
        page_url(survey),
        {"csrfmiddlewaretoken": token.group(1), "file": upload("r.csv", csv_file(VALID_ROWS))},
    )
    assert response.status_code == 302
    assert Response.objects.count() == 4


def test_an_upload_declared_too_large_is_refused_before_it_is_read(
    analyst_client: Client, survey: Survey, settings: Settings
) -> None:
    """A request whose length is far over the limit is refused the same way."""
    settings.IMPORT_MAX_UPLOAD_BYTES = 1000
    data = csv_file([{**EMPLOYEE, "reference": f"R-{n}"} for n in range(2000)])
    assert len(data) > 64 * 1024 + 1000
    response = analyst_client.post(page_url(survey), {"file": upload("r.csv", data)})
    assert response.status_code == 413
    assert "The selected file must be smaller than 1000 bytes" in summary_of(response)
    assert Response.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "data"), [("r.csv", csv_file(VALID_ROWS)), ("r.xlsx", xlsx_of(VALID_ROWS))]
)
def test_uploads_spooled_to_disk_import_the_same(
    analyst_client: Client, survey: Survey, settings: Settings, name: str, data: bytes
) -> None:
    """A file too big to keep in memory (a temporary file on disk) imports like a small one."""
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    response = analyst_client.post(page_url(survey), {"file": upload(name, data)})
    assert response.status_code == 302
    assert Response.objects.filter(survey=survey).count() == len(VALID_ROWS)


def test_a_hostile_upload_gets_the_same_clear_refusal(
    analyst_client: Client, survey: Survey
) -> None:
    """The page's import (a background job) refuses what the command refuses, saying why."""
    data = b"mode,school_type\n" + b"," * 5_000_000 + b"\n"
    response = analyst_client.post(page_url(survey), {"file": upload("r.csv", data)}, follow=True)
    assert "longer than 64 KB" in text_of(response)
    assert Response.objects.count() == 0
