"""The worker's housekeeping: periodic jobs that delete what has outlived its use.

- expired sessions (what `manage.py clearsessions` does);
- finished jobs, with their folders under JOBS_ROOT, JOB_RETENTION_DAYS after they
  finished;
- the queue's (django-tasks-db's) finished task records, after the same number of
  days (what `manage.py prune_db_task_results` does, for every queue).

A job still queued or running, its folder and its task record are never touched.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from importlib import import_module

from django.conf import settings
from django.db.models.functions import Coalesce
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from .models import Job
from .runner import job_files_delete, periodic


def retention_cutoff() -> datetime:
    return timezone.now() - timedelta(days=settings.JOB_RETENTION_DAYS)


@periodic("clear_expired_sessions", every=timedelta(hours=1))
def clear_expired_sessions() -> None:
    """Delete expired sessions, as `clearsessions` does (a no-op for an engine that
    keeps none, such as signed cookies)."""
    engine = import_module(settings.SESSION_ENGINE)
    with contextlib.suppress(NotImplementedError):
        engine.SessionStore.clear_expired()


@periodic("delete_old_jobs", every=timedelta(hours=1))
def delete_old_jobs() -> int:
    """Delete jobs that finished more than JOB_RETENTION_DAYS ago, folder first: a
    folder that cannot be deleted keeps its job, to be tried again next time.
    The number of jobs deleted."""
    finished = (Job.Status.SUCCEEDED, Job.Status.FAILED)
    old = Job.objects.filter(status__in=finished, finished_at__lt=retention_cutoff())
    gone = []
    for job in old.only("pk").iterator():
        if job_files_delete(job):  # else the job is kept, to be tried again next time
            gone.append(job.pk)
    # Finished is final (no job goes back to the queue), but ask again all the same.
    deleted, _ = Job.objects.filter(pk__in=gone, status__in=finished).delete()
    return deleted


@periodic("delete_old_task_results", every=timedelta(hours=1))
def delete_old_task_results() -> int:
    """Delete the queue's records of tasks that finished more than JOB_RETENTION_DAYS
    ago, in every backend and queue (`prune_db_task_results` with --queue-name '*').
    A record failed by `jobs.runner` after its worker died may have no finish time:
    its time in the queue counts instead. The number deleted."""
    deleted, _ = (
        DBTaskResult.objects.finished()
        .alias(ended=Coalesce("finished_at", "enqueued_at"))
        .filter(ended__lte=retention_cutoff())
        .delete()
    )
    return deleted
