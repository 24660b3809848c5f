"""Running jobs: the handlers, progress, failure, recovery and the periodic jobs.

An app declares what its jobs do in its `job_handlers` module:

    @job_handler("import_responses")
    def import_responses(job: Job, progress: Progress) -> None: ...

    @periodic("abandon_responses", every=timedelta(minutes=15))
    def abandon() -> None: ...

The jobs app's own periodic jobs are here (taking back stalled jobs) and in
`jobs.job_handlers` (the housekeeping: old sessions, jobs and task records).

`job_start` records a job and queues it; a worker (`manage.py run_worker`) runs
it. A handler reports progress as it goes (which also says the worker is alive),
sets the job's result, and raises `JobFailed` with a message for the job's owner
when the job cannot be done.

A job's files (its upload, what it made for download) live in a folder of its own
under JOBS_ROOT that only the service's user can open (0700, files 0600: they hold
personal data and codes); a job that fails loses its folder at once.

Handlers must be safe to run again from the start:
a job whose worker stops is run again (`recover_stalled`), so each either does
all its work in one transaction or skips what a previous run finished.
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any, Final

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, connections, transaction
from django.utils import timezone
from django_tasks import task

from .models import Job, PeriodicRun, WorkerBeat

logger = logging.getLogger(__name__)

REPORT_EVERY_SECONDS: Final = 1.0
FOLDER_MODE: Final = 0o700
FILE_MODE: Final = 0o600
UNEXPECTED: Final = (
    "The job stopped because of an error in the service. Nothing was changed. "
    "Try again, and if it happens again tell the service's administrator."
)

Handler = Callable[[Job, "Progress"], None]
HANDLERS: dict[str, Handler] = {}
# The jobs this process is running now (a worker runs one at a time): the heartbeat
# moves theirs.
RUNNING: set[Any] = set()


@dataclass(frozen=True, slots=True)
class Periodic:
    name: str
    every: timedelta
    function: Callable[[], object]


PERIODIC: dict[str, Periodic] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def register(function: Handler) -> Handler:
        HANDLERS[kind] = function
        return function

    return register


def periodic(
    name: str, *, every: timedelta
) -> Callable[[Callable[[], object]], Callable[[], object]]:
    def register(function: Callable[[], object]) -> Callable[[], object]:
        PERIODIC[name] = Periodic(name=name, every=every, function=function)
        return function

    return register


class JobFailed(Exception):
    """The job cannot be done; `message` tells its owner why, and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def jobs_root() -> Path:
    return Path(settings.JOBS_ROOT)


def job_dir(job: Job) -> Path:
    return jobs_root() / str(job.pk)


def job_path(job: Job, name: str) -> Path:
    """A file of the job's own (`name` is relative to the job's folder)."""
    path = (job_dir(job) / name).resolve()
    if job_dir(job).resolve() not in path.parents:
        raise ValueError("a job's file stays in its folder")
    return path


def job_file(job: Job, name: str) -> IO[bytes]:
    """A file of the job's own, opened for writing (made or emptied), that only the
    service's user can read (FILE_MODE, in a FOLDER_MODE folder)."""
    path = job_path(job, name)
    folder = job_dir(job)
    folder.mkdir(mode=FOLDER_MODE, parents=True, exist_ok=True)
    folder.chmod(FOLDER_MODE)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    os.fchmod(descriptor, FILE_MODE)  # a file made before keeps its mode otherwise
    return os.fdopen(descriptor, "wb")


def job_files_delete(job: Job) -> bool:
    """Delete the job's folder and every file in it; whether it is gone (no folder is
    gone too). A folder that cannot be deleted is logged."""
    try:
        shutil.rmtree(job_dir(job))
    except FileNotFoundError:
        pass
    except OSError:
        logger.exception("Could not delete the folder of job %s", job.pk)
        return False
    return True


class Progress:
    """Reports how far a job has got, at most once a second.

    Written through the `JOBS_PROGRESS_DATABASE` connection, so the report is seen
    at once even while the job's own work is inside a long transaction.
    """

    def __init__(self, job: Job) -> None:
        self.job_id = job.pk
        self.last = 0.0

    def report(self, fraction: float, stage: str, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self.last < REPORT_EVERY_SECONDS:
            return
        self.last = now
        Job.objects.using(settings.JOBS_PROGRESS_DATABASE).filter(pk=self.job_id).update(
            progress=max(0, min(99, int(fraction * 100))),
            stage=stage[:300],
            heartbeat_at=timezone.now(),
        )


def job_start(
    *,
    kind: str,
    title: str,
    owner: AbstractBaseUser | None,
    params: dict[str, Any] | None = None,
    upload: IO[bytes] | None = None,
    upload_name: str = "",
) -> Job:
    """Record a job (with its uploaded file, if any) and queue it."""
    if kind not in HANDLERS:
        raise ValueError(f"no handler for {kind!r}")
    job = Job.objects.create(kind=kind, title=title[:300], owner=owner, params=params or {})
    if upload is not None:
        name = "input" + Path(upload_name).suffix.lower()[:10]
        upload.seek(0)
        with job_file(job, name) as target:
            shutil.copyfileobj(upload, target, 1024 * 1024)
        job.input_file = name
        job.save(update_fields=["input_file"])
    _enqueue(job)
    job.refresh_from_db()
    return job


def _enqueue(job: Job) -> None:
    result = run_job.enqueue(str(job.pk))
    Job.objects.filter(pk=job.pk).update(task_id=str(result.id))


@task()
def run_job(job_id: str) -> None:
    """The one task the queue runs: look the job up and run its handler."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.is_finished or job.status == Job.Status.RUNNING:
            return
        now = timezone.now()
        job.status = Job.Status.RUNNING
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "heartbeat_at", "attempts"])
    handler = HANDLERS[job.kind]
    RUNNING.add(job.pk)
    try:
        handler(job, Progress(job))
    except JobFailed as failure:
        _finish(job, Job.Status.FAILED, error=failure.message)
    except Exception:
        logger.exception("Job %s (%s) failed", job.pk, job.kind)
        _finish(job, Job.Status.FAILED, error=UNEXPECTED)
    else:
        _finish(job, Job.Status.SUCCEEDED)
    finally:
        RUNNING.discard(job.pk)


def _finish(job: Job, status: str, *, error: str = "") -> None:
    job.status = status
    job.error = error
    job.finished_at = timezone.now()
    job.heartbeat_at = job.finished_at
    if status == Job.Status.SUCCEEDED:
        job.progress = 100
        job.stage = "Finished"
    else:
        job.output_file = ""
    job.save(
        update_fields=[
            "status",
            "error",
            "finished_at",
            "heartbeat_at",
            "progress",
            "stage",
            "result",
            "output_file",
            "output_name",
            "output_type",
        ]
    )
    if status != Job.Status.SUCCEEDED:
        # Nothing of a failed job is offered for download: its upload (personal data,
        # perhaps) goes now, not when the job itself is deleted. Only once the job is
        # recorded as failed: a crash before that leaves a job to run again with its
        # input, and one after it leaves files the daily clean-up removes.
        job_files_delete(job)


def recover_stalled(*, now: datetime | None = None) -> int:
    """Run again every job whose worker stopped beating (killed, or its machine lost),
    up to JOB_MAX_ATTEMPTS times; the number of jobs taken back."""
    now = now or timezone.now()
    stale = now - timedelta(seconds=settings.JOB_STALE_SECONDS)
    taken = 0
    for job in Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=stale):
        with transaction.atomic():
            locked = Job.objects.select_for_update(skip_locked=True).filter(pk=job.pk).first()
            if locked is None or locked.status != Job.Status.RUNNING:
                continue
            _abandon_task(locked.task_id)
            if locked.attempts >= settings.JOB_MAX_ATTEMPTS:
                locked.status = Job.Status.FAILED
                locked.error = (
                    f"The job stopped {locked.attempts} times before it could finish, so it "
                    "was not tried again. Nothing was changed. Try again later."
                )
                locked.finished_at = now
                locked.save(update_fields=["status", "error", "finished_at"])
                # Its files go once it is recorded as failed (a failed commit keeps both).
                transaction.on_commit(lambda failed=locked: job_files_delete(failed))
                continue
            locked.status = Job.Status.QUEUED
            locked.stage = "Starting again: the worker running it stopped"
            locked.progress = 0
            locked.save(update_fields=["status", "stage", "progress"])
            _enqueue(locked)
            taken += 1
    return taken


def _abandon_task(task_id: str) -> None:
    """Mark the queue's record of a task whose worker died as failed (and finished, so
    the housekeeping deletes it in time), so no one waits on it."""
    try:
        key = uuid.UUID(task_id)
    except ValueError:
        return  # not a task of the database backend
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=key, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )


def run_periodic(*, now: datetime | None = None) -> list[str]:
    """Run each periodic job whose time slot has come and no worker has run yet;
    the names of those run."""
    now = now or timezone.now()
    ran = []
    for name, job in PERIODIC.items():
        slot = int(now.timestamp() // job.every.total_seconds())
        try:
            with transaction.atomic():
                PeriodicRun.objects.create(name=name, slot=slot)
        except IntegrityError:
            continue
        try:
            job.function()
        except Exception:
            logger.exception("Periodic job %s failed", name)
        ran.append(name)
    PeriodicRun.objects.filter(created_at__lt=now - timedelta(days=2)).delete()
    return ran


@periodic("recover_stalled_jobs", every=timedelta(seconds=30))
def _recover() -> None:
    recover_stalled()


def beat(worker_id: str) -> None:
    """Say this worker is alive (the readiness check looks for a recent beat), and
    that the jobs it is running are still running."""
    now = timezone.now()
    WorkerBeat.objects.update_or_create(worker_id=worker_id, defaults={"seen_at": now})
    if running := list(RUNNING):
        Job.objects.filter(pk__in=running, status=Job.Status.RUNNING).update(heartbeat_at=now)


@contextmanager
def heartbeat(worker_id: str, *, every: float | None = None) -> Iterator[None]:
    """Beat for `worker_id` every `every` seconds (WORKER_BEAT_SECONDS) from a thread
    of its own, with its own database connection, for as long as the block runs:
    through a long job as between jobs. The thread stops with the block, or with
    the process (so a worker that is gone stops being seen)."""
    interval = settings.WORKER_BEAT_SECONDS if every is None else every
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.wait(interval):
                try:
                    beat(worker_id)
                except Exception:
                    logger.exception("Worker %s could not beat", worker_id)
                    connections.close_all()  # a dropped connection is made again
        finally:
            connections.close_all()

    beat(worker_id)  # seen from the start, whatever the thread's first moment
    thread = threading.Thread(target=run, name=f"heartbeat-{worker_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=interval + 30)


def worker_seen_since(moment: datetime) -> bool:
    return WorkerBeat.objects.filter(seen_at__gte=moment).exists()
