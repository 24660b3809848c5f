"""Background jobs: their pages, their ends, recovery after a worker stops, the
periodic jobs and the housekeeping; and an import that survives its worker being
killed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from jobs.job_handlers import clear_expired_sessions, delete_old_jobs, delete_old_task_results
from jobs.models import Job, PeriodicRun
from jobs.runner import (
    HANDLERS,
    PERIODIC,
    JobFailed,
    Progress,
    heartbeat,
    job_dir,
    job_file,
    job_path,
    job_start,
    recover_stalled,
    run_periodic,
)
from surveys.models import Response, Survey
from tests.database_urls import database_url
from tests.imports.files import EMPLOYEE, csv_file

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def handler() -> Iterator[Callable[..., None]]:
    """Register a throwaway job handler for one test."""
    added: list[str] = []

    def register(kind: str, function: Callable[[Job, Progress], None]) -> None:
        HANDLERS[kind] = function
        added.append(kind)

    yield register
    for kind in added:
        HANDLERS.pop(kind, None)


@pytest.mark.django_db
def test_a_job_that_cannot_be_done_fails_with_its_owners_message(handler, analyst: User) -> None:
    def refuse(job: Job, progress: Progress) -> None:
        progress.report(0.5, "Half way", force=True)
        raise JobFailed("The survey has closed, so nothing was sent.")

    handler("refuse", refuse)
    job = job_start(kind="refuse", title="Send reminders", owner=analyst)
    assert job.status == Job.Status.FAILED
    assert job.error == "The survey has closed, so nothing was sent."
    assert job.attempts == 1
    client = Client()
    client.force_login(analyst)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "The job failed" in page and "nothing was sent" in page


@pytest.mark.django_db
def test_an_error_in_a_job_is_a_clear_failure_not_a_traceback(handler, analyst: User) -> None:
    def crash(job: Job, progress: Progress) -> None:
        raise ZeroDivisionError("secret detail")

    handler("crash", crash)
    job = job_start(kind="crash", title="Crash", owner=analyst)
    assert job.status == Job.Status.FAILED
    assert "error in the service" in job.error
    assert "secret detail" not in job.error
    assert "Traceback" not in job.error


@pytest.mark.django_db
def test_a_failed_jobs_files_are_deleted_at_once(handler, analyst: User, tmp_path: Path) -> None:
    """Its upload (personal data, perhaps) and anything it wrote go when it fails,
    whether it refused (JobFailed) or broke; a job that succeeds keeps its folder."""

    def write_then(error: Exception | None) -> Callable[[Job, Progress], None]:
        def run(job: Job, progress: Progress) -> None:
            with job_file(job, "made.csv") as made:
                made.write(b"reference\n")
            if error is not None:
                raise error

        return run

    handler("refuse", write_then(JobFailed("No.")))
    handler("crash", write_then(ZeroDivisionError()))
    handler("fine", write_then(None))
    upload = tmp_path / "sample.csv"
    upload.write_bytes(b"reference,email\nR1,a@example.org\n")
    for kind, kept in (("refuse", False), ("crash", False), ("fine", True)):
        with upload.open("rb") as stream:
            job = job_start(
                kind=kind, title=kind, owner=analyst, upload=stream, upload_name="s.csv"
            )
        assert job_dir(job).exists() is kept, kind
        assert job_path(job, "input.csv").exists() is kept, kind


@pytest.mark.django_db
def test_a_job_that_fails_keeps_its_files_until_its_failure_is_recorded(
    analyst: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A crash before the failure is saved leaves the job to run again with its input;
    the files go only after the save."""
    from jobs import runner

    job = Job.objects.create(kind="count", title="Count", owner=analyst)
    with job_file(job, "input.csv") as upload:
        upload.write(b"reference\n")

    def crash(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(Job, "save", crash)
    with pytest.raises(RuntimeError):
        runner._finish(job, Job.Status.FAILED, error="No.")
    assert job_path(job, "input.csv").exists()
    monkeypatch.undo()
    runner._finish(job, Job.Status.FAILED, error="No.")
    assert Job.objects.get(pk=job.pk).status == Job.Status.FAILED
    assert not job_dir(job).exists()


@pytest.mark.django_db
def test_job_files_are_readable_by_the_services_user_alone(
    handler, analyst: User, tmp_path: Path
) -> None:
    """The upload and every file a job writes are 0600, in a 0700 folder."""

    def write(job: Job, progress: Progress) -> None:
        with job_file(job, "codes.csv") as made:
            made.write(b"reference,access_code,link\n")

    handler("write", write)
    upload = tmp_path / "sample.csv"
    upload.write_bytes(b"reference\nR1\n")
    previous = os.umask(0o022)  # what a service's default would leave readable
    try:
        with upload.open("rb") as stream:
            job = job_start(
                kind="write", title="w", owner=analyst, upload=stream, upload_name="s.csv"
            )
    finally:
        os.umask(previous)
    assert job.status == Job.Status.SUCCEEDED
    assert job_dir(job).stat().st_mode & 0o777 == 0o700
    for name in ("input.csv", "codes.csv"):
        assert job_path(job, name).stat().st_mode & 0o777 == 0o600, name


@pytest.mark.django_db(transaction=True)
def test_ready_stays_200_through_a_long_job_and_turns_503_once_the_worker_is_gone(
    handler, analyst: User, settings
) -> None:
    """A job that reports no progress for many times WORKER_SEEN_SECONDS (a long SQL
    statement, say) keeps its worker seen and its own heartbeat moving; once the
    worker stops beating, /readyz says so. (Seconds stand for minutes here.)"""
    settings.WORKER_SEEN_SECONDS = 1
    seen: list[int] = []
    beats: list[datetime] = []

    def slow(job: Job, progress: Progress) -> None:
        for _ in range(8):  # 4 s: four times the window
            time.sleep(0.5)
            seen.append(Client().get("/readyz").status_code)
            beats.append(Job.objects.get(pk=job.pk).heartbeat_at)

    handler("slow", slow)
    with heartbeat("worker-under-test", every=0.2):
        job = job_start(kind="slow", title="Slow", owner=analyst)
    assert job.status == Job.Status.SUCCEEDED
    assert seen == [200] * 8
    assert beats == sorted(beats) and beats[-1] - beats[0] >= timedelta(seconds=3)
    time.sleep(1.5)
    gone = Client().get("/readyz")
    assert (gone.status_code, gone.json()["worker"]) == (503, "not seen")


@pytest.mark.django_db
def test_a_job_page_shows_progress_and_refreshes_itself_until_it_ends(analyst: User) -> None:
    job = Job.objects.create(
        kind="x", title="Import big.csv", owner=analyst, status=Job.Status.RUNNING, progress=42,
        stage="Checked and stored 420,000 lines",
    )  # fmt: skip
    client = Client()
    client.force_login(analyst)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "42%" in page and "Checked and stored 420,000 lines" in page
    assert '<noscript><meta http-equiv="refresh"' in page
    assert 'src="/static/js/job.js"' in page
    state = client.get(f"/jobs/{job.pk}/status.json").json()
    assert state == {
        "status": "running",
        "status_label": "Running",
        "progress": 42,
        "stage": "Checked and stored 420,000 lines",
        "finished": False,
        "url": f"/jobs/{job.pk}/",
    }
    Job.objects.filter(pk=job.pk).update(status=Job.Status.SUCCEEDED, progress=100)
    done = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "refresh" not in done and "Finished" in done
    listing = client.get("/jobs/").content.decode()
    assert "Import big.csv" in listing


@pytest.mark.django_db
def test_a_job_is_seen_only_by_its_owner(analyst: User, make_staff) -> None:
    job = Job.objects.create(kind="x", title="Mine", owner=analyst)
    other = Client()
    other.force_login(make_staff("someone-else", "analyst"))
    for url in (f"/jobs/{job.pk}/", f"/jobs/{job.pk}/status.json", f"/jobs/{job.pk}/download/"):
        assert other.get(url).status_code == 404
    assert Client().get(f"/jobs/{job.pk}/").status_code == 302  # signed out: sign in


@pytest.mark.django_db
def test_a_stalled_job_is_run_again_and_given_up_after_its_attempts(
    handler, analyst: User, settings, django_capture_on_commit_callbacks
) -> None:
    runs: list[str] = []
    handler("count", lambda job, progress: runs.append(job.title))
    job = Job.objects.create(kind="count", title="Count", owner=analyst)
    stale = timezone.now() - timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, heartbeat_at=stale, attempts=1)
    assert recover_stalled() == 1  # queued again, and (at once, in tests) run
    job.refresh_from_db()
    assert (job.status, job.attempts, runs) == (Job.Status.SUCCEEDED, 2, ["Count"])
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, heartbeat_at=stale, attempts=settings.JOB_MAX_ATTEMPTS
    )
    job_dir(job).mkdir(parents=True, exist_ok=True)
    with django_capture_on_commit_callbacks() as callbacks:
        assert recover_stalled() == 0
        assert job_dir(job).exists()  # not before the failure is committed
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "stopped 3 times" in job.error
    for callback in callbacks:
        callback()
    assert not job_dir(job).exists()  # given up: its files go once that is committed
    fresh = Job.objects.create(
        kind="count", title="Fresh", status=Job.Status.RUNNING, heartbeat_at=timezone.now()
    )
    assert recover_stalled() == 0
    fresh.refresh_from_db()
    assert fresh.status == Job.Status.RUNNING


@pytest.mark.django_db
def test_a_periodic_job_runs_once_per_time_slot_however_many_workers_ask() -> None:
    now = timezone.now()
    first = run_periodic(now=now)
    assert "recover_stalled_jobs" in first
    assert "recover_stalled_jobs" not in run_periodic(now=now)
    assert "recover_stalled_jobs" in run_periodic(now=now + timedelta(seconds=31))
    assert PeriodicRun.objects.filter(name="recover_stalled_jobs").count() == 2


# Housekeeping: what has outlived its use goes; what is queued or running stays.


def test_the_housekeeping_is_scheduled() -> None:
    assert {"clear_expired_sessions", "delete_old_jobs", "delete_old_task_results"} <= set(PERIODIC)


@pytest.mark.django_db
def test_old_finished_jobs_and_their_folders_go_recent_and_unfinished_ones_stay(
    analyst: User, settings, tmp_path: Path
) -> None:
    settings.JOBS_ROOT = tmp_path
    old = timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS + 1)
    recent = timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS - 1)

    def made(title: str, status: str, *, created: datetime, finished: datetime | None) -> Job:
        job = Job.objects.create(
            kind="x", title=title, owner=analyst, status=status, created_at=created,
            finished_at=finished, input_file="input.csv",
        )  # fmt: skip
        job_dir(job).mkdir(parents=True)
        job_path(job, "input.csv").write_text("reference\n")
        return job

    gone = [
        made("Old success", Job.Status.SUCCEEDED, created=old, finished=old),
        made("Old failure", Job.Status.FAILED, created=old, finished=old),
    ]
    kept = [
        made("Recent success", Job.Status.SUCCEEDED, created=old, finished=recent),
        made("Old but running", Job.Status.RUNNING, created=old, finished=None),
        made("Old but queued", Job.Status.QUEUED, created=old, finished=None),
    ]
    # Only a finished status lets a job go, whatever its times say.
    kept.append(made("Running again", Job.Status.RUNNING, created=old, finished=old))
    assert delete_old_jobs() == 2
    assert set(Job.objects.values_list("title", flat=True)) == {job.title for job in kept}
    assert not any(job_dir(job).exists() for job in gone)
    assert all(job_path(job, "input.csv").is_file() for job in kept)
    # A finished job whose folder is already gone goes all the same.
    Job.objects.filter(title="Recent success").update(finished_at=old)
    shutil.rmtree(job_dir(kept[0]))
    assert delete_old_jobs() == 1


@pytest.mark.django_db
def test_expired_sessions_go_and_live_ones_stay(analyst: User) -> None:
    client = Client()
    client.force_login(analyst)
    live = client.session.session_key
    Session.objects.create(
        session_key="x" * 32, session_data="", expire_date=timezone.now() - timedelta(seconds=1)
    )
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live]
    assert client.get("/jobs/").status_code == 200  # still signed in


@pytest.mark.django_db
def test_the_queues_old_finished_task_records_go_and_the_rest_stay(settings) -> None:
    old = timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS + 1)
    recent = timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS - 1)

    def record(status: str, finished: datetime | None, *, queued: datetime = old) -> str:
        result = DBTaskResult.objects.create(
            status=status, finished_at=finished, args_kwargs={"args": [], "kwargs": {}},
            task_path="jobs.runner.run_job", backend_name="default", run_after=old,
        )  # fmt: skip
        DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=queued)
        return str(result.pk)

    gone = {
        record("SUCCESSFUL", old),
        record("FAILED", old),
        record("FAILED", None),  # failed by recover_stalled before it stamped a finish
    }
    kept = {
        record("SUCCESSFUL", recent),
        record("FAILED", None, queued=recent),
        record("RUNNING", None),
        record("READY", None),
    }
    assert delete_old_task_results() == len(gone)
    assert {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)} == kept


# A real worker, killed in the middle of an import.


def worker(*extra: str) -> subprocess.Popen[bytes]:
    url = database_url()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "SEB_TEST_TASKS": "database",
    }
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--interval", "0.2", *extra],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(ROOT / "var" / "test-worker.log").open("ab"),
    )


def wait_for(condition: Callable[[], bool], *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the worker did not get there in time")
        time.sleep(0.1)


# Enough lines that the import is still running when the worker is killed.
ROWS = 300_000


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}})
def test_an_import_whose_worker_is_killed_is_not_applied_and_then_runs_again(
    make_survey, analyst: User, tmp_path: Path
) -> None:
    """Kill -9 the worker mid-import: nothing of the file is stored; the job is taken
    back and run again by another worker, which imports every line."""
    survey: Survey = make_survey()
    data = tmp_path / "big.csv"
    data.write_bytes(csv_file([{**EMPLOYEE, "reference": f"R-{n}"} for n in range(ROWS)]))
    with data.open("rb") as upload:
        job = job_start(
            kind="import_responses",
            title="Import big.csv",
            owner=analyst,
            params={"survey_id": survey.pk, "format": "csv", "file_name": "big.csv"},
            upload=upload,
            upload_name="big.csv",
        )
    first = worker()
    try:
        wait_for(
            lambda: Job.objects.filter(
                pk=job.pk, status=Job.Status.RUNNING, progress__gt=0
            ).exists(),
            seconds=120,
        )
    finally:
        first.send_signal(signal.SIGKILL)
        first.wait()
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING
    assert Response.objects.filter(survey=survey).count() == 0  # rolled back with the worker
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    second = worker()
    try:
        wait_for(lambda: Job.objects.get(pk=job.pk).is_finished, seconds=300)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=60)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.error
    assert job.attempts == 2
    assert job.result["imported"] == ROWS
    assert Response.objects.filter(survey=survey).count() == ROWS
