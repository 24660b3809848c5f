"""An import through the page, run by a real background worker: the analyst watches its
progress, leaves, and comes back to the finished report."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.test import override_settings
from playwright.sync_api import Page, expect

from surveys.access import ANALYST
from surveys.models import Response, Survey
from tests.browser.conftest import assert_no_axe_violations
from tests.conftest import granted_every_survey
from tests.imports.files import EMPLOYEE, csv_file
from tests.test_jobs import worker

pytestmark = pytest.mark.browser

PASSWORD = "a-long-analyst-password-for-tests"
ROWS = 5_000


@pytest.fixture
def running_worker(transactional_db: None) -> Iterator[None]:
    with override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}):
        process = worker()
        try:
            yield
        finally:
            process.terminate()
            process.wait(timeout=60)


def sign_in(page: Page) -> None:
    page.goto("/staff/login/")
    page.get_by_label("Username").fill("job-analyst")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Surveys", level=1)).to_be_visible()


def test_an_upload_shows_its_progress_then_its_report_even_after_the_browser_closed(
    new_page: Callable[..., Page],
    make_survey: Callable[..., Survey],
    running_worker: None,
    tmp_path: Path,
) -> None:
    user = User.objects.create_user(username="job-analyst", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    granted_every_survey(user)
    survey = make_survey("uploads")
    data = tmp_path / "big.csv"
    data.write_bytes(csv_file([{**EMPLOYEE, "reference": f"R-{n}"} for n in range(ROWS)]))

    page = new_page()
    sign_in(page)
    page.goto(f"/analysis/{survey.slug}/import/")
    page.get_by_label("Upload a file").set_input_files(str(data))
    page.get_by_role("button", name="Import responses").click()
    expect(page.get_by_role("heading", name=f"Import big.csv into {survey.name}")).to_be_visible()
    assert_no_axe_violations(page)
    page.context.close()  # the analyst leaves; the job carries on (or has finished)

    later = new_page()
    sign_in(later)
    later.goto("/jobs/")
    later.get_by_role("link", name=f"Import big.csv into {survey.name}").click()
    expect(later.get_by_text(f"{ROWS:,} responses imported into {survey.name}")).to_be_visible(
        timeout=120_000
    )
    assert_no_axe_violations(later)
    assert Response.objects.filter(survey=survey).count() == ROWS


def test_the_progress_page_follows_a_running_job_in_place_then_shows_its_result(
    new_page: Callable[..., Page], transactional_db: None
) -> None:
    user = User.objects.create_user(username="job-analyst", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    granted_every_survey(user)
    from jobs.models import Job

    job = Job.objects.create(
        kind="import_responses", title="Import r.csv", owner=user, status=Job.Status.RUNNING
    )
    page = new_page()
    sign_in(page)
    page.goto(f"/jobs/{job.pk}/")
    expect(page.locator("#job-status")).to_have_text("Running")
    page.evaluate("window.stillThisPage = true")  # gone if the page reloads
    # The job moves on (as a worker would report it); the page's script shows it in place.
    Job.objects.filter(pk=job.pk).update(progress=40, stage="Checked and stored 40,000 lines")
    expect(page.locator("#job-stage")).to_have_text("Checked and stored 40,000 lines")
    expect(page.locator("#job-progress")).to_have_attribute("value", "40")
    expect(page.locator("#job-progress-text")).to_have_text("40%")
    assert page.evaluate("window.stillThisPage") is True
    assert_no_axe_violations(page)
    # When it finishes, the page reloads to show the result.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress=100)
    expect(page.get_by_role("heading", name="Finished")).to_be_visible()


def test_without_javascript_the_progress_page_reloads_itself(
    new_page: Callable[..., Page], make_survey: Callable[..., Survey], running_worker: None
) -> None:
    user = User.objects.create_user(username="job-analyst", password=PASSWORD)
    user.groups.add(Group.objects.get_or_create(name=ANALYST)[0])
    granted_every_survey(user)
    from jobs.models import Job

    job = Job.objects.create(
        kind="import_responses", title="Import r.csv", owner=user, status=Job.Status.RUNNING
    )
    page = new_page(java_script_enabled=False)
    sign_in(page)
    page.goto(f"/jobs/{job.pk}/")
    expect(page.get_by_text("Running: 0% done")).to_be_visible()
    Job.objects.filter(pk=job.pk).update(progress=40, stage="Checked and stored 40,000 lines")
    # No script runs here: only the page's own refresh can show the new figure.
    expect(page.get_by_text("40% done")).to_be_visible(timeout=15_000)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress=100)
    expect(page.get_by_role("heading", name="Finished")).to_be_visible(timeout=15_000)
